"""The search form: the query and its facets. Every value is cleaned before any query; bad
facet values are dropped one by one (the directory's lenient fields), never raised."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.filters import CountryCodeField, LenientMultipleChoiceField
from directory.selectors import taxonomy_choices

from .universe import FACET_NAMES, SearchFilters, type_labels

# Longer queries are cut: nobody types more, and the database backend's cost grows with it.
MAX_QUERY_LENGTH = 200


def clean_query(value: str) -> str:
    # Control characters (NUL breaks PostgreSQL) are dropped; the rest is cut to the cap.
    value = "".join(ch for ch in (value or "")[: MAX_QUERY_LENGTH * 4] if ch.isprintable())
    return " ".join(value.split())[:MAX_QUERY_LENGTH]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher sur le site"), required=False, strip=True)
    type = LenientMultipleChoiceField(label=_("Type de contenu"), required=False)
    theme = LenientMultipleChoiceField(label=_("Thématiques"), required=False)
    odd = LenientMultipleChoiceField(label=_("Objectifs de développement durable"), required=False)
    departement = LenientMultipleChoiceField(label=_("Départements"), required=False)
    pays = CountryCodeField(label=_("Pays"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = taxonomy_choices()
        self.fields["type"].choices = list(type_labels().items())
        self.fields["theme"].choices = choices["theme"]
        self.fields["odd"].choices = choices["odd"]
        self.fields["departement"].choices = choices["departement"]

    def clean_q(self) -> str:
        return clean_query(self.cleaned_data["q"])

    def query_and_filters(self) -> tuple[str, SearchFilters]:
        self.is_valid()  # lenient fields never fail; q is cleaned, never refused
        data = getattr(self, "cleaned_data", {})
        filters = SearchFilters(**{name: tuple(data.get(name) or ()) for name in FACET_NAMES})
        return data.get("q", ""), filters


def querystring(query: str, filters: SearchFilters, *, without=None, only_query=False) -> str:
    pairs = [("q", query)] if query else []
    if not only_query:
        for name in FACET_NAMES:
            pairs.extend((name, value) for value in sorted(filters.values(name)))
    return urlencode([pair for pair in pairs if pair != without])
