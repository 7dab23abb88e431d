"""Reads behind the widgets: an actor's upcoming events and projects, the agenda filtered,
the open calls, and where the directory's map data is. Only what a visitor of the portal
may see: published pages without a view restriction, and no members-only event."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Site

from directory.models import ActorPage, DirectoryPage, ProjectPage
from events.filters import AgendaFilters
from events.models.pages import Audience, EventKind
from events.selectors import event_queryset, filtered_events
from resources.selectors import open_calls

WIDGET_ITEMS = 10  # events, projects or calls a widget lists at most


@dataclass(frozen=True)
class WidgetItem:
    """One line of a widget: a title linking to the portal, a date and a short detail."""

    title: str
    url: str
    start: datetime.datetime | datetime.date | None = None
    end: datetime.datetime | datetime.date | None = None
    detail: str = ""


def site_root_url() -> str:
    """The portal's address (`https://…`), for links and snippets pasted on other sites."""
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else ""


def find_actor(*, key: str) -> ActorPage | None:
    """A published, public actor by its id or its slug."""
    actors = ActorPage.objects.live().public()
    if key.isdigit():
        return actors.filter(pk=int(key)).first()
    return actors.filter(slug=key).order_by("pk").first()


def _event_items(queryset) -> list[WidgetItem]:
    kinds = dict(EventKind.choices)
    rows = queryset.exclude(audience=Audience.MEMBERS).only(
        "pk", "title", "url_path", "path", "depth", "start_at", "end_at", "kind", "venue_city"
    )[:WIDGET_ITEMS]
    return [
        WidgetItem(
            title=event.title,
            url=event.get_full_url() or "",
            start=event.start_at,
            end=event.end_at,
            detail=" · ".join(
                str(part) for part in (kinds.get(event.kind, ""), event.venue_city) if part
            ),
        )
        for event in rows
    ]


def actor_events(*, actor: ActorPage) -> list[WidgetItem]:
    """The actor's upcoming public events: those it organises and those in its space."""
    queryset = (
        event_queryset()
        .filter(Q(organiser_id=actor.pk) | Q(path__startswith=actor.path, depth__gt=actor.depth))
        .filter(end_at__gte=timezone.now())
        .order_by("start_at", "pk")
    )
    return _event_items(queryset)


def actor_projects(*, actor: ActorPage) -> list[WidgetItem]:
    projects = (
        ProjectPage.objects.child_of(actor)
        .live()
        .public()
        .only("pk", "title", "url_path", "path", "depth", "start_year", "end_year")
        .order_by("-start_year", "title", "pk")[:WIDGET_ITEMS]
    )
    return [
        WidgetItem(
            title=project.title,
            url=project.get_full_url() or "",
            detail="–".join(str(year) for year in (project.start_year, project.end_year) if year),
        )
        for project in projects
    ]


def agenda_events(*, filters: AgendaFilters) -> list[WidgetItem]:
    return _event_items(filtered_events(filters=filters))


def calls(*, limit: int = WIDGET_ITEMS) -> list[WidgetItem]:
    return [
        WidgetItem(
            title=call.title,
            url=call.get_full_url() or "",
            end=call.closing_date,
            detail=call.funder_name,
        )
        for call in open_calls(limit=limit)
    ]


def agenda_url() -> str:
    from events.models import EventIndexPage

    index = EventIndexPage.objects.live().public().order_by("path").first()
    return index.get_full_url() if index else f"{site_root_url()}/"


def calls_url() -> str:
    from resources.models import CallIndexPage

    index = CallIndexPage.objects.live().public().order_by("path").first()
    return index.get_full_url() if index else f"{site_root_url()}/"


def directory_page() -> DirectoryPage | None:
    return DirectoryPage.objects.live().public().order_by("path").first()
