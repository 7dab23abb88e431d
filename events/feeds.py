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
from icalendar import Calendar, Timezone

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


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping (3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> bytes:
    """A content line folded at 75 octets without cutting a UTF-8 character (3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    parts = []
    limit = 75
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # inside a multi-byte character
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
        limit = 74  # continuation lines start with a space
    parts.append(data)
    return b"\r\n ".join(parts) + b"\r\n"


def _vevent(session: FeedSession, *, url: str, stamp: str, zone: ZoneInfo, online: str) -> bytes:
    """One VEVENT written directly: building thousands of icalendar components costs
    seconds; the envelope and the VTIMEZONE come from icalendar, and the tests read every
    feed back with its parser."""
    local_format = "%Y%m%dT%H%M%S"
    title = session.title
    if session.total > 1:
        title = f"{title} ({session.position}/{session.total})"
    if session.label:
        title = f"{title} – {session.label}"
    description = "\n\n".join(part for part in (session.summary, url) if part)
    cancelled = session.cancelled or session.status == EventStatus.CANCELLED
    lines = [
        "BEGIN:VEVENT",
        f"UID:{session.uid}@so-cooperation",
        f"DTSTAMP:{stamp}",
        f"DTSTART;TZID={zone.key}:{session.start_at.astimezone(zone).strftime(local_format)}",
        f"DTEND;TZID={zone.key}:{session.end_at.astimezone(zone).strftime(local_format)}",
        f"SUMMARY:{_text(title)}",
        f"DESCRIPTION:{_text(description)}",
        f"URL:{url}",
    ]
    if session.last_published_at:
        modified = session.last_published_at.astimezone(datetime.UTC)
        lines.append(f"LAST-MODIFIED:{modified.strftime(local_format)}Z")
    if session.format == "en_ligne":
        lines.append(f"LOCATION:{_text(online)}")
    elif session.venue:
        lines.append(f"LOCATION:{_text(session.venue)}")
    lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
    lines.append("END:VEVENT")
    return b"".join(_fold(line) for line in lines)


def build_calendar(
    sessions: list[FeedSession], *, name: str, url_for: Callable[[FeedSession], str]
) -> bytes:
    """One VEVENT per session, times at Paris time with their VTIMEZONE."""
    calendar = _calendar(name)
    calendar.add_component(_vtimezone(sessions))
    envelope = calendar.to_ical()
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    online = str(_("En ligne"))
    body = b"".join(
        _vevent(session, url=url_for(session), stamp=stamp, zone=zone, online=online)
        for session in sessions
    )
    end = b"END:VCALENDAR\r\n"
    if not envelope.endswith(end):
        raise ValueError("unexpected iCalendar envelope")
    return envelope[: -len(end)] + body + end


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
