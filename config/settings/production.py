"""Production: everything from the environment, HTTPS only, hashed static files.

Missing or malformed required variables stop the start with one line naming the variable.
"""

import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list, with_sqlite_options


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production.")
    return value


DEBUG = False
SECRET_KEY = _required("SECRET_KEY")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY is too weak: use at least 50 random characters.")
_required("ALLOWED_HOSTS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

# The address in reset and invitation e-mails: without it they would point at the default
# loopback address. `home.checks` warns at deploy time about a local or plain-HTTP one.
WAGTAILADMIN_BASE_URL = _required("WAGTAILADMIN_BASE_URL").rstrip("/")
_base_url = urlsplit(WAGTAILADMIN_BASE_URL)
if _base_url.scheme not in {"http", "https"} or not _base_url.hostname:
    raise ImproperlyConfigured(
        "WAGTAILADMIN_BASE_URL must be an absolute http(s) URL, e.g. https://www.exemple.org."
    )

_database_url = _required("DATABASE_URL")
try:
    _database = dj_database_url.parse(
        _database_url,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", 600)),
        conn_health_checks=True,
    )
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
if not _database.get("ENGINE") or not _database.get("NAME"):
    raise ImproperlyConfigured("DATABASE_URL is malformed: expected postgres://user@host/name.")
DATABASES = {"default": with_sqlite_options(_database)}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS: the app sits behind a proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# /healthz is probed over plain HTTP by the container's health check.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if not SECURE_HSTS_PRELOAD:
    # A deployment that opts out of the preload list says so explicitly.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)

# Media on S3-compatible object storage (django-storages) when a bucket is named; the local
# filesystem (MEDIA_ROOT, a volume shared by the app containers) otherwise. Original images
# and documents stay private: documents reach visitors only through Wagtail's serve view
# (WAGTAILDOCS_SERVE_METHOD = "serve_view"), which checks the privacy of their collection,
# and any direct link to a private object is signed and expires. Image renditions are
# public objects under `images/` (the bucket must let anyone read that prefix), so cached
# pages hold stable URLs. Access keys are read by django-storages and boto3 from
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the machine's role when unset).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
if AWS_STORAGE_BUCKET_NAME:
    if (os.environ.get("AWS_S3_ADDRESSING_STYLE") or "auto") not in {"auto", "path", "virtual"}:
        raise ImproperlyConfigured("AWS_S3_ADDRESSING_STYLE must be auto, path or virtual.")
    _s3_options = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        "location": os.environ.get("AWS_LOCATION", "").strip("/"),
        # Wagtail picks a free name for each upload; never replace another file's object.
        "file_overwrite": False,
        # The bucket's policy decides who reads what; no per-object ACL.
        "default_acl": None,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_options,
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", 3600)),
        },
    }
    _custom_domain = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip().strip("/")
    STORAGES["renditions"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_options,
            "custom_domain": _custom_domain or None,
            # Public URLs by default; a bucket that cannot be read anonymously needs
            # AWS_QUERYSTRING_AUTH=true (signed URLs, valid AWS_QUERYSTRING_EXPIRE seconds).
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", 3600)),
        },
    }
    WAGTAILIMAGES_RENDITION_STORAGE = "renditions"

    # The public site's Content-Security-Policy must let pages load renditions from there.
    def _media_origins() -> list[str]:
        if _custom_domain:
            return [f"https://{_custom_domain.split('/')[0]}"]
        endpoint = _s3_options["endpoint_url"]
        if endpoint:
            parts = urlsplit(endpoint)
            if _s3_options["addressing_style"] == "virtual":
                return [f"{parts.scheme}://{AWS_STORAGE_BUCKET_NAME}.{parts.netloc}"]
            return [f"{parts.scheme}://{parts.netloc}"]
        region = _s3_options["region_name"]
        hosts = [f"{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
        if region:
            hosts += [f"{AWS_STORAGE_BUCKET_NAME}.s3.{region}.amazonaws.com"]
        return [f"https://{host}" for host in hosts]

    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = [  # noqa: F405
        *CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],  # noqa: F405
        *_media_origins(),
    ]
# Two-factor authentication on the admin: on unless the environment says exactly "false" (a
# typo must not switch it off); `check --deploy` warns when it is off.
_admin_2fa = os.environ.get("ADMIN_2FA_REQUIRED", "true").strip().lower()
if _admin_2fa not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
    raise ImproperlyConfigured("ADMIN_2FA_REQUIRED must be true or false.")
ADMIN_2FA_REQUIRED = _admin_2fa in {"1", "true", "yes", "on"}
# Logs: JSON lines on stdout (LOG_FORMAT=plain for reading them by eye).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405
