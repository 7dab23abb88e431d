"""Refuse members what lies outside their space in the admin (issue 4), with a 403.

Wagtail checks permissions on its views already, but answers a refusal with a redirect to
the dashboard; and a few views show other people's data before any check (the move
confirmation names the destination's draft title, the page chooser shows its parent's).
For a member, every admin URL that names a page, an image or a document is checked here
before Wagtail's view runs: pages must lie in the member's own subtree (the explorer and
the admin API may also name the ancestors, which Wagtail sends back to the member's space),
images and documents must be in a collection the member may change (or choose, in the
choosers). Admin areas a member has no business in (reports, workflows, users...) answer
403 as a whole: members get `lock` and admin access, which opens some reports."""

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

# Below /admin/ (the prefix is read from the URLconf).
FORBIDDEN_ADMIN_PREFIXES = (
    "reports/",
    "workflows/",
    "snippets/",
    "users/",
    "groups/",
    "settings/",
    "sites/",
    "locales/",
    "redirects/",
    "searchpicks/",
    "registration_requests/",
    "collections/",
    # The editors' actor listing and its full export (private fields).
    "actor_pages/",
    "annuaire/acteurs/",
    # The admin API's images and documents endpoints filter nothing by collection; the
    # admin's own screens use the choosers instead.
    "api/main/images/",
    "api/main/documents/",
)

CHOSEN_MULTIPLE_MEDIA = frozenset(
    {"wagtailimages_chooser:chosen_multiple", "wagtaildocs_chooser:chosen_multiple"}
)
PAGE_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")
# Views that may name an ancestor of the member's actor page (Wagtail redirects them to the
# member's explorable root, or lists only what the member may see).
ANCESTOR_VIEWS = frozenset(
    {
        "wagtailadmin_explore",
        "wagtailadmin_explore_results",
        "wagtailadmin_api:pages:detail",
    }
)
# Page views whose POST names a destination page.
DESTINATION_VIEWS = frozenset({"wagtailadmin_pages:copy", "wagtailadmin_pages:move"})
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


def member_may_open(request: HttpRequest, view_name: str, kwargs: dict) -> bool:
    """Whether a member may reach this admin view with these arguments."""
    user = request.user
    if view_name in MEDIA_VIEWS:
        return _media_allowed(user, view_name, kwargs)

    scope = MemberSpaceScope(user)
    ancestors = view_name in ANCESTOR_VIEWS
    keywords: tuple[str, ...] = ()
    if view_name.startswith(("wagtailadmin_pages:", "wagtailadmin_api:pages:")):
        keywords = (*PAGE_KWARGS, "pk")  # e.g. the revision comparison names its page `pk`
    elif view_name in ANCESTOR_VIEWS:
        keywords = PAGE_KWARGS
    for keyword in keywords:
        if keyword in kwargs and scope.allows(kwargs[keyword], ancestors=ancestors) is False:
            return False
    if view_name == "wagtailadmin_api:pages:listing":
        for parameter in ("child_of", "descendant_of"):
            value = request.GET.get(parameter)
            if value and scope.allows(value, ancestors=True) is False:
                return False

    if view_name in ("wagtailadmin_pages:add", "wagtailadmin_pages:preview_on_add"):
        return _creatable_here(kwargs, kwargs.get("parent_page_id"))
    if view_name in DESTINATION_VIEWS and request.method == "POST":
        # The copy and move forms name their destination in the POST.
        return scope.allows(request.POST.get("new_parent_page")) is True
    if view_name == "wagtailadmin_choose_page_child":
        # The chooser shows its parent's draft title: only public pages or the member's
        # own; and as a copy or move destination, only the member's own subtree.
        parent_id = kwargs.get("parent_page_id")
        if request.GET.get("user_perms") in ("copy_to", "move_to"):
            return scope.allows(parent_id, ancestors=True) is not False
        return scope.allows(parent_id, ancestors=True) is not False or (
            Page.objects.filter(pk=parent_id, live=True, has_unpublished_changes=False).exists()
        )
    if view_name == "wagtailadmin_choose_page_chosen_multiple":
        # Its answer carries each page's draft title: the member's own pages, or public ones.
        return all(
            scope.allows(pk) is not False
            or Page.objects.filter(pk=pk, live=True, has_unpublished_changes=False).exists()
            for pk in request.GET.getlist("id")
            if pk.isdigit()
        )
    if view_name in CHOSEN_MULTIPLE_MEDIA:
        model = get_image_model() if view_name.startswith("wagtailimages") else get_document_model()
        policy = policy_registry.get_by_type(model)
        ids = [pk for pk in request.GET.getlist("id") if pk.isdigit()]
        return all(
            policy.user_has_permission_for_instance(user, "choose", item)
            for item in model.objects.filter(pk__in=ids)
        )
    if view_name == "wagtail_bulk_action":
        ids = request.GET.getlist("id")
        media = _media_bulk_allowed(user, kwargs, ids)
        if media is not None:
            return media
        if kwargs.get("app_label") == "wagtailcore":
            if "all" in ids:
                return scope.allows(request.GET.get("childOf")) is True
            return scope.allows_all(ids)
    return True


class MemberAdminGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin_root = reverse("wagtailadmin_home")
        rest = request.path[len(admin_root) :]
        if (
            request.path.startswith(admin_root)
            and rest.startswith(FORBIDDEN_ADMIN_PREFIXES)
            and _is_admin_member(request)
        ):
            return permission_denied(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not _is_admin_member(request):
            return None
        if not member_may_open(request, match.view_name, view_kwargs):
            return permission_denied(request)
        return None
