"""Reads behind the directory's list, maps, exports, pages and key figures.

GeoJSON and CSV are built from `values_list()` rows and a few queries on the many-to-many
tables, never from page objects, so their query count and cost stay flat as actors grow."""

from __future__ import annotations

import functools
import gzip
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Model, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_names
from wagtail.models import Page

from home import routing
from home.exports import SPREADSHEET, CsvDialect, choice_label, csv_text
from home.facets import ActiveFilter, Facet, FacetOption, active_filters, labelled_by_label, options

from . import caches
from .map_opening import map_opening
from .models import (
    ActorPage,
    College,
    Country,
    Departement,
    DirectoryPage,
    ProjectPage,
    ProjectPlace,
    SustainableDevelopmentGoal,
    Theme,
    WorldRegion,
    classification_context,
    map_properties,
)

if TYPE_CHECKING:
    from .filters import DirectoryFilters


def last_publication_marker() -> str:
    """When a directory page was last published: part of the exports' cache key, so a
    publication on another worker is seen even where the generation is not shared."""
    content_types = ContentType.objects.get_for_models(ActorPage, ProjectPage).values()
    latest = Page.objects.filter(
        live=True, content_type__in=[content_type.pk for content_type in content_types]
    ).aggregate(latest=Max("last_published_at"))["latest"]
    return latest.isoformat() if latest else "none"


# --- Taxonomies -------------------------------------------------------------------------


def taxonomy_choices() -> dict[str, list[tuple[str, str]]]:
    """The valid values of each filter with their labels, cached until a taxonomy changes."""
    return caches.TAXONOMY_CHOICES.get_or_build(build=_taxonomy_choices)


def _taxonomy_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "odd": [
            (str(number), f"{number}. {name}")
            for number, name in SustainableDevelopmentGoal.objects.values_list("number", "name")
        ],
        "theme": list(Theme.objects.values_list("slug", "name")),
        "college": list(College.objects.values_list("slug", "name")),
        "departement": [
            (code, f"{name} ({code})" if in_region else name)
            for code, name, in_region in Departement.objects.values_list(
                "code", "name", "in_region"
            )
        ],
        "region": list(WorldRegion.objects.values_list("slug", "name")),
        # id -> short value, to read the many-to-many tables without joins.
        "theme_slug_by_id": dict(Theme.objects.values_list("pk", "slug")),
        "sdg_number_by_id": dict(SustainableDevelopmentGoal.objects.values_list("pk", "number")),
        "country_code_by_id": {
            pk: str(code) for pk, code in Country.objects.values_list("pk", "code")
        },
        "sdg_colours": {
            str(number): (colour, text_colour)
            for number, colour, text_colour in SustainableDevelopmentGoal.objects.values_list(
                "number", "colour", "text_colour"
            )
        },
    }


def country_name(code: str) -> str:
    return str(country_names.name(code)) or code


