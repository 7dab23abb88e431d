"""The widgets' URLs, included under `widgets/` by `config/urls.py`."""

from django.urls import path, re_path

from . import widgets

urlpatterns = [
    re_path(r"^acteur/(?P<key>[0-9A-Za-z_\-]{1,255})/$", widgets.actor_widget, name="widget_actor"),
    path("carte/", widgets.map_widget, name="widget_map"),
    path("agenda/", widgets.agenda_widget, name="widget_agenda"),
    path("appels/", widgets.calls_widget, name="widget_calls"),
]
