"""Reads behind the agenda, its feeds, the event page and the home page's section."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from directory.models import classification_context
from directory.permissions import member_spaces_for
from home.models import CARD_IMAGE_FILTERS, CustomImage

from .dates import MONTH_NAMES, local
from .filters import AgendaFilters, group_choices
from .models import EventIndexPage, EventPage, EventSession, Registration

# --- Listing ----------------------------------------------------------------------------


def event_queryset() -> QuerySet[EventPage]:
    """Every published public event of the site: the network's and the members'."""
    return EventPage.objects.live().filter(_public_condition(), start_at__isnull=False)


def filtered_events(
    *, filters: AgendaFilters, now: datetime.datetime | None = None
) -> QuerySet[EventPage]:
    """Upcoming (still running) events in date order, or past ones latest first."""
    now = now or timezone.now()
    queryset = event_queryset()
    if filters.type:
        queryset = queryset.filter(kind__in=filters.type)
    if filters.theme:
        through = EventPage.themes.through
        queryset = queryset.filter(
            pk__in=through.objects.filter(theme__slug__in=filters.theme).values("eventpage_id")
        )
    if filters.departement:
        queryset = queryset.filter(departement__code__in=filters.departement)
    if filters.groupe:
        ids = [g.pk for g in group_choices() if g.slug in filters.groupe]
        queryset = queryset.filter(group_id__in=ids)
    bounds = filters.month_bounds()
    if bounds is not None:
        # Events that have at least a moment in that month.
        queryset = queryset.filter(start_at__lt=bounds[1], end_at__gte=bounds[0])
    if filters.passes:
        return queryset.filter(end_at__lt=now).order_by("-start_at", "pk")
    return queryset.filter(end_at__gte=now).order_by("start_at", "pk")


def event_cards(queryset: QuerySet[EventPage]) -> QuerySet[EventPage]:
    """What a card needs, in a constant number of queries."""
    card_renditions = CustomImage.objects.prefetch_renditions(*CARD_IMAGE_FILTERS)
    return (
        queryset.select_related("organiser", "departement")
        .prefetch_related(
            Prefetch("listing_image", queryset=card_renditions),
            Prefetch("image", queryset=card_renditions),
        )
        .annotate(confirmed_count=confirmed_subquery())
        .defer_streamfields()
    )


def confirmed_subquery() -> Coalesce:
    """Registrations holding a place (confirmed or to confirm) of each event, as a subquery:
    unlike a joined `Count`, it leaves the pagination's COUNT and the ordering alone."""
    counts = (
        Registration.objects.filter(event=OuterRef("pk"), status__in=Registration.PLACE_HOLDING)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


@dataclass
class MonthGroup:
    key: str
    label: str
    events: list[EventPage] = field(default_factory=list)


def group_by_month(events: list[EventPage]) -> list[MonthGroup]:
    """Events under the month (Paris time) they start in, in the order given."""
    groups: dict[str, MonthGroup] = {}
    for event in events:
        start = local(event.start_at)
        key = f"{start.year:04d}-{start.month:02d}"
        if key not in groups:
            groups[key] = MonthGroup(key, f"{MONTH_NAMES[start.month]} {start.year}".capitalize())
        groups[key].events.append(event)
    return list(groups.values())


def _public_condition() -> Q:
    """Not under a view restriction, as a condition of the same query (Wagtail's `public()`
    reads every restriction first: one more query, which the home page cannot afford)."""
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return ~Exists(restricted)


def upcoming_events(
    *, limit: int = 4, organiser_id: int | None = None, group_id: int | None = None
) -> list[EventPage]:
    """The next events (the home page's section, an actor's page, a working group's next
    meetings), in one query: each carries `agenda_url_path` (the agenda page's),
    `confirmed_count` and its organiser."""
    queryset = (
        EventPage.objects.live()
        .filter(_public_condition(), start_at__isnull=False, end_at__gte=timezone.now())
        .select_related("organiser")
        .annotate(
            confirmed_count=confirmed_subquery(),
            agenda_url_path=Subquery(
                EventIndexPage.objects.live().order_by("path").values("url_path")[:1]
            ),
        )
        .defer_streamfields()
    )
    if organiser_id is not None:
        queryset = queryset.filter(organiser_id=organiser_id)
    if group_id is not None:
        queryset = queryset.filter(group_id=group_id)
    return list(queryset.order_by("start_at", "pk")[:limit])


# --- Event page -------------------------------------------------------------------------


def event_page_context(*, event: EventPage) -> dict[str, Any]:
    sessions = list(event.sessions.all().order_by("start_at", "pk"))
    confirmed = event.registrations.filter(status__in=Registration.PLACE_HOLDING).count()
    event.confirmed_count = confirmed
    group = event.group if event.group_id else None
    return {
        "sessions": sessions,
        # A working group taken offline is not linked to.
        "group": group if group is not None and group.live else None,
        **classification_context(event),
        "confirmed_count": confirmed,
    }


def places_left(event: EventPage) -> int | None:
    """Places still free, None without a limit (uses `confirmed_count` when present)."""
    if event.capacity is None:
        return None
    confirmed = getattr(event, "confirmed_count", None)
    if confirmed is None:
        confirmed = event.registrations.filter(status__in=Registration.PLACE_HOLDING).count()
    return max(event.capacity - confirmed, 0)


# --- Feeds ------------------------------------------------------------------------------


# Plain slots (not frozen): a feed builds thousands of them.
@dataclass(slots=True)
class FeedSession:
    uid: str
    event_id: int
    title: str
    summary: str
    url_path: str
    kind: str
    status: str
    format: str
    venue: str
    label: str
    start_at: datetime.datetime
    end_at: datetime.datetime
    cancelled: bool
    position: int
    total: int
    last_published_at: datetime.datetime | None


def feed_sessions(events: QuerySet[EventPage], *, limit: int) -> list[FeedSession]:
    """One row per session of the first `limit` events, from `values_list()` rows: two
    queries whatever the number of events."""
    event_rows = {
        row[0]: row
        for row in events[:limit].values_list(
            "pk",
            "title",
            "summary_text",
            "listing_summary",
            "url_path",
            "kind",
            "status",
            "format",
            "venue_name",
            "venue_address",
            "venue_postcode",
            "venue_city",
            "last_published_at",
        )
    }
    sessions: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        EventSession.objects.filter(event_id__in=list(event_rows))
        .order_by("event_id", "start_at", "pk")
        .values_list("pk", "event_id", "label", "start_at", "end_at", "cancelled")
    ):
        sessions[row[1]].append(row)
    result = []
    for event_id, row in event_rows.items():
        (_pk, title, summary, listing, url_path, kind, status, fmt, *venue, published) = row
        rows = sessions.get(event_id, [])
        for position, (pk, _e, label, start, end, cancelled) in enumerate(rows, start=1):
            result.append(
                FeedSession(
                    uid=f"evenement-{event_id}-seance-{pk}",
                    event_id=event_id,
                    title=title,
                    summary=listing or summary,
                    url_path=url_path,
                    kind=kind,
                    status=status,
                    format=fmt,
                    venue=", ".join(v for v in venue if v),
                    label=label,
                    start_at=start,
                    end_at=end,
                    cancelled=cancelled,
                    position=position,
                    total=len(rows),
                    last_published_at=published,
                )
            )
    return result


