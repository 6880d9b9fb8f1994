import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from ventanilla.core.runtime import tune_garbage_collector  # noqa: E402

tune_garbage_collector()
