"""Ventanilla settings: one module, every value from the environment.

Each variable is documented with its default in ``.env.example``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VENTANILLA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("VENTANILLA_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    # The embedded demo needs no configuration; production sets SECRET_KEY.
    SECRET_KEY = "ventanilla-insecure-demo-key-set-SECRET_KEY-in-production"  # noqa: S105
# Stored secrets we hand to other servers (IMAP passwords) are encrypted
# under this key (SECRET_KEY when empty); old keys still decrypt after a
# rotation.
VENTANILLA_SEALING_KEY = env_secret("VENTANILLA_SEALING_KEY", "")
VENTANILLA_OLD_SEALING_KEYS = env_list("VENTANILLA_OLD_SEALING_KEYS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ventanilla.core",
    "ventanilla.directory",
    "ventanilla.pipelines",
    "ventanilla.tickets",
    "ventanilla.channels.mail",
    "ventanilla.demo",
    "ventanilla.routing",
    "ventanilla.sla",
    "ventanilla.jobs",
    "ventanilla.desk",
    "ventanilla.portal",
    "ventanilla.api",
    "ventanilla.webhooks",
    "ventanilla.crm",
    "ventanilla.notifications",
    "ventanilla.channels.webform",
    "ventanilla.search",
    "ventanilla.agenda",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ventanilla.core.configuration.StampPerRequest",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    """Turn DATABASE_URL into Django's DATABASES entry.

    SQLite gets WAL, IMMEDIATE transactions (writers queue instead of failing
    on lock upgrade) and a busy timeout; PostgreSQL uses psycopg 3.
    """
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # Durability, stated on purpose: in WAL mode, synchronous=NORMAL
        # keeps the database consistent and survives any crash of the
        # application, but a power loss (or OS crash) may undo the last
        # commits. That is accepted for ordinary writes. It is NOT accepted
        # for the one commit after which a sender is told "stored" (SMTP
        # 250, pipe exit 0, HTTP 202, an IMAP message flagged as imported):
        # channels.mail.ingest stores raw mail with synchronous=FULL for
        # that commit (ingest._durable), which also syncs every earlier
        # commit. FULL everywhere would cost one fsync (~4 ms here) per
        # write of every page and job.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 5,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=5000;PRAGMA foreign_keys=ON;"
            ),
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 0)
        # Nothing streams a result too large for memory through
        # ``QuerySet.iterator()``; without this, every select of a form
        # costs three round trips (DECLARE, FETCH, CLOSE) instead of one.
        # It is also what a transaction-pooling PgBouncer requires.
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL: unsupported engine {config['ENGINE']}"
        )
    return config


DATABASES = {
    "default": _database(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ventanilla.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"  # noqa: E501
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "desk:login"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "es")
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "America/Lima")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded and mailed attachments live outside the web root and are only
# served through views that check access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Sign-in throttling and "who else has this ticket open" live in the cache:
# a directory shared by every process of the installation by default.
CACHES = {
    "default": {
        "BACKEND": env_str(
            "CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache"
        ),
        "LOCATION": env_str("CACHE_LOCATION", str(VAR_DIR / "cache")),
    }
}

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ventanilla@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (the demo).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "sent-mail"))

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Upper bound of one stored attachment, in bytes.
VENTANILLA_MAX_ATTACHMENT_BYTES = env_int(
    "VENTANILLA_MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024
)
# Mail from one sender beyond this many messages in the window is a storm:
# kept, never turned into tickets (R-CAP-6).
VENTANILLA_MAIL_STORM_MAX = env_int("VENTANILLA_MAIL_STORM_MAX", 20)
VENTANILLA_MAIL_STORM_WINDOW_MINUTES = env_int(
    "VENTANILLA_MAIL_STORM_WINDOW_MINUTES", 10
)
# Largest raw message the ingress paths accept, in bytes.
VENTANILLA_MAX_INBOUND_BYTES = env_int("VENTANILLA_MAX_INBOUND_BYTES", 50 * 1024 * 1024)
# Lifecycle jobs run by `ventanilla worker` (R-WF-3, R-WF-6, R-SLA-3).
VENTANILLA_AUTO_CLOSE_AFTER_HOURS = env_int("VENTANILLA_AUTO_CLOSE_AFTER_HOURS", 72)
VENTANILLA_AUTO_CLOSE_SCAN_SECONDS = env_int("VENTANILLA_AUTO_CLOSE_SCAN_SECONDS", 300)
VENTANILLA_SLA_SCAN_SECONDS = env_int("VENTANILLA_SLA_SCAN_SECONDS", 60)
VENTANILLA_IMAP_POLL_SECONDS = env_int("VENTANILLA_IMAP_POLL_SECONDS", 60)
VENTANILLA_REVIEW_TIMES = env_list(
    "VENTANILLA_REVIEW_TIMES", ["09:00", "12:00", "16:00"]
)
# First human ticket number of a new installation (#10001, #10002, ...).
VENTANILLA_FIRST_TICKET_NUMBER = env_int("VENTANILLA_FIRST_TICKET_NUMBER", 10001)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# -- REST API and outbound webhooks ---------------------------------------
# Requests one API token (or signed-in user) may make per minute; 429 beyond.
VENTANILLA_API_RATE_PER_MINUTE = env_int("VENTANILLA_API_RATE_PER_MINUTE", 600)
# Webhooks are never sent to loopback, private or link-local addresses
# unless this is set (a test server on the same machine, an intranet).
VENTANILLA_WEBHOOKS_ALLOW_PRIVATE = env_bool("VENTANILLA_WEBHOOKS_ALLOW_PRIVATE", False)
VENTANILLA_WEBHOOKS_TIMEOUT_SECONDS = env_int("VENTANILLA_WEBHOOKS_TIMEOUT_SECONDS", 10)
# Attempts per event and subscription; the wait doubles after each failure.
VENTANILLA_WEBHOOKS_MAX_ATTEMPTS = env_int("VENTANILLA_WEBHOOKS_MAX_ATTEMPTS", 6)
VENTANILLA_WEBHOOKS_RETRY_BASE_SECONDS = env_int(
    "VENTANILLA_WEBHOOKS_RETRY_BASE_SECONDS", 30
)

# -- Customer portal, notifications and web form --------------------------
# A one-time sign-in link mailed to a portal user expires after this long.
VENTANILLA_PORTAL_LINK_MINUTES = env_int("VENTANILLA_PORTAL_LINK_MINUTES", 15)
# Slug of the pipeline portal requests open in; empty: the triage pipeline.
VENTANILLA_PORTAL_PIPELINE = env_str("VENTANILLA_PORTAL_PIPELINE", "")
VENTANILLA_PORTAL_PAGE_SIZE = env_int("VENTANILLA_PORTAL_PAGE_SIZE", 25)
# R-POR-3: "full" mails the agent's reply; "link" only links to the portal.
VENTANILLA_NOTIFY_MODE = env_str("VENTANILLA_NOTIFY_MODE", "full")
if VENTANILLA_NOTIFY_MODE not in {"full", "link"}:
    raise ImproperlyConfigured("VENTANILLA_NOTIFY_MODE must be 'full' or 'link'")
# How long the satisfaction survey link of a resolved ticket stays valid.
VENTANILLA_CSAT_DAYS = env_int("VENTANILLA_CSAT_DAYS", 30)
# Web form (R-CAP-8): submissions per client address and per email address
# within the window (fixed windows of this many minutes, at most two days:
# ``core.ratelimit``), and how long a rendered form may be submitted.
VENTANILLA_WEBFORM_MAX_PER_IP = env_int("VENTANILLA_WEBFORM_MAX_PER_IP", 10)
VENTANILLA_WEBFORM_MAX_PER_EMAIL = env_int("VENTANILLA_WEBFORM_MAX_PER_EMAIL", 5)
VENTANILLA_WEBFORM_WINDOW_MINUTES = env_int("VENTANILLA_WEBFORM_WINDOW_MINUTES", 60)
VENTANILLA_WEBFORM_TOKEN_MINUTES = env_int("VENTANILLA_WEBFORM_TOKEN_MINUTES", 120)

# -- Desk: search results and the "breaching SLA" queue ----------
# A ticket whose SLA falls due within this many minutes joins the queue.
VENTANILLA_DESK_SLA_WARNING_MINUTES = env_int("VENTANILLA_DESK_SLA_WARNING_MINUTES", 60)
# The search results page shows the best this-many matches, by rank.
VENTANILLA_DESK_SEARCH_RESULTS = env_int("VENTANILLA_DESK_SEARCH_RESULTS", 50)
# ... ranked among the newest this-many matching tickets (a query matching
# more says so and links to the queue filter that pages through them all).
VENTANILLA_DESK_SEARCH_CANDIDATES = env_int("VENTANILLA_DESK_SEARCH_CANDIDATES", 100)
# The sidebar's queue counts are reused for this many seconds (0: never).
VENTANILLA_DESK_NAV_CACHE_SECONDS = env_int("VENTANILLA_DESK_NAV_CACHE_SECONDS", 15)

# -- Web server processes
# Objects allocated before the youngest garbage-collector generation is
# collected (Python's default is 700). A desk page allocates tens of
# thousands of short-lived objects, and the default ran a collection every
# few hundred, enough to push the slowest pages' times up by a fifth
# (bench/RESULTS.md). 0 leaves Python's default. The objects loaded at
# start are also frozen out of the collector (``gc.freeze``).
VENTANILLA_GC_THRESHOLD = env_int("VENTANILLA_GC_THRESHOLD", 50_000)
