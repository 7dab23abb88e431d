"""Reads behind a letter: what its blocks show (hand-picked pages, the latest published
content since the previous letter) and to whom it goes (its segment of subscribers)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from events.models import EventPage
from home import dates
from resources.models import CallForProjectsPage, NewsPage, OpportunityPage, ResourcePage

from .blocks import LatestKind
from .models import ContentKind, LetterPage, LetterSending, Subscriber, SubscriberStatus

# Without a previous letter, "since the last letter" means this many days back.
FIRST_LETTER_DAYS = 31
# The rendition of images in a letter (600 px wide e-mails, sharp on dense screens).
LETTER_IMAGE_FILTER = "fill-1200x630|format-jpeg"


@dataclass(frozen=True)
class Item:
    """A published page as a letter lists it (absolute URL, short texts)."""

    kind: str
    title: str
    url: str
    summary: str = ""
    meta: str = ""


@dataclass(frozen=True)
class Section:
    """A resolved block: what the e-mail and the web version show, in order."""

    kind: str  # editorial, featured or items
    heading: str = ""
    html: str = ""  # editorial's rich text, already expanded
    items: list[Item] = field(default_factory=list)
    image_url: str = ""
    image_alt: str = ""
    image_width: int = 0
    image_height: int = 0


def previous_sending_time(letter: LetterPage) -> datetime.datetime:
    """When the last letter sent before this one went out (a month back if none)."""
    previous = (
        LetterSending.objects.filter(started_at__isnull=False)
        .exclude(letter_id=letter.pk)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return previous or timezone.now() - datetime.timedelta(days=FIRST_LETTER_DAYS)


def _summary(page: Page) -> str:
    return getattr(page, "summary", "") or ""


def item_for(page: Page) -> Item:
    """The item of any pickable page (its specific instance)."""
    if isinstance(page, NewsPage):
        return Item(
            "news", page.title, page.get_full_url(), _summary(page), dates.full_date(page.date)
        )
    if isinstance(page, EventPage):
        meta = dates.date_time(page.start_at) if page.start_at else ""
        return Item("events", page.title, page.get_full_url(), _summary(page), meta)
    if isinstance(page, CallForProjectsPage):
        meta = _("Clôture le %(date)s") % {"date": dates.full_date(page.closing_date)}
        return Item("calls", page.title, page.get_full_url(), _summary(page), meta)
    if isinstance(page, OpportunityPage):
        meta = _("%(kind)s · candidatures jusqu'au %(date)s") % {
            "kind": page.get_kind_display(),
            "date": dates.full_date(page.deadline),
        }
        return Item("offers", page.title, page.get_full_url(), _summary(page), meta)
    if isinstance(page, ResourcePage):
        meta = f"{page.get_kind_display()} · {page.year}" if page.year else page.get_kind_display()
        return Item("resources", page.title, page.get_full_url(), _summary(page), meta)
    return Item("page", page.title, page.get_full_url(), _summary(page))


def latest_pages(
    kind: str, *, count: int, since: datetime.datetime, until: datetime.datetime
) -> list[Page]:
    """The `count` latest published pages of a kind since the previous letter (events: the
    next ones to come), as the letter freezes them when it is sent."""
    today = timezone.localdate(until)
    published = Q(first_published_at__gt=since, first_published_at__lte=until)
    querysets: dict[str, QuerySet] = {
        LatestKind.NEWS: NewsPage.objects.filter(published).order_by(
            "-date", "-first_published_at"
        ),
        LatestKind.EVENTS: EventPage.objects.filter(start_at__gte=until).order_by("start_at"),
        LatestKind.CALLS: CallForProjectsPage.objects.filter(
            published, closing_date__gte=today
        ).order_by("-first_published_at"),
        LatestKind.OFFERS: OpportunityPage.objects.filter(published, deadline__gte=today).order_by(
            "-first_published_at"
        ),
        LatestKind.RESOURCES: ResourcePage.objects.filter(published).order_by(
            "-first_published_at"
        ),
    }
    queryset = querysets.get(kind)
    if queryset is None:
        return []
    return list(queryset.live().public().defer_streamfields()[:count])


def sections(
    letter: LetterPage,
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> list[Section]:
    """The letter's blocks resolved into what they show, at `until` (now by default)."""
    until = until or timezone.now()
    since = since or previous_sending_time(letter)
    resolved: list[Section] = []
    for block in letter.body:
        value = block.value
        if block.block_type == "editorial":
            html = str(value["text"])
            if html.strip():
                resolved.append(Section("editorial", value["heading"], html=html))
        elif block.block_type == "featured":
            resolved.append(_featured(value))
        elif block.block_type == "picked":
            pages = [page.specific for page in value["pages"] if page is not None and page.live]
            items = [item_for(page) for page in pages]
            if items:
                resolved.append(Section("items", value["heading"], items=items))
        elif block.block_type == "latest":
            pages = latest_pages(value["kind"], count=value["count"], since=since, until=until)
            if pages:
                items = [item_for(page) for page in pages]
                resolved.append(Section("items", value["heading"], items=items))
    return [section for section in resolved if section is not None]


