"""The observatory's routes (called by `ObservatoryPage`): the page, each indicator as CSV
or JSON, and the yearly barometer as PDF. They only read, through `indicators`."""

from __future__ import annotations

import datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import orjson
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from directory.models import DirectoryPage
from directory.selectors import (
    active_filter_labels,
    country_name,
    taxonomy_choices,
)
from home import routing
from home.exports import CSV_CONTENT_TYPE, csv_dialect, csv_text
from home.facets import ActiveFilter, FacetGroup, labelled_by_label, options
from home.licences import open_data_licence

from . import barometer as barometers
from . import caches, worldmap
from .indicators import (
    FIRST_YEAR,
    Indicator,
    ObservatoryFilters,
    country_choices,
    current_year,
    indicator,
    indicators,
    min_cell,
    years_covered,
)

if TYPE_CHECKING:
    from .models import ObservatoryPage

FACET_LEGENDS = [
    ("odd", gettext_lazy("Objectifs de développement durable")),
    ("theme", gettext_lazy("Thématiques")),
    ("college", gettext_lazy("Collèges")),
    ("departement", gettext_lazy("Départements")),
    ("region", gettext_lazy("Régions du monde")),
    ("pays", gettext_lazy("Pays d'intervention")),
]


def licence() -> dict[str, str]:
    chosen = open_data_licence()
    return {"name": chosen["nom"], "url": chosen["url"]}


def _facet_groups(filters: ObservatoryFilters) -> list[FacetGroup]:
    """The directory's filters as checkboxes, from the cached taxonomies (no counts: they
    would be the directory's, not the observatory's)."""
    choices = taxonomy_choices()
    labelled = {name: choices[name] for name, _legend in FACET_LEGENDS if name != "pays"}
    codes = set(country_choices()) | set(filters.directory.pays)
    labelled["pays"] = labelled_by_label(codes, country_name)
    return [
        FacetGroup(
            name, str(legend), options(labelled[name], selected=getattr(filters.directory, name))
        )
        for name, legend in FACET_LEGENDS
    ]


def _active_filters(filters: ObservatoryFilters) -> list[ActiveFilter]:
    """The directory's chips, each keeping the chosen year, and the year's own chip."""
    year_suffix = f"annee={filters.year}" if filters.year_given else ""
    active = [
        ActiveFilter(
            item.name,
            item.label,
            "&".join(part for part in (item.remove_querystring, year_suffix) if part),
        )
        for item in active_filter_labels(filters.directory)
    ]
    if filters.year_given:
        active.append(
            ActiveFilter(str(_("Année")), str(filters.year), filters.directory.querystring())
        )
    return active


def _sections(indicator_list: list[Indicator]) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for item in indicator_list:
        if not sections or sections[-1]["title"] != item.section:
            sections.append(
                {"title": item.section, "id": item.slug.split("-")[0], "indicators": []}
            )
        entry: dict[str, Any] = {"indicator": item}
        if item.chart == "map":
            entry["map"] = worldmap.shaded_map(
                {row.code: row.cells[0].current for row in item.rows if row.code}
            )
        sections[-1]["indicators"].append(entry)
    return sections


def _directory_map(filters: ObservatoryFilters) -> dict[str, Any] | None:
    """The directory's map of the actors' seats, with the same filters: drawn from the
    directory's light map feed, each popup fetched when opened, as on the directory."""
    directory = DirectoryPage.objects.live().only("url_path", "path", "depth").first()
    if directory is None or not directory.url:
        return None
    querystring = filters.directory.querystring()
    suffix = f"?{querystring}" if querystring else ""
    return {
        "map_data_url": directory.export_url("actors.geojson") + suffix,
        "map_feed_url": directory.export_url("actors.map.json") + suffix,
        "map_popup_url": f"{directory.url}acteur/{{id}}/popup.html",
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_legend": {
            "colleges": dict(taxonomy_choices()["college"]),
            "departements": dict(taxonomy_choices()["departement"]),
        },
        "directory_url": directory.url + (f"?{querystring}" if querystring else ""),
    }


