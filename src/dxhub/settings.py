"""dxhub settings, configured from the environment (12-factor).

Defaults give a working single-machine setup: SQLite under ./var, DEBUG on only
when DXHUB_DEBUG=1. Production sets DATABASE_URL, DXHUB_SECRET_KEY,
DXHUB_ALLOWED_HOSTS and runs behind a proxy (see README).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("DXHUB_DATA_DIR", PROJECT_DIR / "var"))
DEBUG = env_bool("DXHUB_DEBUG", False)
SECRET_KEY = os.environ.get("DXHUB_SECRET_KEY", "")
if not SECRET_KEY:
    if env_bool("DXHUB_BEHIND_TLS_PROXY", False):
        raise RuntimeError("DXHUB_SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 32  # noqa: S105
ALLOWED_HOSTS = env_list("DXHUB_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DXHUB_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "dxhub.core",
    "dxhub.accounts",
    "dxhub.org",
    "dxhub.audit",
    "dxhub.reporting",
    "dxhub.assessment",
    "dxhub.plans",
    "dxhub.training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dxhub.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dxhub.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dxhub.audit.middleware.AuditContextMiddleware",
    "dxhub.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dxhub.urls"
WSGI_APPLICATION = "dxhub.wsgi.application"
ASGI_APPLICATION = "dxhub.asgi.application"

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
                "dxhub.core.context_processors.shell",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "dxhub.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=env_int("DXHUB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while one writer writes; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        " PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("DXHUB_TEST_SQLITE")  # None: in memory
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AXES_FAILURE_LIMIT = env_int("DXHUB_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("DXHUB_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "dxhub"
# Roles whose holders must turn on two-factor sign-in, e.g. "system_admin,unit_admin" in production.
DXHUB_REQUIRE_2FA_ROLES = env_list("DXHUB_REQUIRE_2FA_ROLES")
SESSION_COOKIE_AGE = env_int("DXHUB_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["dxhub.formats"]

# --- static ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at every start when it is missing
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production runs collectstatic and sets DXHUB_STATIC_MANIFEST=1 for hashed, compressed files.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("DXHUB_STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = env_bool("DXHUB_STATIC_FROM_FINDERS", True)
WHITENOISE_AUTOREFRESH = DEBUG

# --- uploads --------------------------------------------------------------
DXHUB_MAX_UPLOAD_BYTES = env_int("DXHUB_MAX_UPLOAD_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- background tasks -----------------------------------------------------
# Lists longer than this are exported by the task worker, with a progress page.
DXHUB_SYNC_EXPORT_MAX_ROWS = env_int("DXHUB_SYNC_EXPORT_MAX_ROWS", 20_000)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- mail -----------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("DXHUB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DXHUB_FROM_EMAIL", "dxhub@localhost")
DXHUB_BASE_URL = os.environ.get("DXHUB_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- security -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DXHUB_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DXHUB_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DXHUB_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
USE_X_FORWARDED_HOST = env_bool("DXHUB_USE_X_FORWARDED_HOST", False)
# Content-Security-Policy: everything is served by dxhub itself (air-gapped networks).
DXHUB_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)

# --- paging ---------------------------------------------------------------
DXHUB_PAGE_SIZE = 50
DXHUB_API_MAX_PAGE_SIZE = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DXHUB_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Lock-out is by account, not by address: many users sit behind one proxy on the
# military network, and an attacker rotating addresses still hits the same account.
# HSTS preload lists are for the public Internet; dxhub runs on closed networks.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W021"]
