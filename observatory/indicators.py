"""The observatory's indicators: aggregates of published, public data only.

Every indicator is computed by grouped queries, never by a loop over rows, for the chosen
year and the year before in the same query: the actors, the projects and the accompaniments
by all their facets in one query each (`_grouped_facets`), the events from one summary by
year and kind, and the series by year. The numbers leave this module already *published*:
a count of accompaniments between 1 and `OBSERVATORY_MIN_CELL - 1` is replaced by the text
"< N" (and a second cell when one alone could be worked out from a total), so the page, the
CSV, the JSON and the barometer can only show what is safe to show.

What the year means:
- actors and projects: those published on the portal by the 31st of December of the year
  (the current year: every published one);
- events and trainings: those whose first session starts in the year (Paris time);
- accompaniments: those dated in the year.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, ExtractYear, Lower
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from directory.filters import DirectoryFilters
from directory.models import ActorPage, ProjectPage, StructureType
from directory.selectors import (
    ACTOR_FACETS,
    PROJECT_FACETS,
    Facet,
    apply_filters,
    country_name,
    taxonomy_choices,
)
from events.models import EventPage, Registration

from . import caches
from .models import Accompaniment, AccompanimentRequest

PARIS = ZoneInfo("Europe/Paris")
FIRST_YEAR = 2000
NOT_SET = ""  # the code of the "Non renseigné" row

Number = int | float
# A published value: a number, the text "< N" for a small count, or None (no data).
Published = int | float | str | None


# --- Filters -----------------------------------------------------------------------------


def current_year() -> int:
    return timezone.localdate().year


def parse_year(value: Any) -> int | None:
    """A year from the query string, or None when it is not one the observatory covers."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if FIRST_YEAR <= year <= current_year() else None


@dataclass(frozen=True)
class ObservatoryFilters:
    """The directory's filters (its form, its lenient parsing; the search text left out:
    the observatory counts, it does not search) and the year."""

    directory: DirectoryFilters = field(default_factory=DirectoryFilters)
    year: int = 0
    year_given: bool = False

    @classmethod
    def from_query(cls, data: QueryDict) -> ObservatoryFilters:
        directory = replace(DirectoryFilters.from_query(data), q="")
        year = parse_year(data.get("annee"))
        return cls(directory=directory, year=year or current_year(), year_given=year is not None)

    @property
    def previous_year(self) -> int:
        return self.year - 1

    @property
    def is_active(self) -> bool:
        return self.directory.is_active or self.year_given

    def items(self) -> list[tuple[str, str]]:
        pairs = self.directory.items()
        if self.year_given:
            pairs.append(("annee", str(self.year)))
        return pairs

    def querystring(self, *, without: tuple[str, str] | None = None) -> str:
        return urlencode([pair for pair in self.items() if pair != without])

    def cache_key(self) -> str:
        return f"{self.year}:{self.directory.cache_key()}"

    def as_dict(self) -> dict[str, Any]:
        """The filters as the JSON downloads state them."""
        data: dict[str, Any] = {"annee": self.year}
        for name, value in self.directory.items():
            data.setdefault(name, []).append(value)
        return data


# --- What an indicator holds ----------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    description: str
    unit: str = ""  # "%" for rates
    protected: bool = False  # small counts are published as "< N"