@functools.cache
def country_centroid(code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a country's centroid from the `countryinfo` data package."""
    from countryinfo import CountryInfo

    try:
        latlng = CountryInfo(code).latlng()
    except (KeyError, ValueError, LookupError, AttributeError, TypeError):
        return None
    if not latlng or len(latlng) != 2:
        return None
    return float(latlng[0]), float(latlng[1])


# --- Filtering --------------------------------------------------------------------------


ACTOR_FACETS: dict[str, Facet] = {
    "odd": Facet("sustainabledevelopmentgoal__number", ActorPage.sdgs.through, "actorpage_id"),
    "theme": Facet("theme__slug", ActorPage.themes.through, "actorpage_id"),
    "college": Facet("college__slug"),
    "departement": Facet("departement__code"),
    "pays": Facet("country__code", ActorPage.countries.through, "actorpage_id"),
    "region": Facet("country__region__slug", ActorPage.countries.through, "actorpage_id"),
}
PROJECT_FACETS: dict[str, Facet] = {
    "odd": Facet("sustainabledevelopmentgoal__number", ProjectPage.sdgs.through, "projectpage_id"),
    "theme": Facet("theme__slug", ProjectPage.themes.through, "projectpage_id"),
    "college": Facet("actor__college__slug"),
    "departement": Facet("actor__departement__code"),
    "pays": Facet("country__code", ProjectPage.countries.through, "projectpage_id"),
    "region": Facet("country__region__slug", ProjectPage.countries.through, "projectpage_id"),
}
FACET_NAMES = ("odd", "theme", "college", "departement", "pays", "region")


def actor_queryset(*, directory: DirectoryPage) -> QuerySet[ActorPage]:
    """Published, public actors of the directory."""
    return ActorPage.objects.child_of(directory).live().public()


def project_queryset(*, directory: DirectoryPage) -> QuerySet[ProjectPage]:
    return ProjectPage.objects.descendant_of(directory).live().public()


def _search_condition(query: str, *, projects: bool) -> Q:
    condition = Q(title__icontains=query)
    if projects:
        return condition | Q(summary_text__icontains=query) | Q(actor__title__icontains=query)
    tagged = ActorPage.tags.through.objects.filter(tag__name__icontains=query).values(
        "content_object_id"
    )
    return (
        condition
        | Q(acronym__icontains=query)
        | Q(city__icontains=query)
        | Q(short_description__icontains=query)
        | Q(pk__in=tagged)
    )


def apply_filters(
    queryset: QuerySet,
    filters: DirectoryFilters,
    *,
    facets: dict[str, Facet],
    projects: bool = False,
    skip: str | None = None,
) -> QuerySet:
    """Filters ANDed across names, values ORed within a name; `skip` leaves one out (for
    the counts of that filter's options)."""
    if filters.q:
        queryset = queryset.filter(_search_condition(filters.q, projects=projects))
    for name in FACET_NAMES:
        values = getattr(filters, name)
        if values and name != skip:
            queryset = queryset.filter(facets[name].condition(values))
    return queryset


def filtered_actors(*, directory: DirectoryPage, filters: DirectoryFilters) -> QuerySet:
    return apply_filters(actor_queryset(directory=directory), filters, facets=ACTOR_FACETS)


def filtered_projects(*, directory: DirectoryPage, filters: DirectoryFilters) -> QuerySet:
    return apply_filters(
        project_queryset(directory=directory), filters, facets=PROJECT_FACETS, projects=True
    )


def facet_options(
    base: QuerySet,
    filters: DirectoryFilters,
    *,
    facets: dict[str, Facet],
    projects: bool = False,
) -> dict[str, list[FacetOption]]:
    """For each filter, its options with the number of results each would give combined
    with the other active filters (one query per filter)."""
    choices = taxonomy_choices()
    result: dict[str, list[FacetOption]] = {}
    for name in FACET_NAMES:
        queryset = apply_filters(base, filters, facets=facets, projects=projects, skip=name)
        counts = facets[name].counts(queryset)
        selected = getattr(filters, name)
        if name == "pays":
            labelled = labelled_by_label(counts.keys() | set(selected), country_name)
        else:
            labelled = choices[name]
        # Countries and regions nobody works in are left out, unless chosen.
        keep_empty = name not in ("pays", "region")
        result[name] = options(labelled, selected=selected, counts=counts, keep_empty=keep_empty)
    return result


def cached_facet_options(
    *, directory: DirectoryPage, base: QuerySet, filters: DirectoryFilters, projects: bool
) -> dict[str, list[FacetOption]]:
    """`facet_options`, cached like the exports: the option counts are the list's most
    expensive queries and change only when something is published."""
    facets = PROJECT_FACETS if projects else ACTOR_FACETS
    return caches.FACETS.get_or_build(
        "projects" if projects else "actors",
        directory.pk,
        last_publication_marker(),
        filters.cache_key(),
        build=lambda: facet_options(base, filters, facets=facets, projects=projects),
    )


def active_filter_labels(filters: DirectoryFilters) -> list[ActiveFilter]:
    """Each active filter value with its label and the query string without it."""
    choices = taxonomy_choices()
    labels = {name: dict(choices[name]) for name in FACET_NAMES if name != "pays"}

    def label_of(name: str, value: str) -> str:
        if name == "q":
            return f"« {value} »"
        if name == "pays":
            return country_name(value)
        return labels[name].get(value, value)

    return active_filters(
        filters.items(),
        titles=ACTIVE_FILTER_TITLES,
        label_of=label_of,
        querystring_without=lambda pair: filters.querystring(without=pair),
    )


ACTIVE_FILTER_TITLES = {
    "q": _("Recherche"),
    "odd": _("ODD"),
    "theme": _("Thématique"),
    "college": _("Collège"),
    "departement": _("Département"),
    "pays": _("Pays"),
    "region": _("Région du monde"),
}


# --- List ---------------------------------------------------------------------------------


def actor_cards(queryset: QuerySet[ActorPage]) -> QuerySet[ActorPage]:
    """What a card needs, in a constant number of queries."""
    return (
        queryset.select_related("college", "departement", "logo")
        .prefetch_related("themes", "sdgs", "logo__renditions")
        .defer_streamfields()
        .order_by("title", "pk")
    )


def project_cards(queryset: QuerySet[ProjectPage]) -> QuerySet[ProjectPage]:
    return (
        queryset.select_related("actor", "actor__college", "listing_image")
        .prefetch_related("countries", "sdgs", "themes", "listing_image__renditions")
        .defer_streamfields()
        .order_by("-start_year", "title", "pk")
    )


# --- GeoJSON and the map's feed -----------------------------------------------------------

# Coordinates keep 5 decimals in the GeoJSON (about a metre) and 4 in the map's feed (about
# ten metres: enough to draw a marker, and shorter to send).
GEOJSON_DECIMALS = 5
MAP_FEED_DECIMALS = 4


def _rounder(decimals: int) -> Callable[[float], float]:
    """`round(value, decimals)` for coordinates, about three times faster (the integer
    division by an exact power of ten gives the float nearest the rounded decimal)."""
    scale = 10.0**decimals
    return lambda value: round(value * scale) / scale


_geojson_round = _rounder(GEOJSON_DECIMALS)
_feed_round = _rounder(MAP_FEED_DECIMALS)


def _m2m_values(through: type[Model], owner: str, path: str, owners: QuerySet) -> dict:
    grouped: dict[int, list] = defaultdict(list)
    rows = (
        through.objects.filter(**{f"{owner}__in": owners.values("pk")})
        .order_by(owner, path)
        .values_list(owner, path)
    )
    for owner_id, value in rows:
        grouped[owner_id].append(value)
    return grouped


def computed_map_properties(actors: QuerySet[ActorPage]) -> dict[int, dict[str, Any]]:
    """`map_properties` of these actors, computed from the database in a constant number of
    queries (one for the actors, one per many-to-many table and per taxonomy: ids turned
    into slugs, numbers and codes without joins). The taxonomies are read from the
    database, not the cache: a taxonomy's own save calls this before the cache is bumped."""
    grouped: dict[str, dict[int, list]] = {}
    for name, through, column, value_by_id in (
        (
            "themes",
            ActorPage.themes.through,
            "theme_id",
            dict(Theme.objects.values_list("pk", "slug")),
        ),
        (
            "sdgs",
            ActorPage.sdgs.through,
            "sustainabledevelopmentgoal_id",
            dict(SustainableDevelopmentGoal.objects.values_list("pk", "number")),
        ),
        (
            "countries",
            ActorPage.countries.through,
            "country_id",
            {pk: str(code) for pk, code in Country.objects.values_list("pk", "code")},
        ),
    ):
        values: dict[int, list] = defaultdict(list)
        rows = through.objects.filter(actorpage_id__in=actors.values("pk")).values_list(
            "actorpage_id", column
        )
        for actor_id, value_id in rows:
            if value_id in value_by_id:
                values[actor_id].append(value_by_id[value_id])
        grouped[name] = values
    rows = actors.order_by().values_list("pk", "college__slug", "city", "departement__code")
    return {
        pk: map_properties(
            college=college,
            city=city,
            departement=departement,
            themes=grouped["themes"].get(pk, ()),
            sdgs=grouped["sdgs"].get(pk, ()),
            countries=grouped["countries"].get(pk, ()),
        )
        for pk, college, city, departement in rows
    }


def _placed_actor_rows(actors: QuerySet[ActorPage], *fields: str) -> list[tuple]:
    """(latitude, pk, longitude, *fields, map properties) of the actors that have a place,
    ordered by latitude (gzip compresses neighbours, which share digits and towns, better
    than alphabetical order). The stored properties are read as text and parsed by orjson
    (faster than the database driver's JSON); rows written in bulk without them get them
    computed here, in memory: a read never writes."""
    rows = list(
        actors.filter(latitude__isnull=False, longitude__isnull=False)
        .order_by()
        .values_list(
            "latitude",
            "pk",
            "longitude",
            *fields,
            Cast("map_properties", output_field=TextField()),
        )
    )
    # Sorted here rather than by the database: sorting these wide rows there costs more.
    rows.sort(key=lambda row: (row[0], row[1]))
    missing = [row[1] for row in rows if not row[-1] or row[-1] == "null"]
    computed = computed_map_properties(ActorPage.objects.filter(pk__in=missing)) if missing else {}
    return [
        (*row[:-1], computed[row[1]] if row[1] in computed else orjson.loads(row[-1]))
        for row in rows
    ]


# (property, description): the documented properties of each Feature of actors.geojson,
# in their order.
ACTOR_GEOJSON_PROPERTIES: list[tuple[str, str]] = [
    ("id", "Identifiant de la fiche"),
    ("name", "Nom de la structure"),
    ("url", "Adresse de la fiche sur le portail"),
    ("college", "Collège du réseau (identifiant court)"),
    ("city", "Commune"),
    ("dep", "Code INSEE du département (HR : hors région)"),
    ("themes", "Thématiques (identifiants courts)"),
    ("sdgs", "Numéros des ODD"),
    ("countries", "Pays d'intervention (codes ISO 3166-1)"),
]
# The stored part of them (`ActorPage.map_properties`), in the documented order: PostgreSQL's
# jsonb gives keys back in an order of its own.
STORED_GEOJSON_PROPERTIES = tuple(name for name, _description in ACTOR_GEOJSON_PROPERTIES[3:])
# The fields of the map's light feed (`actors_map_feed`).
MAP_FEED_FIELDS = ("id", "lng", "lat", "name", "odd", "college")


def actors_geojson(*, directory: DirectoryPage, filters: DirectoryFilters) -> bytes:
    """The filtered actors that have a place, as an RFC 7946 FeatureCollection (bytes):
    Python dicts serialised by orjson, from one query on the actors (their stored map
    properties included).

    Properties are short on purpose (slugs, numbers and codes; the taxonomies' names are on
    the page and in its legend): the actor page holds the details."""
    actors = filtered_actors(directory=directory, filters=filters)
    base_url = directory.url or "/"
    features = [
        {
            "type": "Feature",
            "properties": {
                "id": pk,
                "name": title,
                "url": f"{base_url}{slug}/",
                **{name: properties.get(name) for name in STORED_GEOJSON_PROPERTIES},
            },
            # RFC 7946: longitude first.
            "geometry": {
                "type": "Point",
                "coordinates": [_geojson_round(longitude), _geojson_round(latitude)],
            },
        }
        for latitude, pk, longitude, title, slug, properties in _placed_actor_rows(
            actors, "title", "slug"
        )
    ]
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def actors_map_feed(*, directory: DirectoryPage, filters: DirectoryFilters) -> bytes:
    """The map's own feed of the filtered actors that have a place: only what drawing and
    filtering markers needs, in columns (one array per field, the same index for one
    actor), which is shorter than GeoJSON and compresses better:

        {"count": 2, "id": [12, 7], "lng": [-0.5792, 0.3404], "lat": [44.8378, 46.5802],
         "name": ["…", "…"], "odd": [[6], [3, 6]], "college": ["associations", "…"]}

    A marker's popup asks for the rest (`actor_popup`) when it opens. Ordered by latitude,
    as the GeoJSON."""
    actors = filtered_actors(directory=directory, filters=filters)
    rows = _placed_actor_rows(actors, "title")
    return orjson.dumps(
        {
            "count": len(rows),
            "id": [row[1] for row in rows],
            "lng": [_feed_round(row[2]) for row in rows],
            "lat": [_feed_round(row[0]) for row in rows],
            "name": [row[3] for row in rows],
            "odd": [row[4]["sdgs"] for row in rows],
            "college": [row[4]["college"] for row in rows],
        }
    )


@dataclass(frozen=True)
class ActorPopup:
    """What a map marker's popup shows of one published actor."""

    id: int
    title: str
    url: str
    city: str
    departement: str
    college: str
    logo: Any  # the logo image, or None
    sdgs: list[dict[str, Any]]


def actor_popup(*, directory: DirectoryPage, actor_id: int) -> ActorPopup | None:
    """The popup of a published, public actor of this directory, or None (a draft, a page
    under a restriction, another directory's actor, an unknown id)."""
    actor = (
        actor_queryset(directory=directory)
        .filter(pk=actor_id)
        .select_related("college", "departement", "logo")
        .only(
            "pk",
            "title",
            "slug",
            "city",
            "college__name",
            "departement__code",
            "departement__name",
            "logo",
        )
        .first()
    )
    if actor is None:
        return None
    choices = taxonomy_choices()
    colours = choices["sdg_colours"]
    names = dict(choices["odd"])
    numbers = sorted(
        choices["sdg_number_by_id"][sdg_id]
        for sdg_id in ActorPage.sdgs.through.objects.filter(actorpage_id=actor.pk).values_list(
            "sustainabledevelopmentgoal_id", flat=True
        )
        if sdg_id in choices["sdg_number_by_id"]
    )
    departement = ""
    if actor.departement_id and actor.departement.code != "HR":
        departement = actor.departement.code
    return ActorPopup(
        id=actor.pk,
        title=actor.title,
        url=f"{directory.url or '/'}{actor.slug}/",
        city=actor.city or "",
        departement=departement,
        college=actor.college.name if actor.college_id else "",
        logo=actor.logo if actor.logo_id else None,
        sdgs=[
            {
                "number": number,
                # The filter's label is "6. Name": the badge shows the number apart.
                "name": names.get(str(number), "").split(". ", 1)[-1],
                "colour": colours.get(str(number), ("#333333", "#ffffff"))[0],
                "text_colour": colours.get(str(number), ("#333333", "#ffffff"))[1],
            }
            for number in numbers
        ],
    )


def projects_geojson(*, directory: DirectoryPage, filters: DirectoryFilters) -> bytes:
    """Filtered projects at their places of intervention (each precise place, or else each
    intervention country's centroid), as an RFC 7946 FeatureCollection (bytes)."""
    projects = filtered_projects(directory=directory, filters=filters)
    base_url = directory.url or "/"
    countries = _m2m_values(
        ProjectPage.countries.through, "projectpage_id", "country__code", projects
    )
    sdgs = _m2m_values(
        ProjectPage.sdgs.through, "projectpage_id", "sustainabledevelopmentgoal__number", projects
    )
    themes = _m2m_values(ProjectPage.themes.through, "projectpage_id", "theme__slug", projects)
    places: dict[int, list] = defaultdict(list)
    for project_id, name, lat, lng, code in (
        ProjectPlace.objects.filter(project__in=projects.values("pk"), latitude__isnull=False)
        .order_by("project_id", "sort_order", "pk")
        .values_list("project_id", "name", "latitude", "longitude", "country__code")
    ):
        places[project_id].append((name, lat, lng, code))
    rows = projects.order_by("title", "pk").values_list(
        "pk", "title", "slug", "actor__slug", "actor__title", "actor__college__slug", "status"
    )

    def point(longitude: float, latitude: float) -> dict[str, Any]:
        return {
            "type": "Point",
            "coordinates": [
                round(longitude, GEOJSON_DECIMALS),
                round(latitude, GEOJSON_DECIMALS),
            ],
        }

    centroids: dict[str, dict[str, Any] | None] = {}  # code -> geometry at its centroid

    def centroid_point(code: str) -> dict[str, Any] | None:
        if code not in centroids:
            centroid = country_centroid(code)
            centroids[code] = None if centroid is None else point(centroid[1], centroid[0])
        return centroids[code]

    features = []
    for pk, title, slug, actor_slug, actor_title, college, status in rows:
        codes = [str(code) for code in countries.get(pk, ())]
        properties = {
            "id": pk,
            "name": title,
            "url": f"{base_url}{actor_slug}/{slug}/" if actor_slug else "",
            "actor": actor_title or "",
            "college": college or "",
            "status": status,
            "themes": themes.get(pk, []),
            "sdgs": sdgs.get(pk, []),
            "countries": codes,
        }
        if places.get(pk):
            only_country = codes[0] if len(codes) == 1 else ""
            for name, lat, lng, code in places[pk]:
                features.append(
                    {
                        "type": "Feature",
                        "geometry": point(lng, lat),
                        "properties": {
                            **properties,
                            "place": name,
                            "country": str(code or only_country),
                        },
                    }
                )
            continue
        for code in codes:
            geometry = centroid_point(code)
            if geometry is not None:
                features.append(
                    {
                        "type": "Feature",
                        "geometry": geometry,
                        "properties": {
                            **properties,
                            "place": country_name(code),
                            "country": code,
                        },
                    }
                )
    return orjson.dumps({"type": "FeatureCollection", "features": features})


# --- CSV ----------------------------------------------------------------------------------

# (column, field path or builder key, description): the documented columns of actors.csv.
PUBLIC_CSV_COLUMNS: list[tuple[str, str, str]] = [
    ("id", "pk", "Identifiant de la fiche"),
    ("nom", "title", "Nom de la structure"),
    ("sigle", "acronym", "Sigle"),
    ("url", "url", "Adresse de la fiche sur le portail"),
    ("college", "college__name", "Collège du réseau"),
    ("type_structure", "structure_type__name", "Type de structure"),
    ("adhesion", "membership", "Adhérent du réseau ou référencé"),
    ("adresse", "address", "Adresse"),
    ("code_postal", "postcode", "Code postal"),
    ("commune", "city", "Commune"),
    ("departement", "departement__code", "Code INSEE du département (HR : hors région)"),
    ("latitude", "latitude", "Latitude (WGS 84)"),
    ("longitude", "longitude", "Longitude (WGS 84)"),
    ("site_web", "website", "Site web"),
    ("email", "email", "Adresse électronique publique"),
    ("telephone", "phone", "Téléphone public"),
    ("annee_creation", "year_founded", "Année de création"),
    ("odd", "sdgs", "Numéros des ODD, séparés par « ; »"),
    ("thematiques", "themes", "Thématiques, séparées par « ; »"),
    ("pays", "countries", "Pays d'intervention (codes ISO 3166-1), séparés par « ; »"),
    ("siret", "siret", "SIRET"),
    ("rna", "rna", "Numéro RNA"),
]
PRIVATE_CSV_COLUMNS: list[tuple[str, str, str]] = [
    ("publie", "live", "Publiée"),
    ("derniere_publication", "last_published_at", "Dernière publication"),
    ("qualification", "qualification_status", "Statut de qualification"),
    ("notes_internes", "internal_notes", "Notes internes"),
    ("contact_nom", "private_contact_name", "Personne contact"),
    ("contact_email", "private_contact_email", "E-mail de la personne contact"),
    ("contact_telephone", "private_contact_phone", "Téléphone de la personne contact"),
]
# Choices fields whose label, not stored code, goes in the file.
_CHOICE_COLUMNS = {"membership", "qualification_status"}


def _csv_rows(queryset: QuerySet[ActorPage], columns: list, base_url: str) -> Iterable[list]:
    m2m = {
        "sdgs": _m2m_values(
            ActorPage.sdgs.through, "actorpage_id", "sustainabledevelopmentgoal__number", queryset
        ),
        "themes": _m2m_values(ActorPage.themes.through, "actorpage_id", "theme__name", queryset),
        "countries": _m2m_values(
            ActorPage.countries.through, "actorpage_id", "country__code", queryset
        ),
    }
    paths = [path for _c, path, _d in columns if path not in m2m and path != "url"]
    for row in queryset.order_by("title", "pk").values(*paths, "slug"):
        values = []
        for _column, path, _description in columns:
            if path in m2m:
                value = [str(item) for item in m2m[path].get(row["pk"], [])]
            elif path == "url":
                value = f"{base_url}{row['slug']}/"
            elif path in _CHOICE_COLUMNS:
                value = choice_label(ActorPage, path, row[path])
            else:
                value = row[path]
            values.append(value)
        yield values


def actors_csv(
    queryset: QuerySet[ActorPage],
    *,
    base_url: str,
    include_private: bool = False,
    dialect: CsvDialect = SPREADSHEET,
) -> str:
    """The actors as CSV through the site's export helper (formulas neutralised, labels,
    the requested dialect)."""
    columns = PUBLIC_CSV_COLUMNS + (PRIVATE_CSV_COLUMNS if include_private else [])
    rows = _csv_rows(queryset, columns, base_url)
    return csv_text([[column for column, _p, _d in columns], *rows], dialect=dialect)


# --- Cached exports -------------------------------------------------------------------------


def cached_export(
    *,
    kind: str,
    scope: str,
    filters: DirectoryFilters,
    find_directory: Callable[[], DirectoryPage],
    dialect: CsvDialect = SPREADSHEET,
) -> bytes:
    """The export, gzip-compressed, from the cache or built and stored. Keyed on where it is
    served (`scope`: host and path), the filters, the directory's generation and the last
    publication time; `find_directory` (which may raise Http404) is called on a miss only:
    a hit costs one query (the last publication time)."""
    return caches.EXPORTS.get_or_build(
        kind,
        dialect.delimiter,
        scope,
        last_publication_marker(),
        filters.cache_key(),
        build=lambda: _export(
            kind=kind, filters=filters, directory=find_directory(), dialect=dialect
        ),
    )


def public_exports_or_404(directory: DirectoryPage) -> DirectoryPage:
    """The directory if its exports are public (live, no view restriction), else 404."""
    if not directory.live or directory.get_view_restrictions().exists():
        raise Http404
    return directory


def directory_map_opening(
    *, directory: DirectoryPage, filters: DirectoryFilters, host: str
) -> dict[str, Any] | None:
    """The map's opening bounds and clusters for a page that shows the directory's map (the
    directory itself, the map widget), from the light feed that page links to: under the
    cache scope the feed's request will have (as `views.export` computes it), which this
    fills for it. None where that feed answers 404 (a draft or a restricted directory):
    nothing is cached then."""
    parts = urlsplit(directory.export_url("actors.map.json"))
    page_path = parts.path.lstrip("/").removesuffix("actors.map.json")
    try:
        return cached_map_opening(
            scope=f"{parts.netloc or host}/{page_path}",
            filters=filters,
            find_directory=lambda: public_exports_or_404(directory),
        )
    except Http404:
        return None


def cached_map_opening(
    *, scope: str, filters: DirectoryFilters, find_directory: Callable[[], DirectoryPage]
) -> dict[str, Any] | None:
    """The map's opening bounds and clusters (`map_opening.map_opening`) of the filtered
    actors, cached like the exports. Computed from the light feed `actors.map.json` as the
    browser gets it (from the cache, where this puts it when missing: the browser asks for
    it next), so the page and the feed hold the same points."""
    return caches.EXPORTS.get_or_build(
        "map-opening",
        scope,
        last_publication_marker(),
        filters.cache_key(),
        # A list around the value: a feed with no point gives None, which is kept too.
        build=lambda: [
            map_opening(
                orjson.loads(
                    gzip.decompress(
                        cached_export(
                            kind="actors.map.json",
                            scope=scope,
                            filters=filters,
                            find_directory=find_directory,
                        )
                    )
                )
            )
        ],
    )[0]


def cached_actor_popup(
    *, scope: str, actor_id: int, find_directory: Callable[[], DirectoryPage]
) -> str | None:
    """The popup's HTML fragment of a published actor, or None (404): from the cache (one
    query, the last publication time) or rendered and stored, as the exports."""
    from django.template.loader import render_to_string

    key = caches.MAP_POPUPS.key(scope, last_publication_marker(), actor_id)
    html = caches.MAP_POPUPS.get(key)
    if html is None:
        popup = actor_popup(directory=find_directory(), actor_id=actor_id)
        if popup is None:
            return None  # not kept: made-up ids cannot fill the cache
        html = render_to_string("directory/includes/map_popup.html", {"popup": popup})
        caches.MAP_POPUPS.set(key, html)
    return html


def _export(
    *, kind: str, filters: DirectoryFilters, directory: DirectoryPage, dialect: CsvDialect
) -> bytes:
    if kind == "actors.geojson":
        data = actors_geojson(directory=directory, filters=filters)
    elif kind == "actors.map.json":
        data = actors_map_feed(directory=directory, filters=filters)
    elif kind == "projects.geojson":
        data = projects_geojson(directory=directory, filters=filters)
    elif kind == "actors.csv":
        data = actors_csv(
            filtered_actors(directory=directory, filters=filters),
            base_url=directory.url or "/",
            dialect=dialect,
        ).encode("utf-8")
    else:
        raise ValueError(kind)
    # mtime=0: the same data gives the same bytes (stable ETags, comparable sizes).
    return gzip.compress(data, compresslevel=6, mtime=0)


# --- Pages ----------------------------------------------------------------------------------


@routing.page_context("directory.actor_page")
def actor_page_context(*, actor: ActorPage) -> dict[str, Any]:
    projects = list(
        project_cards(ProjectPage.objects.child_of(actor).live().public()).order_by(
            "-start_year", "title"
        )
    )
    partner_projects = list(
        project_cards(
            ProjectPage.objects.live().public().filter(partner_actors=actor).exclude(actor=actor)
        )
    )
    partner_ids = set(
        ProjectPage.partner_actors.through.objects.filter(
            projectpage__in=[p.pk for p in projects]
        ).values_list("actorpage_id", flat=True)
    ) | {p.actor_id for p in partner_projects if p.actor_id}
    partner_ids.discard(actor.pk)
    partners = list(
        ActorPage.objects.live()
        .public()
        .filter(pk__in=partner_ids)
        .select_related("college")
        .order_by("title")
    )
    return {
        **classification_context(actor),
        "tags": list(actor.tags.all()),
        "projects": projects,
        "partner_projects": partner_projects,
        "partners": partners,
    }


@routing.page_context("directory.project_page")
def project_page_context(*, project: ProjectPage) -> dict[str, Any]:
    places = [place for place in project.places.all() if place.has_place]
    classification = classification_context(project)
    countries = classification["countries"]
    if places:
        map_points = [{"lat": p.latitude, "lng": p.longitude, "name": p.name} for p in places]
    else:
        map_points = []
        for country in countries:
            centroid = country_centroid(country.code.code)
            if centroid:
                map_points.append({"lat": centroid[0], "lng": centroid[1], "name": country.name})
    return {
        "map_points": map_points,
        "actor": ActorPage.objects.filter(pk=project.actor_id).select_related("college").first(),
        **classification,
        "places": places,
        "partners": list(
            project.partner_actors.live().public().select_related("college").order_by("title")
        ),
    }


# --- Key figures ----------------------------------------------------------------------------


@routing.page_context("directory.key_figures")
def key_figures() -> dict[str, Any]:
    """Published actors by college, by département, by SDG, and countries of intervention,
    cached until the next publication."""
    return caches.KEY_FIGURES.get_or_build(last_publication_marker(), build=_key_figures)


def _key_figures() -> dict[str, Any]:
    actors = ActorPage.objects.live().public()
    projects = ProjectPage.objects.live().public()
    by_college = [
        {"label": name, "count": n}
        for name, n in College.objects.annotate(
            n=Count("actors", filter=Q(actors__in=actors.values("pk")))
        )
        # Explicit: Meta.ordering does not apply to a grouped query.
        .order_by("sort_order", "name")
        .values_list("name", "n")
    ]
    by_departement = [
        {"label": str(name), "code": code, "count": n}
        for code, name, n in Departement.objects.annotate(
            n=Count("actors", filter=Q(actors__in=actors.values("pk")))
        )
        .filter(n__gt=0)
        .order_by("-n", "code")
        .values_list("code", "name", "n")
    ]
    by_sdg = [
        {"number": number, "label": name, "colour": colour, "text_colour": text, "count": n}
        for number, name, colour, text, n in SustainableDevelopmentGoal.objects.annotate(
            n=Count("actors", filter=Q(actors__in=actors.values("pk")))
        )
        .order_by("number")
        .values_list("number", "name", "colour", "text_colour", "n")
    ]
    country_codes = set(
        Country.objects.filter(
            Q(actors__in=actors.values("pk")) | Q(projects__in=projects.values("pk"))
        ).values_list("code", flat=True)
    )
    return {
        "actors": actors.count(),
        "members": actors.filter(membership=ActorPage.Membership.MEMBER).count(),
        "projects": projects.count(),
        "countries": len(country_codes),
        "country_names": sorted(country_name(code) for code in country_codes),
        "by_college": by_college,
        "by_departement": by_departement,
        "by_sdg": by_sdg,
    }


# --- A member's profile completeness ----------------------------------------------------------

# What a complete actor page has, in the order the edit form asks for it.
PROFILE_ITEMS: tuple[tuple[str, Any, Callable[[ActorPage], bool]], ...] = (
    ("logo", _("le logo"), lambda actor: bool(actor.logo_id)),
    ("short_description", _("la présentation courte"), lambda actor: bool(actor.short_description)),
    ("body", _("la présentation détaillée"), lambda actor: bool(actor.body)),
    ("website", _("le site web"), lambda actor: bool(actor.website)),
    ("email", _("une adresse électronique ou un téléphone"), lambda a: bool(a.email or a.phone)),
    ("city", _("le code postal et la commune"), lambda actor: bool(actor.postcode and actor.city)),
    ("location", _("la position sur la carte"), lambda actor: actor.latitude is not None),
    ("themes", _("les thématiques"), lambda actor: bool(list(actor.themes.all()))),
    ("sdgs", _("les objectifs de développement durable"), lambda a: bool(list(a.sdgs.all()))),
    ("countries", _("les pays d'intervention"), lambda a: bool(list(a.countries.all()))),
    ("year_founded", _("l'année de création"), lambda actor: bool(actor.year_founded)),
)


@dataclass(frozen=True)
class ProfileCompleteness:
    percent: int
    missing: list[str]


def profile_completeness(*, actor: ActorPage) -> ProfileCompleteness:
    """How much of its page an actor has filled, and what is missing, as its latest draft
    stands (what the member sees in the editor, not only what is published)."""
    latest = actor.get_latest_revision_as_object() if actor.has_unpublished_changes else actor
    missing = [str(label) for _name, label, filled in PROFILE_ITEMS if not filled(latest)]
    filled_count = len(PROFILE_ITEMS) - len(missing)
    return ProfileCompleteness(
        percent=round(100 * filled_count / len(PROFILE_ITEMS)), missing=missing
    )
