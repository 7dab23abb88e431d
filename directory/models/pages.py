"""The directory's pages: the directory itself, actor pages (members' spaces) and projects."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index
from wagtailgeowidget.panels import GeoAddressPanel

from home import routing
from home.blocks import RICH_TEXT_FEATURES, DocumentListBlock, ImageBlock
from home.models import BasePage, SocialLinkBlock
from home.page_cache import public_page_cache

from ..blocks import DirectoryStreamBlock
from ..panels import MapPanel
from .classification import (
    THEMES_SEARCH_FIELD,
    classification_fields,
    classification_panels,
    departement_field,
)
from .places import PlaceMixin, coordinate_constraints
from .taxonomies import Departement

QUALIFICATION_PERMISSION = "directory.change_qualification"

siret_validator = RegexValidator(r"^\d{14}$", _("Le SIRET compte 14 chiffres, sans espace."))
rna_validator = RegexValidator(
    r"^W\d{9}$", _("Le numéro RNA commence par W suivi de 9 chiffres (ex. W332001234).")
)
postcode_validator = RegexValidator(r"^\d{5}$", _("Le code postal compte 5 chiffres."))


def _year_validators() -> list:
    return [MinValueValidator(1800), MaxValueValidator(2100)]


# RoutablePageMixin.serve comes first in the MRO and calls each route's view directly: wrap
# it too, so every route gets the public cache headers (exports set their own).
@method_decorator(public_page_cache, name="serve")
class DirectoryPage(RoutablePageMixin, BasePage):
    """The directory (`/annuaire/`): list, map and open-data exports of actors and projects."""

    # The directory's filters (`directory.filters.DirectoryFilterForm`, checked by a test)
    # and its page.
    cache_query_params = frozenset(
        {"q", "odd", "theme", "college", "departement", "pays", "region", "page"}
    )

    introduction = models.TextField(_("chapô"), blank=True, max_length=600)
    body = StreamField(DirectoryStreamBlock(), verbose_name=_("contenu sous la liste"), blank=True)
    projects_title = models.CharField(
        _("titre de la page des projets"), max_length=120, default="Projets des acteurs"
    )
    projects_introduction = models.TextField(
        _("chapô de la page des projets"), blank=True, max_length=600
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("introduction"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("projects_title"), FieldPanel("projects_introduction")],
            heading=_("Page des projets (/projets/)"),
        ),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["directory.ActorPage"]
    max_count = 1

    class Meta:
        verbose_name = _("annuaire")
        verbose_name_plural = _("annuaires")

    # The routes' views live in `directory.views`; they only read through selectors. The
    # exports (`actors.geojson`...) are served by `directory.urls`.
    @path("")
    def actor_list(self, request):
        return routing.serve("directory.actor_list", request, directory=self)

    @path("projets/", name="project_list")
    def project_list(self, request):
        return routing.serve("directory.project_list", request, directory=self)

    # --- The public référencement form. ---
    @path("referencement/", name="registration")
    def registration(self, request):
        return routing.serve("directory.registration_form", request, directory=self)

    @path("referencement/merci/", name="registration_thanks")
    def registration_thanks(self, request):
        return routing.serve("directory.registration_thanks", request, directory=self)

    # --- end member spaces ---

    def export_url(self, name: str) -> str:
        """`actors.geojson`, `actors.csv` or `projects.geojson` (served by `directory.urls`:
        Wagtail's page routes never see a dot)."""
        return f"{self.url}{name}"


class ActorPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "directory.ActorPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ActorPage(PlaceMixin, BasePage):
    """A referenced actor's public profile, and the root of its publication space."""

    class Membership(models.TextChoices):
        MEMBER = "adherent", _("Adhérent du réseau")
        REFERENCED = "reference", _("Référencé")

    class Qualification(models.TextChoices):
        TO_QUALIFY = "a_qualifier", _("À qualifier")
        QUALIFIED = "qualifie", _("Qualifié")
        ARCHIVED = "archive", _("Archivé")

    class StaffBand(models.TextChoices):
        NONE = "0", _("Aucun salarié")
        SMALL = "1-9", _("1 à 9")
        MEDIUM = "10-49", _("10 à 49")
        LARGE = "50+", _("50 et plus")

    class VolunteerBand(models.TextChoices):
        NONE = "0", _("Aucun")
        SMALL = "1-19", _("1 à 19")
        MEDIUM = "20-99", _("20 à 99")
        LARGE = "100+", _("100 et plus")

    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    logo = models.ForeignKey(
        "home.CustomImage",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    college = models.ForeignKey(
        "directory.College",
        verbose_name=_("collège"),
        null=True,
        on_delete=models.PROTECT,
        related_name="actors",
    )
    structure_type = models.ForeignKey(
        "directory.StructureType",
        verbose_name=_("type de structure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actors",
    )
    short_description = models.TextField(
        _("présentation courte"),
        max_length=300,
        blank=True,
        help_text=_("Deux ou trois phrases, affichées sur la carte de l'annuaire."),
    )
    body = RichTextField(_("présentation"), blank=True, features=RICH_TEXT_FEATURES)

    address = models.CharField(
        _("adresse"),
        max_length=255,
        blank=True,
        help_text=_("Numéro et voie. Ajoutez la commune pour placer le point sur la carte."),
    )
    postcode = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[postcode_validator]
    )
    city = models.CharField(_("commune"), max_length=120, blank=True)
    departement = departement_field(related_name="actors")
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("adresse électronique publique"), blank=True)
    phone = models.CharField(_("téléphone public"), max_length=40, blank=True)
    social_links = StreamField(
        [("link", SocialLinkBlock())], verbose_name=_("réseaux sociaux"), blank=True
    )

    themes, sdgs, countries = classification_fields(
        related_name="actors", countries_verbose_name=_("pays d'intervention")
    )
    tags = ClusterTaggableManager(through=ActorPageTag, verbose_name=_("mots-clés"), blank=True)

    year_founded = models.PositiveSmallIntegerField(
        _("année de création"), null=True, blank=True, validators=_year_validators()
    )
    staff_band = models.CharField(
        _("salariés"), max_length=8, choices=StaffBand.choices, blank=True
    )
    volunteers_band = models.CharField(
        _("bénévoles"), max_length=8, choices=VolunteerBand.choices, blank=True
    )
    membership = models.CharField(
        _("lien avec le réseau"),
        max_length=12,
        choices=Membership.choices,
        default=Membership.REFERENCED,
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[siret_validator])
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, validators=[rna_validator])

    # Editors only: never public, never editable by the member (see `edit_handler`).
    qualification_status = models.CharField(
        _("statut de qualification"),
        max_length=12,
        choices=Qualification.choices,
        default=Qualification.TO_QUALIFY,
        db_index=True,
    )
    internal_notes = models.TextField(_("notes internes"), blank=True)
    private_contact_name = models.CharField(_("personne contact"), max_length=120, blank=True)
    private_contact_email = models.EmailField(_("e-mail de la personne contact"), blank=True)
    private_contact_phone = models.CharField(
        _("téléphone de la personne contact"), max_length=40, blank=True
    )
    # --- Editor-only fields, see `directory.permissions`. ---
    trusted = models.BooleanField(
        _("acteur de confiance"),
        default=False,
        help_text=_(
            "Ses projets, événements et actualités sont publiés sans attendre la validation "
            "de l'équipe ; les modifications de sa fiche restent modérées."
        ),
    )
    # --- end member spaces ---

    # The actor's short map properties (college, city, département, themes, SDGs,
    # countries: slugs, numbers and codes, public data only), kept by `save()` and by the
    # directory's signal handlers so that actors.geojson and the map's feed read one column
    # instead of three many-to-many tables: at 10,000 actors the GeoJSON builds about ten
    # times faster (`make bench`). Null for rows written in bulk: the selectors compute
    # those on the fly, without writing.
    map_properties = models.JSONField(editable=False, null=True, default=None)

    content_panels = [
        *BasePage.content_panels,
        FieldRowPanel([FieldPanel("acronym"), FieldPanel("logo")]),
        FieldRowPanel([FieldPanel("college"), FieldPanel("structure_type")]),
        FieldPanel("short_description"),
        FieldPanel("body"),
        MultiFieldPanel(
            [*classification_panels("sdgs", "themes", "countries"), FieldPanel("tags")],
            heading=_("Engagements"),
        ),
    ]
    contact_panels = [
        MultiFieldPanel(
            [
                GeoAddressPanel("address"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldPanel("departement"),
                MapPanel("location", address_field="address", hide_latlng=False),
            ],
            heading=_("Adresse et lieu"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("website"),
                FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
                FieldPanel("social_links"),
            ],
            heading=_("Coordonnées publiques"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("year_founded"),
                        # The link with the network is the editors' call, not the member's.
                        FieldPanel("membership", permission=QUALIFICATION_PERMISSION),
                    ]
                ),
                FieldRowPanel([FieldPanel("staff_band"), FieldPanel("volunteers_band")]),
                FieldRowPanel([FieldPanel("siret"), FieldPanel("rna")]),
            ],
            heading=_("Structure"),
        ),
    ]
    editor_panels = [
        FieldPanel("qualification_status", permission=QUALIFICATION_PERMISSION),
        FieldPanel("internal_notes", permission=QUALIFICATION_PERMISSION),
        FieldPanel("trusted", permission=QUALIFICATION_PERMISSION),
        MultiFieldPanel(
            [
                FieldPanel("private_contact_name", permission=QUALIFICATION_PERMISSION),
                FieldPanel("private_contact_email", permission=QUALIFICATION_PERMISSION),
                FieldPanel("private_contact_phone", permission=QUALIFICATION_PERMISSION),
            ],
            heading=_("Contact privé"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Présentation")),
            ObjectList(contact_panels, heading=_("Coordonnées et lieu")),
            ObjectList(BasePage.promote_panels, heading=_("Promotion")),
            ObjectList(BasePage.settings_panels, heading=_("Paramètres")),
            ObjectList(
                editor_panels,
                heading=_("Suivi (équipe du réseau)"),
                permission=QUALIFICATION_PERMISSION,
            ),
        ]
    )

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("acronym"),
        index.SearchField("short_description"),
        index.SearchField("body"),
        index.SearchField("city"),
        index.AutocompleteField("acronym"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        THEMES_SEARCH_FIELD,
        index.FilterField("college"),
        index.FilterField("departement"),
        index.FilterField("membership"),
        index.FilterField("latitude"),
        index.FilterField("longitude"),
    ]

    parent_page_types = ["directory.DirectoryPage"]
    subpage_types = [
        "directory.ProjectPage",
        "events.EventPage",
        "resources.NewsPage",
        "resources.OpportunityPage",
    ]

    class Meta:
        verbose_name = _("fiche acteur")
        verbose_name_plural = _("fiches acteurs")
        permissions = [
            (
                "change_qualification",
                _("Peut modifier les champs de suivi (qualification, notes, contact privé)"),
            ),
            ("export_private", _("Peut exporter toutes les données des acteurs")),
        ]
        constraints = coordinate_constraints("directory_actor")

    @property
    def summary(self) -> str:
        return self.listing_summary or self.short_description or self.search_description

    def derive_departement(self) -> None:
        """Fill the département from the postcode when it was left empty."""
        if self.departement_id or not self.postcode:
            return
        self.departement = departement_for_postcode(self.postcode)

    def clean(self) -> None:
        super().clean()
        if (
            self.structure_type_id
            and self.college_id
            and self.structure_type.college_id != self.college_id
        ):
            raise ValidationError(
                {
                    "structure_type": _(
                        "Ce type de structure appartient au collège « %(college)s »."
                    )
                    % {"college": self.structure_type.college}
                }
            )
        self.derive_departement()

    def compute_map_properties(self) -> dict:
        """`map_properties` as this actor stands in memory (its many-to-many values
        included, saved or not)."""
        return map_properties(
            college=self.college.slug if self.college_id else "",
            city=self.city,
            departement=self.departement.code if self.departement_id else "",
            themes=[theme.slug for theme in self.themes.all()],
            sdgs=[goal.number for goal in self.sdgs.all()],
            countries=[str(country.code) for country in self.countries.all()],
        )

    def save(self, *args, **kwargs):
        self.derive_departement()
        self.sync_coordinates()
        update_fields = kwargs.get("update_fields")
        # Saves of a few columns (a draft's revision, a lock) leave the live row's map
        # properties as they are.
        if update_fields is None or set(update_fields) & MAP_SOURCE_FIELDS:
            self.map_properties = self.compute_map_properties()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "map_properties"}
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(routing.context("directory.actor_page", actor=self))
        context.update(map_settings())
        return context


