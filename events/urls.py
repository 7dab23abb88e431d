"""The agenda's iCalendar feed. Wagtail's page URLs never contain a dot, so it is a plain
Django URL placed before Wagtail's catch-all in `config/urls.py`:
`path("", include("events.urls"))`."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^(?P<page_path>(?:[\w\-]+/)+)agenda\.ics$", views.agenda_ics, name="agenda_ics"),
]
