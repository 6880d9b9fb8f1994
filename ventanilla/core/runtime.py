"""Process-wide tuning of the web server processes."""

from __future__ import annotations

import gc

from django.conf import settings


def tune_garbage_collector() -> None:
    """Collect the youngest generation less often, and leave what is loaded
    by now (modules, URL patterns, compiled templates) out of collections.

    Called once the WSGI application is loaded (``config.wsgi``);
    ``VENTANILLA_GC_THRESHOLD`` = 0 leaves Python's defaults.
    """
    threshold = settings.VENTANILLA_GC_THRESHOLD
    if threshold <= 0:
        return
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(threshold, middle, old)
