"""How pages are classified: by themes, SDGs and countries, the directory's vocabularies
(`taxonomies`), and, for the pages with an address in the region, by département.
Actors, projects, events and the editorial pages share these fields, their editing panels
and their search field; the listings' filters and the site search's facets find them by
their names (`themes`, `sdgs`, `countries`, `departement`).

This module imports no page model, so every app can use it without an import cycle."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from home.models import BasePage

CLASSIFICATION_FIELDS = ("themes", "sdgs", "countries")

# Themes and SDGs are short lists: checkboxes (in the page editor and in the admin's
# approval of a référencement request). Countries keep the default multiple select.
CLASSIFICATION_WIDGETS = {
    "themes": forms.CheckboxSelectMultiple,
    "sdgs": forms.CheckboxSelectMultiple,
}

# The themes' names are searched along with the page's text.
THEMES_SEARCH_FIELD = index.RelatedFields("themes", [index.SearchField("name")])


def classification_fields(
    *,
    related_name: str,
    countries_verbose_name: str | Promise,
    field_class: type[models.ManyToManyField] = ParentalManyToManyField,
) -> tuple[models.ManyToManyField, models.ManyToManyField, models.ManyToManyField]:
    """The fields `themes, sdgs, countries`, to unpack in a model's body.

    The reverse accessor and the countries' label are each model's own (the migrations
    hold them): `related_name="+"` for none. Pages take modelcluster's many-to-many field
    (kept with the page's revisions); other models a plain `models.ManyToManyField`."""
    themes = field_class(
        "directory.Theme",
        verbose_name=_("thématiques"),
        blank=True,
        related_name=related_name,
    )
    sdgs = field_class(
        "directory.SustainableDevelopmentGoal",
        verbose_name=_("objectifs de développement durable"),
        blank=True,
        related_name=related_name,
    )
    countries = field_class(
        "directory.Country",
        verbose_name=countries_verbose_name,
        blank=True,
        related_name=related_name,
    )
    return themes, sdgs, countries


def departement_field(*, related_name: str) -> models.ForeignKey:
    """The page's département, which its `derive_departement()` fills from its postcode
    when it is left empty."""
    return models.ForeignKey(
        "directory.Departement",
        verbose_name=_("département"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
        help_text=_("Déduit du code postal s'il est laissé vide."),
    )


def classification_panels(*names: str) -> list[FieldPanel]:
    """The editing panels of the named classification fields, in that order (all three,
    themes first, by default)."""
    return [
        FieldPanel(name, widget=CLASSIFICATION_WIDGETS.get(name))
        for name in names or CLASSIFICATION_FIELDS
    ]


def classification_context(page: models.Model) -> dict[str, list]:
    """A page's themes, SDGs and countries for its template (countries by name: their names
    come from django-countries, not from the database)."""
    return {
        "themes": list(page.themes.all()),
        "sdgs": list(page.sdgs.all()),
        "countries": sorted(page.countries.all(), key=lambda country: country.name),
    }


class ClassifiedPage(BasePage):
    """An abstract page with themes, SDGs and countries: what every listing and the search
    facets filter on (editorial pages, working groups)."""

    themes, sdgs, countries = classification_fields(
        related_name="+", countries_verbose_name=_("pays")
    )

    classification_panel = MultiFieldPanel(
        classification_panels(), heading=_("Thématiques, ODD et pays")
    )
    search_fields = [*BasePage.search_fields, THEMES_SEARCH_FIELD]

    class Meta:
        abstract = True
