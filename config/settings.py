"""Roundtable settings: one file, read from environment variables.

With nothing set, Roundtable runs on embedded defaults (SQLite and a file-based
Celery broker under var/). Set DATABASE_URL and CELERY_BROKER_URL to use
PostgreSQL and Redis. Every variable may also be given as NAME_FILE, the path of
a file holding the value (for Docker secrets).
"""

import datetime
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import available_timezones

from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ROUNDTABLE_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    if f"{name}_FILE" in os.environ:
        path = Path(os.environ[f"{name}_FILE"])
        try:
            return path.read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {error}") from error
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env(name, str(default)).strip()
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn postgres://user:password@host:port/name or sqlite:///path into a DATABASES entry."""
    parts = urlsplit(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(
                f"DATABASE_URL must name a database, e.g. postgres://user@host:5432/roundtable "
                f"(got {url!r})."
            )
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"DATABASE_URL has a bad port: {url!r}.") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///relative/file or sqlite:////absolute/file: drop the slash before the path.
        path = path.removeprefix("/")
        return sqlite_database(Path(path) if path else VAR_DIR / "roundtable.sqlite3")
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with postgres:// or sqlite:///, not {url!r}."
    )


def cache_from_url(url: str) -> dict:
    """locmem:// keeps a cache in each process; redis://host:port/db shares one between them."""
    scheme = urlsplit(url).scheme
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme in ("redis", "rediss"):
        return {
            "BACKEND": "districts.cache.ForgivingRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "roundtable",
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    raise ImproperlyConfigured(f"CACHE_URL must start with redis:// or locmem://, not {url!r}.")


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # WAL, immediate transactions and a busy timeout let web, worker and beat share one file.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
    }


def mailer_from_url(url: str) -> dict:
    """smtp://user:password@host:587?tls=1 (or ssl=1), console:// or locmem://."""
    parts = urlsplit(url)
    if parts.scheme in ("console", ""):
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme in ("smtp", "smtps"):
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if not parts.hostname:
            raise ImproperlyConfigured(
                f"EMAIL_URL must name a host, e.g. smtp://host:587 (got {url!r})."
            )
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"EMAIL_URL has a bad port: {url!r}.") from None
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname,
                "port": port,
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_tls": query.get("tls") == "1",
                "use_ssl": parts.scheme == "smtps" or query.get("ssl") == "1",
                "timeout": 20,
            },
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL must start with smtp://, smtps:// or console://, not {url!r}."
    )


def secret_key() -> str:
    """SECRET_KEY, else the key kept under var/ (empty until start-up makes one)."""
    key = env("SECRET_KEY")
    if key:
        return key
    kept = GENERATED_SECRET_KEY_PATH
    return kept.read_text().strip() if kept.exists() else ""


DEBUG = env_bool("DEBUG", False)
# No key given: start-up keeps a random one here, so sessions survive restarts on one machine.
GENERATED_SECRET_KEY_PATH = VAR_DIR / "secret_key"
SECRET_KEY = secret_key()


def encryption_keys() -> list[str]:
    """ENCRYPTION_KEYS (comma-separated Fernet keys, the first encrypts), else the key kept
    under var/ (none until start-up makes one)."""
    keys = env_list("ENCRYPTION_KEYS")
    if keys:
        return keys
    kept = GENERATED_ENCRYPTION_KEY_PATH
    return [kept.read_text().strip()] if kept.exists() else []


# Notes encrypted at rest (districts/crypto.py). Losing every key loses those notes.
GENERATED_ENCRYPTION_KEY_PATH = VAR_DIR / "encryption_key"
ENCRYPTION_KEYS = encryption_keys()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A form sent after its page was open too long gets a page in the site's frame, not Django's.
CSRF_FAILURE_VIEW = "districts.errors.csrf_failure"
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.clever",
    "allauth.socialaccount.providers.openid_connect",
    "districts",
    "notifications",
    "decisions",
    "rounding",
    "principals",
    "home",
    "administration",
    "insights",
    "api",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Each person reads the pages in the first of LANGUAGES their browser asks for.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "districts.middleware.DistrictTimeZoneMiddleware",
    # The signed-in person's own language, over the browser's.
    "districts.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, per django-axes: turns a refused sign-in into the sign-in page with a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env("DATABASE_URL", "sqlite:///"))}
