"""Settings shared by every environment. Everything that differs between machines comes
from the environment; `dev`, `test` and `production` only choose defaults."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SITE_DIR = BASE_DIR / "site"


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# SQLite under concurrent requests (the demo serves several threads): write-ahead logging
# so readers never wait for a writer, writers queue for up to SQLITE_BUSY_TIMEOUT seconds
# rather than fail at once, and transactions take the write lock when they begin. A
# deferred transaction that reads, then writes, cannot wait for the lock (SQLite answers
# "database is locked" at once to avoid a deadlock); an immediate one waits its turn.
# synchronous=NORMAL is WAL's usual pairing: no corruption on a crash, fewer disk syncs.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", 20)),
}


def with_sqlite_options(config: dict) -> dict:
    """A database configuration, with `SQLITE_OPTIONS` when it is SQLite."""
    if config.get("ENGINE") == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


def database_from_env(default: str) -> dict:
    url = os.environ.get("DATABASE_URL", default)
    try:
        config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", 0)))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
    if not config.get("ENGINE"):
        raise ImproperlyConfigured("DATABASE_URL is malformed: unknown database scheme")
    return with_sqlite_options(config)


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "directory",
    "events",
    "resources",
    "working_groups",
    "search",
    "newsletter",
    "observatory",
    "opendata",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtailgeowidget",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_countries",
    "axes",
    "twofactor",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_guid",
    # Background tasks (the newsletter's sending, Wagtail's index updates) stored in the
    # database and run by `manage.py db_worker`.
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First, so every log line of a request (page-cache hits included) carries its id, sent
    # back in X-Request-ID; slow requests are logged (home/request_log.py).
    "home.request_log.RequestLogMiddleware",
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so a page served from it carries the policy too.
    "csp.middleware.CSPMiddleware",
    # Permissions-Policy everywhere and the admin's own CSP (home/headers.py).
    "home.headers.SecurityHeadersMiddleware",
    # Each generation of the shared cache read once per request (home/caching.py).
    "home.caching.RequestScopeMiddleware",
    # Before sessions: a hit for an anonymous visitor touches neither the session nor the
    # database.
    "home.page_cache.PageCacheMiddleware",
    # The request's site from the worker's memory, for Wagtail (home/serving.py).
    "home.serving.SiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A form POST without the counts its page always sends: 400, not 500.
    "home.bad_request_middleware.IncompleteFormMiddleware",
    # Two-factor authentication on the admin: needs the user, so after authentication, and
    # before the members' guard so that an unverified session reaches no admin view.
    "django_otp.middleware.OTPMiddleware",
    "twofactor.middleware.AdminTwoFactorMiddleware",
    # Keeps members inside their own space in the admin: needs the user, so after authentication.
    "directory.middleware.MemberAdminGuardMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.content_generation",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis through django-redis when REDIS_URL is set, local memory otherwise. The cache
# only accelerates: when Redis is unreachable, every read is a miss and every write is
# dropped (IGNORE_EXCEPTIONS, each logged as a warning by "portail.cache"), and the short
# timeouts make a dead Redis cost milliseconds, not seconds, per request.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_CACHE_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_CONNECT_TIMEOUT", 0.1)),
    "SOCKET_TIMEOUT": float(os.environ.get("REDIS_SOCKET_TIMEOUT", 0.5)),
    "IGNORE_EXCEPTIONS": True,
    # After a failure, skip Redis for a few seconds rather than wait on every call.
    "CONNECTION_FACTORY": "home.caching.CircuitBreakerConnectionFactory",
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "portail.cache"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portail"),
            "TIMEOUT": 600,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portail",
            "TIMEOUT": 600,
        }
    }
# Seconds an anonymous page stays in the page cache (publishing purges it sooner).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 300))

AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out account or address is refused before any check.
    "axes.backends.AxesBackend",
    # Django's ModelBackend that also finds the account by its e-mail address.
    "home.auth.EmailOrUsernameBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins: lock the username and the address together after 5 failures, for 30 min.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 0.5))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account_locked.html"
# Trusted reverse proxies in front of the app (each appends to X-Forwarded-For); 0 trusts
# none and ignores the header. `home.client.client_ip` reads it for every limit and axes.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "home.client.client_ip"
# A username is also locked after this many failures from any address in the cool-off.
AXES_HANDLER = "home.lockout.LockoutHandler"
LOGIN_USERNAME_FAILURE_LIMIT = int(os.environ.get("LOGIN_USERNAME_FAILURE_LIMIT", 20))
# Log in with an e-mail address or a username: failures count per account either way.
AXES_USERNAME_CALLABLE = "home.auth.axes_username"
WAGTAILADMIN_USER_LOGIN_FORM = "home.auth.LoginForm"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [SITE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [SITE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: 10 MiB per request body (page editor forms can be large), files bigger than
# 2.5 MiB go to a temporary file rather than memory.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Portail du réseau <ne-pas-repondre@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers every environment sends; production adds HTTPS-only settings.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "SO Coopération")
# The network's own e-mail and web domains (comma-separated): the référencement's duplicate
# detection ignores them, like webmail providers.
NETWORK_DOMAINS = [d for d in os.environ.get("NETWORK_DOMAINS", "").split(",") if d.strip()]
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "home.CustomImage"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]  # no SVG: it can carry scripts
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Refuses, with a message, an upload that starts like an image but cannot be read.
WAGTAILIMAGES_IMAGE_FORM_BASE = "home.image_forms.ImageForm"
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "odt",
    "ods",
    "odp",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "csv",
    "txt",
]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Search (`search` app): on PostgreSQL, French stemming after accents are stripped (text
# search configurations created by search/migrations/0001); on SQLite, FTS5 ignores accents.
IS_POSTGRESQL = "postgresql" in DATABASES["default"]["ENGINE"]
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.backends",
        "SEARCH_CONFIG": "french_unaccent" if IS_POSTGRESQL else "french",
        "AUTOCOMPLETE_CONFIG": "simple_unaccent" if IS_POSTGRESQL else "simple",
    },
}
# Which engine matches the site search's words (search/engines/): the database engine (SQL on
# Wagtail's index, the default) or "search.engines.wagtail_backend.WagtailBackendEngine", which
# asks the backend above (set it to OpenSearch or Elasticsearch when the site outgrows its
# database's full-text search).
SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE", "search.engines.database.DatabaseEngine")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_PASSWORD_RESET_ENABLED = True
# Password reset e-mails per address and per e-mail address and window; past them the same
# page answers and nothing is sent.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "home.password_reset.ThrottledPasswordResetForm"  # noqa: S105
PASSWORD_RESET_RATE_LIMIT = int(os.environ.get("PASSWORD_RESET_RATE_LIMIT", 10))
PASSWORD_RESET_EMAIL_RATE_LIMIT = int(os.environ.get("PASSWORD_RESET_EMAIL_RATE_LIMIT", 3))
PASSWORD_RESET_RATE_WINDOW_SECONDS = 3600
WAGTAILADMIN_COMMENTS_ENABLED = True
# No Gravatar: the admin would send a hash of every user's e-mail to a third party (and
# show broken images on machines without internet). Wagtail draws a default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Map: tiles come from a configurable server, OpenStreetMap by default.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">contributeurs OpenStreetMap</a>',
)

# Content Security Policy (django-csp) on the public site: scripts and everything else from
# this origin only; map tiles from the tile server; frames from https (editors' embedded
# videos); inline style attributes allowed (SDG colours). The admin keeps Wagtail's own
# needs and is left out.
_tile_origin = "{0.scheme}://{0.netloc}".format(urlsplit(re.sub(r"\{[a-z]\}", "*", MAP_TILE_URL)))
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", _tile_origin],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF, "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],  # as X-Frame-Options: DENY
    },
}
# The admin's policy (home/headers.py), as tight as Wagtail's admin allows: it needs inline
# scripts and styles, data: and blob: images (uploads, previews), its previews in frames of
# its own; the map widget loads Leaflet from unpkg, its tiles from the tile server and asks
# Nominatim for addresses; the embed chooser shows providers' frames. The report-only policy
# drops inline scripts: browsers list in their console what still needs them.
ADMIN_CONTENT_SECURITY_POLICY_PREFIXES = ("/admin/",)
_admin_sources = {
    "default-src": [SELF],
    "script-src": [SELF, UNSAFE_INLINE, "https://unpkg.com"],
    "style-src": [SELF, UNSAFE_INLINE, "https://unpkg.com"],
    "img-src": [SELF, "data:", "blob:", _tile_origin, "https://unpkg.com"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF, "https://nominatim.openstreetmap.org"],
    "media-src": [SELF, "blob:"],
    "worker-src": [SELF, "blob:"],
    "frame-src": [SELF, "https:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}
ADMIN_CONTENT_SECURITY_POLICY = _admin_sources
ADMIN_CONTENT_SECURITY_POLICY_REPORT_ONLY = {
    **_admin_sources,
    "script-src": [SELF, "https://unpkg.com"],
}
# Browser features no page of the site uses, among those Chromium knows (an unknown name makes
# it log a warning on every page; embedded videos keep fullscreen, autoplay and
# picture-in-picture, which the browser's defaults already limit to what the page allows).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
GEO_WIDGET_DEFAULT_LOCATION = {"lat": 45.19, "lng": 0.71}
GEO_WIDGET_ZOOM = 7

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # Production: one JSON object a line; the request id, the user id and a log call's
        # `extra` fields become keys.
        "json": {
            "()": "home.request_log.JsonFormatter",
            "fmt": "{levelname}{name}{message}",
            "style": "{",
            "timestamp": "time",  # ISO 8601, UTC
            "rename_fields": {"levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "filters": {
        "request_context": {"()": "home.request_log.RequestContextFilter"},
        "cache_errors": {"()": "home.caching.CacheErrorLogFilter"},
        "without_traceback": {"()": "home.log_filters.WithoutTraceback"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # A forged Host header (scanners send them all day): one line, once. The root's
        # handler prints it; a handler of its own here printed it a second time.
        "django.security.DisallowedHost": {"level": "ERROR", "filters": ["without_traceback"]},
        # One line per background task (search index, reference index) drowns the log.
        "django_tasks": {"level": "WARNING"},
        # Its INFO lines repeat every request's id; its warnings quote the rejected header.
        "django_guid": {"level": "ERROR"},
        # Errors of an unreachable Redis, ignored by the cache backend: a warning line now
        # and then (home.caching.CacheErrorLogFilter), not a traceback per cache call.
        "portail.cache": {"filters": ["cache_errors"]},
    },
}

# Geo-directory (`directory` app): country names in French, the admin's map widget on the
# site's tile server, and the open-data exports' cache.
GEO_WIDGET_LEAFLET_TILE_LAYER = MAP_TILE_URL
GEO_WIDGET_LEAFLET_TILE_LAYER_OPTIONS = {"attribution": MAP_TILE_ATTRIBUTION}
# Seconds a built GeoJSON/CSV export stays cached (publishing a page changes its key anyway).
DIRECTORY_EXPORT_CACHE_SECONDS = int(os.environ.get("DIRECTORY_EXPORT_CACHE_SECONDS", 3600))
DIRECTORY_ACTORS_PER_PAGE = 24

# Agenda (`events` app): listing size, how long a built iCalendar feed stays cached (a
# publication changes its key anyway), the maximum events a feed holds, and the sender of
# registration e-mails.
EVENTS_PER_PAGE = 20
EVENTS_FEED_CACHE_SECONDS = int(os.environ.get("EVENTS_FEED_CACHE_SECONDS", 3600))
EVENTS_FEED_MAX_EVENTS = int(os.environ.get("EVENTS_FEED_MAX_EVENTS", 1000))
EVENTS_REGISTRATION_FROM_EMAIL = os.environ.get(
    "EVENTS_REGISTRATION_FROM_EMAIL", DEFAULT_FROM_EMAIL
)

# Site search (`search` app): requests allowed per address and minute on /recherche/ and on
# its autocomplete, counted in the shared cache so every worker sees them (429 beyond).
SEARCH_RATE_LIMIT = int(os.environ.get("SEARCH_RATE_LIMIT", 60))
AUTOCOMPLETE_RATE_LIMIT = int(os.environ.get("AUTOCOMPLETE_RATE_LIMIT", 240))
SEARCH_RATE_WINDOW_SECONDS = 60
# The most matches a search ranks and counts (facets included): beyond, the most recently
# indexed ones, and the page says so. It bounds the cost of a word found in most pages (the
# network's site is far below it); 0 ranks and counts every match.
SEARCH_MAX_MATCHES = int(os.environ.get("SEARCH_MAX_MATCHES", 10000))

# Member spaces and the référencement form (`directory` app).
# Submissions per address and window (counted in the shared cache), the shortest plausible
# time to fill the form and how long a shown form stays valid.
REGISTRATION_RATE_LIMIT = int(os.environ.get("REGISTRATION_RATE_LIMIT", 5))
REGISTRATION_RATE_WINDOW_SECONDS = int(os.environ.get("REGISTRATION_RATE_WINDOW_SECONDS", 3600))
REGISTRATION_MIN_FILL_SECONDS = int(os.environ.get("REGISTRATION_MIN_FILL_SECONDS", 5))
REGISTRATION_FORM_MAX_AGE_SECONDS = 24 * 3600
# Who is told of a new request (default: everyone allowed to review requests).
REGISTRATION_NOTIFY_EMAILS = env_list("REGISTRATION_NOTIFY_EMAILS")
# Rejected requests are deleted after this many days (`purge_registration_requests`).
REGISTRATION_RETENTION_DAYS = int(os.environ.get("REGISTRATION_RETENTION_DAYS", 365))
# The network's collection every member may choose images and documents from.
MEMBER_SHARED_COLLECTION_NAME = "Réseau"

# Accompaniments (`observatory` app): who is told of a new « Demander un accompagnement »
# request (default: the contact address of the site identity settings). The form shares the
# référencement form's rate limit, anti-spam timings and window.
ACCOMPANIMENT_NOTIFY_EMAILS = env_list("ACCOMPANIMENT_NOTIFY_EMAILS")

# Two-factor authentication on the admin (`twofactor` app, django-otp): accounts that can
# publish or manage users must confirm a code from an authenticator app (or a single-use
# recovery code) once per session; others may opt in from their account. Production refuses
# anything but an explicit true/false (see config/settings/production.py), and
# `check --deploy` warns when it is off.
ADMIN_2FA_REQUIRED = env_bool("ADMIN_2FA_REQUIRED", True)
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# Seconds a wrong code locks further tries, doubled at each failure (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Backups (`manage.py backup` / `restore`, home/backups.py): where archives are written when
# `--output` is not given. They hold personal data: keep the folder private and off the web.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))

# Request logs (home/request_log.py): the request id travels in X-Request-ID (a proxy's value
# is kept when it is a UUID, replaced otherwise); requests slower than SLOW_REQUEST_MS are
# logged as a WARNING with their method, path, status, duration and SQL query count.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
}
SLOW_REQUEST_MS = int(os.environ.get("SLOW_REQUEST_MS", 1000))

# Background tasks (django-tasks): stored in the database and run by a worker beside the web
# server (`manage.py db_worker`, started by `make run`, `make demo` and compose's `worker`
# service). Wagtail's own tasks (search and reference index updates) go there too. The test
# settings run them at once; TASKS_BACKEND chooses another backend (e.g. the immediate one).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# E-mail through a provider's API (django-anymail) rather than SMTP: EMAIL_PROVIDER names an
# anymail backend (brevo, mailjet, sendgrid, postmark, mailgun, amazon_ses...), and its
# settings come from the environment variables ANYMAIL_<SETTING> (ANYMAIL_BREVO_API_KEY,
# ANYMAIL_MAILJET_API_KEY and ANYMAIL_MAILJET_SECRET_KEY, ANYMAIL_WEBHOOK_SECRET...).
# Without EMAIL_PROVIDER, EMAIL_BACKEND above (SMTP by default) applies.
EMAIL_PROVIDER = os.environ.get("EMAIL_PROVIDER", "").strip().lower()
if EMAIL_PROVIDER:
    if not re.fullmatch(r"[a-z_]+", EMAIL_PROVIDER):
        raise ImproperlyConfigured("EMAIL_PROVIDER must name an anymail backend, e.g. brevo")
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}
# The sending provider's bounce and complaint webhooks (/anymail/<provider>/tracking/) are
# refused without ANYMAIL_WEBHOOK_SECRET, "user:password" (HTTP basic authentication checked
# by anymail).
ANYMAIL_WEBHOOK_SECRET = ANYMAIL.get("WEBHOOK_SECRET", "")

# Newsletter letters (`newsletter` app): their sender and reply address, the size of a
# sending batch (one background task each), how often a batch is retried after the provider
# failed, the wait before the first retry (doubled at each attempt), and how long a batch
# may stay claimed by a worker before it is taken as interrupted.
NEWSLETTER_FROM_EMAIL = os.environ.get("NEWSLETTER_FROM_EMAIL") or DEFAULT_FROM_EMAIL
NEWSLETTER_REPLY_TO = os.environ.get("NEWSLETTER_REPLY_TO", "")
NEWSLETTER_BATCH_SIZE = int(os.environ.get("NEWSLETTER_BATCH_SIZE", 100))
NEWSLETTER_MAX_ATTEMPTS = int(os.environ.get("NEWSLETTER_MAX_ATTEMPTS", 5))
NEWSLETTER_RETRY_SECONDS = int(os.environ.get("NEWSLETTER_RETRY_SECONDS", 60))
NEWSLETTER_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("NEWSLETTER_CLAIM_TIMEOUT_SECONDS", 900))

# Newsletter subscribers and alerts (`newsletter` app). The confirmation link of a sign-up
# or of an alert expires after NEWSLETTER_CONFIRMATION_MAX_AGE seconds (preferences and
# unsubscribe links never expire); unconfirmed sign-ups are deleted after
# NEWSLETTER_PENDING_RETENTION_DAYS (`purge_unconfirmed_subscribers`). A pending address gets
# at most NEWSLETTER_CONFIRMATION_RESEND_LIMIT confirmation e-mails a day.
NEWSLETTER_CONFIRMATION_MAX_AGE = int(
    os.environ.get("NEWSLETTER_CONFIRMATION_MAX_AGE", 7 * 24 * 3600)
)
NEWSLETTER_PENDING_RETENTION_DAYS = int(os.environ.get("NEWSLETTER_PENDING_RETENTION_DAYS", 30))
NEWSLETTER_CONFIRMATION_RESEND_LIMIT = int(
    os.environ.get("NEWSLETTER_CONFIRMATION_RESEND_LIMIT", 3)
)
# Bump when the wording of the sign-up consent changes: each subscriber stores its version.
NEWSLETTER_CONSENT_VERSION = "2026-12"
# Observatory (`observatory` app): a count of accompaniments under this is published as
# "< N" (in pages, CSV, JSON and the barometer), so that no accompanied structure can be
# recognised; indicators and the current year's barometer are cached this long at most (a
# publication or an accompaniment clears them at once).
OBSERVATORY_MIN_CELL = int(os.environ.get("OBSERVATORY_MIN_CELL", 3))
OBSERVATORY_CACHE_SECONDS = int(os.environ.get("OBSERVATORY_CACHE_SECONDS", 6 * 3600))
# Spreadsheet import of an existing base (opendata/imports): the largest file and the most
# rows accepted, and how long an uploaded file waits in the shared cache for its "Importer".
OPENDATA_IMPORT_MAX_BYTES = int(os.environ.get("OPENDATA_IMPORT_MAX_BYTES", 5 * 1024 * 1024))
OPENDATA_IMPORT_MAX_ROWS = int(os.environ.get("OPENDATA_IMPORT_MAX_ROWS", 20_000))
OPENDATA_IMPORT_TTL_SECONDS = int(os.environ.get("OPENDATA_IMPORT_TTL_SECONDS", 2 * 3600))
# Open data (`opendata` app): the public read-only API at /api/open/v1/ (django-ninja; "ninja"
# installed so its docs page serves Swagger UI from its own static files, never a CDN), CORS
# on /api/open/ only and for safe methods only (opendata/cors.py answers which requests get
# it; no credentials), the API's limit per client address (home/limits.py, 429 beyond), how
# long a client or proxy may reuse an answer before asking again with its ETag, and the
# licence the open-data page and the API state ("etalab-2.0" or "odbl-1.0").
INSTALLED_APPS += ["ninja", "corsheaders"]
# High in the list, so CORS headers reach every answer of the API (429 and 304 included).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "corsheaders.middleware.CorsMiddleware",
)
CORS_URLS_REGEX = r"^/api/open/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = 86400
OPEN_DATA_API_RATE_LIMIT = int(os.environ.get("OPEN_DATA_API_RATE_LIMIT", 300))
OPEN_DATA_API_RATE_WINDOW_SECONDS = int(os.environ.get("OPEN_DATA_API_RATE_WINDOW_SECONDS", 60))
OPEN_DATA_API_MAX_AGE = int(os.environ.get("OPEN_DATA_API_MAX_AGE", 60))
OPEN_DATA_LICENCE = os.environ.get("OPEN_DATA_LICENCE", "etalab-2.0")
# The most items the feed of calls and offers (/api/open/v1/feeds/opportunities.json) holds.
OPEN_DATA_FEED_MAX_ITEMS = int(os.environ.get("OPEN_DATA_FEED_MAX_ITEMS", 500))
# Widgets (`/widgets/...`, opendata/widgets.py): the only framable pages. The origins that
# may show them in a frame (their `frame-ancestors`), comma-separated, e.g.
# `https://www.exemple.org,https://*.exemple.fr`; every site by default.
WIDGET_FRAME_ANCESTORS = env_list("WIDGET_FRAME_ANCESTORS") or ["*"]
