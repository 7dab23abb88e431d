"""Reads behind the directory's list, maps, exports, pages and key figures.

GeoJSON and CSV are built from `values_list()` rows and a few queries on the many-to-many
tables, never from page objects, so their query count and cost stay flat as actors grow."""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Max, Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_names
from wagtail.models import Page

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
)

if TYPE_CHECKING:
    from .filters import DirectoryFilters

GENERATION_KEY = "directory:generation"


# --- Cache generation -------------------------------------------------------------------


def directory_generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def bump_directory_generation() -> None:
    """Make every cached export and taxonomy list stale (publishing, taxonomy edits)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


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
    key = f"directory:choices:{directory_generation()}"
    choices = cache.get(key)
    if choices is None:
        choices = {
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
            "sdg_number_by_id": dict(
                SustainableDevelopmentGoal.objects.values_list("pk", "number")
            ),
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
        cache.set(key, choices, settings.DIRECTORY_EXPORT_CACHE_SECONDS)
    return choices


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


@dataclass(frozen=True)
class Facet:
    """How one filter applies to a page model: through a foreign key path (`path`) or a
    many-to-many table (`through`, its page column `owner`, the value `path` in it)."""

    path: str
    through: type[Model] | None = None
    owner: str = ""

    def condition(self, values: Iterable[str]) -> Q:
        values = list(values)
        if self.through is None:
            return Q(**{f"{self.path}__in": values})
        owners = self.through.objects.filter(**{f"{self.path}__in": values}).values(self.owner)
        return Q(pk__in=owners)

    def counts(self, queryset: QuerySet) -> dict[str, int]:
        if self.through is None:
            rows = queryset.order_by().values_list(self.path).annotate(n=Count("pk", distinct=True))
        else:
            rows = (
                self.through.objects.filter(**{f"{self.owner}__in": queryset.values("pk")})
                .order_by()
                .values_list(self.path)
                .annotate(n=Count(self.owner, distinct=True))
            )
        return {str(value): n for value, n in rows if value is not None}


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


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


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
    options: dict[str, list[FacetOption]] = {}
    for name in FACET_NAMES:
        queryset = apply_filters(base, filters, facets=facets, projects=projects, skip=name)
        counts = facets[name].counts(queryset)
        selected = set(getattr(filters, name))
        if name == "pays":
            labelled = sorted(
                ((code, country_name(code)) for code in counts.keys() | selected),
                key=lambda pair: pair[1],
            )
        else:
            labelled = choices[name]
        options[name] = [
            FacetOption(value, label, counts.get(value, 0), value in selected)
            for value, label in labelled
            # Countries and regions nobody works in are left out, unless chosen.
            if name not in ("pays", "region") or counts.get(value) or value in selected
        ]
    return options


def _cache_key(kind: str, *, scope: str, filters: DirectoryFilters) -> str:
    """Filters, directory generation and last publication: what a cached read depends on.
    `scope`: the directory page's id, or for the exports the host and path they are served
    at (so a hit needs no page lookup)."""
    digest = hashlib.sha256(f"{scope}|{filters.cache_key()}".encode()).hexdigest()[:32]
    return f"directory:{kind}:{directory_generation()}:{last_publication_marker()}:{digest}"


def cached_facet_options(
    *, directory: DirectoryPage, base: QuerySet, filters: DirectoryFilters, projects: bool
) -> dict[str, list[FacetOption]]:
    """`facet_options`, cached like the exports: the option counts are the list's most
    expensive queries and change only when something is published."""
    key = _cache_key(
        "facets:projects" if projects else "facets:actors",
        scope=str(directory.pk),
        filters=filters,
    )
    options = cache.get(key)
    if options is None:
        facets = PROJECT_FACETS if projects else ACTOR_FACETS
        options = facet_options(base, filters, facets=facets, projects=projects)
        cache.set(key, options, settings.DIRECTORY_EXPORT_CACHE_SECONDS)
    return options


def active_filter_labels(filters: DirectoryFilters) -> list[dict[str, str]]:
    """Each active filter value with its label and the query string without it."""
    choices = taxonomy_choices()
    labels = {name: dict(choices[name]) for name in FACET_NAMES if name != "pays"}
    titles = {
        "q": _("Recherche"),
        "odd": _("ODD"),
        "theme": _("Thématique"),
        "college": _("Collège"),
        "departement": _("Département"),
        "pays": _("Pays"),
        "region": _("Région du monde"),
    }
    active = []
    for name, value in filters.items():
        if name == "q":
            label = f"« {value} »"
        elif name == "pays":
            label = country_name(value)
        else:
            label = labels[name].get(value, value)
        active.append(
            {
                "name": str(titles[name]),
                "label": label,
                "remove_querystring": filters.querystring(without=(name, value)),
            }
        )
    return active


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


# --- GeoJSON ------------------------------------------------------------------------------


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


def map_feature_text(
    *,
    college: str,
    city: str,
    departement: str,
    themes: Iterable[str],
    sdgs: Iterable[int],
    countries: Iterable[str],
    latitude: float | None,
    longitude: float | None,
) -> str:
    """`ActorPage.map_feature`: the end of the actor's GeoJSON Feature, after the id, name
    and URL of its properties (which `actors_geojson` writes from the page's row); empty
    for an actor without a place."""
    if latitude is None or longitude is None:
        return ""
    properties = orjson.dumps(
        {
            "college": college or "",
            "city": city or "",
            "dep": departement or "",
            "themes": sorted(themes),
            "sdgs": sorted(sdgs),
            "countries": sorted(countries),
        }
    ).decode()
    # RFC 7946: longitude first; 5 decimals is about a metre.
    return (
        f'{properties[1:]},"geometry":{{"type":"Point",'
        f'"coordinates":[{round(longitude, 5)!r},{round(latitude, 5)!r}]}}}}'
    )


def refresh_map_features(actors: QuerySet[ActorPage] | None = None) -> int:
    """Recompute `map_feature` of these actors (all by default) from the database, in a
    constant number of queries: after a taxonomy changes, or rows written in bulk."""
    actors = ActorPage.objects.all() if actors is None else actors
    m2m = {
        name: _m2m_values(through, "actorpage_id", path, actors)
        for name, through, path in (
            ("themes", ActorPage.themes.through, "theme__slug"),
            ("sdgs", ActorPage.sdgs.through, "sustainabledevelopmentgoal__number"),
            ("countries", ActorPage.countries.through, "country__code"),
        )
    }
    rows = actors.order_by().values_list(
        "pk", "college__slug", "city", "departement__code", "latitude", "longitude"
    )
    updated = [
        ActorPage(
            pk=pk,
            map_feature=map_feature_text(
                college=college,
                city=city,
                departement=departement,
                themes=m2m["themes"].get(pk, ()),
                sdgs=m2m["sdgs"].get(pk, ()),
                countries=[str(code) for code in m2m["countries"].get(pk, ())],
                latitude=latitude,
                longitude=longitude,
            ),
        )
        for pk, college, city, departement, latitude, longitude in rows
    ]
    ActorPage.objects.bulk_update(updated, ["map_feature"], batch_size=1000)
    return len(updated)


# The opening of the FeatureCollection and of each Feature, written once.
_COLLECTION_START = '{"type":"FeatureCollection","features":['
_COLLECTION_END = "]}"
_quote = json.encoder.encode_basestring  # a JSON string literal (C), UTF-8 left as is


def actors_geojson(*, directory: DirectoryPage, filters: DirectoryFilters) -> bytes:
    """The filtered actors that have a place, as an RFC 7946 FeatureCollection (bytes).

    One query: the page's id, title and slug and the precomputed end of each Feature
    (`ActorPage.map_feature`: short properties and geometry), joined as text. Properties are
    short on purpose (slugs, numbers and codes; the taxonomies' names are on the page and in
    its legend): the actor page holds the details. Ordered by latitude, which gzip
    compresses better than alphabetical order (neighbours share digits and towns)."""
    actors = filtered_actors(directory=directory, filters=filters)
    rows = list(
        actors.filter(latitude__isnull=False, longitude__isnull=False)
        .order_by()
        .values_list("latitude", "pk", "title", "slug", "map_feature")
    )
    # Sorted here rather than by the database: sorting these wide rows there costs more.
    rows.sort()
    missing = [row[1] for row in rows if not row[4]]
    if missing:  # rows written in bulk, outside `save()`: computed once, then stored
        refresh_map_features(ActorPage.objects.filter(pk__in=missing))
        stored = dict(ActorPage.objects.filter(pk__in=missing).values_list("pk", "map_feature"))
        rows = [(*row[:4], stored.get(row[1]) or row[4]) for row in rows]
    base_url = directory.url or "/"
    features = ",".join(
        f'{{"type":"Feature","properties":{{"id":{pk},"name":{_quote(title)},'
        f'"url":{_quote(f"{base_url}{slug}/")},{tail}'
        for _latitude, pk, title, slug, tail in rows
    )
    return f"{_COLLECTION_START}{features}{_COLLECTION_END}".encode()


def projects_geojson(*, directory: DirectoryPage, filters: DirectoryFilters) -> bytes:
    """Filtered projects at their places of intervention (each precise place, or else each
    intervention country's centroid), as an RFC 7946 FeatureCollection (bytes). Each
    project's properties are written once and repeated for each of its points."""
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
    centroids: dict[str, tuple[str, str] | None] = {}  # code -> (coordinates, place name)

    def centroid_point(code: str) -> tuple[str, str] | None:
        if code not in centroids:
            centroid = country_centroid(code)
            centroids[code] = (
                None
                if centroid is None
                else (
                    f"[{round(centroid[1], 5)!r},{round(centroid[0], 5)!r}]",
                    _quote(country_name(code)),
                )
            )
        return centroids[code]

    features = []
    for pk, title, slug, actor_slug, actor_title, college, status in rows:
        codes = [str(code) for code in countries.get(pk, ())]
        properties = (
            f'"id":{pk},"name":{_quote(title)},'
            f'"url":{_quote(f"{base_url}{actor_slug}/{slug}/" if actor_slug else "")},'
            f'"actor":{_quote(actor_title or "")},"college":{_quote(college or "")},'
            f'"status":{_quote(status)},"themes":{orjson.dumps(themes.get(pk, [])).decode()},'
            f'"sdgs":{orjson.dumps(sdgs.get(pk, [])).decode()},'
            f'"countries":{orjson.dumps(codes).decode()}'
        )
        if places.get(pk):
            only_country = codes[0] if len(codes) == 1 else ""
            for name, lat, lng, code in places[pk]:
                features.append(
                    f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":'
                    f"[{round(lng, 5)!r},{round(lat, 5)!r}]}},"
                    f'"properties":{{{properties},"place":{_quote(name)},'
                    f'"country":{_quote(str(code or only_country))}}}}}'
                )
            continue
        for code in codes:
            point = centroid_point(code)
            if point is not None:
                features.append(
                    f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":{point[0]}}},'
                    f'"properties":{{{properties},"place":{point[1]},"country":{_quote(code)}}}}}'
                )
    return f"{_COLLECTION_START}{','.join(features)}{_COLLECTION_END}".encode()


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
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


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
                value = " ; ".join(str(item) for item in m2m[path].get(row["pk"], []))
            elif path == "url":
                value = f"{base_url}{row['slug']}/"
            else:
                value = row[path]
                if value is None:
                    value = ""
                elif hasattr(value, "isoformat"):
                    value = value.isoformat()
            values.append(neutralise_cell(value))
        yield values


def actors_csv(
    queryset: QuerySet[ActorPage], *, base_url: str, include_private: bool = False
) -> str:
    columns = PUBLIC_CSV_COLUMNS + (PRIVATE_CSV_COLUMNS if include_private else [])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column for column, _p, _d in columns])
    writer.writerows(_csv_rows(queryset, columns, base_url))
    return buffer.getvalue()


