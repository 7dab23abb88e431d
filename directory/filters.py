"""Query-string filters of the directory's list, map and exports.

Every value goes through `DirectoryFilterForm` before any query. A bad value is dropped on its
own (`odd=abc&odd=3` keeps 3); the other filters still apply; nothing raises."""

from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from home.facets import country_choices

from .selectors import taxonomy_choices

MAX_QUERY_LENGTH = 200
# More values than this for one filter is not a person using the form.
MAX_VALUES_PER_FILTER = 20


class LenientCharField(forms.CharField):
    """A search text that is cut rather than refused when too long."""

    def to_python(self, value):
        value = super().to_python(value)
        return " ".join(value.split())[:MAX_QUERY_LENGTH]


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the valid values, in order and without repeats, and drops the others."""

    def clean(self, value):
        if not isinstance(value, list | tuple):
            value = [value] if value else []
        if not value:
            return []
        valid = {str(key) for key, _label in self.choices}
        kept: list[str] = []
        for item in value:
            item = str(item).strip()
            if self.normalise_upper:
                item = item.upper()
            if item in valid and item not in kept:
                kept.append(item)
        return kept[:MAX_VALUES_PER_FILTER]

    normalise_upper = False


class CountryCodeField(LenientMultipleChoiceField):
    """Country codes, among every country. The choices are a callable: the 250 countries
    are listed (in the active language) only when a country is asked for, not each time a
    form is built."""

    normalise_upper = True

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", country_choices)
        super().__init__(**kwargs)


class DirectoryFilterForm(forms.Form):
    q = LenientCharField(label=_("Nom, ville ou mot-clé"), required=False)
    odd = LenientMultipleChoiceField(label=_("Objectifs de développement durable"), required=False)
    theme = LenientMultipleChoiceField(label=_("Thématiques"), required=False)
    college = LenientMultipleChoiceField(label=_("Collèges"), required=False)
    departement = LenientMultipleChoiceField(label=_("Départements"), required=False)
    pays = CountryCodeField(label=_("Pays d'intervention"), required=False)
    region = LenientMultipleChoiceField(label=_("Régions du monde"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = taxonomy_choices()
        self.fields["odd"].choices = choices["odd"]
        self.fields["theme"].choices = choices["theme"]
        self.fields["college"].choices = choices["college"]
        self.fields["departement"].choices = choices["departement"]
        self.fields["region"].choices = choices["region"]


@dataclass(frozen=True)
class DirectoryFilters:
    """Validated filters: what the selectors receive."""

    q: str = ""
    odd: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()
    college: tuple[str, ...] = ()
    departement: tuple[str, ...] = ()
    pays: tuple[str, ...] = ()
    region: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, data: QueryDict) -> DirectoryFilters:
        form = DirectoryFilterForm(data)
        form.is_valid()  # lenient fields never fail; cleaned_data holds what is valid
        cleaned = form.cleaned_data
        return cls(
            q=cleaned.get("q", ""),
            **{
                name: tuple(cleaned.get(name) or ())
                for name in ("odd", "theme", "college", "departement", "pays", "region")
            },
        )

    @property
    def is_active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def items(self) -> list[tuple[str, str]]:
        """(name, value) pairs in a stable order: the cache key and the query string."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for f in fields(self):
            if f.name != "q":
                pairs.extend((f.name, value) for value in sorted(getattr(self, f.name)))
        return pairs

    def querystring(self, *, without: tuple[str, str] | None = None) -> str:
        return urlencode([pair for pair in self.items() if pair != without])

    def cache_key(self) -> str:
        return self.querystring() or "all"
