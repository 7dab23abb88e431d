"""Security headers Django and django-csp do not set: a Permissions-Policy on every response,
and the admin's own Content-Security-Policy (the public policy leaves /admin/ out, as
Wagtail's admin needs inline scripts and styles, data: and blob: images, and the map
widget's Leaflet from unpkg).

Outside the page cache in the middleware list, so pages served from it get them too."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from csp.utils import build_policy, default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def never_stored(response: HttpResponse) -> HttpResponse:
    """Pages with a person's data, a form token or a private download: kept by no cache,
    neither the browser's nor a proxy's (and the page cache skips private responses)."""
    patch_cache_control(response, private=True, no_cache=True, no_store=True)
    return response


@cache
def permissions_policy() -> str:
    """`camera=(), geolocation=(), fullscreen=(self)...` from `settings.PERMISSIONS_POLICY`."""
    return ", ".join(
        f"{feature}=({' '.join(allowed)})"
        for feature, allowed in settings.PERMISSIONS_POLICY.items()
    )


@cache
def admin_policies() -> dict[str, str]:
    directives = settings.ADMIN_CONTENT_SECURITY_POLICY
    report_only = settings.ADMIN_CONTENT_SECURITY_POLICY_REPORT_ONLY
    return {
        "Content-Security-Policy": build_policy(config=default_config(directives)),
        "Content-Security-Policy-Report-Only": build_policy(
            config=default_config(report_only), report_only=True
        ),
    }


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", permissions_policy())
        if request.path_info.startswith(settings.ADMIN_CONTENT_SECURITY_POLICY_PREFIXES):
            for header, policy in admin_policies().items():
                if policy:
                    response.headers.setdefault(header, policy)
        return response
