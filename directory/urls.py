"""The directory's open-data exports, the map's feed and its popups. Wagtail's page URLs
never contain a dot, so these are plain Django URLs placed before Wagtail's catch-all in
`config/urls.py`: `path("", include("directory.urls"))`."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(
        r"^(?P<page_path>(?:[\w\-]+/)+)"
        r"(?P<name>actors\.geojson|actors\.csv|projects\.geojson|actors\.map\.json)$",
        views.export,
        name="directory_export",
    ),
    # A map marker's popup, fetched when it opens (an HTML fragment).
    re_path(
        r"^(?P<page_path>(?:[\w\-]+/)+)acteur/(?P<actor_id>[0-9]{1,10})/popup\.html$",
        views.actor_popup,
        name="directory_actor_popup",
    ),
]
