"""Who is an editor, who is a member, and what a member's space is.

Members are semi-trusted: Wagtail's page and collection permissions already confine them to
their space; these helpers serve the extra guards (`member_hooks`, `middleware`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from wagtail.models import Page

from .models import QUALIFICATION_PERMISSION, MemberSpace

REVIEW_PERMISSION = "directory.review_registrationrequest"
# Fields of an actor page only editors may set (the form leaves them out for members, and
# `member_hooks` drops them from a member's POST as well).
EDITOR_ONLY_FIELDS = (
    "qualification_status",
    "internal_notes",
    "private_contact_name",
    "private_contact_email",
    "private_contact_phone",
    "trusted",
    "membership",
)


def is_editor(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm(QUALIFICATION_PERMISSION))
    )


def can_review_requests(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.has_perm(REVIEW_PERMISSION)
    )


def member_spaces_for(user) -> QuerySet[MemberSpace]:
    if not (user and user.is_authenticated):
        return MemberSpace.objects.none()
    return MemberSpace.objects.filter(group__user=user).select_related("actor", "group")


def is_member(user) -> bool:
    """A member of some actor's space who is not an editor: the one the guards restrict.

    Remembered on the user object (as Django remembers its permissions there): the guard,
    the menu and the dashboard each ask during one request."""
    if not (user and user.is_authenticated):
        return False
    if not hasattr(user, "_is_member_cache"):
        user._is_member_cache = not is_editor(user) and member_spaces_for(user).exists()
    return user._is_member_cache


def own_subtree_filter(user) -> Q:
    """Pages in (or at) the user's actor pages."""
    condition = Q(pk__in=[])
    for path in member_spaces_for(user).values_list("actor__path", flat=True):
        condition |= Q(path__startswith=path)
    return condition


def hidden_page_ids(user) -> list[int]:
    """Pages a member must not see listed: other people's drafts, and live pages with a
    pending draft (listings show the draft's title)."""
    hidden = Page.objects.filter(Q(live=False) | Q(has_unpublished_changes=True)).exclude(
        own_subtree_filter(user)
    )
    return list(hidden.values_list("pk", flat=True))


def restrict_pages_for_member(pages: QuerySet[Page], user) -> QuerySet[Page]:
    """What a member may see of other people's pages: only what is public as it stands.

    An exclusion by id, not a filter on `live`/`has_unpublished_changes`: the choosers' search
    runs through the search backend, which can only filter on indexed fields (`id` is)."""
    return pages.exclude(pk__in=hidden_page_ids(user))


def destination_page_ids(user) -> list[int]:
    """Where a member may copy or move a page to: its own subtree (and, to navigate there,
    the ancestors of its actor pages)."""
    paths = list(member_spaces_for(user).values_list("actor__path", flat=True))
    ancestors = {
        path[:end] for path in paths for end in range(Page.steplen, len(path), Page.steplen)
    }
    pages = Page.objects.filter(own_subtree_filter(user) | Q(path__in=ancestors))
    return list(pages.values_list("pk", flat=True))


def restrict_destinations_for_member(pages: QuerySet[Page], user) -> QuerySet[Page]:
    return pages.filter(pk__in=destination_page_ids(user))
