"""Whole-page cache for anonymous visitors.

wagtail-cache would be the library for this, but its releases stop at Wagtail < 8.0, so the
portal keeps this small equivalent. Pages opt in through `public_page_cache` (applied to
`BasePage.serve`); a response is stored only when the request is anonymous, a GET or HEAD,
carries no session cookie, answers 200 and sets no cookie. Pages holding a form (they set
the CSRF cookie) and previews are therefore never stored.

The key is the host, the path and the query string without tracking parameters (`utm_*`,
`fbclid`...: they are removed from the request before the page reads it). Any other
parameter that the page does not declare in `cache_query_params` (a listing's filters and
`page`) makes the response unstorable, so made-up parameters cannot multiply entries.

A stored response keeps its security headers (those set by middleware inside this one), so
a hit carries the same headers as a fresh page.

Purging bumps the `PAGES` generation that is part of every key (see home/caches.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers

from .caches import PAGE_CACHE, PAGES

HEADER = "X-Page-Cache"
# Headers worth replaying from a stored response: content description and every security
# header, whichever middleware set it.
_KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Cache-Control",
    "Vary",
    "X-Robots-Tag",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Content-Security-Policy",
    "Content-Security-Policy-Report-Only",
)
# Query parameters that analytics and mailing tools add to links; no page reads them.
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid"}
    | {"_ga", "_gl", "_hsenc", "_hsmi", "mc_cid", "mc_eid", "mkt_tok", "ref_src", "srsltid"}
)
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_")


def is_tracking(name: str) -> bool:
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def purge_page_cache() -> None:
    """Make every stored page stale (on every worker sharing the cache)."""
    PAGES.bump()


def _strip_tracking(request: HttpRequest) -> None:
    """Remove the tracking parameters from the request, so the page renders (and is keyed)
    as without them."""
    if not any(is_tracking(name) for name in request.GET):
        return
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if not is_tracking(name):
            kept.setlist(name, values)
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


def _key(request: HttpRequest) -> str:
    # Sorted by name (values of one name keep their order): the same filters in another
    # order are the same page.
    query = sorted(request.GET.lists())
    return PAGE_CACHE.key(request.get_host(), request.path, query)


def _may_use_cache(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    # A session means a logged-in editor or member (or a visitor mid-form): never served
    # from or stored to the shared cache.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not request.GET.get("preview")


def _page_of(view: Callable[..., HttpResponse]) -> object | None:
    # `method_decorator` hands over a partial of the page's bound `serve`.
    return getattr(getattr(view, "func", view), "__self__", None)


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
            page = _page_of(view)
            response.page_cache_params = frozenset(getattr(page, "cache_query_params", ()))
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapper


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _may_use_cache(request):
            return self.get_response(request)

        _strip_tracking(request)
        key = _key(request)
        stored = PAGE_CACHE.get(key)
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
            PAGE_CACHE.set(key, (response.status_code, headers, response.content))
            response[HEADER] = "miss"
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        if not getattr(response, "page_cache_allowed", False):
            return False
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        # A parameter the page does not read would only make one more copy of it.
        declared = getattr(response, "page_cache_params", frozenset())
        if any(name not in declared for name in request.GET):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        return True
