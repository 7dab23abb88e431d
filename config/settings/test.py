"""The test suite: fast hashing, local-memory cache, e-mails kept in memory."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import REDIS_CACHE_OPTIONS, REDIS_URL


def redis_url_of_this_worker(url: str) -> str:
    """Under pytest-xdist each worker gets its own Redis database: gw0 the one in the URL, gw1
    the next, and so on. The suite clears the cache around every test, and clearing is a
    FLUSHDB, which would wipe the keys of a test running in another worker."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{database}"))


DEBUG = False
SECRET_KEY = "test-only-insecure-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The suite runs against Redis when CI gives REDIS_URL, so the shared cache is exercised;
# otherwise local memory.
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url_of_this_worker(REDIS_URL),
            "KEY_PREFIX": f"test-{os.getpid()}",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Off by default so `client.login()` works; the lockout tests switch it on.
AXES_ENABLED = False

WHITENOISE_USE_FINDERS = True

# The suite logs editors in with `client.login()`; the two-factor tests switch it on.
ADMIN_2FA_REQUIRED = False
# The newsletter's webhook tests post with these credentials.
ANYMAIL = {**ANYMAIL, "WEBHOOK_SECRET": "fournisseur:secret-de-test"}  # noqa: F405
