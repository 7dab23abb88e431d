"""The open-data API's URLs (`config/urls.py` mounts them at /api/open/v1/)."""

from django.urls import path

from .api import api

urlpatterns = [path("", api.urls)]
