"""Members reach only the admin views classified for them; everything else answers 403.

The guard is default-deny: `MEMBER_VIEWS` maps each admin view a member may open, by its
URL name, to the check its arguments must pass (pages in the member's own subtree, images
and documents in a collection the member may use...). Any other admin view, including one
that a Wagtail upgrade adds, answers the admin's French « Accès refusé » page before Wagtail's
view runs. `MEMBER_DENIED` names the views (or whole URL namespaces) deliberately refused, so
that a test can require every admin URL to be classified one way or the other.

Wagtail's own permission policies still do the work inside each allowed view; the checks here
add what Wagtail does not: a refusal instead of its redirect to the dashboard, and no view
that shows someone else's draft title (the move confirmation names the destination's, the
page chooser its parent's) before its own check."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permissions import policy_registry

from .permissions import is_member, member_spaces_for

CHOSEN_MULTIPLE_MEDIA = frozenset(
    {"wagtailimages_chooser:chosen_multiple", "wagtaildocs_chooser:chosen_multiple"}
)
PAGE_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")
# image or document views -> (model, URL keyword, action the member needs on the instance)
MEDIA_VIEWS: dict[str, tuple[str, str, str]] = {
    "wagtailimages:edit": ("image", "image_id", "change"),
    "wagtailimages:delete": ("image", "image_id", "delete"),
    "wagtailimages:url_generator": ("image", "image_id", "change"),
    "wagtailimages:url_generator_output": ("image", "image_id", "change"),
    "wagtailimages:preview": ("image", "image_id", "change"),
    "wagtailimages:image_usage": ("image", "image_id", "change"),
    "wagtailimages:edit_multiple": ("image", "image_id", "change"),
    "wagtailimages:delete_multiple": ("image", "image_id", "delete"),
    "wagtailimages_chooser:chosen": ("image", "pk", "choose"),
    "wagtailimages_chooser:select_format": ("image", "image_id", "choose"),
    "wagtaildocs:edit": ("document", "document_id", "change"),
    "wagtaildocs:delete": ("document", "document_id", "delete"),
    "wagtaildocs:document_usage": ("document", "document_id", "change"),
    "wagtaildocs:edit_multiple": ("document", "doc_id", "change"),
    "wagtaildocs:delete_multiple": ("document", "doc_id", "delete"),
    "wagtaildocs_chooser:chosen": ("document", "pk", "choose"),
}


def _is_admin_member(request: HttpRequest) -> bool:
    if not hasattr(request, "_member_guard"):
        admin_root = reverse("wagtailadmin_home")
        request._member_guard = request.path.startswith(admin_root) and is_member(request.user)
    return request._member_guard


def permission_denied(request: HttpRequest) -> HttpResponse:
    """Wagtail's look, in French, with a 403 (never a hint of what exists over there)."""
    title = _("Accès refusé")
    return render(
        request,
        "directory/registration/admin/permission_denied.html",
        {"page_title": title, "header_title": title, "header_icon": "warning"},
        status=403,
    )


class MemberSpaceScope:
    """The pages a member may name: its actor pages, what lies below, and (for a few views)
    their ancestors."""

    def __init__(self, user):
        self.paths = list(member_spaces_for(user).values_list("actor__path", flat=True))

    def contains(self, path: str) -> bool:
        return any(path.startswith(own) for own in self.paths)

    def is_ancestor(self, path: str) -> bool:
        return any(own.startswith(path) for own in self.paths)

    def allows(self, page_id: object, *, ancestors: bool = False) -> bool | None:
        """Whether the member may name this page; None when there is no such page (the
        view answers 404 itself)."""
        try:
            page_id = int(page_id)
        except (TypeError, ValueError):
            return False
        path = Page.objects.filter(pk=page_id).values_list("path", flat=True).first()
        if path is None:
            return None
        return self.contains(path) or (ancestors and self.is_ancestor(path))

    def allows_all(self, page_ids: Iterable[object]) -> bool:
        return all(self.allows(page_id) is not False for page_id in page_ids)


def _creatable_here(kwargs: dict, parent_id: object) -> bool:
    """An add view: the page type exists and may be created under that parent."""
    try:
        model = apps.get_model(kwargs["content_type_app_name"], kwargs["content_type_model_name"])
    except (KeyError, LookupError):
        return True  # Wagtail answers 404
    parent = Page.objects.filter(pk=parent_id).first()
    if parent is None or not issubclass(model, Page):
        return True
    return model.can_create_at(parent.specific)


