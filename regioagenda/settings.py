"""Settings for Regio-agenda, read from the environment.

One file for every environment. Local development needs no variables at all; production sets
REGIOAGENDA_PRODUCTION=1, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and usually DATABASE_URL
(see README.md).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("REGIOAGENDA_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PRODUCTION = env_flag("REGIOAGENDA_PRODUCTION")
DEBUG = env_flag("DJANGO_DEBUG")


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY in production.")
    # Local machines get a random key kept under var/, so that no key is ever shared or fixed.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The region this site shows; empty means the only (or first) region in the database.
REGION_SLUG = os.environ.get("REGIOAGENDA_REGION", "")
CONTACT_EMAIL = os.environ.get("REGIOAGENDA_CONTACT_EMAIL", "regio-agenda@example.org")
# E-mail (the proposals digest): printed to the console in development; in production sent
# through SMTP (localhost unless REGIOAGENDA_EMAIL_HOST names another server).
_email_host = os.environ.get("REGIOAGENDA_EMAIL_HOST", "localhost" if PRODUCTION else "")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": int(os.environ.get("REGIOAGENDA_EMAIL_PORT", "25")),
            },
        }
        if _email_host
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("REGIOAGENDA_FROM_EMAIL", CONTACT_EMAIL)
SECURITY_CONTACT = os.environ.get("REGIOAGENDA_SECURITY_CONTACT", f"mailto:{CONTACT_EMAIL}")
SITE_URL = os.environ.get("REGIOAGENDA_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # First, so that its collectstatic (which leaves out unused font files) is the one used.
    "regioagenda.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "django_tasks_db",
    "regioagenda.regions",
    "regioagenda.accounts",
    "regioagenda.vision",
    "regioagenda.agenda",
    "regioagenda.prioritisation",
    "regioagenda.dossiers",
    "regioagenda.registry",
    "regioagenda.cooperation",
    "regioagenda.competences",
    "regioagenda.initiatives",
    "regioagenda.monitor",
    "regioagenda.proposals",
    "regioagenda.meetings",
    "regioagenda.events",
    "regioagenda.audit",
    "regioagenda.privacy",
    "regioagenda.website",
    "regioagenda.api",
]

MIDDLEWARE = [
    # First, so that everything after it (lockouts, rate limits, the audit trail) sees the
    # visitor's address behind a proxy.
    "regioagenda.core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Near the top, so that error pages made before the view (an invalid Host header, say)
    # carry the policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Records every refusal (403) and keeps the request at hand for other audit records.
    "regioagenda.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "regioagenda.accounts.sessions.SessionTimeLimitsMiddleware",
    "regioagenda.accounts.second_factor.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside the CSP and security middleware, so that kept pages get their security headers, a
    # fresh CSP nonce and their Vary headers on every hit (core/page_cache.py).
    "regioagenda.core.page_cache.PageCacheMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "regioagenda.api.middleware.ApiResponseMiddleware",
    "regioagenda.core.middleware.RejectNulBytesMiddleware",
    # Axes must come last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "regioagenda.urls"
WSGI_APPLICATION = "regioagenda.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "regioagenda" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "regioagenda.website.context_processors.site",
            ],
        },
    },
]

_sqlite_path = VAR_DIR / "regioagenda.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{_sqlite_path}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work beside one writer; IMMEDIATE plus a busy timeout makes
        # concurrent writers wait for each other instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, but a new connection waits a few seconds for a restarting server
    # instead of failing the request at once (issue 9: a database restart under load).
    DATABASES["default"]["ENGINE"] = "regioagenda.core.db.postgresql"
REGIOAGENDA_DB_CONNECT_PATIENCE_SECONDS = float(
    os.environ.get("REGIOAGENDA_DB_CONNECT_PATIENCE_SECONDS", "5")
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "website:home"

# Accounts (issue 8): Argon2 for new hashes, PBKDF2 kept so that older hashes still verify (they
# are rehashed with Argon2 at the next login). Length and the common-password list, but no
# composition rules (NIST SP 800-63B): NumericPasswordValidator is left out on purpose.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Guessing passwords or codes: after 10 failures for one username (from any address), or from one
# address (for any usernames), wait an hour. Wrong second-factor codes count too
# (accounts/second_factor.py). No reset on success: axes would then delete every failure from
# the address, so one account of the attacker's own would wipe the count for guesses at others.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
# Axes keeps the posted form of a failed attempt; a tried verification code stays out of it.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_VERBOSE = False
# Staff and administrators need a second factor (TOTP); authenticator apps show this name.
OTP_TOTP_ISSUER = "Regio-agenda"
# Administrators reset a lost device by deleting it; they never need to read its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Password reset links in e-mails stay valid for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "regioagenda" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
_node = BASE_DIR / "node_modules"
# Only the packages the pages use are exposed, each under a short prefix; never all of node_modules.
STATICFILES_DIRS = [
    BASE_DIR / "regioagenda" / "static",
    ("utrecht", _node / "@utrecht" / "component-library-css" / "dist"),
    ("voorbeeld", _node / "@nl-design-system-unstable" / "voorbeeld-design-tokens" / "dist"),
    ("fonts/noto-sans", _node / "@fontsource" / "noto-sans" / "files"),
    ("fonts/noto-serif", _node / "@fontsource" / "noto-serif" / "files"),
    # Charts: Vega-Lite through vega-embed, with the CSP-safe expression interpreter (an ES
    # module that imports vega-util; pages map both names in an import map).
    ("vega", _node / "vega" / "build"),
    ("vega-lite", _node / "vega-lite" / "build"),
    ("vega-embed", _node / "vega-embed" / "build"),
    ("vega-interpreter", _node / "vega-interpreter" / "build"),
    ("vega-util", _node / "vega-util" / "build"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "regioagenda.core.storage.StaticStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Uploaded proposal documents: larger files are refused before they are read; extraction stops
# after this many seconds (a last resort beside the page and size caps, see proposals/documents.py).
PROPOSAL_DOCUMENT_MAX_BYTES = 25 * 1024 * 1024
PROPOSAL_DOCUMENT_EXTRACT_SECONDS = 60

# Uploads: clamd scans every upload when one of these is set (see core/scanning.py); a
# configured scanner that cannot be reached refuses uploads. No form takes more than a few
# files at once; more in one request is refused with a Dutch page (website.views.bad_request).
CLAMD_SOCKET = os.environ.get("REGIOAGENDA_CLAMD_SOCKET", "")
CLAMD_ADDRESS = os.environ.get("REGIOAGENDA_CLAMD_ADDRESS", "")
CLAMD_TIMEOUT = float(os.environ.get("REGIOAGENDA_CLAMD_TIMEOUT", "30"))
DATA_UPLOAD_MAX_NUMBER_FILES = 10

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The cache holds rate-limit counts, suggestions and calendar entries. With several server
# processes it must be shared (Redis), or each process counts and keeps its own.
_redis_url = os.environ.get("REGIOAGENDA_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # A feed of 10,000 events keeps 10,000 entries (see core/ical.py).
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    )
}

# Whole public pages for anonymous visitors are kept this many seconds at most, and renewed
# when the data they show changes (core/page_cache.py); 0 switches that off. The change is seen
# by the cache of the process that made it, so the page cache is on only with a shared cache
# (Redis): with a cache per process, a change made by the worker or another server process
# would go unseen until the time runs out.
REGIOAGENDA_PAGE_CACHE_SECONDS = int(
    os.environ.get("REGIOAGENDA_PAGE_CACHE_SECONDS", "300" if _redis_url else "0")
)
# A change reaches the kept pages at most this many seconds late: a page younger than this is
# served even if its data changed since, so that a stream of edits does not make every visitor
# render the page anew. Signed-in users always see the current page.
REGIOAGENDA_PAGE_CACHE_DELAY_SECONDS = float(
    os.environ.get("REGIOAGENDA_PAGE_CACHE_DELAY_SECONDS", "30")
)

# Content Security Policy: nothing inline, nothing from other hosts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Signed-in sessions end after 30 minutes without a request and 12 hours in all
# (accounts/sessions.py). Django's own expiry comes a little later, so that the middleware,
# which says why, is the one that ends the session.
SESSION_IDLE_SECONDS = 30 * 60
SESSION_MAX_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS + SESSION_IDLE_SECONDS

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_flag("DJANGO_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The proxies whose X-Forwarded-For names the visitor's address (core/middleware.py); only with
# DJANGO_BEHIND_PROXY, and by default only a proxy on this machine.
REGIOAGENDA_TRUSTED_PROXIES = (
    env_list("DJANGO_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
    if env_flag("DJANGO_BEHIND_PROXY")
    else []
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No header value, bearer key or password-like field reaches a log line (audit/logs.py).
    "filters": {"redact_secrets": {"()": "regioagenda.audit.logs.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint reports every step of every PDF at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_STORE_JSON_CHANGES = True

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200
API_VERSION = "1.0.0"
