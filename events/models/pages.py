"""The agenda (`/agenda/`) and its events: trainings in one or several sessions, webinars,
group meetings and members' events."""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from directory.models import (
    THEMES_SEARCH_FIELD,
    ActorPage,
    PlaceMixin,
    classification_fields,
    classification_panels,
    coordinate_constraints,
    departement_field,
    departement_for_postcode,
)
from directory.panels import MapPanel
from home import routing
from home.blocks import BaseStreamBlock
from home.models import BasePage
from home.page_cache import public_page_cache

from ..admin_forms import EventPageForm

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


@method_decorator(public_page_cache, name="serve")
class EventIndexPage(RoutablePageMixin, BasePage):
    """The agenda (`/agenda/`): upcoming events grouped by month, the archive, the feeds."""

    # The agenda's filters (`events.filters.AgendaFilterForm`, checked by a test) and its page.
    cache_query_params = frozenset(
        {"type", "theme", "departement", "groupe", "mois", "passes", "page"}
    )

    introduction = models.TextField(_("chapô"), blank=True, max_length=600)

    content_panels = [*BasePage.content_panels, FieldPanel("introduction")]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agendas")

    # The routes' views live in `events.views`; `agenda.ics` is a plain Django URL
    # (`events.urls`): Wagtail's page routes never see a dot.
    @path("")
    def event_list(self, request: HttpRequest) -> HttpResponse:
        return routing.serve("events.event_list", request, index=self)

    @path("rss/", name="rss")
    def rss(self, request: HttpRequest) -> HttpResponse:
        return routing.serve("events.event_rss", request, index=self)

    def feed_url(self) -> str:
        return f"{self.url}agenda.ics"


class EventKind(models.TextChoices):
    TRAINING = "formation", _("Formation")
    WEBINAR = "webinaire", _("Webinaire")
    MEETING = "rencontre", _("Rencontre / réunion de groupe")
    ASSEMBLY = "assemblee", _("Assemblée")
    MEMBER_EVENT = "membre", _("Événement de membre")
    OTHER = "autre", _("Autre")


class EventFormat(models.TextChoices):
    IN_PERSON = "presentiel", _("Présentiel")
    ONLINE = "en_ligne", _("En ligne")
    HYBRID = "hybride", _("Hybride")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Tout public")
    MEMBERS = "membres", _("Réservé aux membres")


class RegistrationMode(models.TextChoices):
    NONE = "aucune", _("Sans inscription")
    EXTERNAL = "externe", _("Lien externe")
    BUILT_IN = "integree", _("Formulaire du portail")


class EventStatus(models.TextChoices):
    SCHEDULED = "prevu", _("Prévu")
    POSTPONED = "reporte", _("Reporté")
    CANCELLED = "annule", _("Annulé")


def _percent_validators() -> list:
    return [MinValueValidator(0), MaxValueValidator(100)]


