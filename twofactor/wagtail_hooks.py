from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from . import urls
from .selectors import has_confirmed_device


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("double-authentification/", include(urls))]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request: HttpRequest) -> dict:
    return {
        "url": reverse("twofactor:manage"),
        "label": _("Double authentification"),
        "help_text": _("Activée : un code de votre application est demandé à chaque connexion.")
        if has_confirmed_device(request.user)
        else _("Protégez votre compte par un code à usage unique en plus du mot de passe."),
    }
