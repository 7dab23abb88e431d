"""Editorial pages: news, calls for projects, offers and resources."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index

from directory.models import ClassifiedPage
from home.blocks import RICH_TEXT_FEATURES, BaseStreamBlock
from home.models import BasePage

# A call closes "soon" when fewer days than this are left.
CLOSING_SOON_DAYS = 15


def _today() -> datetime.date:
    return timezone.localdate()


# --- News ---------------------------------------------------------------------------------


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "resources.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPage(ClassifiedPage):
    class Category(models.TextChoices):
        NETWORK = "reseau", _("Vie du réseau")
        MEMBERS = "membres", _("Actualités des membres")
        SOLIDARITY = "solidarite", _("Solidarité internationale")
        FUNDING = "financements", _("Financements")
        TRAINING = "formation", _("Formation")
        EVENTS = "evenements", _("Événements")

    date = models.DateField(_("date"), default=_today, db_index=True)
    category = models.CharField(
        _("catégorie"), max_length=20, choices=Category.choices, default=Category.NETWORK
    )
    summary_text = models.TextField(_("chapô"), max_length=400, blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("contenu"), blank=True)
    image = models.ForeignKey(
        "home.CustomImage",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    related_actors = ParentalManyToManyField(
        "directory.ActorPage", verbose_name=_("acteurs cités"), blank=True, related_name="+"
    )
    tags = ClusterTaggableManager(through=NewsPageTag, verbose_name=_("mots-clés"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("category")]),
        FieldPanel("summary_text"),
        FieldPanel("image"),
        FieldPanel("body"),
        ClassifiedPage.classification_panel,
        MultiFieldPanel(
            [FieldPanel("related_actors"), FieldPanel("tags")], heading=_("Liens et mots-clés")
        ),
    ]
    search_fields = [
        *ClassifiedPage.search_fields,
        index.SearchField("summary_text"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("date"),
        index.FilterField("category"),
    ]

    parent_page_types = ["resources.NewsIndexPage", "directory.ActorPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")

    @property
    def card_image(self):
        return self.listing_image or self.image


# --- Calls for projects -------------------------------------------------------------------


class CallForProjectsPage(ClassifiedPage):
    class Status(models.TextChoices):
        UPCOMING = "a_venir", _("À venir")
        OPEN = "ouvert", _("Ouvert")
        CLOSING_SOON = "cloture_proche", _("Clôture proche")
        CLOSED = "clos", _("Clos")

    funder_actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("financeur (acteur de l'annuaire)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    funder_name = models.CharField(
        _("financeur"),
        max_length=255,
        blank=True,
        help_text=_("Si le financeur n'est pas dans l'annuaire."),
    )
    programme = models.CharField(_("programme ou dispositif"), max_length=255, blank=True)
    territory = models.CharField(_("territoire concerné"), max_length=255, blank=True)
    eligible_colleges = ParentalManyToManyField(
        "directory.College", verbose_name=_("structures éligibles"), blank=True, related_name="+"
    )
    amount_min = models.PositiveIntegerField(_("montant minimum (€)"), null=True, blank=True)
    amount_max = models.PositiveIntegerField(_("montant maximum (€)"), null=True, blank=True)
    opening_date = models.DateField(_("date d'ouverture"), db_index=True)
    closing_date = models.DateField(_("date de clôture"), db_index=True)
    summary_text = models.TextField(_("résumé"), max_length=400, blank=True)
    body = RichTextField(_("description"), blank=True, features=RICH_TEXT_FEATURES)
    link = models.URLField(_("lien vers l'appel"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("summary_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("funder_actor"), FieldPanel("funder_name")]),
                FieldPanel("programme"),
                FieldPanel("territory"),
                FieldPanel("eligible_colleges", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("amount_min"), FieldPanel("amount_max")]),
            ],
            heading=_("Financeur et conditions"),
        ),
        FieldRowPanel([FieldPanel("opening_date"), FieldPanel("closing_date")]),
        FieldPanel("body"),
        FieldPanel("link"),
        InlinePanel("documents", heading=_("Documents"), label=_("Document")),
        ClassifiedPage.classification_panel,
    ]
    search_fields = [
        *ClassifiedPage.search_fields,
        index.SearchField("summary_text"),
        index.SearchField("body"),
        index.SearchField("programme"),
        index.SearchField("funder_name"),
        index.FilterField("opening_date"),
        index.FilterField("closing_date"),
    ]

    parent_page_types = ["resources.CallIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.opening_date and self.closing_date and self.closing_date < self.opening_date:
            errors["closing_date"] = _("La clôture précède l'ouverture.")
        if self.amount_min and self.amount_max and self.amount_max < self.amount_min:
            errors["amount_max"] = _("Le maximum est inférieur au minimum.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, day: datetime.date) -> str:
        if day < self.opening_date:
            return self.Status.UPCOMING
        if day > self.closing_date:
            return self.Status.CLOSED
        if (self.closing_date - day).days < CLOSING_SOON_DAYS:
            return self.Status.CLOSING_SOON
        return self.Status.OPEN

    @property
    def status(self) -> str:
        return self.status_on(_today())

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def funder(self) -> str:
        return self.funder_actor.title if self.funder_actor_id else self.funder_name


class PageDocument(Orderable):
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    label = models.CharField(
        _("intitulé"), max_length=255, blank=True, help_text=_("Par défaut, le titre du document.")
    )

    panels = [FieldPanel("document"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    @property
    def display_label(self) -> str:
        return self.label or self.document.title


class CallDocument(PageDocument):
    page = ParentalKey(CallForProjectsPage, on_delete=models.CASCADE, related_name="documents")


# --- Offers -------------------------------------------------------------------------------


class OpportunityPage(ClassifiedPage):
    class Kind(models.TextChoices):
        JOB = "emploi", _("Emploi")
        INTERNSHIP = "stage", _("Stage")
        VSI = "vsi", _("Volontariat de solidarité internationale")
        CIVIC = "service_civique", _("Service civique")
        VOLUNTEER = "benevolat", _("Bénévolat")

    kind = models.CharField(_("type d'offre"), max_length=20, choices=Kind.choices)
    structure = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("structure (acteur de l'annuaire)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Renseignée d'office pour une offre publiée dans l'espace d'un acteur."),
    )
    structure_name = models.CharField(_("structure qui recrute"), max_length=255, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    contract = models.CharField(_("contrat"), max_length=120, blank=True)
    duration = models.CharField(_("durée"), max_length=120, blank=True)
    allowance = models.CharField(_("rémunération ou indemnité"), max_length=255, blank=True)
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    deadline = models.DateField(_("date limite de candidature"), db_index=True)
    summary_text = models.TextField(_("résumé"), max_length=400, blank=True)
    body = RichTextField(_("description du poste"), blank=True, features=RICH_TEXT_FEATURES)
    how_to_apply = RichTextField(_("comment candidater"), features=RICH_TEXT_FEATURES)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("kind"),
        FieldPanel("summary_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("structure"), FieldPanel("structure_name")]),
                FieldPanel("city"),
                FieldRowPanel([FieldPanel("contract"), FieldPanel("duration")]),
                FieldPanel("allowance"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("deadline")]),
            ],
            heading=_("Conditions"),
        ),
        FieldPanel("body"),
        FieldPanel("how_to_apply"),
        ClassifiedPage.classification_panel,
    ]
    search_fields = [
        *ClassifiedPage.search_fields,
        index.SearchField("summary_text"),
        index.SearchField("body"),
        index.SearchField("structure_name"),
        index.SearchField("city"),
        index.FilterField("kind"),
        index.FilterField("deadline"),
    ]

    parent_page_types = ["resources.OpportunityIndexPage", "directory.ActorPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")

    @property
    def is_expired(self) -> bool:
        return self.deadline < _today()

    @property
    def structure_display(self) -> str:
        return self.structure.title if self.structure_id else self.structure_name

    def sync_structure(self) -> None:
        """An offer in an actor's space is that actor's offer."""
        if self.structure_id or not self.path or (self.depth or 0) < 2:
            return
        from directory.models import ActorPage

        parent = self.get_parent()
        if parent is not None and parent.specific_class is ActorPage:
            self.structure_id = parent.pk

    def save(self, *args, **kwargs):
        self.sync_structure()
        return super().save(*args, **kwargs)


# --- Resources ----------------------------------------------------------------------------


def _year_validators() -> list:
    return [MinValueValidator(1900), MaxValueValidator(2100)]


class ResourcePage(ClassifiedPage):
    class Kind(models.TextChoices):
        GUIDE = "guide", _("Guide")
        REPORT = "rapport", _("Rapport")
        STUDY = "etude", _("Étude")
        FACTSHEET = "fiche", _("Fiche pratique")
        TOOL = "outil", _("Outil")
        VIDEO = "video", _("Vidéo")
        MINUTES = "compte_rendu", _("Compte rendu")
        ANNUAL_REPORT = "rapport_activite", _("Rapport d'activité")

    kind = models.CharField(_("type de ressource"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(
        _("année"), validators=_year_validators(), db_index=True
    )
    authors = models.CharField(_("auteurs ou organisations"), max_length=255, blank=True)
    summary_text = models.TextField(_("résumé"), max_length=600, blank=True)
    body = RichTextField(_("présentation"), blank=True, features=RICH_TEXT_FEATURES)
    external_link = models.URLField(_("lien externe"), blank=True)
    featured = models.BooleanField(
        _("à la une"), default=False, help_text=_("Montrée sur la page d'accueil.")
    )

    content_panels = [
        *BasePage.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year"), FieldPanel("featured")]),
        FieldPanel("authors"),
        FieldPanel("summary_text"),
        FieldPanel("body"),
        InlinePanel("documents", heading=_("Documents"), label=_("Document")),
        FieldPanel("external_link"),
        ClassifiedPage.classification_panel,
    ]
    search_fields = [
        *ClassifiedPage.search_fields,
        index.SearchField("summary_text"),
        index.SearchField("body"),
        index.SearchField("authors"),
        index.FilterField("kind"),
        index.FilterField("year"),
        index.FilterField("featured"),
    ]

    parent_page_types = ["resources.ResourceIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")


class ResourceDocument(PageDocument):
    page = ParentalKey(ResourcePage, on_delete=models.CASCADE, related_name="documents")
