"""Accord's one settings module: every deployment differs only in its environment variables.

Each variable is listed in `.env.example` and the README.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from accord.lib.env import email_settings, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent

DEBUG = env_bool("DEBUG", False)
# `accord demo` sets ACCORD_DEMO: a server on loopback with the development conveniences (a secret key
# kept in the data directory, plain HTTP, static files served from the source tree) but with DEBUG off,
# so that a signed-in user sees Accord's own error pages, never Django's debug pages.
DEMO = env_bool("ACCORD_DEMO", False)
DEVELOPMENT = DEBUG or DEMO
DATA_DIR = Path(env_str("ACCORD_DATA_DIR", "var")).resolve()


SECRET_KEY_MIN_LENGTH = 50  # as Django's deploy check (security.W009) asks


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if not DEVELOPMENT and not key:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    if not DEVELOPMENT and (len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < 5):
        # A short key is guessable; sessions, password-reset links and signed cookies rest on it.
        raise ImproperlyConfigured(
            f"SECRET_KEY is too short or too simple: use at least {SECRET_KEY_MIN_LENGTH} random characters "
            'when DEBUG is off, e.g. python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )
    if key:
        return key
    # Development only: one random key kept in the data directory, so sessions survive restarts.
    path = DATA_DIR / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEVELOPMENT else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_tasks",
    "django_tasks_db",
    "django_countries",
    "accord.accounts",
    "accord.parties",
    "accord.audit",
    "accord.attachments",
    "accord.register",
    "accord.operations",
    "accord.measurements",
    "accord.meetings",
    "accord.expectations",
    "accord.feedback",
    "accord.reports",
    "accord.system",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accord.lib.headers.SecurityHeadersMiddleware",  # CSP everywhere; no-store but on static files
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accord.accounts.middleware.UserLocaleMiddleware",  # the person's language and time zone
    "accord.api.middleware.ApiErrorShapeMiddleware",
    # Last, so its 413 gets the API's error shape; it still runs before any view, form or CSRF check
    # reads the body (they all run after every middleware's first half).
    "accord.lib.bodysize.BodySizeLimitMiddleware",
]

ROOT_URLCONF = "accord.urls"
WSGI_APPLICATION = "accord.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accord.parties.context_processors.navigation",
            ],
        },
    },
]

# --- Database: embedded SQLite by default, PostgreSQL through DATABASE_URL. ---------------------
_sqlite_path = DATA_DIR / "accord.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{_sqlite_path}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if not env_str("DATABASE_URL"):
        DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives here
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # How long a writer waits for SQLite's one write lock before "database is locked" (seconds).
    _busy_timeout = env_int("ACCORD_SQLITE_BUSY_TIMEOUT", 60)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN,
        # so concurrent writers wait (busy_timeout) instead of failing half-way.
        "transaction_mode": "IMMEDIATE",
        "timeout": _busy_timeout,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA foreign_keys=ON; PRAGMA busy_timeout={_busy_timeout * 1000};"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "parties:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
ACCORD_INVITATION_DAYS = env_int("ACCORD_INVITATION_DAYS", 7)
# Each failed sign-in doubles the wait before the next (1 s, 2 s, 4 s, …) up to this many seconds.
ACCORD_LOGIN_MAX_DELAY_SECONDS = env_int("ACCORD_LOGIN_MAX_DELAY_SECONDS", 900)
ACCORD_BASE_URL = env_str("ACCORD_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Internationalization: every user-facing string is marked; times stored in UTC. --------------
LANGUAGE_CODE = "en"
# Each language by its own name (a person looks for their language in their own script).
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# dates written out follow the reader's language ("7 Dec 2026", "2026年12月7日"); tables keep ISO dates
FORMAT_MODULE_PATH = ["accord.lib.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")

# --- Static and stored files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEVELOPMENT
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEVELOPMENT  # WhiteNoise serves the source tree's files: no collectstatic
# Imports: the largest file accepted, the most an XLSX may unpack to (checked before opening it), and
# the most cells its sheet may have (each row counted up to its last cell, whatever the sheet declares).
ACCORD_IMPORT_MAX_MB = env_int("ACCORD_IMPORT_MAX_MB", 50)
ACCORD_IMPORT_MAX_UNZIPPED_MB = env_int("ACCORD_IMPORT_MAX_UNZIPPED_MB", 200)
ACCORD_IMPORT_MAX_XLSX_CELLS = env_int("ACCORD_IMPORT_MAX_XLSX_CELLS", 20_000_000)
# An import batch running longer than this (seconds) is stopped and writes nothing; 0: no limit.
ACCORD_IMPORT_TIME_LIMIT = env_int("ACCORD_IMPORT_TIME_LIMIT", 3600)
# Attachments (evidence files on action items and later records): the largest file, in MB.
ACCORD_ATTACHMENT_MAX_MB = env_int("ACCORD_ATTACHMENT_MAX_MB", 25)
# Request bodies (accord.lib.bodysize answers 413 before reading more): a file upload may be the largest
# import or attachment plus its form fields; any other body (JSON, a form) at most 5 MB.
ACCORD_UPLOAD_MAX_MB = env_int(
    "ACCORD_UPLOAD_MAX_MB", max(ACCORD_IMPORT_MAX_MB, ACCORD_ATTACHMENT_MAX_MB) + 1
)
if ACCORD_UPLOAD_MAX_MB <= ACCORD_IMPORT_MAX_MB:
    raise ImproperlyConfigured(
        f"ACCORD_UPLOAD_MAX_MB ({ACCORD_UPLOAD_MAX_MB}) must be larger than ACCORD_IMPORT_MAX_MB "
        f"({ACCORD_IMPORT_MAX_MB}): an upload carries the file and its form fields. Leave it unset for "
        f"{ACCORD_IMPORT_MAX_MB + 1}."
    )
# (else a file at the attachment limit would be refused before Accord sees it)
if ACCORD_UPLOAD_MAX_MB <= ACCORD_ATTACHMENT_MAX_MB:
    raise ImproperlyConfigured(
        f"ACCORD_UPLOAD_MAX_MB ({ACCORD_UPLOAD_MAX_MB}) must be larger than ACCORD_ATTACHMENT_MAX_MB "
        f"({ACCORD_ATTACHMENT_MAX_MB}): an upload carries the file and its form fields."
    )
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------------------------
globals().update(email_settings(env_str("EMAIL_URL", "console:")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Accord <accord@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks: stored in the database, run by `accord worker`. ---------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Security: production (DEBUG off) defaults assume HTTPS in front of Accord. ------------------
HTTPS = env_bool("ACCORD_HTTPS", not DEVELOPMENT)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("ACCORD_SSL_REDIRECT", True)
# ACCORD_SSL_REDIRECT=false says that the TLS proxy in front redirects plain HTTP itself: the deploy
# check's warning that Accord does not (security.W008) is then answered.
SILENCED_SYSTEM_CHECKS = ["security.W008"] if HTTPS and not SECURE_SSL_REDIRECT else []
SECURE_HSTS_SECONDS = env_int("ACCORD_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("ACCORD_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