def map_properties(
    *,
    college: str,
    city: str,
    departement: str,
    themes: Iterable[str],
    sdgs: Iterable[int],
    countries: Iterable[str],
) -> dict[str, Any]:
    """An actor's short map properties (`ActorPage.map_properties`), in the documented
    order of actors.geojson after its id, name and URL."""
    return {
        "college": college or "",
        "city": city or "",
        "dep": departement or "",
        "themes": sorted(themes),
        "sdgs": sorted(sdgs),
        "countries": sorted(countries),
    }


# The fields `ActorPage.map_properties` is derived from.
MAP_SOURCE_FIELDS = {
    "college",
    "college_id",
    "city",
    "departement",
    "departement_id",
    "postcode",
    "location",
    "themes",
    "sdgs",
    "countries",
}


def map_settings() -> dict[str, str]:
    return {
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def departement_for_postcode(postcode: str) -> Departement | None:
    """The département of a French postcode: one of the region's, or "hors région"."""
    if not postcode or not postcode[:2].isdigit():
        return None
    code = postcode[:3] if postcode.startswith("97") else postcode[:2]
    if code == "20":  # Corsica: outside the region whichever side
        code = "2A"
    found = Departement.objects.filter(code=code).first()
    if found is not None:
        return found
    return Departement.objects.filter(code=Departement.OUTSIDE_REGION).first()


class ProjectPage(BasePage):
    """A project of an actor, here or abroad."""

    class Status(models.TextChoices):
        PREPARING = "preparation", _("En préparation")
        ONGOING = "en_cours", _("En cours")
        FINISHED = "termine", _("Terminé")

    class BudgetBand(models.TextChoices):
        XS = "lt10k", _("Moins de 10 000 €")
        S = "10k-50k", _("10 000 à 50 000 €")
        M = "50k-200k", _("50 000 à 200 000 €")
        L = "gt200k", _("Plus de 200 000 €")

    # The actor page above the project, kept by `save()` so filters join it directly.
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("acteur"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="own_projects",
    )
    summary_text = models.TextField(_("résumé"), max_length=400, blank=True)
    body = RichTextField(_("description"), blank=True, features=RICH_TEXT_FEATURES)
    status = models.CharField(
        _("état"), max_length=12, choices=Status.choices, default=Status.ONGOING, db_index=True
    )
    start_year = models.PositiveSmallIntegerField(
        _("année de début"), null=True, blank=True, validators=_year_validators()
    )
    end_year = models.PositiveSmallIntegerField(
        _("année de fin"), null=True, blank=True, validators=_year_validators()
    )
    themes, sdgs, countries = classification_fields(
        related_name="projects", countries_verbose_name=_("pays d'intervention")
    )
    partner_actors = ParentalManyToManyField(
        "directory.ActorPage",
        verbose_name=_("acteurs partenaires"),
        blank=True,
        related_name="partner_projects",
        help_text=_("Autres acteurs de l'annuaire engagés dans ce projet."),
        # Members edit projects: the list must not show other
        # actors' unpublished pages (a pending actor's name).
        limit_choices_to={"live": True},
    )
    local_partners = models.TextField(_("partenaires locaux"), blank=True)
    budget_band = models.CharField(
        _("budget"), max_length=10, choices=BudgetBand.choices, blank=True
    )
    funders = models.TextField(_("financeurs"), blank=True)
    media = StreamField(
        [("image", ImageBlock()), ("documents", DocumentListBlock())],
        verbose_name=_("images et documents"),
        blank=True,
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("summary_text"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("status"), FieldPanel("start_year"), FieldPanel("end_year")]),
        MultiFieldPanel(
            [
                FieldPanel("countries"),
                InlinePanel("places", heading=_("Lieux d'intervention"), label=_("Lieu")),
            ],
            heading=_("Où"),
        ),
        MultiFieldPanel(classification_panels("sdgs", "themes"), heading=_("Engagements")),
        MultiFieldPanel(
            [
                FieldPanel("partner_actors"),
                FieldPanel("local_partners"),
                FieldPanel("budget_band"),
                FieldPanel("funders"),
            ],
            heading=_("Partenaires et financement"),
        ),
        FieldPanel("media"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary_text"),
        index.SearchField("body"),
        index.SearchField("local_partners"),
        index.FilterField("status"),
        index.FilterField("start_year"),
        index.FilterField("end_year"),
    ]

    parent_page_types = ["directory.ActorPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")

    def clean(self) -> None:
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("L'année de fin précède l'année de début.")})
        if self.end_year and self.end_year > datetime.date.today().year + 30:
            raise ValidationError({"end_year": _("Année de fin trop lointaine.")})

    def sync_actor(self) -> None:
        if not self.path or self.depth is None or self.depth < 2:
            return
        parent = self.get_parent()
        self.actor_id = parent.pk if parent and parent.specific_class is ActorPage else None

    def save(self, *args, **kwargs):
        self.sync_actor()
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(routing.context("directory.project_page", project=self))
        context["map_points_json"] = json.dumps(context["map_points"])
        context.update(map_settings())
        return context


class ProjectPlace(PlaceMixin, Orderable):
    """A precise place of intervention of a project (a town, a district)."""

    project = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("nom du lieu"), max_length=160)
    country = models.ForeignKey(
        "directory.Country",
        verbose_name=_("pays"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("country"), MapPanel("location")]

    class Meta(Orderable.Meta):
        verbose_name = _("lieu d'intervention")
        verbose_name_plural = _("lieux d'intervention")
        constraints = coordinate_constraints("directory_place")

    def __str__(self) -> str:
        return self.name
