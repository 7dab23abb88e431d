"""Facets of the filtered lists: the directory, the agenda, the editorial listings and the search.

One vocabulary for all four:

- a `Facet` says how one filter applies to a page model (a foreign key path, or a many-to-many
  table) and counts the results of each of its values in a queryset;
- `options()` turns a filter's labelled values, its counts and the visitor's choices into
  `FacetOption`s, and `FacetGroup` carries them with their legend to the shared template
  `includes/facet_groups.html`;
- `active_filters()` gives the chips above the results ("Gironde (33) ×"), each with the
  query string that removes it.

Each list keeps its own filters (a frozen dataclass parsed from the query string, on the model
of `directory.filters.DirectoryFilters`) and its own counting when it has a faster one (the
search counts with bitmaps), and builds what the visitor sees with these.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, Model, Q, QuerySet
from django.utils import translation
from django_countries import countries

_COUNTRY_CHOICES: dict[str | None, list[tuple[str, str]]] = {}


def country_choices() -> list[tuple[str, str]]:
    """Every country as (ISO code, name in the active language), sorted by name: the `pays`
    filter's choices. django-countries translates and sorts its 250 names on each iteration,
    so the list is built once per language and process (the list never changes while the
    site runs)."""
    language = translation.get_language()
    choices = _COUNTRY_CHOICES.get(language)
    if choices is None:
        choices = _COUNTRY_CHOICES[language] = [(code, name) for code, name in countries]
    return choices


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
        """Results per value in `queryset`: one aggregate query."""
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


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    # None when the list shows no counts (the agenda).
    count: int | None
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    """One fieldset of the filter form: the query-string name, its legend, its options."""

    name: str
    legend: str
    options: list[FacetOption]


@dataclass(frozen=True)
class ActiveFilter:
    """A chosen filter value, shown above the results with a link that removes it."""

    name: str
    label: str
    remove_querystring: str


def french_sort_key(label: str) -> str:
    """A label's key for alphabetical order in French: accents and case do not count
    ("Égypte" comes after "Danemark", not after "Zimbabwe")."""
    decomposed = unicodedata.normalize("NFKD", str(label))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def labelled_by_label(
    values: Iterable[str], label_of: Callable[[str], str]
) -> list[tuple[str, str]]:
    """Values known only from the data (countries, years): with their labels, sorted by them."""
    labelled = ((value, label_of(value)) for value in values)
    return sorted(labelled, key=lambda pair: french_sort_key(pair[1]))


def options(
    labelled: Iterable[tuple[str, str]],
    *,
    selected: Iterable[str] = (),
    counts: Mapping[str, int] | None = None,
    keep_empty: bool = False,
) -> list[FacetOption]:
    """A filter's options in the order of `labelled`. With `counts`, an option no result has
    is left out unless chosen or `keep_empty` (short fixed vocabularies stay complete)."""
    chosen = set(selected)
    if counts is None:
        return [FacetOption(value, label, None, value in chosen) for value, label in labelled]
    return [
        FacetOption(value, label, counts.get(value, 0), value in chosen)
        for value, label in labelled
        if keep_empty or counts.get(value) or value in chosen
    ]


def active_filters(
    chosen: Iterable[tuple[str, str]],
    *,
    titles: Mapping[str, object],
    label_of: Callable[[str, str], str],
    querystring_without: Callable[[tuple[str, str]], str],
) -> list[ActiveFilter]:
    """One chip per chosen (name, value), titled by `titles[name]`, labelled by
    `label_of(name, value)`, removable through `querystring_without((name, value))`."""
    return [
        ActiveFilter(
            str(titles.get(name, name)),
            str(label_of(name, value)),
            querystring_without((name, value)),
        )
        for name, value in chosen
    ]
