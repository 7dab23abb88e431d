"""Documents follow the privacy of the pages that use them.

Wagtail's reference index tells which objects use a document. A document that only pages
under a view restriction (password, login, groups) use is private: it is served to those
who may see one of those pages, and the site search never lists it. A document that a page
without restriction, a snippet or a setting uses, or that nothing uses yet, stays public
(collections' own restrictions still apply, through Wagtail).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction, ReferenceIndex


def _restrictions() -> list[PageViewRestriction]:
    return list(PageViewRestriction.objects.select_related("page").prefetch_related("groups"))


def _restrictions_above(path: str, restrictions: Iterable[PageViewRestriction]) -> list:
    """The restrictions that apply to the page at `path` (its own and its ancestors')."""
    return [r for r in restrictions if path.startswith(r.page.path)]


def _users_by_document(document_ids: Iterable[int] | None = None) -> dict[int, set]:
    """Document id → the (base content type id, object id) of everything that uses it."""
    references = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(get_document_model())
    )
    if document_ids is not None:
        references = references.filter(to_object_id__in=[str(pk) for pk in document_ids])
    users: dict[int, set] = defaultdict(set)
    for document_id, content_type_id, object_id in references.values_list(
        "to_object_id", "base_content_type_id", "object_id"
    ).distinct():
        users[int(document_id)].add((content_type_id, object_id))
    return users


def _restricted_users(
    users: set, restrictions: list[PageViewRestriction], page_paths: dict[str, str]
) -> list[str] | None:
    """The ids of the pages among `users` when they are all restricted pages; None when
    one of them is not a page, or a page without restriction."""
    page_type = ContentType.objects.get_for_model(Page).pk
    if not users or any(content_type_id != page_type for content_type_id, _ in users):
        return None
    pages = [object_id for _, object_id in users]
    if all(
        object_id in page_paths and _restrictions_above(page_paths[object_id], restrictions)
        for object_id in pages
    ):
        return pages
    return None


def private_document_ids() -> set[int]:
    """The documents only restricted pages use (for the search, which must not list them)."""
    restrictions = _restrictions()
    if not restrictions:
        return set()
    users_by_document = _users_by_document()
    page_ids = {object_id for users in users_by_document.values() for _, object_id in users}
    page_paths = {
        str(pk): path
        for pk, path in Page.objects.filter(
            pk__in=[int(pk) for pk in page_ids if pk.isdigit()]
        ).values_list("pk", "path")
    }
    return {
        document_id
        for document_id, users in users_by_document.items()
        if _restricted_users(users, restrictions, page_paths) is not None
    }


def restricting_pages(document: Model) -> list[tuple[Page, list[PageViewRestriction]]]:
    """The restricted pages that use `document`, with their restrictions, when only such
    pages use it; [] when the document is public."""
    restrictions = _restrictions()
    if not restrictions:
        return []
    users = _users_by_document([document.pk]).get(document.pk, set())
    page_ids = [int(object_id) for _, object_id in users if object_id.isdigit()]
    pages = {str(page.pk): page for page in Page.objects.filter(pk__in=page_ids)}
    paths = {pk: page.path for pk, page in pages.items()}
    restricted = _restricted_users(users, restrictions, paths)
    if restricted is None:
        return []
    return [
        (pages[object_id], _restrictions_above(pages[object_id].path, restrictions))
        for object_id in restricted
    ]


def may_download(request: HttpRequest, document: Model) -> tuple[bool, bool]:
    """(allowed, logging in would help): allowed when the document is public, when the
    visitor passes every restriction of one page that uses it, or when they may edit it."""
    pages = restricting_pages(document)
    if not pages:
        return True, False
    from wagtail.documents.permissions import permission_policy

    if permission_policy.user_has_permission_for_instance(request.user, "change", document):
        return True, False
    if any(all(r.accept_request(request) for r in restrictions) for _, restrictions in pages):
        return True, False
    needs_login = not request.user.is_authenticated and any(
        r.restriction_type in (r.LOGIN, r.GROUPS) for _, restrictions in pages for r in restrictions
    )
    return False, needs_login
