"""Letters: the archive page (`/lettres/`), the letters themselves, their sending and one
delivery row per (letter, subscriber).

A letter is a page composed in the admin. Sending it (`newsletter/sending.py`) freezes what
it shows into its `LetterSending` (kept outside the page's revisions, so that publishing an
old revision cannot undo it), publishes the page and creates its deliveries. Until then the
page answers 404 to visitors, even if an editor published it: only previews show it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.search import index

from home import routing
from home.models import BasePage
from home.page_cache import public_page_cache

from ..blocks import LetterStreamBlock
from ..panels import SendingPanel
from .subscribers import ContentKind

LETTERS_PER_PAGE = 12


# RoutablePageMixin.serve comes first in the MRO: wrap it so every route gets the public
# cache headers (as the listings do).
@method_decorator(public_page_cache, name="serve")
class LetterIndexPage(RoutablePageMixin, BasePage):
    """`/lettres/`: the sent letters, newest first, and their RSS feed."""

    introduction = models.TextField(_("chapô"), blank=True, max_length=600)

    content_panels = [*BasePage.content_panels, FieldPanel("introduction")]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["newsletter.LetterPage"]
    max_count = 1
    cache_query_params = frozenset({"page"})
    template = "newsletter/letters/letter_index_page.html"

    class Meta:
        verbose_name = _("archive des lettres d'information")
        verbose_name_plural = _("archives des lettres d'information")

    def sent_letters(self) -> models.QuerySet[LetterPage]:
        return (
            LetterPage.objects.child_of(self)
            .live()
            .public()
            .filter(sending__started_at__isnull=False)
            .select_related("sending")
            .defer_streamfields()
            .order_by("-sending__started_at", "-pk")
        )

    @path("")
    def archive_view(self, request):
        paginator = Paginator(self.sent_letters(), LETTERS_PER_PAGE)
        # `get_page` turns page=abc, page=-1 or page=99999 into a valid page.
        page_obj = paginator.get_page(request.GET.get("page"))
        context = {
            "page_obj": page_obj,
            "elided_range": list(paginator.get_elided_page_range(page_obj.number)),
            "feed_url": self.rss_url,
            "noindex": "page" in request.GET,
        }
        return self.render(request, context_overrides=context)

    @path("rss/", name="rss")
    def rss_view(self, request):
        return routing.serve("newsletter.letters_feed", request, index=self)

    @property
    def rss_url(self) -> str:
        return self.url + self.reverse_subpage("rss")


class LetterPage(BasePage):
    """One letter. Its web version is public once it has been sent."""

    preheader = models.CharField(
        _("texte d'aperçu"),
        max_length=200,
        blank=True,
        help_text=_("Affiché par les messageries après l'objet, avant l'ouverture du message."),
    )
    body = StreamField(LetterStreamBlock(), verbose_name=_("contenu"), blank=True)
    segment_themes = ParentalManyToManyField(
        "directory.Theme", verbose_name=_("thématiques"), blank=True, related_name="+"
    )
    segment_sdgs = ParentalManyToManyField(
        "directory.SustainableDevelopmentGoal", verbose_name=_("ODD"), blank=True, related_name="+"
    )
    segment_departements = ParentalManyToManyField(
        "directory.Departement", verbose_name=_("départements"), blank=True, related_name="+"
    )
    segment_content_kind = models.CharField(
        _("type de contenus souhaité"), max_length=16, choices=ContentKind.choices, blank=True
    )

    content_panels = [
        *BasePage.content_panels,
        SendingPanel(heading=_("Envoi")),
        FieldPanel("preheader"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("segment_themes"),
                FieldPanel("segment_sdgs"),
                FieldPanel("segment_departements"),
                FieldPanel("segment_content_kind"),
            ],
            heading=_("Destinataires"),
            help_text=_(
                "Sans critère, la lettre part à tous les abonnés confirmés. Avec des critères, "
                "seulement aux abonnés qui ont choisi au moins une des valeurs de chaque critère."
            ),
        ),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("preheader")]

    parent_page_types = ["newsletter.LetterIndexPage"]
    subpage_types: list[str] = []
    template = "newsletter/letters/letter_page.html"
    preview_modes = [("", _("Version en ligne")), ("email", _("E-mail"))]
    default_preview_mode = "email"

    class Meta:
        verbose_name = _("lettre d'information")
        verbose_name_plural = _("lettres d'information")

    @property
    def sent_sending(self) -> LetterSending | None:
        """The letter's sending once started, else None."""
        try:
            sending = self.sending
        except LetterSending.DoesNotExist:
            return None
        return sending if sending.started_at else None

    @property
    def is_sent(self) -> bool:
        return self.sent_sending is not None

    def serve(self, request, *args, **kwargs):
        if not self.is_sent:
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sending = self.sent_sending
        if sending is not None:
            context["web_html"] = sending.web_html
            context["sent_at"] = sending.started_at
        return context

    def sending_progress(self) -> Progress:
        return Delivery.objects.progress(letter_id=self.pk)

    def serve_preview(self, request, mode_name):
        return routing.serve("newsletter.letter_preview", request, letter=self, mode_name=mode_name)

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.is_sent else []


