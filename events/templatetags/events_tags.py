"""The agenda's sections in other apps' pages: `{% load events_tags %}`, then
`{% upcoming_events %}` (home page) or `{% upcoming_events organiser=page %}` (actor page).
A working group's page gets its events through the `working_group_meetings` hook
(`events/wagtail_hooks.py`).

One query, no image: the home page has a tight query budget. Nothing is shown when no
event is coming."""

from __future__ import annotations

from django import template

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