@dataclass(frozen=True)
class Cell:
    """One measure of one row: the year's value, the previous year's and the difference,
    all published values."""

    current: Published
    previous: Published = None
    difference: Published = None
    unit: str = ""


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Indicator:
    slug: str
    section: str
    title: str
    dimension: str  # the heading of the first column
    dimension_description: str
    measures: tuple[Measure, ...]
    rows: tuple[Row, ...]
    year: int
    compare: bool = True  # False for series by year (each row is a year)
    note: str = ""
    chart: str = "bar"  # "bar", "line" or "map" (a world map beside the table)

    @property
    def previous_year(self) -> int:
        return self.year - 1

    def columns(self) -> list[tuple[str, str]]:
        """The documented columns of the CSV and JSON downloads."""
        columns = [
            ("code", str(_("Code de la modalité (vide : non renseigné)"))),
            ("libelle", f"{self.dimension} — {self.dimension_description}"),
        ]
        for measure in self.measures:
            if self.compare:
                columns += [
                    (f"{measure.key}_{self.year}", f"{measure.description} ({self.year})"),
                    (
                        f"{measure.key}_{self.previous_year}",
                        f"{measure.description} ({self.previous_year})",
                    ),
                    (
                        f"{measure.key}_evolution",
                        str(_("Différence %(year)s − %(previous)s"))
                        % {"year": self.year, "previous": self.previous_year},
                    ),
                ]
            else:
                columns.append((measure.key, str(measure.description)))
        return columns

    def table_rows(self) -> list[list[Published]]:
        """Rows in the order of `columns()`."""
        rows = []
        for row in self.rows:
            values: list[Published] = [row.code, row.label]
            for cell in row.cells:
                values += (
                    [cell.current, cell.previous, cell.difference]
                    if self.compare
                    else [cell.current]
                )
            rows.append(values)
        return rows

    def display_rows(self) -> list[tuple[str, list[str]]]:
        """Each row's label and its cells as the table shows them: per measure the year's
        value, and when comparing the previous year's and the difference (written here
        rather than by template filters: a table has hundreds of cells)."""
        rows = []
        for row in self.rows:
            texts = []
            for cell in row.cells:
                texts.append(_display(cell.current, cell.unit))
                if self.compare:
                    texts.append(_display(cell.previous, cell.unit))
                    texts.append(display_difference(cell.difference, cell.unit))
            rows.append((row.label, texts))
        return rows

    def chart_data(self) -> dict[str, Any]:
        """What the chart script draws: labels and, for each measure, the year's numbers
        (a hidden small count is null, its label says "< N")."""
        datasets = []
        for index, measure in enumerate(self.measures):
            values = [row.cells[index].current for row in self.rows]
            datasets.append(
                {
                    "label": f"{measure.label} ({self.year})" if self.compare else measure.label,
                    "unit": measure.unit,
                    "data": [value if isinstance(value, int | float) else None for value in values],
                    "text": [_display(value, measure.unit) for value in values],
                }
            )
            if self.compare:
                previous = [row.cells[index].previous for row in self.rows]
                datasets.append(
                    {
                        "label": f"{measure.label} ({self.previous_year})",
                        "unit": measure.unit,
                        "data": [v if isinstance(v, int | float) else None for v in previous],
                        "text": [_display(v, measure.unit) for v in previous],
                        "previous": True,
                    }
                )
        return {
            "id": self.slug,
            "type": "line" if self.chart == "line" else "bar",
            "labels": [row.label for row in self.rows],
            "datasets": datasets,
        }

    def total(self, index: int = 0) -> Published:
        """The sum of a count column when every cell is a number (None otherwise)."""
        values = [row.cells[index].current for row in self.rows]
        if all(isinstance(value, int) for value in values):
            return sum(values)
        return None


def _display(value: Published, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        value = round(value)
    return f"{value:,}".replace(",", "\u202f") + (f"\u202f{unit}" if unit else "")


# --- Publishing counts ------------------------------------------------------------------------


def min_cell() -> int:
    return int(getattr(settings, "OBSERVATORY_MIN_CELL", 3))


def small_label() -> str:
    return f"< {min_cell()}"


def _is_small(value: Number | None) -> bool:
    return isinstance(value, int) and 0 < value < min_cell()


def _hidden_positions(values: list[Number | None], *, complementary: bool) -> set[int]:
    """Positions of the small counts of a column; with `complementary`, when exactly one is
    small, the next smallest count too (the column's total is published elsewhere: one hidden
    cell alone would be the total minus the others)."""
    hidden = {index for index, value in enumerate(values) if _is_small(value)}
    if complementary and len(hidden) == 1:
        others = [
            (value, index)
            for index, value in enumerate(values)
            if index not in hidden and isinstance(value, int) and value > 0
        ]
        if others:
            hidden.add(min(others)[1])
    return hidden


WITHHELD = "s"  # a count hidden only so that a small one cannot be worked out from a total


def _published(value: Number | None, hidden: bool) -> Published:
    if hidden:
        return small_label() if _is_small(value) else WITHHELD
    if isinstance(value, float):
        return round(value, 1)
    return value


def _difference(current: Number | None, previous: Number | None) -> Number | None:
    if current is None or previous is None:
        return None
    difference = current - previous
    return round(difference, 1) if isinstance(difference, float) else difference


@dataclass
class RawRow:
    code: str
    label: str
    current: list[Number | None]
    previous: list[Number | None]


def _build(
    *,
    slug: str,
    section: str,
    title: str,
    dimension: str,
    dimension_description: str,
    measures: tuple[Measure, ...],
    raw: list[RawRow],
    year: int,
    compare: bool = True,
    complementary: bool = False,
    note: str = "",
    chart: str = "bar",
) -> Indicator:
    """Turn raw numbers into published cells: small protected counts hidden (in the year's
    and the previous year's columns), and no difference shown next to a hidden count."""
    hidden_current: list[set[int]] = []
    hidden_previous: list[set[int]] = []
    for index, measure in enumerate(measures):
        if measure.protected:
            hidden_current.append(
                _hidden_positions([r.current[index] for r in raw], complementary=complementary)
            )
            hidden_previous.append(
                _hidden_positions([r.previous[index] for r in raw], complementary=complementary)
                if compare
                else set()
            )
        else:
            hidden_current.append(set())
            hidden_previous.append(set())
    rows = []
    for position, item in enumerate(raw):
        cells = []
        for index, measure in enumerate(measures):
            hide_current = position in hidden_current[index]
            current = _published(item.current[index], hide_current)
            if not compare:
                cells.append(Cell(current, unit=measure.unit))
                continue
            hide_previous = position in hidden_previous[index]
            previous = _published(item.previous[index], hide_previous)
            difference = (
                None
                if hide_current or hide_previous
                else _difference(item.current[index], item.previous[index])
            )
            cells.append(Cell(current, previous, difference, measure.unit))
        rows.append(Row(item.code, item.label, tuple(cells)))
    return Indicator(
        slug=slug,
        section=section,
        title=title,
        dimension=dimension,
        dimension_description=dimension_description,
        measures=measures,
        rows=tuple(rows),
        year=year,
        compare=compare,
        note=note,
        chart=chart,
    )


# --- Sources: what is counted, narrowed by the filters, and what "in the year" means ---------


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime(year, 1, 1, tzinfo=PARIS)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=PARIS)


