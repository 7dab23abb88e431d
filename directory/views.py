"""The directory's routes (called by `DirectoryPage`): list, project list and exports."""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from wagtail.models import Page

from home import routing
from home.exports import CSV_CONTENT_TYPE, csv_dialect
from home.facets import FacetGroup

from . import selectors
from .filters import DirectoryFilters

if TYPE_CHECKING:
    from .models import DirectoryPage

PROJECTS_PER_PAGE = 20


class CountedPaginator(Paginator):
    """A paginator told its count (read with other numbers in one query) instead of asking
    the database again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # `count` is a cached_property


def _paginate(request: HttpRequest, queryset, per_page: int, count: int | None = None) -> dict:
    paginator = (
        Paginator(queryset, per_page)
        if count is None
        else CountedPaginator(queryset, per_page, count=count)
    )
    # `get_page` turns page=abc, page=-1 or page=99999 into a valid page.
    page_obj = paginator.get_page(request.GET.get("page"))
    return {
        "page_obj": page_obj,
        "elided_range": list(paginator.get_elided_page_range(page_obj.number)),
    }


FACET_LEGENDS = [
    ("odd", _("Objectifs de développement durable")),
    ("theme", _("Thématiques")),
    ("college", _("Collèges")),
    ("departement", _("Départements")),
    ("region", _("Régions du monde")),
    ("pays", _("Pays d'intervention")),
]


def _filter_context(
    request: HttpRequest,
    *,
    directory: DirectoryPage,
    base,
    filters: DirectoryFilters,
    projects: bool,
) -> dict:
    options = selectors.cached_facet_options(
        directory=directory, base=base, filters=filters, projects=projects
    )
    return {
        "filters": filters,
        "filter_querystring": filters.querystring(),
        "facet_groups": [
            FacetGroup(name, str(legend), options[name]) for name, legend in FACET_LEGENDS
        ],
        "active_filters": selectors.active_filter_labels(filters),
        # Filtered or paged lists are not for search engines.
        "noindex": filters.is_active or "page" in request.GET,
    }


def _map_context(*, directory: DirectoryPage, filters: DirectoryFilters, export: str) -> dict:
    querystring = filters.querystring()
    suffix = f"?{querystring}" if querystring else ""
    return {
        "projects_url": directory.url + directory.reverse_subpage("project_list"),
        "csv_url": directory.export_url("actors.csv") + suffix,
        "csv_comma_url": directory.export_url("actors.csv")
        + (f"?{querystring}&sep=comma" if querystring else "?sep=comma"),
        "csv_columns": [(column, doc) for column, _p, doc in selectors.PUBLIC_CSV_COLUMNS],
        "map_data_url": directory.export_url(export) + suffix,
        # The map draws the actors from its light feed and fetches a popup when one opens.
        "map_feed_url": (
            directory.export_url("actors.map.json")
            if export == "actors.geojson"
            else directory.export_url(export)
        )
        + suffix,
        "map_popup_url": f"{directory.url}acteur/{{id}}/popup.html",
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


@routing.page_view("directory.actor_list")
def actor_list(request: HttpRequest, *, directory: DirectoryPage) -> HttpResponse:
    filters = DirectoryFilters.from_query(request.GET)
    base = selectors.actor_queryset(directory=directory)
    actors = selectors.apply_filters(base, filters, facets=selectors.ACTOR_FACETS)
    # The results count and those without a place, in one query.
    counts = actors.order_by().aggregate(
        total=Count("pk"), without_place=Count("pk", filter=Q(latitude__isnull=True))
    )
    context = {
        **_filter_context(request, directory=directory, base=base, filters=filters, projects=False),
        "without_place_count": counts["without_place"],
        **_paginate(
            request,
            selectors.actor_cards(actors),
            settings.DIRECTORY_ACTORS_PER_PAGE,
            count=counts["total"],
        ),
        **_map_context(directory=directory, filters=filters, export="actors.geojson"),
        "map_opening": selectors.directory_map_opening(
            directory=directory, filters=filters, host=request.get_host()
        ),
    }
    return directory.render(
        request, template="directory/directory_page.html", context_overrides=context
    )


@routing.page_view("directory.project_list")
def project_list(request: HttpRequest, *, directory: DirectoryPage) -> HttpResponse:
    filters = DirectoryFilters.from_query(request.GET)
    base = selectors.project_queryset(directory=directory)
    projects = selectors.apply_filters(
        base, filters, facets=selectors.PROJECT_FACETS, projects=True
    )
    context = {
        **_filter_context(request, directory=directory, base=base, filters=filters, projects=True),
        **_paginate(request, selectors.project_cards(projects), PROJECTS_PER_PAGE),
        **_map_context(directory=directory, filters=filters, export="projects.geojson"),
    }
    return directory.render(
        request, template="directory/project_list.html", context_overrides=context
    )


EXPORT_CONTENT_TYPES = {
    "actors.geojson": "application/geo+json",
    "actors.map.json": "application/json",
    "projects.geojson": "application/geo+json",
    "actors.csv": CSV_CONTENT_TYPE,
}


def _find_directory(request: HttpRequest, page_path: str) -> DirectoryPage:
    """The published, unrestricted directory page at `page_path`, or 404."""
    from .models import DirectoryPage

    route = Page.route_for_request(request, page_path)
    directory = route[0] if route else None
    if not isinstance(directory, DirectoryPage):
        raise Http404
    return selectors.public_exports_or_404(directory)


@require_safe
def export(request: HttpRequest, page_path: str, name: str) -> HttpResponse:
    """`<directory>/actors.geojson`, `actors.csv`, `projects.geojson`, and the map's own
    feed `actors.map.json` (`selectors.actors_map_feed`): found through the page tree, so
    they follow the directory page wherever it is (`/annuaire/` by default).

    Served from the cache without looking the page up (a hit costs one query); on a miss the
    directory is found, checked (live, no view restriction: their changes bump the
    directory's generation) and the export built."""
    if name not in EXPORT_CONTENT_TYPES:
        raise Http404
    filters = DirectoryFilters.from_query(request.GET)
    compressed = selectors.cached_export(
        kind=name,
        scope=f"{request.get_host()}/{page_path}",
        filters=filters,
        find_directory=lambda: _find_directory(request, page_path),
        dialect=csv_dialect(request.GET),
    )
    content_type = EXPORT_CONTENT_TYPES[name]
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed), content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    # Our own Cache-Control: the whole-page cache keeps its hands off (it would replay the
    # gzip body without its Content-Encoding); the export cache above does the work.
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
    response["Access-Control-Allow-Origin"] = "*"
    if filters.is_active:
        response["X-Robots-Tag"] = "noindex"
    if name.endswith(".csv"):
        response["Content-Disposition"] = 'attachment; filename="acteurs.csv"'
    return response


@require_safe
def actor_popup(request: HttpRequest, page_path: str, actor_id: str) -> HttpResponse:
    """`<directory>/acteur/<id>/popup.html`: what a map marker's popup shows of a published
    actor (logo, name, place, college, SDGs, link), an HTML fragment fetched when the popup
    opens. Cached like the exports; 404 for a draft, a restricted or an unknown actor."""
    html = selectors.cached_actor_popup(
        scope=f"{request.get_host()}/{page_path}",
        actor_id=int(actor_id),
        find_directory=lambda: _find_directory(request, page_path),
    )
    if html is None:
        raise Http404
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
    response["X-Robots-Tag"] = "noindex"
    return response