def _render_body(page: ObservatoryPage, filters: ObservatoryFilters) -> str:
    """The page's content (filters, tables, charts, maps, barometers, open data), which
    depends only on the page, the year and the filters."""
    indicator_list = indicators(filters)
    querystring = filters.querystring()
    indicators_html = render_to_string(
        "observatory/includes/indicators.html",
        {
            "page": page,
            "filters": filters,
            "sections": _sections(indicator_list),
            "charts": [item.chart_data() for item in indicator_list],
            "download_suffix": f"?{querystring}" if querystring else "",
            "directory_map": _directory_map(filters),
            "min_cell": min_cell(),
        },
        request=None,
    )
    this_year = current_year()
    years = years_covered(indicator_list, filters.year)
    context = {
        "page": page,
        "filters": filters,
        "facet_groups": _facet_groups(filters),
        "active_filters": _active_filters(filters),
        "years": years,
        "indicators_html": indicators_html,
        "barometer_years": [
            {"year": year, "url": page.route_url("barometer", year=year)}
            for year in years
            if year <= this_year
        ][:6],
        "licence": licence(),
        "min_cell": min_cell(),
    }
    return render_to_string("observatory/includes/page_body.html", context, request=None)


@routing.page_view("observatory.observatory")
@require_safe
def observatory(request: HttpRequest, *, page: ObservatoryPage) -> HttpResponse:
    filters = ObservatoryFilters.from_query(request.GET)
    # Everything below the header and menus, rendered once per year and filters until the
    # data change: a visit served from it costs the same whatever the number of rows.
    body_html = caches.RENDERED.get_or_build(
        page.pk,
        page.url,
        filters.cache_key(),
        build=lambda: _render_body(page, filters),
    )
    context = {
        "page": page,
        "self": page,
        "body_html": body_html,
        "noindex": filters.is_active,
    }
    return render(request, "observatory/observatory_page.html", context)


def _json_document(item: Indicator, filters: ObservatoryFilters, page_url: str) -> dict:
    columns = item.columns()
    return {
        "indicateur": item.slug,
        "titre": item.title,
        "rubrique": item.section,
        "annee": item.year,
        "annee_precedente": item.previous_year if item.compare else None,
        "filtres": filters.as_dict(),
        "source": page_url,
        "licence": licence(),
        "seuil_secret": {
            "valeur": min_cell(),
            "explication": _(
                "Les effectifs d'accompagnements de 1 à %(n)s sont publiés « < %(m)s »."
            )
            % {"n": min_cell() - 1, "m": min_cell()},
        },
        "colonnes": [{"nom": name, "description": text} for name, text in columns],
        "lignes": [
            dict(zip([name for name, _text in columns], row, strict=True))
            for row in item.table_rows()
        ],
        "genere_le": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


@routing.page_view("observatory.indicator_download")
@require_safe
def indicator_download(
    request: HttpRequest, *, page: ObservatoryPage, slug: str, fmt: str
) -> HttpResponse:
    filters = ObservatoryFilters.from_query(request.GET)
    item = indicator(filters, slug)
    if item is None:
        raise Http404(_("Indicateur inconnu."))
    filename = f"{item.slug}-{item.year}"
    licence_info = licence()
    if fmt == "csv":
        body = csv_text(
            [[name for name, _text in item.columns()], *item.table_rows()],
            dialect=csv_dialect(request.GET),
        )
        response = HttpResponse(body, content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    else:
        document = _json_document(item, filters, page.full_url or page.url)
        response = HttpResponse(
            orjson.dumps(document), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{filename}.json"'
    if licence_info["url"]:
        response["Link"] = f'<{licence_info["url"]}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@routing.page_view("observatory.barometer")
@require_safe
def barometer(request: HttpRequest, *, page: ObservatoryPage, year: int) -> HttpResponse:
    if not FIRST_YEAR <= year <= current_year():
        raise Http404(_("Pas de baromètre pour cette année."))
    pdf = barometers.barometer_pdf(year=year)
    if pdf is None:
        # A past year is built by the task worker; this answer is never cached.
        response = render(
            request,
            "observatory/barometer_pending.html",
            {"page": page, "year": year, "retry_url": request.path, "noindex": True},
            status=HTTPStatus.ACCEPTED,
        )
        response["Retry-After"] = "15"
        response["Cache-Control"] = "no-store"
        return response
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="barometre-{year}.pdf"'
    return response
