"""Site-wide endpoints: health check, robots.txt, the favicon and the HTML site map."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Page, Site

from .caching import cache_state


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unavailable"
    return "ok"


def _state_response() -> JsonResponse:
    """200 when the database answers a query, 503 otherwise; the cache's state is reported
    but never fails the check: pages render from the database without it (slower)."""
    database = _database_state()
    body = {
        "status": "ok" if database == "ok" else "error",
        "database": database,
        "cache": cache_state(),
    }
    status = HTTPStatus.OK if database == "ok" else HTTPStatus.SERVICE_UNAVAILABLE
    return JsonResponse(body, status=status)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For Docker's health check and monitoring: the database's and the cache's state."""
    return _state_response()


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """For a load balancer: send traffic here only when this worker reaches the database
    (503 otherwise), whatever the cache's state."""
    return _state_response()


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /recherche/",
        "Disallow: /documents/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, which browsers ask for where a document names no icon (the feeds, the
    iCalendar files, the API): the site's icon rather than a 404 in the log."""
    response = HttpResponsePermanentRedirect(static("img/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


# A section with more children than this links to its own listing instead of listing them
# all: the site map shows the site's structure, not every news item or actor.
SITE_MAP_MAX_CHILDREN = 8


@dataclass
class SiteMapEntry:
    title: str
    url: str
    children: list[SiteMapEntry] = field(default_factory=list)


def site_map_entries(request: HttpRequest) -> list[SiteMapEntry]:
    """The live public pages of the request's site, two levels below the home, in menu order
    (one query)."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    root = site.root_page
    pages = (
        Page.objects.live()
        .public()
        .descendant_of(root)
        .filter(depth__lte=root.depth + 2)
        .only("id", "title", "path", "depth", "url_path")
        .order_by("path")
    )
    sections: list[SiteMapEntry] = []
    children_of: dict[str, list[SiteMapEntry]] = {}
    for page in pages:
        entry = SiteMapEntry(page.title, page.get_url(request=request) or "")
        if page.depth == root.depth + 1:
            sections.append(entry)
            children_of[page.path] = entry.children
        else:
            siblings = children_of.get(page.path[: -Page.steplen])
            if siblings is not None:
                siblings.append(entry)
    for section in sections:
        if len(section.children) > SITE_MAP_MAX_CHILDREN:
            section.children = []
    return sections


@require_GET
def site_map(request: HttpRequest) -> HttpResponse:
    """« Plan du site »: the HTML site map RGAA asks for, beside the XML one for robots."""
    return TemplateResponse(
        request,
        "home/site_map.html",
        {
            "sections": site_map_entries(request),
            "home_url": "/",
            "search_url": reverse("search"),
        },
    )