@dataclass(frozen=True)
class Period:
    """How a row falls in a year: published by its end (`stock`), or dated in it."""

    field: str
    stock: bool = False
    dates: bool = False  # a DateField (compared with dates, not datetimes)

    def condition(self, year: int, prefix: str = "") -> Q:
        start, end = _year_bounds(year)
        if self.dates:
            start, end = start.date(), end.date()
        name = f"{prefix}{self.field}"
        if self.stock:
            return Q(**{f"{name}__lt": end}) | Q(**{f"{name}__isnull": True})
        return Q(**{f"{name}__gte": start, f"{name}__lt": end})


class RequestFacet(Facet):
    """A filter on an accompaniment through its request's many-to-many table (countries)."""

    def condition(self, values: Iterable[str]) -> Q:
        owners = self.through.objects.filter(**{f"{self.path}__in": list(values)}).values(
            self.owner
        )
        return Q(request__in=owners)


EVENT_FACETS: dict[str, Facet] = {
    "odd": Facet("sustainabledevelopmentgoal__number", EventPage.sdgs.through, "eventpage_id"),
    "theme": Facet("theme__slug", EventPage.themes.through, "eventpage_id"),
    "college": Facet("organiser__college__slug"),
    "departement": Facet("departement__code"),
    "pays": Facet("country__code", EventPage.countries.through, "eventpage_id"),
    "region": Facet("country__region__slug", EventPage.countries.through, "eventpage_id"),
}
ACCOMPANIMENT_FACETS: dict[str, Facet] = {
    "odd": Facet(
        "sustainabledevelopmentgoal__number", Accompaniment.sdgs.through, "accompaniment_id"
    ),
    "theme": Facet("theme__slug", Accompaniment.themes.through, "accompaniment_id"),
    "college": Facet("actor__college__slug"),
    "departement": Facet("departement__code"),
    "pays": RequestFacet(
        "country__code", AccompanimentRequest.countries.through, "accompanimentrequest_id"
    ),
    "region": RequestFacet(
        "country__region__slug", AccompanimentRequest.countries.through, "accompanimentrequest_id"
    ),
}


def private_pages() -> Q:
    """The pages of the private sections (one query): left out of every count."""
    return Page.objects.all().private_q()


def prefixed(condition: Q, prefix: str) -> Q:
    """`condition` on the rows reached through `prefix` (a many-to-many table's owner)."""
    copy = Q()
    copy.connector, copy.negated = condition.connector, condition.negated
    copy.children = [
        prefixed(child, prefix) if isinstance(child, Q) else (f"{prefix}{child[0]}", child[1])
        for child in condition.children
    ]
    return copy


@dataclass(frozen=True)
class Source:
    """What an indicator counts: the rows, visible and narrowed by the filters."""

    rows: QuerySet

    @classmethod
    def of(
        cls, queryset: QuerySet, visible: Q, filters: ObservatoryFilters, facets, **options
    ) -> Source:
        if filters.directory.is_active:
            queryset = apply_filters(queryset, filters.directory, facets=facets, **options)
        return cls(queryset.filter(visible))


def _visible_pages(private: Q) -> Q:
    return Q(live=True) & ~private


def actors(filters: ObservatoryFilters, private: Q | None = None) -> QuerySet:
    return actor_source(filters, private).rows


def actor_source(filters: ObservatoryFilters, private: Q | None = None) -> Source:
    visible = _visible_pages(private_pages() if private is None else private)
    return Source.of(ActorPage.objects.all(), visible, filters, ACTOR_FACETS)


def projects(filters: ObservatoryFilters, private: Q | None = None) -> QuerySet:
    return project_source(filters, private).rows


def project_source(filters: ObservatoryFilters, private: Q | None = None) -> Source:
    visible = _visible_pages(private_pages() if private is None else private)
    return Source.of(ProjectPage.objects.all(), visible, filters, PROJECT_FACETS, projects=True)


def events(filters: ObservatoryFilters, private: Q | None = None) -> QuerySet:
    return event_source(filters, private).rows


def event_source(filters: ObservatoryFilters, private: Q | None = None) -> Source:
    visible = _visible_pages(private_pages() if private is None else private)
    return Source.of(EventPage.objects.all(), visible, filters, EVENT_FACETS)


def accompaniments(filters: ObservatoryFilters) -> QuerySet:
    return accompaniment_source(filters).rows


def accompaniment_source(filters: ObservatoryFilters) -> Source:
    return Source.of(Accompaniment.objects.all(), Q(), filters, ACCOMPANIMENT_FACETS)


