"""Settings for Lingyan.

One settings module, configured by environment variables. The embedded default is SQLite in
``var/`` with no other server; production sets ``DATABASE_URL`` to PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LINGYAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


# Off unless asked for: debug pages and tracebacks must never reach an anonymous caller.
DEBUG = env_bool("LINGYAN_DEBUG", False)
DEVELOPMENT_SECRET_KEY = "lingyan-insecure-development-key-change-me"
SECRET_KEY = os.environ.get("LINGYAN_SECRET_KEY", "") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY in {"", DEVELOPMENT_SECRET_KEY}:
    raise ImproperlyConfigured(
        "LINGYAN_SECRET_KEY is not set (or is the public development key), and DEBUG is off: "
        "refusing to start. Set LINGYAN_SECRET_KEY to a long random value, e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` "
        "(`make run` generates one into var/secret_key), or LINGYAN_DEBUG=true for development."
    )
ALLOWED_HOSTS = os.environ.get("LINGYAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("LINGYAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",
    "core",
    "audit",
    "orgs",
    "accounts",
    "notifications",
    "orglife",
    "services",
    "open311",
    "incidents",
    "points",
    "search",
    "dashboard",
    "demo",
    "huey.contrib.djhuey",
    "axes",
]

MIDDLEWARE = [
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LocaleMiddleware",
    "core.middleware.ApiInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.DatabaseBusyMiddleware",
    # Last, so that it sees the login views' answers (accounts.throttle).
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp; docs/operations.md): scripts and styles only from our
# own static files — no inline <script>, no eval, no <style> element (htmx's indicator styles
# are in lingyan.css: ``htmx.config.includeIndicatorStyles`` is off in base.html) — but style
# attributes, which the templates use for bar widths and spacing. Photos are ours, ``data:``
# or ``blob:`` (the phone's previews before upload); fetches and htmx only to ourselves; no
# framing. The API docs page adds inline styles for Swagger UI (core.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "lingyan.urls"
WSGI_APPLICATION = "lingyan.wsgi.application"

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
                "accounts.context_processors.roles",
            ],
        },
    },
]

# Required fields' labels carry a visible "*" (core.forms.MarkedBoundField), on every form.
FORM_RENDERER = "core.forms.Renderer"


def database_from_env() -> dict:
    """``DATABASE_URL`` = ``postgres://user@host:port/name``; unset means embedded SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("LINGYAN_SQLITE_PATH", str(VAR_DIR / "lingyan.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, got {parsed.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parsed.path.lstrip("/") or "lingyan",
        "USER": unquote(parsed.username or "postgres"),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "127.0.0.1",
        "PORT": str(parsed.port or 5432),
        "CONN_MAX_AGE": 60,
        "TEST": {"NAME": os.environ.get("LINGYAN_TEST_DB_NAME", "test_lingyan")},
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# django-axes first: it refuses a locked-out account or address before the password is
# checked; it logs no one in and has no ``get_user``, so ``force_login`` and sessions use
# the model backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Static files are served by WhiteNoise, DEBUG on or off. By default straight from the source
# folders (its finders: nothing to collect, so `make run` and the tests need no step); in
# production, after `manage.py collectstatic`, ``LINGYAN_STATIC_COLLECTED=true`` serves the
# collected, compressed files under hashed names (cached for a year by browsers).
STATIC_COLLECTED = env_bool("LINGYAN_STATIC_COLLECTED", False)
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("LINGYAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS (docs/operations.md). Behind a reverse proxy that terminates HTTPS, the proxy sets
# ``X-Forwarded-Proto: https`` and ``LINGYAN_BEHIND_HTTPS_PROXY=true`` makes Django trust it
# (only then: a client could send the header itself to a server reached directly).
SECURE_SSL_REDIRECT = env_bool("LINGYAN_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("LINGYAN_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LINGYAN_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("LINGYAN_HSTS_PRELOAD", False)
if env_bool("LINGYAN_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# Request size. One request body may be at most LINGYAN_MAX_REQUEST_MB (413 beyond it, before
# anything is read: core.middleware.RequestSizeLimitMiddleware); it must hold the largest
# upload the app takes (20 photos of 10 MB through the API: core.api, core.photos). Bodies
# that are not files (forms, JSON) stay under Django's 2.5 MB; uploads over 2.5 MB go to a
# temporary file instead of memory.
REQUEST_MAX_BYTES = int(float(os.environ.get("LINGYAN_MAX_REQUEST_MB", "210")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 40

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINGYAN_LOG_LEVEL", "WARNING")},
}

# Scheduled jobs (the warnings sweep): huey, on SQLite in ``var/`` by default — no other
# server — or on Redis in production (``LINGYAN_REDIS_URL``), from the same code.
REDIS_URL = os.environ.get("LINGYAN_REDIS_URL", "")
HUEY: dict[str, object]
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "lingyan", "url": REDIS_URL}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "lingyan",
        "filename": str(VAR_DIR / "huey.sqlite3"),
    }
HUEY["immediate"] = env_bool("LINGYAN_HUEY_IMMEDIATE", False)

# Pages and API lists show this many rows; the API accepts ?limit= up to the maximum.
PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200

# Login throttling (django-axes, wrapped by ``accounts.throttle``) on /login/ and
# POST /api/auth/token. Failures are counted per account (the typed username, existing or
# not) and per address (a village office behind one NAT shares one, hence the higher limit);
# either reaching its limit refuses every login of that account or address, the right
# password included, until ``LOGIN_COOLOFF`` has passed since the last counted failure.
# Successful logins do not reset the counts (an attacker with one good account could
# otherwise clear the address's count). Admins unlock an account of their subtree at
# /accounts/security/; ``manage.py axes_reset_ip`` clears an address.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LINGYAN_LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LINGYAN_LOGIN_FAILURES_PER_ADDRESS", "20"))
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LINGYAN_LOGIN_COOLOFF_MINUTES", "15"))
# Behind a reverse proxy that appends the client to X-Forwarded-For, how many proxies to
# count back from the right; 0 uses REMOTE_ADDR (a client-sent header is never trusted).
LOGIN_PROXY_COUNT = int(os.environ.get("LINGYAN_PROXY_COUNT", "0"))
AXES_ENABLED = env_bool("LINGYAN_LOGIN_THROTTLE", True)
AXES_HANDLER = "accounts.throttle.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = False
# A refused attempt during a lockout does not prolong it: the lockout ends by itself.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
AXES_ENABLE_ADMIN = False
# Successful logins are in the audit log already; axes keeps no second copy.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# API tokens (POST /api/auth/token) expire this many days after they are issued (a fixed
# lifetime, not extended by use); a password change revokes all of a user's tokens.
API_TOKEN_DAYS = int(os.environ.get("LINGYAN_API_TOKEN_DAYS", "30"))