def _media_allowed(user, view_name: str, kwargs: dict) -> bool:
    kind, keyword, action = MEDIA_VIEWS[view_name]
    model = get_image_model() if kind == "image" else get_document_model()
    policy = policy_registry.get_by_type(model)
    try:
        instance = model.objects.filter(pk=int(kwargs.get(keyword))).first()
    except (TypeError, ValueError):
        return False
    if instance is None:
        return True  # Wagtail answers 404
    return policy.user_has_permission_for_instance(user, action, instance)


def _media_bulk_allowed(user, kwargs: dict, ids: list[str]) -> bool | None:
    """A bulk action on images or documents: every item must be the member's to change
    (Wagtail would list the others by title). None when the model is neither."""
    try:
        model = apps.get_model(kwargs.get("app_label", ""), kwargs.get("model_name", ""))
    except (LookupError, ValueError):
        return None
    if model not in (get_image_model(), get_document_model()):
        return None
    if "all" in ids:
        return False
    policy = policy_registry.get_by_type(model)
    action = "delete" if kwargs.get("action") == "delete" else "change"
    try:
        items = list(model.objects.filter(pk__in=[int(pk) for pk in ids]))
    except ValueError:
        return False
    return all(policy.user_has_permission_for_instance(user, action, item) for item in items)


def _own_pages(request: HttpRequest, kwargs: dict, *, ancestors: bool = False) -> bool:
    """Every page the URL names lies in the member's subtree (or above it, for the views
    that Wagtail sends back to the member's own space)."""
    named = [kwargs[keyword] for keyword in (*PAGE_KWARGS, "pk") if keyword in kwargs]
    if not named:
        return True
    scope = MemberSpaceScope(request.user)
    return all(scope.allows(page_id, ancestors=ancestors) is not False for page_id in named)


def _allow(request: HttpRequest, kwargs: dict) -> bool:
    """Views that name no object; Wagtail's own permission checks are enough."""
    return True


def _page_view(request: HttpRequest, kwargs: dict) -> bool:
    return _own_pages(request, kwargs)


def _page_or_ancestor_view(request: HttpRequest, kwargs: dict) -> bool:
    return _own_pages(request, kwargs, ancestors=True)


def _add_view(request: HttpRequest, kwargs: dict) -> bool:
    return _own_pages(request, kwargs) and _creatable_here(kwargs, kwargs.get("parent_page_id"))


def _destination_view(request: HttpRequest, kwargs: dict) -> bool:
    """Copy and move: the page is the member's, and so is the destination a POST names."""
    if not _own_pages(request, kwargs):
        return False
    if request.method != "POST":
        return True
    return MemberSpaceScope(request.user).allows(request.POST.get("new_parent_page")) is True


def _api_pages_listing(request: HttpRequest, kwargs: dict) -> bool:
    scope = MemberSpaceScope(request.user)
    for parameter in ("child_of", "descendant_of"):
        value = request.GET.get(parameter)
        if value and scope.allows(value, ancestors=True) is False:
            return False
    return True


def _public_or_own(scope: MemberSpaceScope, page_id: object) -> bool:
    return scope.allows(page_id, ancestors=True) is not False or (
        Page.objects.filter(pk=page_id, live=True, has_unpublished_changes=False).exists()
    )


def _choose_page_child(request: HttpRequest, kwargs: dict) -> bool:
    """The chooser shows its parent's draft title: only public pages or the member's own;
    and as a copy or move destination, only the member's own subtree."""
    scope = MemberSpaceScope(request.user)
    parent_id = kwargs.get("parent_page_id")
    if request.GET.get("user_perms") in ("copy_to", "move_to"):
        return scope.allows(parent_id, ancestors=True) is not False
    return _public_or_own(scope, parent_id)


def _choose_pages_chosen(request: HttpRequest, kwargs: dict) -> bool:
    """Its answer carries each page's draft title: the member's own pages, or public ones."""
    scope = MemberSpaceScope(request.user)
    return all(_public_or_own(scope, pk) for pk in request.GET.getlist("id") if pk.isdigit())


def _media_view(request: HttpRequest, kwargs: dict) -> bool:
    return _media_allowed(request.user, request.resolver_match.view_name, kwargs)


