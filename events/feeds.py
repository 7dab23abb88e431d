"""iCalendar feeds (the `icalendar` library) and the RSS feed of upcoming events."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vText

from .models import EventPage
from .models.pages import EventStatus
from .selectors import FeedSession

PRODID = "-//SO Coopération//Agenda//FR"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _vtimezone(sessions: Iterable[FeedSession]) -> Timezone:
    """The Europe/Paris VTIMEZONE covering the sessions' years (from the tz database)."""
    starts = [s.start_at for s in sessions] or [timezone.now()]
    ends = [s.end_at for s in sessions] or [timezone.now()]
    first = min(starts) - datetime.timedelta(days=366)
    last = max(ends) + datetime.timedelta(days=366)
    return Timezone.from_tzid(
        settings.TIME_ZONE,
        first_date=first.date(),
        last_date=last.date(),
    )


def _event(session: FeedSession, *, url: str, stamp: datetime.datetime) -> Event:
    zone = ZoneInfo(settings.TIME_ZONE)
    vevent = Event()
    vevent.add("uid", f"{session.uid}@so-cooperation")
    title = session.title
    if session.total > 1:
        title = f"{title} ({session.position}/{session.total})"
    if session.label:
        title = f"{title} – {session.label}"
    vevent.add("summary", title)
    vevent.add("dtstart", session.start_at.astimezone(zone))
    vevent.add("dtend", session.end_at.astimezone(zone))
    vevent.add("dtstamp", stamp)
    if session.last_published_at:
        vevent.add("last-modified", session.last_published_at)
    description = "\n\n".join(part for part in (session.summary, url) if part)
    vevent.add("description", description)
    vevent.add("url", url)
    if session.format == "en_ligne":
        vevent.add("location", vText(_("En ligne")))
    elif session.venue:
        vevent.add("location", session.venue)
    cancelled = session.cancelled or session.status == EventStatus.CANCELLED
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return vevent


def build_calendar(
    sessions: list[FeedSession], *, name: str, url_for: Callable[[FeedSession], str]
) -> bytes:
    """One VEVENT per session, times at Paris time with their VTIMEZONE."""
    calendar = _calendar(name)
    calendar.add_component(_vtimezone(sessions))
    stamp = timezone.now().replace(microsecond=0)
    for session in sessions:
        calendar.add_component(_event(session, url=url_for(session), stamp=stamp))
    return calendar.to_ical()


# --- RSS ------------------------------------------------------------------------------------


class UpcomingEventsFeed(Feed):
    """RSS 2.0 of upcoming events (`/agenda/rss/`)."""

    feed_type = Rss201rev2Feed

    def __init__(self, *, index, items: list[EventPage], request) -> None:
        super().__init__()
        self.index = index
        self.events = items
        self.request = request

    def title(self) -> str:
        return _("Agenda – prochains événements")

    def link(self) -> str:
        return self.index.get_url(self.request) or "/"

    def description(self) -> str:
        return _("Formations, webinaires et rencontres du réseau et de ses membres.")

    def items(self) -> list[EventPage]:
        return self.events

    def item_title(self, item: EventPage) -> str:
        from .dates import event_dates

        return f"{item.title} – {event_dates(item.start_at, item.end_at, item.session_count)}"

    def item_description(self, item: EventPage) -> str:
        return item.summary

    def item_link(self, item: EventPage) -> str:
        return item.get_url(self.request)

    def item_pubdate(self, item: EventPage) -> datetime.datetime | None:
        return item.first_published_at

    def item_categories(self, item: EventPage) -> list[str]:
        return [str(item.get_kind_display())]
