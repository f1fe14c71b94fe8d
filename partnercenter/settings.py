"""Settings for the Partner Center imitation.

One file, driven by environment variables (django-environ), with an optional `.env` beside
`manage.py`. `.env.example` lists every variable. The defaults make a local demo: DEBUG on,
SQLite in the project folder. Production sets DEBUG=False, SECRET_KEY, ALLOWED_HOSTS and a
PostgreSQL DATABASE_URL.
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)
# The fallback key is only for a local demo: anyone can read it here and forge sessions with it,
# so with DEBUG off the app refuses to start without a key of its own.
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-local-demo-key-change-me-in-production" if DEBUG else ""
)
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY (a long random string) when DEBUG is off.")
# The demo (`make run`): the app's own 404 page even with DEBUG on (partnercenter/demo_mode.py).
DEMO_MODE = env.bool("DEMO_MODE", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "partnercenter.csrf.csrf_failure"  # says why, links back (partnercenter/csrf.py)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # whitenoise serves static files in development too, so runserver behaves as production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_htmx",
    # In INSTALLED_APPS so that its docs page loads Swagger UI from its own static files, not a CDN.
    "ninja",
    "customers",
    "subscriptions",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Under /api/ only: the language from X-Locale, Partner Center's headers, its error envelope.
    "api.middleware.api_headers",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # UTC again after every request; partner_view shows the user's zone (partnercenter/timezones.py).
    "partnercenter.timezones.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Inside the CSP and locale middleware: the page it swaps in gets the nonce and the language.
    "partnercenter.demo_mode.demo_error_pages",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnercenter.urls"
WSGI_APPLICATION = "partnercenter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "customers.context_processors.partner_user",
                "partnercenter.page_header.page_header",
            ],
        },
    },
]

# --- Security headers -----------------------------------------------------------------------

# No inline script or style anywhere: htmx runs with its indicator styles off (styled in our
# CSS) and without hx-on or js: expressions, so no 'unsafe-inline' and no 'unsafe-eval'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Production (DEBUG off) is HTTPS-only unless told otherwise; `make serve` turns these off to
# run the production configuration locally over plain HTTP.
_https = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_https)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_https)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_https)
# Django's database sessions, read with a statement built once (partnercenter/sessions.py).
SESSION_ENGINE = "partnercenter.sessions"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_https)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_https)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Database -------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue behind one another (IMMEDIATE + busy timeout) instead of failing with
    # "database is locked"; WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out user name before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, but the user of a session comes with their partner (one query).
    "partnercenter.authentication.PartnerUserBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "customers:list"
LOGOUT_REDIRECT_URL = "login"

# Password guessing (django-axes): after AXES_FAILURE_LIMIT failed sign-ins, the user name is
# locked out for the cool-off (guessing one partner's password from many addresses), and so is
# the client address (one password tried on many user names). Either ends by itself, or at once
# with `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`. Failures during a lockout
# do not extend it, so a guesser cannot keep a partner out for good. Behind the TLS proxy the
# client address is the one the proxy appended to X-Forwarded-For (partnercenter/lockout.py), not
# the proxy's. Every attempt counts, whatever was typed (partnercenter/signin.py), against the
# name as typed, made storable (partnercenter/lockout.py). The tests switch axes off
# (tests/conftest.py) except where they test it.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))

# The REST API (docs/api.md): how long a rotated client secret keeps working beside the new one.
API_SECRET_OVERLAP_SECONDS = env.int("API_SECRET_OVERLAP_SECONDS", default=3600)
# Throttling: requests a minute per partner, and writes a minute per partner and customer.
API_REQUESTS_PER_MINUTE = env.int("API_REQUESTS_PER_MINUTE", default=1200)
API_WRITES_PER_MINUTE = env.int("API_WRITES_PER_MINUTE", default=120)
# Failed client-credentials grants a minute per client id and per address, then 429.
API_TOKEN_FAILURES_PER_MINUTE = env.int("API_TOKEN_FAILURES_PER_MINUTE", default=10)
# Idempotency keys (MS-RequestId): how long a write's answer is kept for its retries, and how
# long a retry waits for a request with its key still in flight before it is told 409.
API_IDEMPOTENCY_HOURS = env.int("API_IDEMPOTENCY_HOURS", default=24)
API_IN_FLIGHT_WAIT_SECONDS = env.float("API_IN_FLIGHT_WAIT_SECONDS", default=10.0)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "partnercenter.lockout.client_ip_address"
AXES_USERNAME_CALLABLE = "partnercenter.lockout.attempted_username"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The sign-in page itself, saying why and for how long (HTTP 429).
AXES_LOCKOUT_CALLABLE = "partnercenter.lockout.locked_out"

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# URLs carry no language prefix: LocaleMiddleware reads the switcher's cookie, then the
# browser's Accept-Language. The cookie holds only "en" or "fr"; scripts never need it.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Billing days are counted in UTC (docs/domain.md §8): "today" is the date in this zone.
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Overridable so `make bench` collects into its own throwaway folder.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="partnercenter.static_files.StaticFilesStorage",
        )
    },
}

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
        "subscriptions": {"handlers": ["console"], "level": "INFO"},
    },
}
