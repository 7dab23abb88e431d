"""Admin URLs of two-factor authentication, under /admin/double-authentification/ (added
by `wagtail_hooks`, so Wagtail requires an admin account for each)."""

from django.urls import path

from . import views

app_name = "twofactor"

urlpatterns = [
    path("", views.manage, name="manage"),
    path("verifier/", views.verify, name="verify"),
    path("activer/", views.enrol, name="enrol"),
    path("codes-de-secours/", views.regenerate_codes, name="regenerate_codes"),
    path("desactiver/", views.disable, name="disable"),
]
