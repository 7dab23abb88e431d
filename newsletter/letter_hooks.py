"""Admin hooks of the letters: their screens' URLs, their buttons, and no "Publier" on a
letter (sending publishes it)."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from . import letter_views
from .models import LetterIndexPage, LetterPage

app_name = "newsletter_letters"
urlpatterns = [
    path(
        "modele/<int:index_id>/",
        letter_views.new_from_template,
        name="new_from_template",
    ),
    path("<int:letter_id>/test/", letter_views.send_test, name="send_test"),
    path("<int:letter_id>/envoyer/", letter_views.send, name="send"),
    path("<int:letter_id>/suivi/", letter_views.status, name="status"),
]


@hooks.register("register_admin_urls")
def register_letter_urls():
    return [path("lettres/", include((urlpatterns, app_name), namespace=app_name))]


def _letter_buttons(page, user) -> list[Button]:
    specific_class = page.specific_class
    if specific_class is LetterIndexPage:
        if page.permissions_for_user(user).can_add_subpage():
            return [
                Button(
                    _("Nouvelle lettre depuis le modèle"),
                    reverse("newsletter_letters:new_from_template", args=[page.pk]),
                    icon_name="mail",
                    priority=12,
                )
            ]
        return []
    if specific_class is not LetterPage:
        return []
    permissions = page.permissions_for_user(user)
    if not permissions.can_edit():
        return []
    letter = page.specific_deferred
    if letter.is_sent:
        return [
            Button(
                _("Suivi de l'envoi"),
                reverse("newsletter_letters:status", args=[page.pk]),
                icon_name="mail",
                priority=12,
            )
        ]
    buttons = [
        Button(
            _("Envoyer un test"),
            reverse("newsletter_letters:send_test", args=[page.pk]),
            icon_name="mail",
            priority=12,
        )
    ]
    if permissions.can_publish():
        buttons.append(
            Button(
                _("Envoyer"),
                reverse("newsletter_letters:send", args=[page.pk]),
                icon_name="mail",
                priority=13,
            )
        )
    return buttons


@hooks.register("register_page_header_buttons")
def letter_header_buttons(page, user, view_name, next_url=None):
    yield from _letter_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def letter_listing_buttons(page, user, next_url=None):
    yield from _letter_buttons(page, user)


@hooks.register("construct_page_action_menu")
def no_publish_for_letters(menu_items, request, context):
    """A letter goes online when it is sent: the "Envoyer" screen publishes it."""
    page = context.get("page")
    if page is not None and isinstance(page, LetterPage):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]