PUBLISHED = Period("first_published_at", stock=True)
# What each indicator of the actors and of the projects groups them by.
ACTOR_INDICATOR_FACETS: dict[str, Facet] = {
    "acteurs-college": ACTOR_FACETS["college"],
    "acteurs-type": Facet("structure_type__slug"),
    "acteurs-departement": ACTOR_FACETS["departement"],
    "acteurs-adhesion": Facet("membership"),
    "acteurs-odd": ACTOR_FACETS["odd"],
    "acteurs-thematique": ACTOR_FACETS["theme"],
    "acteurs-pays": ACTOR_FACETS["pays"],
    "acteurs-region-monde": ACTOR_FACETS["region"],
}
PROJECT_INDICATOR_FACETS: dict[str, Facet] = {
    "projets-etat": Facet("status"),
    "projets-pays": PROJECT_FACETS["pays"],
    "projets-odd": PROJECT_FACETS["odd"],
}
ACCOMPANIMENT_DATE = Period("date", dates=True)
ACCOMPANIMENT_INDICATOR_FACETS: dict[str, Facet] = {
    "accompagnements-departement": ACCOMPANIMENT_FACETS["departement"],
    "accompagnements-thematique": ACCOMPANIMENT_FACETS["theme"],
    "accompagnements-odd": ACCOMPANIMENT_FACETS["odd"],
}


# --- Aggregates -------------------------------------------------------------------------------

# The many-to-many paths counted by the taxonomy's id: its column in the many-to-many table
# and the cached `taxonomy_choices()` map from id to value.
ID_COLUMNS = {
    "sustainabledevelopmentgoal__number": ("sustainabledevelopmentgoal_id", "sdg_number_by_id"),
    "theme__slug": ("theme_id", "theme_slug_by_id"),
    "country__code": ("country_id", "country_code_by_id"),
}


def _grouped_facets(
    source: Source,
    *,
    facets: dict[str, Facet],
    period: Period,
    year: int,
    structures: Any = None,
) -> dict[str, dict[str, tuple[list, list]]]:
    """Counts of the rows by each of several facets, {name: {value: ([the year's count],
    [the previous year's])}}, in one query; with `structures` (an expression on the rows),
    the number of its different values follows each count. The counted rows (visible,
    narrowed by the filters, in either year) are selected once, with a flag per year, as a
    common table expression; each facet groups them in one branch of a UNION ALL, by one of
    their columns or through its many-to-many table joined to them. Joining the rows to
    their pages is the costly part of each count: it is done once for all the facets."""
    if not facets:
        return {}
    qn = connection.ops.quote_name
    names = list(facets)
    current, previous = period.condition(year), period.condition(year - 1)
    columns = {
        f"c{index}": F(facets[name].path)
        for index, name in enumerate(names)
        if facets[name].through is None
    }
    rows_sql, rows_params = (
        source.rows.filter(current | previous)
        .order_by()
        .values(
            row_id=F("pk"),
            y0=ExpressionWrapper(current, output_field=BooleanField()),
            y1=ExpressionWrapper(previous, output_field=BooleanField()),
            **columns,
            **({"k": structures} if structures is not None else {}),
        )
        .query.sql_with_params()
    )
    rows, row_id, y0, y1 = qn("counted"), qn("row_id"), qn("y0"), qn("y1")
    distinct_keys = (
        f", COUNT(DISTINCT {rows}.{qn('k')}) FILTER (WHERE {rows}.{y0})"
        f", COUNT(DISTINCT {rows}.{qn('k')}) FILTER (WHERE {rows}.{y1})"
        if structures is not None
        else ""
    )
    branches, params = [], list(rows_params)
    for index, name in enumerate(names):
        facet = facets[name]
        if facet.through is None:
            value = f"{rows}.{qn(f'c{index}')}"
            counted, source_sql = "*", rows
        else:
            # A taxonomy's id stands for its value (read back from the cached taxonomies):
            # the taxonomy's table is not joined to every row.
            by_id = ID_COLUMNS.get(facet.path)
            members = facet.through.objects.order_by().values(
                facet_value=F(by_id[0] if by_id else facet.path), member_id=F(facet.owner)
            )
            if facet.path.count("__") > 1:
                # Only a path that goes further (country -> region) can meet a row twice:
                # its pairs are made unique first (hashed, where COUNT(DISTINCT) sorts).
                members = members.distinct()
            members_sql, members_params = members.query.sql_with_params()
            params += members_params
            value = f"{qn('members')}.{qn('facet_value')}"
            counted = f"{qn('members')}.{qn('member_id')}"
            source_sql = (
                f"({members_sql}) {qn('members')} INNER JOIN {rows} "
                f"ON {rows}.{row_id} = {qn('members')}.{qn('member_id')}"
            )
        # Only quoted names and the ORM's compiled SQL go into the text; values are parameters.
        branches.append(
            f"SELECT {index} AS {qn('facet')}, CAST({value} AS TEXT) AS {qn('value')}, "  # noqa: S608
            f"COUNT({counted}) FILTER (WHERE {rows}.{y0}), "
            f"COUNT({counted}) FILTER (WHERE {rows}.{y1}){distinct_keys} "
            f"FROM {source_sql} GROUP BY {value}"
        )
    sql = f"WITH {rows} AS ({rows_sql}) " + " UNION ALL ".join(branches)
    choices = taxonomy_choices()
    value_by_id = [
        choices[ID_COLUMNS[facets[name].path][1]] if facets[name].path in ID_COLUMNS else None
        for name in names
    ]
    result: dict[str, dict[str, tuple[list, list]]] = {name: {} for name in names}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for index, value, *counts in cursor.fetchall():
            if value is not None and value_by_id[index] is not None:
                value = value_by_id[index].get(int(value), value)
            code = NOT_SET if value is None else str(value)
            # (count, previous[, structures, previous structures])
            result[names[index]][code] = (counts[0::2], counts[1::2])
    return result


