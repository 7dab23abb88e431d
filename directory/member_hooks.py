"""Wagtail hooks of member spaces, imported by `wagtail_hooks`.

Wagtail's page and collection permissions confine a member to its actor page and its
collection; these hooks close what they leave open: menus, choosers that list the whole
tree, editor-only fields in a hand-made POST, and trusted actors' direct publication."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button
from wagtail.models import Page, TaskState

from home.dashboard import EDITORS_DASHBOARD_HOOK, DashboardItem, EditorsDashboardPanel

from . import admin_members
from .admin_registration import RegistrationRequestViewSet
from .models import ActorPage, MemberSpace
from .permissions import (
    EDITOR_ONLY_FIELDS,
    can_review_requests,
    is_editor,
    is_member,
    member_spaces_for,
    restrict_destinations_for_member,
)
from .permissions import restrict_pages_for_member as _restrict
from .registration_selectors import pending_requests_count
from .selectors import profile_completeness
from .services.member_spaces import provision_member_space
from .services.trusted import publish_trusted_submission

# Admin areas a member never sees (the middleware refuses their URLs as well).
HIDDEN_MENU_ITEMS = frozenset({"settings", "reports", "snippets", "workflows", "users", "groups"})


@hooks.register("register_admin_viewset")
def register_registration_requests():
    return RegistrationRequestViewSet()


@hooks.register("register_admin_urls")
def register_member_admin_urls():
    return [
        path(
            "espace-membre/<int:space_id>/equipe/",
            admin_members.team_view,
            name="member_space_team",
        ),
        path(
            "espace-membre/<int:space_id>/equipe/<int:user_id>/retirer/",
            admin_members.remove_view,
            name="member_space_remove",
        ),
    ]


@hooks.register("construct_main_menu")
def hide_admin_areas_from_members(request, menu_items):
    if is_member(request.user):
        menu_items[:] = [item for item in menu_items if item.name not in HIDDEN_MENU_ITEMS]


@hooks.register("construct_page_chooser_queryset")
def restrict_page_chooser(pages, request):
    if not is_member(request.user):
        return pages
    if request.GET.get("user_perms") in ("copy_to", "move_to"):
        # A copy or move destination: only the member's own subtree is offered.
        return restrict_destinations_for_member(pages, request.user)
    return _restrict(pages, request.user)


@hooks.register("construct_explorer_page_queryset")
def restrict_explorer(parent_page, pages, request):
    return _restrict(pages, request.user) if is_member(request.user) else pages


def _strip_editor_only_fields(request) -> None:
    """A member's POST never carries editor-only fields, even hand-made: drop them before
    the form sees the data (the permission-gated panels already leave them out)."""
    if (
        request.method == "POST"
        and any(name in request.POST for name in EDITOR_ONLY_FIELDS)
        and not is_editor(request.user)
    ):
        data = request.POST.copy()
        for name in EDITOR_ONLY_FIELDS:
            data.pop(name, None)
        request.POST = data


@hooks.register("before_edit_page")
def guard_edit(request, page):
    _strip_editor_only_fields(request)


@hooks.register("before_create_page")
def guard_create(request, parent_page, page_class):
    _strip_editor_only_fields(request)


@hooks.register("before_move_page")
def guard_move(request, page, destination):
    """Wagtail's move confirmation checks nothing on GET (it shows the destination's draft
    title): refuse there any move the user could not perform."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


def _after_save(request, page) -> None:
    if request.method == "POST" and "action-submit" in request.POST and not is_editor(request.user):
        publish_trusted_submission(page=page, user=request.user)


@hooks.register("after_edit_page")
def trusted_after_edit(request, page):
    _after_save(request, page)


@hooks.register("after_create_page")
def trusted_after_create(request, page):
    _after_save(request, page)


@hooks.register("after_create_page")
def provision_hand_made_actor(request, page):
    """An actor page an editor creates by hand gets its member space at once (the editor
    then invites its people from the space's team page)."""
    if isinstance(page.specific, ActorPage):
        provision_member_space(actor=page.specific)


