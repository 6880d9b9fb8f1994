"""Test settings: the production settings with the speed knobs turned."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The manifest storage needs collectstatic; live_server tests serve from finders.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "es"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# WhiteNoise serves from STATIC_ROOT and warns when it is missing; tests
# serve from the finders, so an empty directory is enough.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
