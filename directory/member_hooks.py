"""Wagtail hooks of member spaces (issue 4), imported by `wagtail_hooks`.

Wagtail's page and collection permissions confine a member to its actor page and its
collection; these hooks close what they leave open: menus, choosers that list the whole
tree, editor-only fields in a hand-made POST, and trusted actors' direct publication."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button
from wagtail.models import Page, TaskState

from . import admin_members
from .admin_registration import RegistrationRequestViewSet
from .models import ActorPage, MemberSpace
from .permissions import (
    EDITOR_ONLY_FIELDS,
    is_editor,
    is_member,
    member_spaces_for,
    restrict_destinations_for_member,
)
from .permissions import restrict_pages_for_member as _restrict
from .registration_selectors import pending_requests_count
from .services import provision_member_space, publish_trusted_submission

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


class MemberSpacePanel(Component):
    """The admin home's "Votre espace" panel for members."""

    name = "member_space"
    order = 50
    template_name = "directory/registration/admin/member_space_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        spaces = []
        for space in member_spaces_for(self.user):
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
                    "edit_url": reverse("wagtailadmin_pages:edit", args=[actor.pk]),
                    "add_links": [
                        {
                            "label": model._meta.verbose_name,
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
                }
            )
        return {"spaces": spaces}


class PendingRequestsPanel(Component):
    name = "pending_registration_requests"
    order = 60
    template_name = "directory/registration/admin/pending_requests_panel.html"

    def get_context_data(self, parent_context=None):
        return {
            "count": pending_requests_count(),
            "url": reverse("registration_requests:index") + "?status=en_attente",
        }


@hooks.register("construct_homepage_panels")
def add_member_panels(request, panels):
    if is_member(request.user):
        panels.insert(0, MemberSpacePanel(request.user))
    elif is_editor(request.user) and request.user.has_perm("directory.review_registrationrequest"):
        panels.insert(0, PendingRequestsPanel())