# --- Cached exports -------------------------------------------------------------------------


def cached_export(
    *,
    kind: str,
    scope: str,
    filters: DirectoryFilters,
    find_directory: Callable[[], DirectoryPage],
) -> bytes:
    """The export, gzip-compressed, from the cache or built and stored. Keyed on where it is
    served (`scope`: host and path), the filters, the directory's generation and the last
    publication time; `find_directory` (which may raise Http404) is called on a miss only:
    a hit costs one query (the last publication time)."""
    key = _cache_key(f"export:{kind}", scope=scope, filters=filters)
    stored = cache.get(key)
    if stored is not None:
        return stored
    directory = find_directory()
    if kind == "actors.geojson":
        data = actors_geojson(directory=directory, filters=filters)
    elif kind == "projects.geojson":
        data = projects_geojson(directory=directory, filters=filters)
    elif kind == "actors.csv":
        data = actors_csv(
            filtered_actors(directory=directory, filters=filters),
            base_url=directory.url or "/",
        ).encode("utf-8")
    else:
        raise ValueError(kind)
    # mtime=0: the same data gives the same bytes (stable ETags, comparable sizes).
    compressed = gzip.compress(data, compresslevel=6, mtime=0)
    cache.set(key, compressed, settings.DIRECTORY_EXPORT_CACHE_SECONDS)
    return compressed