def _featured(value) -> Section | None:
    page = value["page"].specific if value["page"] is not None else None
    if page is not None and not page.live:
        page = None
    heading = value["heading"] or (page.title if page else "")
    if not heading:
        return None
    text = value["text"] or (_summary(page) if page else "")
    image = value["image"] or (
        getattr(page, "card_image", None) or getattr(page, "listing_image", None) if page else None
    )
    section = {"kind": "featured", "heading": heading, "html": text}
    if page is not None:
        section["items"] = [item_for(page)]
    if image is not None:
        rendition = image.get_rendition(LETTER_IMAGE_FILTER)
        section.update(
            image_url=rendition.full_url,
            image_alt=getattr(image, "default_alt_text", "") or "",
            image_width=rendition.width,
            image_height=rendition.height,
        )
    return Section(**section)


# --- Recipients -----------------------------------------------------------------------------


def mailable_subscribers() -> QuerySet[Subscriber]:
    """Confirmed addresses that no bounce or complaint suppressed."""
    return Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED, suppressed_at__isnull=True)


def recipients(letter: LetterPage) -> QuerySet[Subscriber]:
    """The letter's segment: every mailable subscriber, or, for each criterion the letter
    sets, those who chose at least one of its values."""
    queryset = mailable_subscribers()
    theme_ids = [theme.pk for theme in letter.segment_themes.all()]
    sdg_ids = [sdg.pk for sdg in letter.segment_sdgs.all()]
    departement_ids = [departement.pk for departement in letter.segment_departements.all()]
    if theme_ids:
        queryset = queryset.filter(
            pk__in=Subscriber.themes.through.objects.filter(theme_id__in=theme_ids).values(
                "subscriber_id"
            )
        )
    if sdg_ids:
        queryset = queryset.filter(
            pk__in=Subscriber.sdgs.through.objects.filter(
                sustainabledevelopmentgoal_id__in=sdg_ids
            ).values("subscriber_id")
        )
    if departement_ids:
        queryset = queryset.filter(
            pk__in=Subscriber.departements.through.objects.filter(
                departement_id__in=departement_ids
            ).values("subscriber_id")
        )
    if letter.segment_content_kind:
        # The kinds are a JSON list of strings: the quoted value in its text, on SQLite and
        # PostgreSQL alike (JSON `contains` is PostgreSQL-only).
        queryset = queryset.annotate(kinds_text=Cast("content_kinds", TextField())).filter(
            kinds_text__contains=f'"{letter.segment_content_kind}"'
        )
    return queryset


def segment_description(letter: LetterPage) -> str:
    """The letter's segment in words, "" when it goes to every subscriber."""
    parts = []
    themes = [theme.name for theme in letter.segment_themes.all()]
    if themes:
        parts.append(_("thématiques : %(values)s") % {"values": ", ".join(themes)})
    sdgs = [f"ODD {sdg.number}" for sdg in letter.segment_sdgs.all()]
    if sdgs:
        parts.append(
            _("objectifs de développement durable : %(values)s") % {"values": ", ".join(sdgs)}
        )
    departements = [departement.name for departement in letter.segment_departements.all()]
    if departements:
        parts.append(_("départements : %(values)s") % {"values": ", ".join(departements)})
    if letter.segment_content_kind:
        parts.append(
            _("contenus : %(values)s") % {"values": ContentKind(letter.segment_content_kind).label}
        )
    return " ; ".join(parts)
