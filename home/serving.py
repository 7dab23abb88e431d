"""Wagtail's page view, with the site and the route found in the worker's memory.

Wagtail finds a page in four to six queries on every request: the site of the host name,
then for each level of the path the child page by its slug and its specific row. Between two
publications the answers stay the same, so the worker keeps them (`ProcessMemo`, keyed on the
site-wide `PAGES` generation that every publication, move, deletion and site change bumps):

- the site of a host name and port;
- for a path that was served (answered 200), which page answered it, of which type, and how
  many of the path's segments name pages (the rest go to the page's own routes, as a
  `RoutablePageMixin` listing's `rss/`).

A memorised route costs one query (the page's specific row); the page then routes the rest
of the path itself and checks that it is live, as Wagtail's routing does. Everything else is
Wagtail's own `serve`: view restrictions, `before_serve_page` hooks, the page's `serve`.
Only paths that answered 200 are kept, so made-up paths cannot fill the memory.

The private sections are kept in memory too: home/view_restrictions.py.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from http import HTTPStatus

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname

from .caches import PAGES
from .caching import ProcessMemo

SITES = ProcessMemo(PAGES, max_entries=16)
# Every page and page route of the site that was served, for each language.
ROUTES = ProcessMemo(PAGES, max_entries=4096)


def _site_key(request: HttpRequest) -> tuple[str, int]:
    return split_domain_port(request._get_raw_host())[0], request.get_port()


def _own_copy(remembered: Site) -> Site:
    # Copies for this request: what it caches on its site or root page (the root page's
    # specific instance, for one) stays its own.
    site = copy.copy(remembered)
    site.root_page = copy.copy(remembered.root_page)
    return site


def site_for_request(request: HttpRequest) -> Site | None:
    """The site answering `request`, as `Site.find_for_request` finds it (by host name and
    port, else the default site), from memory."""
    hostname, port = key = _site_key(request)

    def find() -> Site | None:
        try:
            return get_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            return None

    remembered = SITES.get_or_build(key, find)
    return None if remembered is None else _own_copy(remembered)


class SiteMiddleware:
    """Gives every view the site a page view already found for this host (the search, the
    directory's and agenda's Django views read the site settings too): `Site.find_for_request`
    reads it from `request._wagtail_site` and would otherwise query it. It never queries:
    a host no page view has answered yet is left to Wagtail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        remembered = SITES.get(_site_key(request))
        if remembered is not None:
            request._wagtail_site = _own_copy(remembered)
        return self.get_response(request)


def _route_key(site: Site, path: str) -> tuple:
    return (site.pk, translation.get_language(), path)


def _remembered_route(request: HttpRequest, site: Site, path: str) -> None:
    """Put the memorised route of `path`, if any, where `Page.route_for_request` looks."""
    known = ROUTES.get(_route_key(site, path))
    if known is None:
        return
    content_type_id, page_id, consumed = known
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    components = [component for component in path.split("/") if component]
    try:
        page = model.objects.get(pk=page_id)
    except ObjectDoesNotExist:
        return  # Wagtail's own routing decides, from the database
    # Still at that address (a slug changed or a page moved without a publication would not
    # have emptied the memory).
    named = "".join(f"{component}/" for component in components[:consumed])
    if page.url_path != f"{site.root_page.url_path}{named}":
        return
    try:
        route = page.route(request, components[consumed:])
    except Http404:
        return
    request._wagtail_route_for_request = route


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's page view (`wagtail.views.serve`), with the route of a path already served
    taken from memory."""
    # Where `Site.find_for_request` looks first (routing, site settings and page URLs ask).
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = site_for_request(request)
    site = request._wagtail_site
    if site is not None and request.method in ("GET", "HEAD"):
        _remembered_route(request, site, path)
    response = wagtail_views.serve(request, path)
    route = getattr(request, "_wagtail_route_for_request", None)
    if site is not None and route is not None and response.status_code == HTTPStatus.OK:
        page = route.page
        # The path's segments that name pages; the page's own routes read the others.
        consumed = page.depth - site.root_page.depth
        ROUTES.set(_route_key(site, path), (page.content_type_id, page.pk, consumed))
    return response