# --- Pages ----------------------------------------------------------------------------------


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


def key_figures() -> dict[str, Any]:
    """Published actors by college, by département, by SDG, and countries of intervention,
    cached until the next publication."""
    key = f"directory:key-figures:{directory_generation()}:{last_publication_marker()}"
    figures = cache.get(key)
    if figures is not None:
        return figures
    actors = ActorPage.objects.live().public()
    projects = ProjectPage.objects.live().public()
    by_college = [
        {"label": name, "count": n}
        for name, n in College.objects.annotate(
            n=Count("actors", filter=Q(actors__in=actors.values("pk")))
        ).values_list("name", "n")
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
        ).values_list("number", "name", "colour", "text_colour", "n")
    ]
    country_codes = set(
        Country.objects.filter(
            Q(actors__in=actors.values("pk")) | Q(projects__in=projects.values("pk"))
        ).values_list("code", flat=True)
    )
    figures = {
        "actors": actors.count(),
        "members": actors.filter(membership=ActorPage.Membership.MEMBER).count(),
        "projects": projects.count(),
        "countries": len(country_codes),
        "country_names": sorted(country_name(code) for code in country_codes),
        "by_college": by_college,
        "by_departement": by_departement,
        "by_sdg": by_sdg,
    }
    cache.set(key, figures, settings.DIRECTORY_EXPORT_CACHE_SECONDS)
    return figures