def _raw(
    grouped: dict[str, tuple[list, list]],
    labelled: list[tuple[str, str]],
    *,
    size: int,
    keep_zero: bool = True,
    sort_by_count: bool = False,
) -> list[RawRow]:
    """Rows in the order of `labelled` ((code, label) pairs), then the values without a
    label; zero rows kept for fixed lists (SDGs, colleges) when `keep_zero`."""
    zero = [0] * size
    rows = []
    known = set()
    for code, label in labelled:
        known.add(code)
        current, previous = grouped.get(code, (zero, zero))
        if not keep_zero and not any(current) and not any(previous):
            continue
        rows.append(
            RawRow(code, str(label), [_zero(v) for v in current], [_zero(v) for v in previous])
        )
    for code, (current, previous) in grouped.items():
        if code in known or (not any(current) and not any(previous)):
            continue
        label = str(_("Non renseigné")) if code == NOT_SET else code
        rows.append(RawRow(code, label, [_zero(v) for v in current], [_zero(v) for v in previous]))
    if sort_by_count:
        rows.sort(key=lambda row: (-(row.current[0] or 0), row.label))
    return rows


def _zero(value: Any) -> Number | None:
    if value is None:
        return None
    return value


# --- The indicators ---------------------------------------------------------------------------

ACTORS = _("Acteurs")
PROJECTS = _("Projets")
EVENTS = _("Événements et formations")
ACCOMPANIMENTS = _("Accompagnements")

ACTOR_COUNT = Measure(
    "acteurs",
    _("Acteurs"),
    _("Nombre d'acteurs publiés sur le portail au 31 décembre"),
)
PROJECT_COUNT = Measure(
    "projets", _("Projets"), _("Nombre de projets publiés sur le portail au 31 décembre")
)
EVENT_MEASURES = (
    Measure("evenements", _("Événements"), _("Nombre d'événements commençant dans l'année")),
    Measure(
        "participants",
        _("Participants"),
        _(
            "Participants déclarés au bilan de l'événement, à défaut inscriptions confirmées "
            "sur le portail"
        ),
    ),
    Measure(
        "satisfaction",
        _("Satisfaction (%)"),
        _(
            "Part moyenne de participants « satisfaits » ou « très satisfaits », sur les "
            "événements dont le bilan la donne"
        ),
        unit="%",
    ),
)
ACCOMPANIMENT_MEASURES = (
    Measure(
        "accompagnements",
        _("Accompagnements"),
        _("Nombre d'accompagnements réalisés dans l'année"),
        protected=True,
    ),
    Measure(
        "structures",
        _("Structures accompagnées"),
        _("Nombre de structures ou porteurs de projet différents accompagnés dans l'année"),
        protected=True,
    ),
)


def _labels(name: str) -> list[tuple[str, str]]:
    choices = taxonomy_choices()
    return [(str(code), str(label)) for code, label in choices[name]]


