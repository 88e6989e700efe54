"""Loket's one settings module. Every value comes from the environment (see ``.env.example``).

``LOKET_MODE`` picks safe defaults: ``demo`` (``make demo``) and ``test`` (the test suite) run
without configuration on SQLite; ``production`` (the default) requires a ``SECRET_KEY`` and turns
on secure cookies. A missing or malformed value stops start-up with one line naming it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
import django
from django.utils.translation import gettext_lazy as _

from loket.lib.env import (
    SettingError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
)

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(env_str("LOKET_VAR_DIR", str(BASE_DIR / "var")))

# Under pytest the mode is "test" unless the environment says otherwise: pytest-django imports
# settings before any conftest could set a variable.
_DEFAULT_MODE = "test" if "pytest" in sys.modules else "production"
MODE = env_choice("LOKET_MODE", _DEFAULT_MODE, ("demo", "test", "production"))
IS_PRODUCTION = MODE == "production"

if IS_PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    if len(SECRET_KEY) < 32:
        raise SettingError("SECRET_KEY", "must be at least 32 characters long")
else:
    SECRET_KEY = env_str("SECRET_KEY", f"insecure-{MODE}-key-never-use-in-production-0123456789")

DEBUG = env_bool("DEBUG", False)
# Outside production, WhiteNoise serves static files straight from the apps (no collectstatic).
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise SettingError("ALLOWED_HOSTS", "is required in production (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "loket.web",
    "loket.history",
    "loket.tenancy",
    "loket.organisation",
    "loket.accounts",
    "loket.catalogue",
    "loket.knowledge",
    "loket.contacts",
    "loket.wegwijzer",
    "loket.cases",
    "loket.notifications",
    "loket.portal",
    "loket.workbench",
    "loket.demo",
    "loket.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "loket.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "loket.urls"
WSGI_APPLICATION = "loket.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "workbench:login"
LOGIN_REDIRECT_URL = "workbench:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "loket.web.context_processors.loket",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
_database_url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'loket.sqlite3'}")
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
except (ValueError, KeyError) as exc:
    raise SettingError("DATABASE_URL", f"cannot be parsed as a database URL ({exc})") from None
if _database["ENGINE"] not in (
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
):
    raise SettingError("DATABASE_URL", "only sqlite:// and postgres:// are supported")
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["CONN_MAX_AGE"] = 0
    # WAL and a busy timeout let the demo's web server and worker share one file.
    _database["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# Server-side parameter binding lets psycopg prepare statements that repeat on a connection
# (after 5 uses), so PostgreSQL plans them once instead of on every request: planning a case with
# its relations costs more than running it (see the scale benchmark).
if _database["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_SERVER_SIDE_BINDING", True
):
    _database.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
# Fixed, not configurable: the legal calendar (Algemene termijnenwet) counts Dutch days.
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Mail -----------------------------------------------------------------------------------
_mail_backend = env_str(
    "EMAIL_BACKEND",
    {
        "demo": "django.core.mail.backends.filebased.EmailBackend",
        "test": "django.core.mail.backends.locmem.EmailBackend",
    }.get(MODE, "django.core.mail.backends.smtp.EmailBackend"),
)
_mail_options: dict[str, object] = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 20, minimum=1),
    }
    if _mail_options["use_tls"] and _mail_options["use_ssl"]:
        raise SettingError("EMAIL_USE_SSL", "cannot be combined with EMAIL_USE_TLS; choose one")
elif _mail_backend.endswith("filebased.EmailBackend"):
    _mail_options = {"file_path": str(VAR_DIR / "mail")}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Loket <noreply@loket.example>")
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
else:  # Django 5.2 (Python 3.11) knows only the single-backend settings.
    EMAIL_BACKEND = _mail_backend
    for _key, _value in _mail_options.items():
        _name = {"username": "HOST_USER", "password": "HOST_PASSWORD"}.get(_key, _key.upper())
        globals()[f"EMAIL_{_name}"] = _value

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)

# --- Loket ----------------------------------------------------------------------------------
# Share of a case's term after which it counts as "at risk" (issue: deadlines).
LOKET_AT_RISK_FRACTION = env_float("LOKET_AT_RISK_FRACTION", 0.8, low=0.1, high=1.0)
# Staff page size; lists use keyset pagination so deep pages stay fast.
LOKET_PAGE_SIZE = env_int("LOKET_PAGE_SIZE", 50, minimum=5)
# Largest document a resident or staff member may upload, in MB.
LOKET_MAX_UPLOAD_MB = env_int("LOKET_MAX_UPLOAD_MB", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The term an applicant gets to complete a request (Awb art. 4:5), in calendar days.
LOKET_RESPOND_DAYS = env_int("LOKET_RESPOND_DAYS", 14, minimum=1)

# Where residents reach Loket: links in e-mails and letters start with this.
LOKET_BASE_URL = env_str("LOKET_BASE_URL", "http://127.0.0.1:8000")
# The domain of Message-IDs of outgoing mail.
LOKET_MAIL_DOMAIN = env_str("LOKET_MAIL_DOMAIN", "loket.example")
# The SMS gateway: a class with send(to, text) -> str (see loket.notifications.gateways).
LOKET_SMS_GATEWAY = env_str("LOKET_SMS_GATEWAY", "loket.notifications.gateways.RecordingGateway")
# Delivery: how many attempts before a message becomes a dead letter, and the lease a worker
# holds on the messages it claimed (after a crash, others take them over when it runs out).
LOKET_DELIVERY_MAX_ATTEMPTS = env_int("LOKET_DELIVERY_MAX_ATTEMPTS", 8, minimum=1)
LOKET_DELIVERY_LEASE_SECONDS = env_int("LOKET_DELIVERY_LEASE_SECONDS", 120, minimum=5)

# --- Mijn Loket: resident login -------------------------------------------------------------
# A resident's login ends after this many idle minutes (DigiD's own session lasts 15).
LOKET_PORTAL_IDLE_MINUTES = env_int("LOKET_PORTAL_IDLE_MINUTES", 15, minimum=1)
# How long an e-mailed login link works.
LOKET_MAGIC_LINK_MINUTES = env_int("LOKET_MAGIC_LINK_MINUTES", 30, minimum=1)
# The demo login (pick a fictional resident) exists only in the demo.
LOKET_DEMO_LOGIN = env_bool("LOKET_DEMO_LOGIN", MODE == "demo")
if LOKET_DEMO_LOGIN and IS_PRODUCTION:
    raise SettingError("LOKET_DEMO_LOGIN", "is never allowed in production")
# OpenID Connect with the DigiD/eHerkenning broker of the municipality (mozilla-django-oidc).
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_AUTHENTICATION_CALLBACK_URL = "portal_oidc_callback"
# Which claim of the broker's ID token / userinfo holds the BSN (DigiD) or KvK number.
LOKET_OIDC_BSN_CLAIM = env_str("LOKET_OIDC_BSN_CLAIM", "bsn")
LOKET_OIDC_KVK_CLAIM = env_str("LOKET_OIDC_KVK_CLAIM", "kvk")
LOKET_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and OIDC_OP_AUTHORIZATION_ENDPOINT)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Systems send "Authorization: Token <key>"; the portal and workbench use their session.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "loket.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Loket API",
    "DESCRIPTION": (
        "Cases (zaken) of Loket. Follows the NL API Design Rules: plural nouns, no trailing "
        "slash, camelCase parameters, errors as application/problem+json."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "loket.api.schema.problem_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # WeasyPrint reports every step of every letter at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

if MODE == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
