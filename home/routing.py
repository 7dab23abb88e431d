"""What page models and blocks need from the modules above them, found by name.

Views and the selectors that build a page's context read models, so a model that imported
them would make an import cycle inside its app. Instead:

- a page with routes (`RoutablePageMixin`) names the view each route serves
  (`routing.serve("resources.listing", request, index=self)`), and the app's views module
  registers the function under that name (`@routing.page_view("resources.listing")`);
- a page's `get_context` or a block's names the function that reads what it shows
  (`routing.context("directory.actor_page", actor=self)`), registered by the selectors
  (`@routing.page_context("directory.actor_page")`).

This way each app's modules import each other in one direction only, as Django's URLconfs
name views without their models importing them. Each app's `ready()` imports the modules
that register; a name nobody registered fails loudly on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

PageView = Callable[..., HttpResponse]

_VIEWS: dict[str, PageView] = {}
_CONTEXTS: dict[str, Callable[..., Any]] = {}


def _registrar(registry: dict[str, Callable], kind: str) -> Callable[[str], Callable]:
    def named(name: str) -> Callable[[Callable], Callable]:
        def register(function: Callable) -> Callable:
            known = registry.get(name)
            if known is not None and known.__qualname__ != function.__qualname__:
                raise ImproperlyConfigured(f"{kind} {name!r} is registered twice.")
            registry[name] = function
            return function

        return register

    return named


def _registered(registry: dict[str, Callable], kind: str, name: str) -> Callable:
    try:
        return registry[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"No {kind.lower()} is registered as {name!r}: does the app's ready() import "
            "the module that registers it?"
        ) from None


# `@page_view("app.view")`: register the decorated view under that name (each name once).
page_view = _registrar(_VIEWS, "Page view")
# `@page_context("app.name")`: register the decorated reader under that name.
page_context = _registrar(_CONTEXTS, "Page context")


def serve(name: str, request: HttpRequest, /, **kwargs: Any) -> HttpResponse:
    """Answer `request` with the view registered as `name`."""
    return _registered(_VIEWS, "Page view", name)(request, **kwargs)


def context(name: str, /, **kwargs: Any) -> Any:
    """What the reader registered as `name` returns for these arguments."""
    return _registered(_CONTEXTS, "Page context", name)(**kwargs)
