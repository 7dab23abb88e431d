"""Shared vocabularies of the directory: SDGs, colleges, structure types, départements,
themes, world regions and countries. Real rows, seeded by data migrations and managed by
editors as snippets."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

hex_colour_validator = RegexValidator(
    r"^#[0-9A-Fa-f]{6}$", _("Saisissez une couleur au format #RRGGBB.")
)


class SustainableDevelopmentGoal(index.Indexed, models.Model):
    """One of the 17 UN Sustainable Development Goals (ODD in French)."""

    number = models.PositiveSmallIntegerField(
        _("numéro"),
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(17)],
    )
    name = models.CharField(_("nom court"), max_length=80)
    long_name = models.CharField(_("intitulé officiel"), max_length=400)
    colour = models.CharField(_("couleur"), max_length=7, validators=[hex_colour_validator])
    text_colour = models.CharField(
        _("couleur du texte"),
        max_length=7,
        default="#FFFFFF",
        validators=[hex_colour_validator],
        help_text=_("Couleur du numéro et du nom sur le badge (contraste suffisant)."),
    )

    panels = [
        FieldPanel("number"),
        FieldPanel("name"),
        FieldPanel("long_name"),
        FieldPanel("colour"),
        FieldPanel("text_colour"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("long_name")]

    class Meta:
        ordering = ["number"]
        verbose_name = _("objectif de développement durable")
        verbose_name_plural = _("objectifs de développement durable")

    def __str__(self) -> str:
        return f"ODD {self.number} – {self.name}"


class College(models.Model):
    """The network's colleges: how its members are grouped in its governance."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    short_name = models.CharField(_("nom court"), max_length=40, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("slug"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("collège")
        verbose_name_plural = _("collèges")

    def __str__(self) -> str:
        return self.name


class StructureType(models.Model):
    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    college = models.ForeignKey(
        College,
        verbose_name=_("collège"),
        on_delete=models.PROTECT,
        related_name="structure_types",
    )
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("college"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["college__sort_order", "sort_order", "name"]
        verbose_name = _("type de structure")
        verbose_name_plural = _("types de structure")

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    """A département of Nouvelle-Aquitaine by its INSEE code, or "hors région"."""

    OUTSIDE_REGION = "HR"

    code = models.CharField(
        _("code INSEE"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^(\d{2,3}|2A|2B|HR)$", _("Code INSEE invalide."))],
        help_text=_("Code INSEE du département (ex. 33), ou HR pour « hors région »."),
    )
    name = models.CharField(_("nom"), max_length=80)
    in_region = models.BooleanField(_("en Nouvelle-Aquitaine"), default=True)

    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("in_region")]

    class Meta:
        ordering = ["-in_region", "code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self) -> str:
        if self.in_region:
            return f"{self.name} ({self.code})"
        return self.name


class Theme(models.Model):
    """A sector of action, close to the thesaurus shared by the regional networks."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")

    def __str__(self) -> str:
        return self.name


class WorldRegion(models.Model):
    """A group of countries used to filter and to run country groups (e.g. Maghreb)."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("région du monde")
        verbose_name_plural = _("régions du monde")

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    """A country by its ISO 3166-1 alpha-2 code; its name comes from django-countries
    (in French), so no name is stored here."""

    code = CountryField(_("pays"), unique=True)
    region = models.ForeignKey(
        WorldRegion,
        verbose_name=_("région du monde"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="countries",
    )

    panels = [FieldPanel("code"), FieldPanel("region")]

    class Meta:
        # No `ordering`: modelcluster sorts unsaved relations by it, and django-countries'
        # values do not compare. Order by "code" in queries.
        verbose_name = _("pays")
        verbose_name_plural = _("pays")

    def __str__(self) -> str:
        return str(self.code.name)

    @property
    def name(self) -> str:
        return str(self.code.name)
