"""Public URLs of the subscribers and alerts, under /lettres/ (before Wagtail's pages: the
archive of letters and its feed are routes of a page)."""

from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("inscription/envoyee/", views.signup_sent, name="signup_sent"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("desinscription/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("alertes/nouvelle/<str:listing>/", views.alert_new, name="alert_new"),
    path("alertes/confirmer/<str:token>/", views.alert_confirm, name="alert_confirm"),
    path(
        "alertes/supprimer/<str:token>/<int:alert_id>/",
        views.alert_delete,
        name="alert_delete",
    ),
]