def site_root_paths(request) -> tuple[str, str]:
    """(root URL, root page's url_path) of the request's site: event URLs from url_path."""
    from wagtail.models import Site

    site = Site.find_for_request(request)
    if site is None:
        return "", "/"
    root_path = Page.objects.filter(pk=site.root_page_id).values_list("url_path", flat=True)
    return site.root_url, (root_path.first() or "/")


def url_from_path(url_path: str, *, root_url: str, root_path: str) -> str:
    if url_path.startswith(root_path):
        return f"{root_url}/{url_path[len(root_path) :]}"
    return f"{root_url}{url_path}"


def site_relative_url(request, url_path: str) -> str:
    """A page's URL from its `url_path`, relative to the request's site (no query when the
    request already holds Wagtail's site root paths, as every page view does)."""
    from wagtail.models import Site

    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return url_path
    for root in Site.get_site_root_paths():
        if root.site_id == site.pk and url_path.startswith(root.root_path):
            return "/" + url_path[len(root.root_path) :]
    return url_path


def member_upcoming_events(*, root: Page, limit: int = 10) -> list[EventPage]:
    """The events still to come under an actor page, drafts included, each with its number of
    confirmed registrations and of people on its waiting list (one query)."""
    return list(
        EventPage.objects.descendant_of(root)
        .filter(Q(end_at__gte=timezone.now()) | Q(end_at__isnull=True))
        .annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
            ),
            waiting_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITING)
            ),
        )
        .only("pk", "title", "live", "start_at", "end_at", "capacity", "registration_mode")
        .order_by(Coalesce("start_at", "first_published_at").asc(nulls_last=True), "pk")[:limit]
    )


def registration_initial(*, user) -> dict[str, Any]:
    """What the registration form can fill in for a logged-in person: its name and address
    from the account, its structure from its member space (a published actor)."""
    if not (user and user.is_authenticated):
        return {}
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    actor_id = (
        member_spaces_for(user)
        .filter(actor__live=True)
        .order_by("pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    if actor_id:
        initial["actor"] = actor_id
    return {name: value for name, value in initial.items() if value}
