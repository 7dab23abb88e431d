"""Refuse members the admin areas they have no business in (issue 4).

Wagtail checks permissions on most of these views already; members get `lock` and admin
access, which opens some reports (locked pages, site history) and the workflow reports.
Hiding the menu items is not enough: the URLs answer 403 as well."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .permissions import is_member

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
)


class MemberAdminGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin_root = reverse("wagtailadmin_home")
        if request.path.startswith(admin_root):
            rest = request.path[len(admin_root) :]
            if rest.startswith(FORBIDDEN_ADMIN_PREFIXES) and is_member(request.user):
                raise PermissionDenied
        return self.get_response(request)
