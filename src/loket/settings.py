"""Loket's one settings module. Every value comes from the environment (see ``.env.example``).

``LOKET_MODE`` picks safe defaults: ``demo`` (``make demo``) and ``test`` (the test suite) run
without configuration on SQLite; ``production`` (the default) requires a ``SECRET_KEY`` and turns
on secure cookies. A missing or malformed value stops start-up with one line naming it.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import csp.constants as csp
import dj_database_url
import django
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from loket.lib.env import (
    SettingError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_rate,
    env_str,
)

# Django's generic classes answer ``ModelAdmin[Team]``, ``ModelForm[Person]`` at run time as
# their stubs do for mypy (django-stubs-ext); without it such a class statement fails to import.
django_stubs_ext.monkeypatch()

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(env_str("LOKET_VAR_DIR", str(BASE_DIR / "var")))

# Under pytest the mode is "test" unless the environment says otherwise: pytest-django imports
# settings before any conftest could set a variable.
_DEFAULT_MODE = "test" if "pytest" in sys.modules else "production"
MODE = env_choice("LOKET_MODE", _DEFAULT_MODE, ("demo", "test", "production"))
IS_PRODUCTION = MODE == "production"

if IS_PRODUCTION:
    try:
        SECRET_KEY = env_str("SECRET_KEY", required=True)
    except SettingError:
        # The first line a newcomer sees when they run `loket` without configuration: say why
        # production is assumed and how to run the demo instead.
        raise SettingError(
            "SECRET_KEY",
            "is required in production (LOKET_MODE=production, the default). To try Loket, run "
            "with LOKET_MODE=demo (make demo does); to deploy, see .env.example",
        ) from None
    # Django's own deployment check asks this much of a key (security.W009).
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise SettingError(
            "SECRET_KEY",
            "must be at least 50 random characters, for example the output of: python3 -c "
            "'import secrets; print(secrets.token_urlsafe(50))'",
        )
else:
    SECRET_KEY = env_str("SECRET_KEY", f"insecure-{MODE}-key-never-use-in-production-0123456789")

DEBUG = env_bool("DEBUG", False)
if DEBUG and IS_PRODUCTION:
    # DEBUG shows settings, SQL and tracebacks with personal data to anyone who causes an error.
    raise SettingError("DEBUG", "is never allowed in production (LOKET_MODE=production)")
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
    "axes",
    "csp",
    "django_ratelimit",
    "loket.web",
    "loket.history",
    "loket.tenancy",
    "loket.organisation",
    "loket.accounts",
    "loket.catalogue",
    "loket.knowledge",
    "loket.parties",
    "loket.contacts",
    "loket.wegwijzer",
    "loket.cases",
    "loket.appointments",
    "loket.reports",
    "loket.notifications",
    "loket.portal",
    "loket.workbench",
    "loket.demo",
    "loket.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "loket.web.middleware.PrivatePagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "loket.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "loket.urls"
WSGI_APPLICATION = "loket.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before the password is even checked (django-axes).
    "loket.web.security.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
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
_BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _BEHIND_TLS_PROXY else None
# Production only answers over HTTPS: plain HTTP is redirected (except the health check, which a
# load balancer may probe over HTTP), and browsers are told to remember that (HSTS).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", IS_PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", IS_PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", IS_PRODUCTION)

# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from this site,
# no inline script or style anywhere, no framing, forms only post here. The API documentation
# (Swagger UI) loads its start-up script as a file too (SpectacularSwaggerSplitView).
# PDOK's BRT background map, the production default of LOKET_MAP_TILES (below).
_PDOK_TILES = (
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
)


def _origin(url: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


_tile_origin = _origin(env_str("LOKET_MAP_TILES", _PDOK_TILES if IS_PRODUCTION else ""))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        # The map's tiles come from the tile service (LOKET_MAP_TILES), if one is set.
        "img-src": [csp.SELF, "data:", *_tile_origin],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "frame-ancestors": [csp.NONE],
        "form-action": [csp.SELF],
    }
}

# How many proxies in front of Loket append to X-Forwarded-For: the client address used for
# throttles and lockouts is the one the outermost trusted proxy saw. 0: REMOTE_ADDR itself.
LOKET_PROXY_COUNT = env_int("LOKET_PROXY_COUNT", 1 if _BEHIND_TLS_PROXY else 0, minimum=0)

# --- Cache: throttles and lockouts ----------------------------------------------------------
# Throttle counters must be shared by every web process, or each of N processes allows the
# limit again. Production therefore needs Redis (Django's own RedisCache); a per-process memory
# cache is refused there. Demo and test run in one process and use memory.
_cache_url = env_str("CACHE_URL", "" if IS_PRODUCTION else "locmem://")
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "loket",
        }
    }
elif _cache_url == "locmem://" and not IS_PRODUCTION:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif IS_PRODUCTION and _cache_url in ("", "locmem://"):
    raise SettingError(
        "CACHE_URL",
        "is required in production: a Redis URL such as redis://127.0.0.1:6379/0, shared by every"
        " web process (throttles and lockouts count there)",
    )
else:
    raise SettingError(
        "CACHE_URL", f"expected redis://, rediss:// or locmem://, got {_cache_url!r}"
    )
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit only knows django-redis; Django's own RedisCache increments atomically
    # (INCRBY) too, which is all it needs.
    "django_ratelimit.W001",
]
if not IS_PRODUCTION:
    # The memory cache of demo and test is not shared, which one process does not need.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# --- Throttles ------------------------------------------------------------------------------
# Staff login (/werkplek/inloggen and /admin/login/), django-axes: after this many wrong
# passwords for one account from one client address, that login is refused, also with the right
# password, until the cool-off has passed (every further failure starts it again). Counting per
# account *and* address means an attacker cannot lock a colleague out from elsewhere, nor lock a
# whole office that shares one public address. Administrators unlock in the admin (Access attempts).
AXES_FAILURE_LIMIT = env_int("LOKET_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOKET_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "loket.web.security.client_ip"
AXES_LOCKOUT_CALLABLE = "loket.web.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# E-mailed login links for residents (django-ratelimit): per address and per client address.
# Requests beyond the limit get a clear refusal and send no mail.
LOKET_LOGIN_LINK_RATE_ADDRESS = env_rate("LOKET_LOGIN_LINK_RATE_ADDRESS", "3/15m")
LOKET_LOGIN_LINK_RATE_CLIENT = env_rate("LOKET_LOGIN_LINK_RATE_CLIENT", "20/h")
RATELIMIT_IP_META_KEY = "loket.web.security.client_ip"
# The API (DRF throttles, see loket.api.throttles): anonymous calls per client address, calls per
# account, and failed "Authorization: Token" attempts per client address (after which that
# client is refused, right token or not, until the period has passed). The test suite raises the
# per-account rate so bulk API tests are not slowed; the throttle tests set their own.
LOKET_API_RATE_ANON = env_rate("LOKET_API_RATE_ANON", "60/m")
LOKET_API_RATE_USER = env_rate("LOKET_API_RATE_USER", "100000/m" if MODE == "test" else "600/m")
LOKET_API_RATE_TOKEN_FAILURES = env_rate("LOKET_API_RATE_TOKEN_FAILURES", "10/h")

# --- Loket ----------------------------------------------------------------------------------
# Share of a case's term after which it counts as "at risk" (issue: deadlines).
LOKET_AT_RISK_FRACTION = env_float("LOKET_AT_RISK_FRACTION", 0.8, low=0.1, high=1.0)
# Staff page size; lists use keyset pagination so deep pages stay fast.
LOKET_PAGE_SIZE = env_int("LOKET_PAGE_SIZE", 50, minimum=5)
# Largest document a resident or staff member may upload, in MB.
LOKET_MAX_UPLOAD_MB = env_int("LOKET_MAX_UPLOAD_MB", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Public-space reports (issue 15): the largest photo accepted (it is scaled down and stripped of
# its metadata before it is kept), the radius and age of "already reported nearby", and how
# coarsely the public map shows where a report is.
LOKET_MAX_PHOTO_MB = env_int("LOKET_MAX_PHOTO_MB", 10, minimum=1)
LOKET_NEARBY_METRES = env_int("LOKET_NEARBY_METRES", 50, minimum=5)
LOKET_NEARBY_DAYS = env_int("LOKET_NEARBY_DAYS", 30, minimum=1)
LOKET_PUBLIC_MAP_METRES = env_int("LOKET_PUBLIC_MAP_METRES", 50, minimum=10)
# The map's background tiles ({z}/{x}/{y} URL) and the address search. Production uses PDOK's
# BRT background map and Locatieserver by default; the demo and the tests work without internet:
# a plain background and the small address table of the demo municipalities ("local").
LOKET_MAP_TILES = env_str("LOKET_MAP_TILES", _PDOK_TILES if IS_PRODUCTION else "")
LOKET_MAP_ATTRIBUTION = env_str(
    "LOKET_MAP_ATTRIBUTION", "Kaart: PDOK / Kadaster" if LOKET_MAP_TILES else ""
)
LOKET_GEOCODER = env_choice(
    "LOKET_GEOCODER", "pdok" if IS_PRODUCTION else "local", choices=("local", "pdok")
)
LOKET_GEOCODER_URL = env_str(
    "LOKET_GEOCODER_URL", "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
)
# The term an applicant gets to complete a request (Awb art. 4:5), in calendar days.
LOKET_RESPOND_DAYS = env_int("LOKET_RESPOND_DAYS", 14, minimum=1)

# Where residents reach Loket: links in e-mails and letters start with this. `make demo` sets it
# from HOST and PORT; production must say it (a guess sends residents to the wrong server).
if IS_PRODUCTION:
    try:
        LOKET_BASE_URL = env_str("LOKET_BASE_URL", required=True)
    except SettingError:
        raise SettingError(
            "LOKET_BASE_URL",
            "is required in production: the address residents reach Loket at, such as"
            " https://loket.example.nl (links in e-mails and letters start with it)",
        ) from None
else:
    LOKET_BASE_URL = env_str("LOKET_BASE_URL", "http://127.0.0.1:8000")
if not LOKET_BASE_URL.startswith(("http://", "https://")):
    raise SettingError("LOKET_BASE_URL", f"expected an http(s):// address, got {LOKET_BASE_URL!r}")
if IS_PRODUCTION and not LOKET_BASE_URL.startswith("https://"):
    raise SettingError("LOKET_BASE_URL", "must start with https:// in production")
# The domain of Message-IDs of outgoing mail.
LOKET_MAIL_DOMAIN = env_str("LOKET_MAIL_DOMAIN", "loket.example")
# The SMS gateway: a class with send(to, text) -> str (see loket.notifications.gateways). Demo
# and test record messages in the database. Production sends no SMS until a real gateway is
# named (messages for SMS end as dead letters that say so); the recording gateway would keep
# residents' messages unsent in a table, so production refuses it unless
# LOKET_ALLOW_RECORDING_SMS=true says that is meant (an acceptance environment, say).
_RECORDING_SMS = "loket.notifications.gateways.RecordingGateway"
LOKET_SMS_GATEWAY = env_str(
    "LOKET_SMS_GATEWAY",
    "loket.notifications.gateways.NoGateway" if IS_PRODUCTION else _RECORDING_SMS,
)
if (
    IS_PRODUCTION
    and LOKET_SMS_GATEWAY == _RECORDING_SMS
    and not env_bool("LOKET_ALLOW_RECORDING_SMS", False)
):
    raise SettingError(
        "LOKET_SMS_GATEWAY",
        "the recording gateway sends nothing; in production name a real gateway, or set"
        " LOKET_ALLOW_RECORDING_SMS=true if recording is really meant",
    )
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
        # Systems send "Authorization: Token <key>" (failed attempts are throttled per client);
        # the portal and workbench use their session.
        "loket.api.throttles.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "loket.api.throttles.AnonThrottle",
        "loket.api.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": LOKET_API_RATE_ANON,
        "user": LOKET_API_RATE_USER,
        "token_failures": LOKET_API_RATE_TOKEN_FAILURES,
    },
    "NUM_PROXIES": LOKET_PROXY_COUNT,
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
