"""The agenda's sections in other apps' pages: `{% load events_tags %}`, then
`{% upcoming_events %}` (home page), `{% upcoming_events organiser=page %}` (actor page) or
`{% group_next_meetings page meetings as rows %}` (a working group's page).

One query, no image: the home page has a tight query budget. Nothing is shown when no
event is coming."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django import template
from django.utils.translation import gettext as _

from ..selectors import upcoming_events as select_upcoming
from ..views import decorate

register = template.Library()


@register.inclusion_tag("events/includes/upcoming_events.html", takes_context=True)
def upcoming_events(context, limit: int = 3, organiser=None) -> dict:
    organiser_id = getattr(organiser, "pk", None)
    events = [decorate(e) for e in select_upcoming(limit=limit, organiser_id=organiser_id)]
    agenda_url = ""
    request = context.get("request")
    if events and events[0].agenda_url_path:
        from ..selectors import site_relative_url

        agenda_url = site_relative_url(request, events[0].agenda_url_path)
    return {
        "request": request,
        "events": events,
        "agenda_url": agenda_url,
        "for_actor": organiser is not None,
    }


@dataclass(frozen=True)
class MeetingRow:
    start: datetime
    title: str
    url: str
    place: str
    sessions: int = 1


class MeetingRows(list):
    """The rows, and the agenda filtered on the group ("" when the group has no event)."""

    agenda_url: str = ""
    calendar_url: str = ""


# The group page lists this many of its upcoming events at most.
GROUP_EVENTS_LIMIT = 10


@register.simple_tag(takes_context=True)
def group_next_meetings(context, group, meetings=()) -> MeetingRows:
    """A working group's next meetings in date order: its upcoming published events of the
    agenda (one query, whatever their number) and the meetings typed on its page."""
    request = context.get("request")
    group_id = getattr(group, "pk", None)
    events = select_upcoming(limit=GROUP_EVENTS_LIMIT, group_id=group_id) if group_id else []
    rows = [
        MeetingRow(
            start=event.start_at,
            title=event.title,
            url=event.get_url(request) or "",
            place=_("En ligne") if event.is_online else event.venue_city or event.venue_name,
            sessions=event.session_count,
        )
        for event in events
    ]
    rows.extend(
        MeetingRow(start=m.date, title=m.title, url=m.link, place=m.place) for m in meetings
    )
    result = MeetingRows(sorted(rows, key=lambda row: row.start))
    if events and events[0].agenda_url_path:
        from ..selectors import site_relative_url

        agenda_url = site_relative_url(request, events[0].agenda_url_path)
        query = urlencode({"groupe": group.slug})
        result.agenda_url = f"{agenda_url}?{query}"
        result.calendar_url = f"{agenda_url}agenda.ics?{query}"
    return result
