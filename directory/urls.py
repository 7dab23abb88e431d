"""The directory's open-data exports. Wagtail's page URLs never contain a dot, so these are
plain Django URLs placed before Wagtail's catch-all in `config/urls.py`:
`path("", include("directory.urls"))`."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(
        r"^(?P<page_path>(?:[\w\-]+/)+)(?P<name>actors\.geojson|actors\.csv|projects\.geojson)$",
        views.export,
        name="directory_export",
    ),
]
