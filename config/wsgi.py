"""WSGI entry point for gunicorn."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as exc:
    # One readable line in the server's log, naming the variable, then stop.
    sys.stderr.write(f"Configuration error: {exc}\n")
    raise SystemExit(1) from exc