@hooks.register("register_page_listing_more_buttons")
def team_button(page, user, next_url=None):
    if is_editor(user) and isinstance(page.specific_deferred, ActorPage):
        space = MemberSpace.objects.filter(actor_id=page.pk).first()
        if space is not None:
            yield Button(
                _("Équipe de l'espace membre"),
                reverse("member_space_team", args=[space.pk]),
                icon_name="group",
                priority=90,
            )


# Other apps add a section to each space of the members' dashboard (the agenda adds the
# space's upcoming events): a function (*, actor, request) -> HTML string, "" for none.
MEMBER_SPACE_SECTIONS_HOOK = "member_space_sections"

# The add links of the members' dashboard, in French with their article.
ADD_LABELS = {
    "directory.projectpage": _("Ajouter un projet"),
    "events.eventpage": _("Ajouter un événement"),
    "resources.newspage": _("Ajouter une actualité"),
    "resources.opportunitypage": _("Ajouter une offre"),
}


class MemberSpacePanel(Component):
    """The admin home's "Votre espace" panel for members: how complete their page is and
    what is missing, what they can add, what waits for the editors, and what other apps
    add (their upcoming events)."""

    name = "member_space"
    order = 50
    template_name = "directory/registration/admin/member_space_panel.html"

    def __init__(self, user, request=None):
        self.user = user
        self.request = request

    def get_context_data(self, parent_context=None):
        spaces = []
        for space in member_spaces_for(self.user).select_related("actor"):
            actor = space.actor
            subtree = Page.objects.descendant_of(actor, inclusive=True)
            waiting = (
                TaskState.objects.filter(
                    status=TaskState.STATUS_IN_PROGRESS,
                    workflow_state__base_content_type__model="page",
                    workflow_state__object_id__in=[
                        str(pk) for pk in subtree.values_list("pk", flat=True)
                    ],
                )
                .select_related("revision")
                .order_by("started_at")
            )
            spaces.append(
                {
                    "space": space,
                    "actor": actor,
                    "completeness": profile_completeness(actor=actor),
                    "edit_url": reverse("wagtailadmin_pages:edit", args=[actor.pk]),
                    "add_links": [
                        {
                            "label": ADD_LABELS.get(
                                model._meta.label_lower,
                                _("Ajouter : %(kind)s") % {"kind": model._meta.verbose_name},
                            ),
                            "url": reverse(
                                "wagtailadmin_pages:add",
                                args=[model._meta.app_label, model._meta.model_name, actor.pk],
                            ),
                        }
                        for model in ActorPage.creatable_subpage_models()
                    ],
                    "team_url": reverse("member_space_team", args=[space.pk]),
                    "waiting": [
                        {
                            "title": state.revision.object_str if state.revision else "",
                            "since": state.started_at,
                        }
                        for state in waiting
                    ],
                    "sections": [
                        html
                        for section in hooks.get_hooks(MEMBER_SPACE_SECTIONS_HOOK)
                        if (html := section(actor=actor, request=self.request))
                    ],
                }
            )
        return {"spaces": spaces}


@hooks.register(EDITORS_DASHBOARD_HOOK)
def pending_registration_requests(*, request) -> list[DashboardItem]:
    if not can_review_requests(request.user):
        return []
    count = pending_requests_count()
    return [
        DashboardItem(
            label=ngettext(
                "demande de référencement en attente",
                "demandes de référencement en attente",
                count,
            ),
            count=count,
            url=reverse("registration_requests:index") + "?status=en_attente",
            order=10,
        )
    ]


@hooks.register("construct_homepage_panels")
def add_member_panels(request, panels):
    if is_member(request.user):
        panels.insert(0, MemberSpacePanel(request.user, request))
    elif is_editor(request.user):
        panels.insert(0, EditorsDashboardPanel(request))