# RoutablePageMixin.serve comes first in the MRO: wrap it so every route gets the public
# cache headers (the registration form sets the CSRF cookie, so the page cache skips it).
@method_decorator(public_page_cache, name="serve")
class EventPage(RoutablePageMixin, PlaceMixin, BasePage):
    """An event of the network or of a member, with its sessions."""

    Kind = EventKind
    Format = EventFormat
    Audience = Audience
    RegistrationMode = RegistrationMode
    Status = EventStatus

    kind = models.CharField(
        _("type"), max_length=12, choices=EventKind.choices, default=EventKind.TRAINING
    )
    # Under an actor page, a new event takes the kind members use (`EventPageForm`).
    base_form_class = EventPageForm

    @classmethod
    def kind_members_use(cls) -> str:
        """The kind members give their events most often (the events under actor pages),
        the « Événement de membre » kind while they have none."""
        most_common = (
            cls.objects.filter(
                models.Exists(
                    ActorPage.objects.filter(
                        path=Substr(models.OuterRef("path"), 1, Length("path"))
                    )
                )
            )
            .values("kind")
            .annotate(count=models.Count("pk"))
            .order_by("-count", "kind")
            .values_list("kind", flat=True)
            .first()
        )
        return most_common or EventKind.MEMBER_EVENT

    summary_text = models.TextField(_("résumé"), max_length=400, blank=True)
    description = StreamField(BaseStreamBlock(), verbose_name=_("description"), blank=True)
    image = models.ForeignKey(
        "home.CustomImage",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    themes, sdgs, countries = classification_fields(
        related_name="events", countries_verbose_name=_("pays concernés")
    )
    # Empty: the network organises it. Under an actor page, `save()` sets that actor.
    organiser = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("organisateur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_events",
        help_text=_(
            "Laissez vide quand le réseau organise. Sous une fiche acteur, l'acteur est "
            "l'organisateur."
        ),
    )
    # The working group (thematic or country group) the event belongs to, if any.
    group = models.ForeignKey(
        "working_groups.GroupPage",
        verbose_name=_("groupe de travail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("Le groupe thématique ou pays qui organise ou accueille l'événement."),
    )
    status = models.CharField(
        _("état"), max_length=8, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    price = models.DecimalField(
        _("tarif (€)"),
        max_digits=7,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("0 : gratuit."),
    )
    price_details = models.CharField(_("précisions sur le tarif"), max_length=160, blank=True)
    audience = models.CharField(
        _("public"), max_length=8, choices=Audience.choices, default=Audience.PUBLIC
    )

    format = models.CharField(
        _("format"), max_length=12, choices=EventFormat.choices, default=EventFormat.IN_PERSON
    )
    venue_name = models.CharField(_("nom du lieu"), max_length=160, blank=True)
    venue_address = models.CharField(_("adresse"), max_length=255, blank=True)
    venue_postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    venue_city = models.CharField(_("commune"), max_length=120, blank=True)
    departement = departement_field(related_name="events")
    online_url = models.URLField(
        _("lien de connexion"),
        blank=True,
        help_text=_("Communiqué seulement aux personnes inscrites."),
    )

    registration_mode = models.CharField(
        _("inscription"),
        max_length=8,
        choices=RegistrationMode.choices,
        default=RegistrationMode.NONE,
    )
    registration_url = models.URLField(_("lien d'inscription externe"), blank=True)
    capacity = models.PositiveIntegerField(
        _("nombre de places"),
        null=True,
        blank=True,
        help_text=_("Au-delà, les personnes vont en liste d'attente. Vide : sans limite."),
    )
    registrations_need_confirmation = models.BooleanField(
        _("inscriptions validées par l'équipe"),
        default=False,
        help_text=_(
            "Chaque inscription reste « à confirmer » jusqu'à ce qu'un éditeur la confirme ; "
            "sa place est réservée en attendant."
        ),
    )
    registration_deadline = models.DateTimeField(
        _("date limite d'inscription"),
        null=True,
        blank=True,
        help_text=_("Vide : jusqu'au début de la première séance."),
    )

    # After the event: the report's indicators.
    participants_count = models.PositiveIntegerField(
        _("nombre de participants"), null=True, blank=True
    )
    very_satisfied_rate = models.PositiveSmallIntegerField(
        _("« très satisfait » (%)"), null=True, blank=True, validators=_percent_validators()
    )
    satisfied_rate = models.PositiveSmallIntegerField(
        _("« satisfait » (%)"), null=True, blank=True, validators=_percent_validators()
    )

    # Derived from the sessions by `save()`: listings and feeds filter and sort on them.
    start_at = models.DateTimeField(_("début"), null=True, editable=False, db_index=True)
    end_at = models.DateTimeField(_("fin"), null=True, editable=False, db_index=True)
    session_count = models.PositiveSmallIntegerField(_("séances"), default=0, editable=False)

    content_panels = [
        *BasePage.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]),
        FieldPanel("summary_text"),
        FieldPanel("image"),
        InlinePanel(
            "sessions",
            heading=_("Séances"),
            label=_("Séance"),
            min_num=1,
            help_text=_("Dates et heures à l'heure de Paris."),
        ),
        FieldPanel("description"),
        MultiFieldPanel(classification_panels(), heading=_("Thématiques")),
    ]
    practical_panels = [
        FieldRowPanel([FieldPanel("organiser"), FieldPanel("audience")]),
        FieldPanel("group"),
        FieldRowPanel([FieldPanel("price"), FieldPanel("price_details")]),
        MultiFieldPanel(
            [
                FieldPanel("format"),
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldRowPanel([FieldPanel("venue_postcode"), FieldPanel("venue_city")]),
                FieldPanel("departement"),
                MapPanel("location", address_field="venue_address", hide_latlng=False),
                FieldPanel("online_url"),
            ],
            heading=_("Lieu"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("registration_mode"),
                FieldPanel("registration_url"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_deadline")]),
                FieldPanel("registrations_need_confirmation"),
            ],
            heading=_("Inscriptions"),
        ),
    ]
    report_panels = [
        FieldPanel("participants_count"),
        FieldRowPanel([FieldPanel("very_satisfied_rate"), FieldPanel("satisfied_rate")]),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Contenu")),
            ObjectList(practical_panels, heading=_("Infos pratiques")),
            ObjectList(report_panels, heading=_("Bilan")),
            ObjectList(BasePage.promote_panels, heading=_("Promotion")),
            ObjectList(BasePage.settings_panels, heading=_("Paramètres")),
        ]
    )

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary_text"),
        index.SearchField("description"),
        index.SearchField("venue_city"),
        THEMES_SEARCH_FIELD,
        index.FilterField("kind"),
        index.FilterField("start_at"),
        index.FilterField("end_at"),
        index.FilterField("departement"),
        index.FilterField("audience"),
        index.FilterField("group"),
    ]

    parent_page_types = ["events.EventIndexPage", "directory.ActorPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        indexes = [models.Index(fields=["end_at", "start_at"], name="events_end_start_idx")]
        constraints = coordinate_constraints("events_event")

    # --- Derived fields -----------------------------------------------------------------

    def sync_dates(self) -> None:
        """First start and last end of the sessions that are not cancelled (of all of them
        when every one is cancelled)."""
        sessions = [s for s in self.sessions.all() if s.start_at and s.end_at]
        kept = [s for s in sessions if not s.cancelled] or sessions
        if kept:
            self.start_at = min(s.start_at for s in kept)
            self.end_at = max(s.end_at for s in kept)
        else:
            self.start_at = self.end_at = None
        self.session_count = len([s for s in sessions if not s.cancelled])

    def sync_organiser(self) -> None:
        if not self.path or self.depth is None or self.depth < 2:
            return
        parent = self.get_parent()
        if parent is not None and parent.specific_class is ActorPage:
            self.organiser_id = parent.pk

    def derive_departement(self) -> None:
        if self.departement_id or not self.venue_postcode:
            return
        self.departement = departement_for_postcode(self.venue_postcode)

    def clean(self) -> None:
        super().clean()
        if self.registration_mode == RegistrationMode.EXTERNAL and not self.registration_url:
            raise ValidationError(
                {"registration_url": _("Indiquez le lien vers le formulaire d'inscription.")}
            )
        if self.format != EventFormat.ONLINE and not (self.venue_name or self.venue_city):
            raise ValidationError(
                {"venue_name": _("Indiquez le lieu d'un événement en présentiel ou hybride.")}
            )
        if (
            self.very_satisfied_rate is not None
            and self.satisfied_rate is not None
            and self.very_satisfied_rate + self.satisfied_rate > 100
        ):
            raise ValidationError(
                {"satisfied_rate": _("Les deux taux de satisfaction dépassent 100 % ensemble.")}
            )
        self.derive_departement()

    def save(self, *args, **kwargs):
        self.sync_dates()
        self.sync_organiser()
        self.derive_departement()
        return super().save(*args, **kwargs)

    # --- State -----------------------------------------------------------------------------

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.end_at is not None and self.end_at < timezone.now()

    @property
    def is_members_only(self) -> bool:
        return self.audience == Audience.MEMBERS

    @property
    def is_free(self) -> bool:
        return not self.price

    @property
    def is_online(self) -> bool:
        return self.format == EventFormat.ONLINE

    @property
    def has_venue(self) -> bool:
        return self.format != EventFormat.ONLINE

    @property
    def uses_builtin_registration(self) -> bool:
        return self.registration_mode == RegistrationMode.BUILT_IN

    @property
    def effective_deadline(self) -> datetime.datetime | None:
        return self.registration_deadline or self.start_at

    def registration_closed_reason(self, *, now: datetime.datetime | None = None) -> str:
        """Why the built-in registration is closed, or "" when it is open."""
        now = now or timezone.now()
        if self.is_cancelled:
            return str(_("L'événement est annulé."))
        if self.is_past:
            return str(_("L'événement est passé."))
        deadline = self.effective_deadline
        if deadline is not None and now >= deadline:
            return str(_("La date limite d'inscription est passée."))
        return ""

    @property
    def organiser_name(self) -> str:
        if self.organiser_id and self.organiser:
            return self.organiser.title
        identity = getattr(settings, "WAGTAIL_SITE_NAME", "")
        return identity or str(_("Le réseau"))

    @property
    def venue_line(self) -> str:
        parts = [self.venue_name, self.venue_address]
        city = " ".join(p for p in (self.venue_postcode, self.venue_city) if p)
        return ", ".join(p for p in [*parts, city] if p)

    def map_points_json(self) -> str:
        if not self.has_place:
            return "[]"
        return json.dumps(
            [{"lat": self.latitude, "lng": self.longitude, "name": self.venue_name or self.title}]
        )

    # --- Routes ----------------------------------------------------------------------------

    @path("")
    def event_detail(self, request: HttpRequest) -> HttpResponse:
        return routing.serve("events.event_detail", request, event=self)

    @path("ics/", name="ics")
    def ics(self, request: HttpRequest) -> HttpResponse:
        return routing.serve("events.event_ics", request, event=self)

    @path("inscription/", name="register")
    def register(self, request: HttpRequest) -> HttpResponse:
        return routing.serve("events.registration_form", request, event=self)

    @path("inscription/confirmation/", name="registered")
    def registered(self, request: HttpRequest) -> HttpResponse:
        return routing.serve("events.registration_done", request, event=self)

    @path("inscription/annulation/", name="cancel")
    def cancel(self, request: HttpRequest) -> HttpResponse:
        return routing.serve("events.registration_cancel", request, event=self)

    def route_url(self, name: str) -> str:
        return self.url + self.reverse_subpage(name)

    def full_route_url(self, name: str) -> str:
        return self.full_url + self.reverse_subpage(name)


class EventSession(Orderable):
    """One session of an event; the event's dates come from its sessions."""

    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="sessions")
    label = models.CharField(
        _("intitulé"),
        max_length=160,
        blank=True,
        help_text=_("Facultatif, par exemple « Séance 1 : le diagnostic »."),
    )
    start_at = models.DateTimeField(_("début"))
    end_at = models.DateTimeField(_("fin"))
    cancelled = models.BooleanField(_("annulée"), default=False)

    panels = [
        FieldPanel("label"),
        FieldRowPanel([FieldPanel("start_at"), FieldPanel("end_at")]),
        FieldPanel("cancelled"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_at__gte=models.F("start_at")),
                name="events_session_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.label or f"{self.event_id} – {self.start_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.start_at and self.end_at and self.end_at < self.start_at:
            raise ValidationError({"end_at": _("La fin de la séance précède son début.")})
        if (
            self.start_at
            and self.end_at
            and self.end_at - self.start_at > datetime.timedelta(days=31)
        ):
            raise ValidationError(
                {"end_at": _("Une séance dure au plus 31 jours : créez plusieurs séances.")}
            )
