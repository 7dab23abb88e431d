"""Admin registrations: the import's screens (editors who can add actors only), the label
mappings editors extend (a snippet), and the widgets' snippet generator on the actor's admin
page and on the open-data page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from directory.member_hooks import MEMBER_SPACE_SECTIONS_HOOK
from directory.models import ActorPage

from . import views
from .models import LabelMapping
from .permissions import can_import, can_manage_mappings
from .widgets_admin import actor_widgets_url, actor_widgets_view, open_data_widgets_section


class LabelMappingViewSet(SnippetViewSet):
    model = LabelMapping
    icon = "link"
    menu_label = _("Correspondances de libellés")
    add_to_admin_menu = False
    list_display = ["external_label", "kind", "target"]
    list_filter = ["kind"]
    search_fields = ["external_label"]
    ordering = ["kind", "normalised_label"]


register_snippet(LabelMappingViewSet)


class ImportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_import(request.user)


class MappingsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_manage_mappings(request.user)


class ImportSubmenu(SubmenuMenuItem):
    def is_shown(self, request) -> bool:
        return can_import(request.user) or can_manage_mappings(request.user)


import_urls = [
    path("", views.upload, name="upload"),
    path("<str:token>/", views.report, name="report"),
    path("<str:token>/importer/", views.confirm, name="confirm"),
    path("<str:token>/rapport.csv", views.report_csv, name="report_csv"),
]


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("import/", include((import_urls, "opendata_import"), namespace="opendata_import"))]


@hooks.register("register_admin_menu_item")
def register_import_menu():
    submenu = Menu(
        items=[
            ImportMenuItem(
                _("Importer un tableur"),
                reverse("opendata_import:upload"),
                name="import-upload",
                icon_name="upload",
                order=10,
            ),
            MappingsMenuItem(
                _("Correspondances de libellés"),
                reverse("wagtailsnippets_opendata_labelmapping:list"),
                name="import-mappings",
                icon_name="link",
                order=20,
            ),
        ]
    )
    return ImportSubmenu(
        _("Import de données"), submenu, name="data-import", icon_name="upload", order=170
    )


# --- Widgets: the snippet generator on the actor's admin page and on the open-data page


@hooks.register("register_admin_urls")
def register_widgets_admin_urls():
    return [
        path(
            "widgets/acteur/<int:page_id>/",
            actor_widgets_view,
            name="opendata_actor_widgets",
        )
    ]


@hooks.register("register_page_header_buttons")
def actor_widgets_button(page, user, view_name, next_url=None):
    """ "Widgets pour votre site" in an actor page's header menu, for whoever may edit it."""
    if (
        issubclass(page.specific_class or type(page), ActorPage)
        and page.permissions_for_user(user).can_edit()
    ):
        yield Button(
            _("Widgets pour votre site"),
            actor_widgets_url(page),
            icon_name="code",
            priority=90,
        )


@hooks.register(MEMBER_SPACE_SECTIONS_HOOK)
def member_widgets_section(*, actor, request) -> str:
    """The member's dashboard links to its actor's widget code: members rarely open the
    page header's menu, where the same link also is."""
    return render_to_string(
        "opendata/widgets/member_section.html",
        {"actor": actor, "widgets_url": actor_widgets_url(actor)},
        request=request,
    )


# The open-data page renders the sections this hook returns (title and HTML).
hooks.register("open_data_page_sections", open_data_widgets_section)
