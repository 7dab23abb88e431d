"""Alerts on filtered listings: what each listing's query string means, the French label of
a listing state, what appeared in it since a date, and the digests.

The filters are each app's own (`DirectoryFilters`, `AgendaFilters`, `ListingFilters`) and so
are the querysets (`filtered_actors`, `filtered_events`, resources' `apply_filters`): an alert
matches exactly what the listing shows, and bad values are dropped the way the listing drops
them."""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.core.mail import get_connection
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from directory.filters import DirectoryFilters
from directory.models import DirectoryPage
from directory.selectors import active_filter_labels as directory_labels
from directory.selectors import filtered_actors, taxonomy_choices
from events.filters import AgendaFilters, group_choices
from events.models import EventIndexPage
from events.models.pages import EventKind
from events.selectors import filtered_events
from resources import selectors as resource_selectors
from resources.filters import ListingFilters
from resources.models import CallIndexPage, NewsIndexPage, OpportunityIndexPage, ResourceIndexPage

from . import links
from .mailing import build_message
from .models import Alert, AlertFrequency, AlertListing, SubscriberStatus

logger = logging.getLogger(__name__)

# The most items of one alert a digest lists (the others are counted, with a link).
MAX_ITEMS_PER_ALERT = 10
# How long after the previous digest the next one is due; an hour of slack so that a job
# run at the same time each day or week never skips a turn.
PERIODS = {
    AlertFrequency.DAILY: datetime.timedelta(days=1),
    AlertFrequency.WEEKLY: datetime.timedelta(days=7),
}
SLACK = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class FollowedListing:
    """How an alert reads one listing."""

    key: str
    parse: Callable[[QueryDict], Any]
    labels: Callable[[Any], list[str]]
    queryset: Callable[[Any, datetime.datetime], QuerySet]
    index_model: type


def _sdg_or(label: str, name: str, value: str) -> str:
    return f"ODD {value}" if name == "odd" else label


def _directory_labels(filters: DirectoryFilters) -> list[str]:
    return [
        _sdg_or(str(item.label), name, value)
        for item, (name, value) in zip(directory_labels(filters), filters.items(), strict=True)
    ]


def _directory_queryset(filters: DirectoryFilters, now: datetime.datetime) -> QuerySet:
    directory = DirectoryPage.objects.live().first()
    if directory is None:
        return DirectoryPage.objects.none()
    return filtered_actors(directory=directory, filters=filters)


def _agenda_parse(query: QueryDict) -> AgendaFilters:
    # An alert follows what is announced: the month and the archive do not apply.
    return dataclasses.replace(AgendaFilters.from_query(query), mois="", passes=False)


def _agenda_labels(filters: AgendaFilters) -> list[str]:
    choices = taxonomy_choices()
    labelled = {
        "type": {k: str(v) for k, v in EventKind.choices},
        "theme": dict(choices["theme"]),
        "departement": dict(choices["departement"]),
        "groupe": {g.slug: g.title for g in group_choices()},
    }
    return [labelled[name].get(value, value) for name, value in filters.items()]


def _agenda_queryset(filters: AgendaFilters, now: datetime.datetime) -> QuerySet:
    return filtered_events(filters=filters, now=now)


def _resources_listing(key: str, index_model: type) -> FollowedListing:
    spec = resource_selectors.LISTINGS[key]

    def parse(query: QueryDict) -> ListingFilters:
        return ListingFilters.from_query(query, kind_choices=spec.kind_choices)

    def labels(filters: ListingFilters) -> list[str]:
        active = resource_selectors.active_filter_labels(filters, listing=key)
        return [
            _sdg_or(str(item.label), name, value)
            for item, (name, value) in zip(active, filters.items(), strict=True)
        ]

    def queryset(filters: ListingFilters, now: datetime.datetime) -> QuerySet:
        base = resource_selectors.base_queryset(listing=key)
        return resource_selectors.apply_filters(base, filters, listing=key)

    return FollowedListing(key, parse, labels, queryset, index_model)


FOLLOWED: dict[str, FollowedListing] = {
    AlertListing.DIRECTORY: FollowedListing(
        AlertListing.DIRECTORY,
        DirectoryFilters.from_query,
        _directory_labels,
        _directory_queryset,
        DirectoryPage,
    ),
    AlertListing.AGENDA: FollowedListing(
        AlertListing.AGENDA, _agenda_parse, _agenda_labels, _agenda_queryset, EventIndexPage
    ),
    AlertListing.NEWS: _resources_listing("news", NewsIndexPage),
    AlertListing.CALLS: _resources_listing("calls", CallIndexPage),
    AlertListing.OFFERS: _resources_listing("offers", OpportunityIndexPage),
    AlertListing.RESOURCES: _resources_listing("resources", ResourceIndexPage),
}


@dataclass(frozen=True)
class ListingState:
    """A listing and its validated filters: what an alert stores."""

    listing: str
    query: str
    label: str


def listing_state(listing: str, query: QueryDict | str) -> ListingState | None:
    """The normalised state of a listing from a query string (bad values dropped, stable
    order), or None for a listing alerts do not follow."""
    followed = FOLLOWED.get(listing)
    if followed is None:
        return None
    if isinstance(query, str):
        query = QueryDict(query)
    filters = followed.parse(query)
    parts = [str(AlertListing(listing).label), *followed.labels(filters)]
    return ListingState(listing=listing, query=filters.querystring(), label=" · ".join(parts))


