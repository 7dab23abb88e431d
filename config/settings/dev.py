"""A newcomer's machine: SQLite, local-memory cache, e-mails printed to the console."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
ALLOWED_HOSTS = ["*"]

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