def _choice_labels(choices: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    return [(str(code), str(label)) for code, label in choices]


def _participants() -> Any:
    confirmed = (
        Registration.objects.filter(event=OuterRef("pk"), status=Registration.Status.CONFIRMED)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(
        "participants_count", Subquery(confirmed, output_field=IntegerField()), Value(0)
    )


def _event_summary(source: Source, *, year: int) -> dict[tuple[int, str], tuple]:
    """{(year, kind): (events, participants, sum of the satisfaction rates, events with a
    rate)} for the years up to `year` (by the first session, Paris time), in one grouped
    query: the indicator by kind reads two of its years, the one by year adds its kinds up
    (the sums and counts add up; the mean rate is worked out from them)."""
    rated = Q(very_satisfied_rate__isnull=False, satisfied_rate__isnull=False)
    rows = (
        source.rows.exclude(start_at__isnull=True)
        .annotate(annee=ExtractYear("start_at", tzinfo=PARIS))
        .filter(annee__lte=year)
        .order_by()
        .values("annee", "kind")
        .annotate(
            events=Count("pk"),
            participants=Sum(_participants()),
            rates=Sum(F("very_satisfied_rate") + F("satisfied_rate"), filter=rated),
            rated=Count("pk", filter=rated),
        )
    )
    return {
        (row["annee"], row["kind"]): (
            row["events"],
            row["participants"],
            row["rates"],
            row["rated"],
        )
        for row in rows
        if row["annee"] is not None
    }


def _event_measures(parts: list[tuple | None]) -> list[Number | None]:
    """The events, their participants and their mean satisfaction rate over the summary's
    `parts` (None: a year and kind without events)."""
    found = [part for part in parts if part is not None]
    if not found:
        return [0, None, None]
    rated = sum(part[3] for part in found)
    return [
        sum(part[0] for part in found),
        sum(part[1] or 0 for part in found),
        sum(part[2] or 0 for part in found) / rated if rated else None,
    ]


def _structure_key(prefix: str = "") -> Any:
    """Who was accompanied: the actor page, or else the structure's name (case aside)."""
    return Case(
        When(
            **{f"{prefix}actor__isnull": False},
            then=Concat(Value("a"), Cast(f"{prefix}actor_id", output_field=CharField())),
        ),
        default=Concat(Value("n"), Lower(f"{prefix}structure_name")),
        output_field=CharField(),
    )


def _satisfaction_rounding(rows: list[RawRow]) -> list[RawRow]:
    for row in rows:
        for values in (row.current, row.previous):
            if len(values) > 2 and values[2] is not None:
                values[2] = round(float(values[2]), 1)
            if len(values) > 1 and values[1] is None:
                values[1] = 0
    return rows


def compute_indicators(filters: ObservatoryFilters, *, only: str = "") -> list[Indicator]:
    """Every indicator for these filters and year, or the one named `only` (uncached: see
    `indicators` and `indicator`)."""
    year = filters.year

    def wanted(slug: str) -> bool:
        return not only or slug == only

    private = private_pages()
    actor_src, project_src = actor_source(filters, private), project_source(filters, private)
    event_src, accompaniment_src = event_source(filters, private), accompaniment_source(filters)
    indicators: list[Indicator] = []
    # Each kind of page is counted by all its facets in one query.
    actor_counts = _grouped_facets(
        actor_src,
        facets={slug: facet for slug, facet in ACTOR_INDICATOR_FACETS.items() if wanted(slug)},
        period=PUBLISHED,
        year=year,
    )
    project_counts = _grouped_facets(
        project_src,
        facets={slug: facet for slug, facet in PROJECT_INDICATOR_FACETS.items() if wanted(slug)},
        period=PUBLISHED,
        year=year,
    )

    def actor_indicator(slug, title, labelled, dimension, description, **options):
        if not wanted(slug):
            return
        keep_zero = options.pop("keep_zero", True)
        sort_by_count = options.pop("sort_by_count", False)
        indicators.append(
            _build(
                slug=slug,
                section=str(ACTORS),
                title=str(title),
                dimension=str(dimension),
                dimension_description=str(description),
                measures=(ACTOR_COUNT,),
                raw=_raw(
                    actor_counts[slug],
                    labelled,
                    size=1,
                    keep_zero=keep_zero,
                    sort_by_count=sort_by_count,
                ),
                year=year,
                **options,
            )
        )

    structure_types = (
        _choice_labels(list(StructureType.objects.values_list("slug", "name")))
        if wanted("acteurs-type")
        else []
    )
    actor_indicator(
        "acteurs-college",
        _("Acteurs par collège"),
        _labels("college"),
        _("Collège"),
        _("collège du réseau"),
    )
    actor_indicator(
        "acteurs-type",
        _("Acteurs par type de structure"),
        structure_types,
        _("Type de structure"),
        _("type de structure"),
        keep_zero=False,
    )
    actor_indicator(
        "acteurs-departement",
        _("Acteurs par département du siège"),
        _labels("departement"),
        _("Département"),
        _("département du siège (HR : hors région)"),
    )
    actor_indicator(
        "acteurs-adhesion",
        _("Acteurs adhérents et référencés"),
        _choice_labels(ActorPage.Membership.choices),
        _("Lien avec le réseau"),
        _("adhérent du réseau ou référencé"),
    )
    actor_indicator(
        "acteurs-odd",
        _("Acteurs par objectif de développement durable"),
        _labels("odd"),
        _("ODD"),
        _("objectif de développement durable (un acteur peut en avoir plusieurs)"),
    )
    actor_indicator(
        "acteurs-thematique",
        _("Acteurs par thématique"),
        _labels("theme"),
        _("Thématique"),
        _("thématique (un acteur peut en avoir plusieurs)"),
        sort_by_count=True,
    )
    actor_indicator(
        "acteurs-pays",
        _("Acteurs par pays d'intervention"),
        [],
        _("Pays"),
        _("pays d'intervention, code ISO 3166-1 alpha-2"),
        keep_zero=False,
        sort_by_count=True,
        chart="map",
    )
    actor_indicator(
        "acteurs-region-monde",
        _("Acteurs par région du monde"),
        _labels("region"),
        _("Région du monde"),
        _("région du monde de leurs pays d'intervention"),
        keep_zero=False,
    )
    for item in indicators:
        if item.slug == "acteurs-pays":
            _label_countries(item)

    def project_indicator(slug, title, labelled, dimension, description, **options):
        if not wanted(slug):
            return
        grouped = project_counts[slug]
        keep_zero = options.pop("keep_zero", True)
        sort_by_count = options.pop("sort_by_count", False)
        indicators.append(
            _build(
                slug=slug,
                section=str(PROJECTS),
                title=str(title),
                dimension=str(dimension),
                dimension_description=str(description),
                measures=(PROJECT_COUNT,),
                raw=_raw(
                    grouped, labelled, size=1, keep_zero=keep_zero, sort_by_count=sort_by_count
                ),
                year=year,
                **options,
            )
        )

    project_indicator(
        "projets-etat",
        _("Projets par état"),
        _choice_labels(ProjectPage.Status.choices),
        _("État"),
        _("état du projet"),
    )
    project_indicator(
        "projets-pays",
        _("Projets par pays d'intervention"),
        [],
        _("Pays"),
        _("pays d'intervention, code ISO 3166-1 alpha-2"),
        keep_zero=False,
        sort_by_count=True,
        chart="map",
    )
    for item in indicators:
        if item.slug == "projets-pays":
            _label_countries(item)
    project_indicator(
        "projets-odd",
        _("Projets par objectif de développement durable"),
        _labels("odd"),
        _("ODD"),
        _("objectif de développement durable (un projet peut en avoir plusieurs)"),
    )

    # Events and trainings: by kind in the year, and by year, from one summary by year and kind.
    if wanted("evenements-type") or wanted("evenements-annee"):
        summary = _event_summary(event_src, year=year)
    if wanted("evenements-type"):
        kinds = {kind for _annee, kind in summary}
        grouped = {
            kind: (
                _event_measures([summary.get((year, kind))]),
                _event_measures([summary.get((year - 1, kind))]),
            )
            for kind in kinds
        }
        indicators.append(
            _build(
                slug="evenements-type",
                section=str(EVENTS),
                title=str(_("Événements et formations par type")),
                dimension=str(_("Type")),
                dimension_description=str(_("type d'événement")),
                measures=EVENT_MEASURES,
                raw=_satisfaction_rounding(
                    _raw(grouped, _choice_labels(EventPage.Kind.choices), size=3, keep_zero=False)
                ),
                year=year,
            )
        )
    if wanted("evenements-annee"):
        years = sorted({annee for annee, _kind in summary})
        raw = [
            RawRow(
                str(annee),
                str(annee),
                _event_measures([value for (y, _k), value in summary.items() if y == annee]),
                [],
            )
            for annee in years
        ]
        indicators.append(
            _build(
                slug="evenements-annee",
                section=str(EVENTS),
                title=str(_("Événements et formations par année")),
                dimension=str(_("Année")),
                dimension_description=str(_("année")),
                measures=EVENT_MEASURES,
                raw=_satisfaction_rounding(raw),
                year=year,
                compare=False,
                chart="line",
            )
        )

    # Accompaniments: aggregates only, small counts hidden.
    if wanted("accompagnements-annee"):
        indicators.append(
            _series(
                accompaniment_src.rows.annotate(annee=ExtractYear("date")),
                slug="accompagnements-annee",
                section=str(ACCOMPANIMENTS),
                title=str(_("Accompagnements par année")),
                measures=ACCOMPANIMENT_MEASURES,
                aggregates=[Count("pk"), Count(_structure_key(), distinct=True)],
                year=year,
            )
        )

    accompaniment_counts = _grouped_facets(
        accompaniment_src,
        facets={
            slug: facet for slug, facet in ACCOMPANIMENT_INDICATOR_FACETS.items() if wanted(slug)
        },
        period=ACCOMPANIMENT_DATE,
        year=year,
        structures=_structure_key(),
    )

    def accompaniment_indicator(slug, title, labelled, dimension, description, **options):
        if not wanted(slug):
            return
        grouped = accompaniment_counts[slug]
        sort_by_count = options.pop("sort_by_count", False)
        indicators.append(
            _build(
                slug=slug,
                section=str(ACCOMPANIMENTS),
                title=str(title),
                dimension=str(dimension),
                dimension_description=str(description),
                measures=ACCOMPANIMENT_MEASURES,
                raw=_raw(grouped, labelled, size=2, keep_zero=False, sort_by_count=sort_by_count),
                year=year,
                **options,
            )
        )

    hidden_note = str(
        _(
            "Les effectifs de 1 à %(n)s sont affichés « < %(m)s », et « s » masque un second "
            "effectif quand le premier se déduirait du total : aucune structure n'est "
            "reconnaissable."
        )
    ) % {"n": min_cell() - 1, "m": min_cell()}
    accompaniment_indicator(
        "accompagnements-departement",
        _("Accompagnements par département"),
        _labels("departement"),
        _("Département"),
        _("département de la structure accompagnée (HR : hors région)"),
        complementary=True,
        sort_by_count=True,
        note=hidden_note,
    )
    accompaniment_indicator(
        "accompagnements-thematique",
        _("Accompagnements par thématique"),
        _labels("theme"),
        _("Thématique"),
        _("thématique (un accompagnement peut en avoir plusieurs)"),
        sort_by_count=True,
        note=hidden_note,
    )
    accompaniment_indicator(
        "accompagnements-odd",
        _("Accompagnements par objectif de développement durable"),
        _labels("odd"),
        _("ODD"),
        _("objectif de développement durable (un accompagnement peut en avoir plusieurs)"),
        note=hidden_note,
    )
    return indicators


def _series(
    queryset: QuerySet,
    *,
    slug: str,
    section: str,
    title: str,
    measures: tuple[Measure, ...],
    aggregates: list[Any],
    year: int,
) -> Indicator:
    """An indicator by year, up to the chosen one (one grouped query)."""
    annotations = {f"m{index}": aggregate for index, aggregate in enumerate(aggregates)}
    rows = (
        queryset.filter(annee__lte=year)
        .order_by()
        .values("annee")
        .annotate(**annotations)
        .order_by("annee")
    )
    raw = [
        RawRow(
            str(row["annee"]),
            str(row["annee"]),
            [row[f"m{index}"] for index in range(len(aggregates))],
            [],
        )
        for row in rows
        if row["annee"] is not None
    ]
    return _build(
        slug=slug,
        section=section,
        title=title,
        dimension=str(_("Année")),
        dimension_description=str(_("année")),
        measures=measures,
        raw=raw,
        year=year,
        compare=False,
        chart="line",
    )


def _label_countries(indicator: Indicator) -> None:
    """Countries are named by django-countries, not the database."""
    rows = tuple(
        replace(row, label=country_name(row.code) if row.code else row.label)
        for row in indicator.rows
    )
    object.__setattr__(indicator, "rows", rows)


SLUGS = frozenset(
    {
        "acteurs-college",
        "acteurs-type",
        "acteurs-departement",
        "acteurs-adhesion",
        "acteurs-odd",
        "acteurs-thematique",
        "acteurs-pays",
        "acteurs-region-monde",
        "projets-etat",
        "projets-pays",
        "projets-odd",
        "evenements-type",
        "evenements-annee",
        "accompagnements-annee",
        "accompagnements-departement",
        "accompagnements-thematique",
        "accompagnements-odd",
    }
)

# --- Cached access ----------------------------------------------------------------------------


def indicators(filters: ObservatoryFilters) -> list[Indicator]:
    """Every indicator, cached until something is published, an event registration or an
    accompaniment changes."""
    countries_key = caches.INDICATORS.key("countries")

    def build() -> list[Indicator]:
        found = compute_indicators(filters)
        if not filters.directory.is_active and filters.year == current_year():
            # This year's countries of the actors and projects, unfiltered, are the country
            # filter's options (`country_choices`): kept without asking the database again.
            codes = {
                row.code
                for item in found
                if item.slug in ("acteurs-pays", "projets-pays")
                for row in item.rows
                if row.code and row.cells[0].current
            }
            caches.INDICATORS.set(countries_key, sorted(codes))
        return found

    return caches.INDICATORS.get_or_build(filters.cache_key(), build=build)


def country_choices() -> list[str]:
    """Codes of the countries published actors or projects work in (the country filter's
    options), cached like the indicators."""

    def build() -> list[str]:
        visible = _visible_pages(private_pages())
        actor_countries = ActorPage.countries.through.objects.filter(
            prefixed(visible, "actorpage__")
        ).values_list("country_id")
        project_countries = ProjectPage.countries.through.objects.filter(
            prefixed(visible, "projectpage__")
        ).values_list("country_id")
        code_by_id = taxonomy_choices()["country_code_by_id"]
        ids = {pk for (pk,) in actor_countries.union(project_countries)}
        return sorted(code_by_id[pk] for pk in ids if pk in code_by_id)

    return caches.INDICATORS.get_or_build("countries", build=build)


def indicator(filters: ObservatoryFilters, slug: str) -> Indicator | None:
    """One indicator: from the whole set when it is cached, else computed alone (a download
    costs only its own queries) and cached."""
    cached = caches.INDICATORS.get(caches.INDICATORS.key(filters.cache_key()))
    if cached is not None:
        return find(cached, slug)
    if slug not in SLUGS:
        return None
    found = caches.INDICATORS.get_or_build(
        "one", slug, filters.cache_key(), build=lambda: compute_indicators(filters, only=slug)
    )
    return find(found, slug)


def find(indicator_list: list[Indicator], slug: str) -> Indicator | None:
    return next((item for item in indicator_list if item.slug == slug), None)


def years_covered(indicator_list: list[Indicator], year: int) -> list[int]:
    """The years a visitor can choose: from the first with events or accompaniments to this
    year."""
    years = {current_year(), year}
    for item in indicator_list:
        if not item.compare:
            years.update(int(row.code) for row in item.rows if row.code.isdigit())
    first = max(FIRST_YEAR, min(years))
    return list(range(current_year(), first - 1, -1))


def display(value: Published, unit: str = "") -> str:
    return _display(value, unit)


def display_difference(value: Published, unit: str = "") -> str:
    """A difference with its sign ("+3", "−2"), "—" where there is none."""
    if isinstance(value, int | float) and value > 0:
        return "+" + _display(value, unit)
    if isinstance(value, int | float) and value < 0:
        return "−" + _display(-value, unit)
    return _display(value, unit)
