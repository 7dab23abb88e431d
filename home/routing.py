"""Views that page routes answer with, found by name.

A page with routes (`RoutablePageMixin`) names the view each route serves
(`routing.serve("resources.listing", request, index=self)`); the app's views module registers
the function under that name (`@routing.page_view("resources.listing")`). Views read models,
so models that imported their views would make an import cycle inside the app: this way each
app's modules import each other in one direction only, as Django's URLconfs name views
without their models importing them. Each app's `ready()` imports its views module, which
registers them; a name nobody registered fails loudly on the first request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

PageView = Callable[..., HttpResponse]

_VIEWS: dict[str, PageView] = {}


def page_view(name: str) -> Callable[[PageView], PageView]:
    """Register the decorated view under `name` ("app.view", each name once)."""

    def register(view: PageView) -> PageView:
        known = _VIEWS.get(name)
        if known is not None and known.__qualname__ != view.__qualname__:
            raise ImproperlyConfigured(f"Page view {name!r} is registered twice.")
        _VIEWS[name] = view
        return view

    return register


def serve(name: str, request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """Answer `request` with the view registered as `name`."""
    try:
        view = _VIEWS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"No page view is registered as {name!r}: does the app's ready() import its views?"
        ) from None
    return view(request, **kwargs)
