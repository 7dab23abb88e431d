"""The agenda's sections in other apps' pages: `{% load events_tags %}`, then
`{% upcoming_events %}` (home page) or `{% upcoming_events organiser=page %}` (actor page)."""

from __future__ import annotations

from django import template

from ..selectors import upcoming_events as select_upcoming
from ..views import decorate

register = template.Library()


@register.inclusion_tag("events/includes/upcoming_events.html", takes_context=True)
def upcoming_events(context, limit: int = 3, organiser=None, heading_level: int = 2) -> dict:
    from ..models import EventIndexPage

    organiser_id = getattr(organiser, "pk", None)
    events = [decorate(event) for event in select_upcoming(limit=limit, organiser_id=organiser_id)]
    index = EventIndexPage.objects.live().only("pk", "url_path").first()
    return {
        "request": context.get("request"),
        "events": events,
        "agenda": index,
        "for_actor": organiser is not None,
        "heading_tag": f"h{heading_level}",
    }
