"""Tuning of the server processes."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ventanilla.core.runtime import tune_garbage_collector


@pytest.fixture
def restore_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)
    gc.unfreeze()


def test_the_youngest_generation_is_collected_less_often(settings, restore_gc):
    settings.VENTANILLA_GC_THRESHOLD = 12_345
    _, middle, old = gc.get_threshold()
    tune_garbage_collector()
    assert gc.get_threshold() == (12_345, middle, old)
    assert gc.get_freeze_count() > 0


def test_zero_leaves_pythons_defaults(settings, restore_gc):
    settings.VENTANILLA_GC_THRESHOLD = 0
    gc.unfreeze()
    before = gc.get_threshold()
    tune_garbage_collector()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_wsgi_module_tunes_the_process(settings, restore_gc):
    import importlib

    import config.wsgi

    settings.VENTANILLA_GC_THRESHOLD = 23_456
    importlib.reload(config.wsgi)
    assert gc.get_threshold()[0] == 23_456