class LetterSending(models.Model):
    """A letter as it was sent: the frozen renderings and who sent it when. Its deliveries
    say to whom and how far it went."""

    letter = models.OneToOneField(
        LetterPage, on_delete=models.CASCADE, related_name="sending", verbose_name=_("lettre")
    )
    started_at = models.DateTimeField(_("envoi lancé le"), null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(_("envoi terminé le"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recipient_count = models.PositiveIntegerField(_("destinataires"), default=0)
    segment_description = models.CharField(_("destinataires visés"), max_length=500, blank=True)
    subject = models.CharField(_("objet"), max_length=255, blank=True)
    web_html = models.TextField(_("version en ligne"), blank=True)
    email_html = models.TextField(_("e-mail (HTML)"), blank=True)
    email_text = models.TextField(_("e-mail (texte)"), blank=True)

    class Meta:
        verbose_name = _("envoi d'une lettre")
        verbose_name_plural = _("envois des lettres")

    def __str__(self) -> str:
        return self.subject or str(self.letter_id)


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    SENDING = "sending", _("En cours")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")
    SKIPPED = "skipped", _("Non envoyé (désinscrit entre-temps)")


@dataclass(frozen=True)
class Progress:
    """A letter's deliveries counted by status."""

    total: int
    queued: int
    sending: int
    sent: int
    failed: int
    skipped: int
    next_attempt_at: datetime.datetime | None

    @property
    def remaining(self) -> int:
        return self.queued + self.sending

    @property
    def done(self) -> bool:
        return self.total > 0 and self.remaining == 0


class DeliveryQuerySet(models.QuerySet):
    def progress(self, *, letter_id: int) -> Progress:
        """The counts of a letter's deliveries by status, in one query."""
        counts = self.filter(letter_id=letter_id).aggregate(
            total=models.Count("pk"),
            **{
                status: models.Count("pk", filter=models.Q(status=status))
                for status in ("queued", "sending", "sent", "failed", "skipped")
            },
            next_attempt_at=models.Min(
                "next_attempt_at", filter=models.Q(status=DeliveryStatus.QUEUED)
            ),
        )
        return Progress(**counts)


class Delivery(models.Model):
    """One letter to one subscriber: created when the sending starts, so a restarted worker
    knows what is left, and unique so nothing is sent twice."""

    letter = models.ForeignKey(
        LetterPage, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("lettre")
    )
    subscriber = models.ForeignKey(
        "newsletter.Subscriber",
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("abonné"),
    )
    status = models.CharField(
        _("statut"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=500, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("envoi à un abonné")
        verbose_name_plural = _("envois aux abonnés")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "subscriber"], name="newsletter_delivery_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["letter", "status", "next_attempt_at"],
                name="newsletter_delivery_next",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} → {self.subscriber_id} ({self.status})"