def listing_url(listing: str, query: str = "") -> str:
    """The public listing (absolute), with the alert's filters."""
    followed = FOLLOWED[listing]
    index = followed.index_model.objects.live().first()
    if index is None:
        return links.site_root_url() + "/"
    url = index.get_full_url() or links.site_root_url() + index.url
    return url + (f"?{query}" if query else "")


def new_items(alert: Alert, *, since: datetime.datetime, until: datetime.datetime) -> QuerySet:
    """The pages of the alert's listing state first published in (since, until]."""
    followed = FOLLOWED[alert.listing]
    filters = followed.parse(QueryDict(alert.query))
    return (
        followed.queryset(filters, until)
        .filter(first_published_at__gt=since, first_published_at__lte=until)
        .order_by("-first_published_at", "pk")
        .defer_streamfields()
    )


@dataclass
class DigestSection:
    alert: Alert
    items: list[dict[str, str]]
    more: bool
    url: str


@dataclass
class DigestSummary:
    frequency: str
    alerts: int = 0
    subscribers: int = 0
    sent: int = 0
    nothing_new: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        return _(
            "%(alerts)s alerte(s) à traiter pour %(subscribers)s abonné(s) : %(sent)s "
            "envoi(s), %(empty)s sans nouveauté, %(failed)s échec(s)."
        ) % {
            "alerts": self.alerts,
            "subscribers": self.subscribers,
            "sent": self.sent,
            "empty": self.nothing_new,
            "failed": self.failed,
        }


def build_digest(alerts: list[Alert], *, now: datetime.datetime) -> list[DigestSection]:
    """For each alert, what appeared since its last digest (or its confirmation); alerts
    with nothing new are left out. One query per alert, whatever the number of pages."""
    root = links.site_root_url()
    sections = []
    for alert in alerts:
        since = alert.last_sent_at or alert.confirmed_at or alert.created_at
        pages = list(new_items(alert, since=since, until=now)[: MAX_ITEMS_PER_ALERT + 1])
        if not pages:
            continue
        items = [
            {"title": page.title, "url": page.get_full_url() or root + "/"}
            for page in pages[:MAX_ITEMS_PER_ALERT]
        ]
        sections.append(
            DigestSection(
                alert=alert,
                items=items,
                more=len(pages) > MAX_ITEMS_PER_ALERT,
                url=listing_url(alert.listing, alert.query),
            )
        )
    return sections


def due_alerts(*, frequency: str, now: datetime.datetime) -> QuerySet[Alert]:
    """Confirmed alerts of mailable subscribers whose next digest is due."""
    period = PERIODS[AlertFrequency(frequency)]
    return (
        Alert.objects.filter(
            frequency=frequency,
            confirmed_at__isnull=False,
            subscriber__status=SubscriberStatus.CONFIRMED,
            subscriber__suppressed_at__isnull=True,
        )
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - period + SLACK))
        .select_related("subscriber")
        .order_by("subscriber_id", "pk")
    )


def digest_message(*, subscriber, sections: list[DigestSection]):
    context = {
        "subscriber": subscriber,
        "sections": sections,
        "preferences_url": links.preferences_url(subscriber),
        "unsubscribe_url": links.unsubscribe_url(subscriber),
    }
    if len(sections) == 1:
        subject = _("Alerte « %(label)s » : du nouveau") % {"label": sections[0].alert.label}
    else:
        subject = _("Vos alertes : du nouveau dans %(count)s listes") % {"count": len(sections)}
    return build_message(
        subscriber=subscriber,
        subject=subject,
        html_body=render_to_string("newsletter/alerts/email/digest.html", context),
        text_body=render_to_string("newsletter/alerts/email/digest.txt", context),
    )


def send_due_digests(
    *,
    frequency: str,
    now: datetime.datetime,
    progress: Callable[[int, int], None] | None = None,
) -> DigestSummary:
    """One e-mail per subscriber with the new items of its due alerts, only when there is
    something new. An alert's `last_sent_at` moves to `now` once it has been checked (and its
    e-mail sent); a failed e-mail leaves it, so the next run tries again."""
    summary = DigestSummary(frequency=str(frequency))
    alerts = list(due_alerts(frequency=frequency, now=now))
    summary.alerts = len(alerts)
    by_subscriber = [
        (key, list(group)) for key, group in groupby(alerts, lambda a: a.subscriber_id)
    ]
    summary.subscribers = len(by_subscriber)
    connection = get_connection()
    for position, (_subscriber_id, group) in enumerate(by_subscriber, start=1):
        subscriber = group[0].subscriber
        sections = build_digest(group, now=now)
        if sections:
            message = digest_message(subscriber=subscriber, sections=sections)
            message.connection = connection
            try:
                message.send()
            except Exception as error:  # a provider outage: retried at the next run
                summary.failed += 1
                summary.errors.append(type(error).__name__)
                logger.error("Alert digest not sent: %s", type(error).__name__)
                continue
            summary.sent += 1
        else:
            summary.nothing_new += 1
        Alert.objects.filter(pk__in=[alert.pk for alert in group]).update(last_sent_at=now)
        if progress:
            progress(position, len(by_subscriber))
    return summary


@task()
def send_due_digests_task(frequency: str) -> dict:
    """The digest job for the background worker (`send_alerts` runs it in the foreground)."""
    summary = send_due_digests(frequency=frequency, now=timezone.now())
    return dataclasses.asdict(summary)