# The API's rate limits and the trends pages' counts. Set CACHE_URL=redis://... once there is
# more than one web process, so that they count and keep together.
CACHES = {"default": cache_from_url(env("CACHE_URL", "locmem://"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "districts.User"
AUTHENTICATION_BACKENDS = [
    "districts.backends.ThrottledSignIn",
    "districts.backends.RosterBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling with django-axes, counted in the database (see districts/signin.py).
AXES_HANDLER = "districts.signin.SignInThrottle"
AXES_FAILURE_LIMIT = 5  # failures per account
SIGN_IN_ADDRESS_FAILURE_LIMIT = 30  # failures per address: a school shares one
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # SignInThrottle reads them in this order
AXES_USERNAME_CALLABLE = "districts.signin.account_of"
AXES_CLIENT_IP_CALLABLE = "districts.signin.client_address"
AXES_LOCKOUT_CALLABLE = "districts.signin.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Successful sign-ins are in the session table already; no second log of them.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# A success must not clear failures: an attacker signing in to their own account from the
# same address would wipe the count on the accounts they are guessing at.
AXES_RESET_ON_SUCCESS = False

# The JSON API (api/): requests per personal token, as "<count>/<period>" (s, min, hour,
# day), counted in the cache (CACHE_URL): with the default each process counts on its own.
API_RATE_LIMIT = env("API_RATE_LIMIT", "600/min").strip()
if not re.fullmatch(r"[1-9][0-9]*/[1-9]?[0-9]*(s|sec|m|min|h|hour|d|day)", API_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"API_RATE_LIMIT must read like 600/min or 10/s, not {API_RATE_LIMIT!r}."
    )


# Single sign-on (django-allauth, see districts/sso.py): a provider shows on the sign-in page
# only when its SSO_* variables are set. Sign-ins are matched to roster people by e-mail;
# nobody signs up through a provider, and allauth's own password pages are not used.
def sso_app(name: str, **extra_settings) -> dict:
    client_id, secret = env(f"SSO_{name}_CLIENT_ID"), env(f"SSO_{name}_CLIENT_SECRET")
    if not secret:
        raise ImproperlyConfigured(
            f"SSO_{name}_CLIENT_ID is set: set SSO_{name}_CLIENT_SECRET too."
        )
    return {
        "client_id": client_id,
        "secret": secret,
        "settings": {"districts": env_list(f"SSO_{name}_DISTRICTS"), **extra_settings},
    }


SOCIALACCOUNT_PROVIDERS: dict = {}
# The sign-in button's and the sign-out button's forms lead, through a redirect, to the
# provider's own pages: CSP's form-action must allow them (browsers refuse the redirect).
SSO_FORM_ORIGINS: list[str] = []
if env("SSO_GOOGLE_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [sso_app("GOOGLE")],
        "SCOPE": ["openid", "email", "profile"],
        "AUTH_PARAMS": {"prompt": "select_account"},
    }
    SSO_FORM_ORIGINS.append("https://accounts.google.com")
if env("SSO_MICROSOFT_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [sso_app("MICROSOFT", tenant=env("SSO_MICROSOFT_TENANT", "organizations"))]
    }
    SSO_FORM_ORIGINS.append("https://login.microsoftonline.com")
if env("SSO_CLEVER_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["clever"] = {"APPS": [sso_app("CLEVER")]}
    SSO_FORM_ORIGINS.append("https://clever.com")
if env("SSO_OIDC_CLIENT_ID"):
    if not env("SSO_OIDC_SERVER_URL"):
        raise ImproperlyConfigured(
            "SSO_OIDC_CLIENT_ID is set: set SSO_OIDC_SERVER_URL to the provider's address too."
        )
    _issuer = urlsplit(env("SSO_OIDC_SERVER_URL"))
    SSO_FORM_ORIGINS.append(f"{_issuer.scheme}://{_issuer.netloc}")
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                **sso_app("OIDC", server_url=env("SSO_OIDC_SERVER_URL")),
                "provider_id": "district",
                "name": env("SSO_OIDC_NAME", "District account"),
            }
        ],
        "OAUTH_PKCE_ENABLED": True,
    }
SOCIALACCOUNT_ONLY = True
SOCIALACCOUNT_ADAPTER = "districts.sso.RosterSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # districts.sso matches people by e-mail itself
# Seconds to wait on a provider (per connection and per answer) before saying it does not answer.
SOCIALACCOUNT_REQUESTS_TIMEOUT = 4
ACCOUNT_ADAPTER = "districts.sso.RosterAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]

# The languages offered, first the default: English and Spanish, and each one a district adds
# a catalogue for under locale/ (README, "Languages and translating"). Only these: Django's own messages exist
# in many more languages, and a page half in the reader's language and half in English helps
# nobody.
_KNOWN_LANGUAGES = dict(global_settings.LANGUAGES)
LANGUAGES = []
for _code in env_list("LANGUAGES", "en,es") or ["en"]:
    if _code not in _KNOWN_LANGUAGES:
        raise ImproperlyConfigured(
            f"LANGUAGES must be language codes Django knows, such as en,es, not {_code!r}."
        )
    LANGUAGES.append((_code, _KNOWN_LANGUAGES[_code]))
LANGUAGE_CODE = LANGUAGES[0][0]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times read the same on every page (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("TIME_ZONE", "UTC")
if TIME_ZONE not in available_timezones():
    raise ImproperlyConfigured(
        f"TIME_ZONE must be an IANA zone such as America/Chicago, not {TIME_ZONE!r}."
    )
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app folders when collectstatic has not been run (laptops, tests).
WHITENOISE_USE_FINDERS = True

# E-mail through Django 6.1 mailers; the console prints messages when no server is set.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Roundtable <roundtable@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = {"default": mailer_from_url(env("EMAIL_URL", "console://"))}

# Celery: Redis when CELERY_BROKER_URL is set, otherwise a folder-based broker under var/.
# A request never waits long on the broker: a stopped or stalled Redis fails the publish within
# about two seconds (it is logged; the outbox sweep sends what the message would have asked for).
REDIS_BROKER_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 1,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_OPTIONS
elif not CELERY_BROKER_URL.startswith("amqp://"):
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL must start with redis://, rediss:// or amqp://, not {CELERY_BROKER_URL!r}."
    )
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Content Security Policy: our own files only, no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF, *SSO_FORM_ORIGINS],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind a reverse proxy that sets X-Forwarded-Proto and X-Forwarded-Host and appends to
# X-Forwarded-For, those headers tell the scheme, host and client address. Without one, any
# client could send them, so they are read only when this says the proxy is there.
TRUST_PROXY_HEADERS = env_bool("TRUST_PROXY_HEADERS", False)
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
if env_bool("HTTPS", False):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_on_one_line": {"()": "config.logfilters.ClientErrorsOnOneLine"},
        "redact_secrets": {"()": "config.logfilters.RedactSecrets"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_secrets", "client_errors_on_one_line"],
        },
        # Django's own, with the secret parts of request lines hidden.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Failed sign-ins and lockouts are warnings; a line per successful one is noise.
        "axes": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
