"""Whole-page cache for anonymous visitors.

wagtail-cache would be the library for this, but its releases stop at Wagtail < 8.0, so the
portal keeps this small equivalent. Pages opt in through `public_page_cache` (applied to
`BasePage.serve`); a response is stored only when the request is anonymous, a GET or HEAD,
carries no session cookie, answers 200 and sets no cookie. Pages holding a form (they set
the CSRF cookie) and previews are therefore never stored.

Purging bumps a generation number that is part of every key: publishing, unpublishing,
moving or deleting a page or saving a site setting makes every stored page stale at once,
on every worker that shares the cache (Redis in production).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"
# Headers worth replaying from a stored response.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Vary", "X-Robots-Tag")


def current_generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def purge_page_cache() -> None:
    """Make every stored page stale (on every worker sharing the cache)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def purge_page_cache_now_and_on_commit() -> None:
    """Purge now (this request sees the change at once) and again once the change is
    committed: a visitor's request served meanwhile by another worker still reads the old
    rows, and would otherwise store the old page under the new generation until the next
    publication."""
    purge_page_cache()
    transaction.on_commit(purge_page_cache)


def _key(request: HttpRequest, generation: int) -> str:
    raw = f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()
    return f"pagecache:{generation}:{digest}"


def _may_use_cache(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    # A session means a logged-in editor or member (or a visitor mid-form): never served
    # from or stored to the shared cache.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not request.GET.get("preview")


def public_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a page's response as cacheable for anonymous visitors, with public headers.

    Logged-in users get `private` headers so no proxy keeps a page with the user bar."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Used through `method_decorator`: `view` is already bound to the page.
        response = view(request, *args, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        elif not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
            response.page_cache_allowed = True
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapper


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _may_use_cache(request):
            return self.get_response(request)

        generation = current_generation()
        key = _key(request, generation)
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers.items():
                response[name] = value
            response[HEADER] = "hit"
            return response

        response = self.get_response(request)
        if self._storable(request, response):
            headers = {h: response[h] for h in _KEPT_HEADERS if response.has_header(h)}
            cache.set(
                key, (response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS
            )
            response[HEADER] = "miss"
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        if not getattr(response, "page_cache_allowed", False):
            return False
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        return True