def _media_chosen_multiple(request: HttpRequest, kwargs: dict) -> bool:
    view_name = request.resolver_match.view_name
    model = get_image_model() if view_name.startswith("wagtailimages") else get_document_model()
    policy = policy_registry.get_by_type(model)
    ids = [pk for pk in request.GET.getlist("id") if pk.isdigit()]
    return all(
        policy.user_has_permission_for_instance(request.user, "choose", item)
        for item in model.objects.filter(pk__in=ids)
    )


def _bulk_action(request: HttpRequest, kwargs: dict) -> bool:
    ids = request.GET.getlist("id")
    media = _media_bulk_allowed(request.user, kwargs, ids)
    if media is not None:
        return media
    if kwargs.get("app_label") != "wagtailcore":
        return False
    scope = MemberSpaceScope(request.user)
    if "all" in ids:
        return scope.allows(request.GET.get("childOf")) is True
    return scope.allows_all(ids)


def _editing_session(request: HttpRequest, kwargs: dict) -> bool:
    """The editors' presence pings, kept by the page editor: only on the member's own pages."""
    try:
        model = apps.get_model(kwargs.get("app_label", ""), kwargs.get("model_name", ""))
    except (LookupError, ValueError):
        return False
    if not issubclass(model, Page):
        return False
    return MemberSpaceScope(request.user).allows(kwargs.get("object_id")) is not False


def _media_names(prefix: str, names: Iterable[str]) -> dict[str, Callable]:
    return {f"{prefix}:{name}": _allow for name in names}


# Every admin view a member may open, and what its arguments must pass.
MEMBER_VIEWS: dict[str, Callable[[HttpRequest, dict], bool]] = {
    # Session, account and the admin's own assets.
    **dict.fromkeys(
        (
            "wagtailadmin_home",
            "wagtailadmin_login",
            "wagtailadmin_logout",
            "wagtailadmin_account",
            # Two-factor authentication: the views act on the signed-in account only.
            "twofactor:manage",
            "twofactor:verify",
            "twofactor:enrol",
            "twofactor:regenerate_codes",
            "twofactor:disable",
            "wagtailadmin_password_reset",
            "wagtailadmin_password_reset_done",
            "wagtailadmin_password_reset_confirm",
            "wagtailadmin_password_reset_complete",
            "wagtailadmin_javascript_catalog",
            "wagtailadmin_sprite",
            "wagtailadmin_dismissibles",
            "wagtailadmin_tag_autocomplete",
            "wagtailadmin_tag_model_autocomplete",
            "wagtailadmin_block_preview",
            # Link and embed choosers of the rich text editor: no stored object.
            "wagtailadmin_choose_page_anchor_link",
            "wagtailadmin_choose_page_email_link",
            "wagtailadmin_choose_page_external_link",
            "wagtailadmin_choose_page_phone_link",
            "wagtailembeds:chooser",
            "wagtailembeds:chooser_upload",
            # The member's team: the views find the space among the member's own (404 else).
            "member_space_team",
            "member_space_remove",
        ),
        _allow,
    ),
    # Pages: the explorer and page search list only what Wagtail lets the member explore.
    "wagtailadmin_explore_root": _allow,
    "wagtailadmin_explore": _page_or_ancestor_view,
    "wagtailadmin_explore_results": _page_or_ancestor_view,
    "wagtailadmin_pages:search": _allow,
    "wagtailadmin_pages:search_results": _allow,
    "wagtailadmin_choose_page": _allow,
    "wagtailadmin_choose_page_search": _allow,
    "wagtailadmin_choose_page_child": _choose_page_child,
    "wagtailadmin_choose_page_chosen_multiple": _choose_pages_chosen,
    "wagtailadmin_pages:add": _add_view,
    "wagtailadmin_pages:preview_on_add": _add_view,
    "wagtailadmin_pages:copy": _destination_view,
    "wagtailadmin_pages:move": _destination_view,
    **dict.fromkeys(
        (
            f"wagtailadmin_pages:{name}"
            for name in (
                "add_subpage",
                "edit",
                "preview_on_edit",
                "view_draft",
                "delete",
                "unpublish",
                "lock",
                "unlock",
                "usage",
                "history",
                "history_results",
                "revisions_index",
                "revisions_view",
                "revisions_compare",
                "revisions_revert",
                "revisions_unschedule",
                "workflow_history",
                "workflow_history_detail",
                "workflow_action",
                "collect_workflow_action_data",
                "confirm_workflow_cancellation",
                "workflow_preview",
                "move_confirm",
                "set_page_position",
                "convert_alias",
            )
        ),
        _page_view,
    ),
    "wagtailadmin_api:pages:listing": _api_pages_listing,
    "wagtailadmin_api:pages:detail": _page_or_ancestor_view,
    "wagtailadmin_api:pages:find": _allow,  # redirects to the detail view, checked above
    "wagtailadmin_api:pages:action": _page_view,
    "wagtailadmin_editing_sessions:ping": _editing_session,
    "wagtailadmin_editing_sessions:release": _allow,
    "wagtail_bulk_action": _bulk_action,
    # Images and documents: lists and choosers show what the collection policy allows;
    # a view naming one item checks the member's permission on it.
    **_media_names(
        "wagtailimages",
        (
            "index",
            "index_results",
            "add",
            "add_multiple",
            "create_multiple_from_uploaded_image",
            "delete_upload_multiple",
        ),
    ),
    **_media_names("wagtailimages_chooser", ("choose", "choose_results", "create")),
    **_media_names(
        "wagtaildocs",
        (
            "index",
            "index_results",
            "add",
            "add_multiple",
            "create_multiple_from_uploaded_document",
            "delete_upload_multiple",
        ),
    ),
    **_media_names("wagtaildocs_chooser", ("choose", "choose_results", "create")),
    **dict.fromkeys(MEDIA_VIEWS, _media_view),
    **dict.fromkeys(CHOSEN_MULTIPLE_MEDIA, _media_chosen_multiple),
    # The widgets' snippet generator of the member's own actor page (opendata).
    "opendata_actor_widgets": _page_view,
    # Confirming a registration (events, POST only): the view finds the registration among
    # the events of the member's own space (404 else).
    "inscriptions:confirm": _allow,
}

