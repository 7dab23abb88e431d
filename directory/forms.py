"""Form fields the directory's forms share: countries listed by their French name."""

from __future__ import annotations

import unicodedata

from django import forms
from django.db import models
from django.forms.models import ModelChoiceIterator
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms.models import register_form_field_override


def french_sort_key(name: str) -> str:
    """A key that sorts « Égypte » with the E's, between « Équateur » and « Espagne »."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


class _FrenchOrderIterator(ModelChoiceIterator):
    """The choices sorted by their French label, read when the form is shown (lazily, as
    Django's own iterator)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        choices = [self.choice(obj) for obj in self.queryset]
        yield from sorted(choices, key=lambda choice: french_sort_key(str(choice[1])))


class CountriesChoiceField(forms.ModelMultipleChoiceField):
    """Countries in French alphabetical order: their names come from django-countries, not
    from the database, so the order cannot come from the query."""

    iterator = _FrenchOrderIterator


class ModelMultipleChoiceFieldCountriesByName(forms.ModelMultipleChoiceField):
    """Django's field for many-to-many relations, listing countries by French name (and
    everything else as before): Wagtail's form field overrides select by field class only."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, **kwargs)
        from .models import Country

        if queryset is not None and queryset.model is Country:
            self.iterator = _FrenchOrderIterator


def register_country_fields() -> None:
    """Every admin form (pages, snippets, model viewsets) lists countries by French name."""
    for field_class in (ParentalManyToManyField, models.ManyToManyField):
        register_form_field_override(
            field_class, override={"form_class": ModelMultipleChoiceFieldCountriesByName}
        )
