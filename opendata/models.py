"""The open-data app's own tables: the open-data page (`/donnees-ouvertes/`) and the
import's label mappings. The data it documents and serves belongs to the apps below it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from home.models import BasePage

from .text import normalise_label


class LabelMapping(models.Model):
    """A label of another base (the regional networks' shared thesaurus, a CRM export) and
    the entry of one of our vocabularies it stands for. The import reads these after the
    vocabularies' own names, so editors teach it a label once."""

    class Kind(models.TextChoices):
        THEME = "theme", _("Thématique")
        SDG = "sdg", _("Objectif de développement durable")
        COLLEGE = "college", _("Collège")
        STRUCTURE_TYPE = "structure_type", _("Type de structure")
        DEPARTEMENT = "departement", _("Département")
        COUNTRY = "country", _("Pays")

    # The target field of each kind.
    TARGET_FIELDS = {
        Kind.THEME: "theme",
        Kind.SDG: "sdg",
        Kind.COLLEGE: "college",
        Kind.STRUCTURE_TYPE: "structure_type",
        Kind.DEPARTEMENT: "departement",
        Kind.COUNTRY: "country",
    }

    kind = models.CharField(_("vocabulaire"), max_length=20, choices=Kind.choices)
    external_label = models.CharField(
        _("libellé dans le fichier"),
        max_length=200,
        help_text=_("Tel qu'il figure dans le tableur ; majuscules et accents sont ignorés."),
    )
    normalised_label = models.CharField(max_length=200, editable=False)
    theme = models.ForeignKey(
        "directory.Theme",
        verbose_name=_("thématique"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sdg = models.ForeignKey(
        "directory.SustainableDevelopmentGoal",
        verbose_name=_("ODD"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    college = models.ForeignKey(
        "directory.College",
        verbose_name=_("collège"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    structure_type = models.ForeignKey(
        "directory.StructureType",
        verbose_name=_("type de structure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    departement = models.ForeignKey(
        "directory.Departement",
        verbose_name=_("département"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    country = models.ForeignKey(
        "directory.Country",
        verbose_name=_("pays"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("external_label"),
        MultiFieldPanel(
            [
                FieldPanel("theme"),
                FieldPanel("sdg"),
                FieldPanel("college"),
                FieldPanel("structure_type"),
                FieldPanel("departement"),
                FieldPanel("country"),
            ],
            heading=_("Correspond à (remplir le seul champ du vocabulaire choisi)"),
        ),
    ]

    class Meta:
        verbose_name = _("correspondance de libellé")
        verbose_name_plural = _("correspondances de libellés")
        ordering = ["kind", "normalised_label"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "normalised_label"], name="opendata_labelmapping_unique_label"
            ),
            # Exactly the target of its kind is set.
            models.CheckConstraint(
                condition=models.Q(
                    kind="theme",
                    theme__isnull=False,
                    sdg__isnull=True,
                    college__isnull=True,
                    structure_type__isnull=True,
                    departement__isnull=True,
                    country__isnull=True,
                )
                | models.Q(
                    kind="sdg",
                    theme__isnull=True,
                    sdg__isnull=False,
                    college__isnull=True,
                    structure_type__isnull=True,
                    departement__isnull=True,
                    country__isnull=True,
                )
                | models.Q(
                    kind="college",
                    theme__isnull=True,
                    sdg__isnull=True,
                    college__isnull=False,
                    structure_type__isnull=True,
                    departement__isnull=True,
                    country__isnull=True,
                )
                | models.Q(
                    kind="structure_type",
                    theme__isnull=True,
                    sdg__isnull=True,
                    college__isnull=True,
                    structure_type__isnull=False,
                    departement__isnull=True,
                    country__isnull=True,
                )
                | models.Q(
                    kind="departement",
                    theme__isnull=True,
                    sdg__isnull=True,
                    college__isnull=True,
                    structure_type__isnull=True,
                    departement__isnull=False,
                    country__isnull=True,
                )
                | models.Q(
                    kind="country",
                    theme__isnull=True,
                    sdg__isnull=True,
                    college__isnull=True,
                    structure_type__isnull=True,
                    departement__isnull=True,
                    country__isnull=False,
                ),
                name="opendata_labelmapping_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_label} → {self.target}"

    def save(self, *args, **kwargs):
        self.normalised_label = normalise_label(self.external_label)
        return super().save(*args, **kwargs)

    @property
    def target_field(self) -> str:
        return self.TARGET_FIELDS.get(self.kind, "")

    @property
    def target(self):
        return getattr(self, self.target_field, None) if self.target_field else None

    @property
    def target_id(self) -> int | None:
        return getattr(self, f"{self.target_field}_id", None) if self.target_field else None

    def clean(self) -> None:
        super().clean()
        self.normalised_label = normalise_label(self.external_label)
        if not self.normalised_label:
            raise ValidationError({"external_label": _("Saisissez un libellé.")})
        errors = {}
        for kind, field_name in self.TARGET_FIELDS.items():
            value = getattr(self, f"{field_name}_id")
            if kind == self.kind and value is None:
                errors[field_name] = _("Choisissez l'entrée correspondante de ce vocabulaire.")
            elif kind != self.kind and value is not None:
                errors[field_name] = _("Laissez vide : ce n'est pas le vocabulaire choisi.")
        if errors:
            raise ValidationError(errors)
        duplicate = LabelMapping.objects.filter(
            kind=self.kind, normalised_label=self.normalised_label
        ).exclude(pk=self.pk)
        if duplicate.exists():
            raise ValidationError(
                {"external_label": _("Ce libellé a déjà une correspondance dans ce vocabulaire.")}
            )


# Other features add their own section to the page (the widgets' snippet generator) through
# this hook: `@hooks.register(OPEN_DATA_PAGE_SECTIONS)` on a function `(request, page) -> str`
# returning safe HTML, shown in the page's `widgets` block.
OPEN_DATA_PAGE_SECTIONS = "open_data_page_sections"


class OpenDataPage(BasePage):
    """« Données ouvertes »: each dataset, its fields, its licence and its forms (API, CSV,
    GeoJSON, iCalendar, RSS), generated from the API's schemas so it never drifts."""

    introduction = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ul"]
    )

    content_panels = [*BasePage.content_panels, FieldPanel("introduction")]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("page des données ouvertes")
        verbose_name_plural = _("pages des données ouvertes")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .datasets import dataset_sections
        from .selectors import licence

        context = super().get_context(request, *args, **kwargs)
        context["datasets"] = dataset_sections()
        context["licence"] = licence()
        context["api_root"] = reverse("open_data_api:api-root")
        context["api_docs_url"] = reverse("open_data_api:openapi-view")
        context["openapi_url"] = reverse("open_data_api:openapi-json")
        context["extra_sections"] = [
            mark_safe(section(request, self))  # noqa: S308 - the hooks return escaped HTML
            for section in hooks.get_hooks(OPEN_DATA_PAGE_SECTIONS)
        ]
        return context