# Admin views deliberately refused to members: whole namespaces (ending with ":") or names.
# Refused anyway by default; listed so that every admin URL is classified.
MEMBER_DENIED: frozenset[str] = frozenset(
    {
        # Editors' areas.
        "wagtailadmin_reports:",
        "wagtailadmin_workflows:",
        "wagtailadmin_collections:",
        "wagtailusers_users:",
        "wagtailusers_groups:",
        "wagtailsites:",
        "wagtailsettings:",
        "wagtailredirects:",
        "wagtailsearchpromotions:",
        "wagtailforms:",
        "wagtailsnippets:",
        "wagtailsnippets_",
        "wagtailsnippetchoosers_",
        "registration_requests:",
        "inscriptions:",
        # The newsletter's subscribers and their alerts (editors only).
        "abonnes:",
        "alertes_lettre:",
        "actor_pages:",
        "call_pages:",
        "directory_admin_actors_csv",
        # The accompaniments and their requests (observatory): editors only.
        "accompaniments:",
        "accompaniment_requests:",
        "search_popular_queries",
        "search_popular_queries_results",
        # The newsletter's letters: templates, test sends, sending and its progress.
        "newsletter_letters:",
        # The spreadsheet import of an existing base (opendata): editors only.
        "opendata_import:",
        # The admin API's image and document endpoints filter nothing by collection; the
        # member's screens use the choosers instead.
        "wagtailadmin_api:images:",
        "wagtailadmin_api:documents:",
        # Lists every page of a type, and the privacy of pages is the editors' choice.
        "wagtailadmin_pages:type_use",
        "wagtailadmin_pages:type_use_results",
        "wagtailadmin_pages:set_privacy",
        "wagtailadmin_pages:choose_parent",
        # Wagtail's error test view and its catch-all 404 (unnamed).
        "wagtailadmin_error_test",
        "",
    }
)


def classify(view_name: str) -> str | None:
    """'allowed', 'denied', or None when nobody decided what a member may do there."""
    if view_name in MEMBER_VIEWS:
        return "allowed"
    if view_name in MEMBER_DENIED or any(
        entry and view_name.startswith(entry) and entry[-1] in ":_" for entry in MEMBER_DENIED
    ):
        return "denied"
    return None


def member_may_open(request: HttpRequest, view_name: str, kwargs: dict) -> bool:
    """Whether a member may reach this admin view with these arguments (default: no)."""
    check = MEMBER_VIEWS.get(view_name)
    return check is not None and check(request, kwargs)


class MemberAdminGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not _is_admin_member(request):
            return None
        if not member_may_open(request, match.view_name, view_kwargs):
            return permission_denied(request)
        return None
