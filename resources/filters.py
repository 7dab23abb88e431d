"""Query-string filters of the five listings and their feeds: `theme`, `odd`, `pays`, `type`
(category or kind), `annee`. Every value goes through `ListingFilterForm` before any query;
bad values are dropped one by one, never raised (the directory's pattern)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from directory.filters import CountryCodeField, LenientMultipleChoiceField
from directory.selectors import taxonomy_choices

FILTER_NAMES = ("theme", "odd", "pays", "type", "annee")
MIN_YEAR, MAX_YEAR = 1900, 2100


class YearField(LenientMultipleChoiceField):
    """Four-digit years in a sane range; anything else is dropped."""

    def clean(self, value):
        if not isinstance(value, list | tuple):
            value = [value] if value else []
        kept: list[str] = []
        for item in value:
            item = str(item).strip()
            valid = item.isascii() and item.isdigit() and MIN_YEAR <= int(item) <= MAX_YEAR
            if valid and item not in kept:
                kept.append(item)
        return kept[:5]


class ListingFilterForm(forms.Form):
    theme = LenientMultipleChoiceField(label=_("Thématiques"), required=False)
    odd = LenientMultipleChoiceField(label=_("Objectifs de développement durable"), required=False)
    pays = CountryCodeField(label=_("Pays"), required=False)
    type = LenientMultipleChoiceField(label=_("Type"), required=False)
    annee = YearField(label=_("Année"), required=False)

    def __init__(self, *args, kind_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = taxonomy_choices()
        self.fields["theme"].choices = choices["theme"]
        self.fields["odd"].choices = choices["odd"]
        self.fields["type"].choices = list(kind_choices)


@dataclass(frozen=True)
class ListingFilters:
    theme: tuple[str, ...] = ()
    odd: tuple[str, ...] = ()
    pays: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    annee: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, data: QueryDict, *, kind_choices=()) -> ListingFilters:
        form = ListingFilterForm(data, kind_choices=kind_choices)
        form.is_valid()  # lenient fields never fail
        return cls(**{name: tuple(form.cleaned_data.get(name) or ()) for name in FILTER_NAMES})

    @property
    def is_active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def items(self) -> list[tuple[str, str]]:
        return [(name, value) for name in FILTER_NAMES for value in sorted(getattr(self, name))]

    def querystring(self, *, without: tuple[str, str] | None = None) -> str:
        return urlencode([pair for pair in self.items() if pair != without])
