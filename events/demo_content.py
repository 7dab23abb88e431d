"""The agenda's demo content: the 2020 activity report's trainings, group meetings and
webinars as past events (dates, places, sessions, participants, satisfaction), and a dozen
upcoming events (one full with a waiting list, one for members only, a member's event
waiting in moderation). The texts are in `events/demo/events.yaml`. People named in
registrations are fictitious."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import Page

from directory.models import ActorPage, Theme
from home.demo_content import (
    DemoRun,
    Kind,
    PageSpec,
    illustration_for,
    reference_day,
    register_step,
    sync_pages,
)
from home.demo_data import Where, check_name, read_records

from .models import EventIndexPage, EventPage, EventSession, Registration

EVENTS = Kind("événement", "événements")
REGISTRATIONS = Kind("inscription", "inscriptions", feminine=True)


def paris(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def _ahead(weeks: int, weekday: int = 1) -> datetime.date:
    """A date `weeks` weeks from the first day of next month, on `weekday` (0 = Monday)."""
    today = reference_day()
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    start = first + datetime.timedelta(weeks=weeks)
    return start + datetime.timedelta(days=(weekday - start.weekday()) % 7)


# --- Content: events/demo/events.yaml -------------------------------------------------------

DATA = Path(__file__).resolve().parent / "demo" / "events.yaml"
HOURS = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class Session:
    """A past session has its `date`; an upcoming one is `weeks` weeks after the first day of
    next month, on `weekday`."""

    hours: str
    label: str = ""
    date: datetime.date | None = None
    weeks: int | None = None
    weekday: int = 1

    def times(self) -> tuple[datetime.datetime, datetime.datetime, str]:
        day = self.date or _ahead(self.weeks or 0, self.weekday)
        start_h, start_m, end_h, end_m = map(int, HOURS.fullmatch(self.hours).groups())
        return (
            paris(day.year, day.month, day.day, start_h, start_m),
            paris(day.year, day.month, day.day, end_h, end_m),
            self.label,
        )


@dataclass(frozen=True)
class Event:
    slug: str
    title: str
    kind: str
    summary: str
    sessions: list[Session]
    themes: list[str] = field(default_factory=list)
    place: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AgendaPage:
    slug: str
    title: str
    introduction: str


@dataclass(frozen=True)
class Registrant:
    first_name: str
    last_name: str
    email: str
    organisation: str
    status: str


@dataclass(frozen=True)
class WaitingList:
    event: str
    registrations: list[Registrant]


@dataclass(frozen=True)
class GroupEvent:
    event: str
    group: str


@dataclass(frozen=True)
class AgendaData:
    agenda: AgendaPage
    places: dict[str, dict[str, str]]
    past: list[Event]
    upcoming: list[Event]
    waiting_list: WaitingList
    group_events: list[GroupEvent]
    member_event: Event
    member_draft: Event


@functools.cache
def agenda_data() -> AgendaData:
    data = read_records(DATA, AgendaData)
    top = Where.of(DATA)
    lists = {"past": data.past, "upcoming": data.upcoming}
    for name, events in lists.items():
        for number, event in enumerate(events):
            _check(event, data, top.key(name).index(number))
    _check(data.member_event, data, top.key("member_event"))
    _check(data.member_draft, data, top.key("member_draft"))
    return data


def _check(event: Event, data: AgendaData, where: Where) -> None:
    if event.place:
        check_name(event.place, data.places, where.key("place"), what="lieu")
    for number, session in enumerate(event.sessions):
        place = where.key("sessions").index(number)
        if not HOURS.fullmatch(session.hours):
            raise place.key("hours").error(
                f"heures « HH:MM-HH:MM » attendues, pas {session.hours!r}"
            )
        if (session.date is None) == (session.weeks is None):
            raise place.error("une séance a soit une date (date), soit un décalage (weeks)")


@dataclass
class EventSpec:
    slug: str
    title: str
    kind: str
    summary: str
    sessions: list[tuple[datetime.datetime, datetime.datetime, str]]
    themes: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)


def event_spec(event: Event, **fields: Any) -> EventSpec:
    """An event of the data, at its place, with `fields` added."""
    place = agenda_data().places.get(event.place, {})
    return EventSpec(
        event.slug,
        event.title,
        event.kind,
        event.summary,
        [session.times() for session in event.sessions],
        list(event.themes),
        {**place, **event.fields, **fields},
    )


def past_events() -> list[EventSpec]:
    """The report's 2020 trainings (« Formations réalisées en 2020 ») and group meetings."""
    return [event_spec(event) for event in agenda_data().past]


def upcoming_events() -> list[EventSpec]:
    return [event_spec(event) for event in agenda_data().upcoming]


def _apply_event(page: EventPage, spec: EventSpec, *, themes: dict[str, Theme]) -> None:
    """Sessions and themes of an event that has none yet, in a published revision."""
    for position, (start, end, label) in enumerate(spec.sessions):
        page.sessions.add(
            EventSession(start_at=start, end_at=end, label=label, sort_order=position)
        )
    page.themes.set([themes[slug] for slug in spec.themes if slug in themes])
    page.save_revision().publish()


def _specs(run: DemoRun, specs: list[EventSpec]) -> list[PageSpec]:
    return [
        PageSpec(
            EventPage,
            spec.slug,
            spec.title,
            static={
                "kind": spec.kind,
                "summary_text": spec.summary,
                # A drawn illustration of its first theme, for its card and its page.
                "listing_image": illustration_for(run, spec.themes),
                **spec.fields,
            },
        )
        for spec in specs
    ]


@register_step(order=60, label="Agenda : événements 2020 et à venir")
def events_step(run: DemoRun) -> str:
    home = run.pages["accueil"]
    data = agenda_data()
    agenda_spec = PageSpec(
        EventIndexPage,
        data.agenda.slug,
        data.agenda.title,
        static={"show_in_menus": True, "introduction": data.agenda.introduction},
    )
    sync_pages(run, parent=home, specs=[agenda_spec])
    agenda = run.pages[data.agenda.slug]
    specs = past_events() + upcoming_events()
    sync_pages(run, parent=agenda, specs=_specs(run, specs))
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    tally = run.tally(EVENTS)
    for spec in specs:
        page = EventPage.objects.get(pk=run.pages[spec.slug].pk)
        if not page.sessions.exists():
            _apply_event(page, spec, themes=themes)
            tally.created += 1
    full = EventPage.objects.get(pk=run.pages[data.waiting_list.event].pk)
    registrations = run.tally(REGISTRATIONS)
    for person in data.waiting_list.registrations:
        _, created = Registration.objects.get_or_create(
            event=full,
            email=person.email,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "organisation": person.organisation,
                "status": person.status,
                "consent": True,
            },
        )
        registrations.created += created
    member_events = _member_events(run)
    return (
        f"{EVENTS.phrase(tally.created, tally.updated)} ; "
        f"{REGISTRATIONS.phrase(registrations.created, 0)}" + member_events
    )


def _member_events(run: DemoRun) -> str:
    """A published event of a member, and one waiting for the editors' approval, when the
    directory's demo has actors."""
    actors = list(ActorPage.objects.live().order_by("path")[:2])
    if not actors:
        return ""
    # At the first actor's address.
    published = event_spec(
        agenda_data().member_event,
        venue_name=actors[0].title,
        venue_address=actors[0].address,
        venue_postcode=actors[0].postcode,
        venue_city=actors[0].city or "Bordeaux",
        location=actors[0].location,
    )
    sync_pages(run, parent=actors[0], specs=_specs(run, [published]))
    page = EventPage.objects.get(pk=run.pages[published.slug].pk)
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    if not page.sessions.exists():
        _apply_event(page, published, themes=themes)
    # A draft submitted for moderation, as a member would leave it.
    parent = actors[-1]
    wanted = event_spec(agenda_data().member_draft)
    draft = parent.get_children().filter(slug=wanted.slug).first()
    if draft is None:
        draft = EventPage(
            title=wanted.title,
            slug=wanted.slug,
            kind=wanted.kind,
            summary_text=wanted.summary,
            live=False,
            **wanted.fields,
        )
        parent.add_child(instance=draft)
        for start, end, label in wanted.sessions:
            draft.sessions.add(EventSession(start_at=start, end_at=end, label=label))
        draft.save_revision()
        run.tally(EVENTS).created += 1
    return " ; 1 événement de membre publié, 1 en attente de modération"


# After the agenda and the working groups (both at 60, in any order).
@register_step(order=65, label="Agenda : réunions des groupes de travail")
def group_events_step(run: DemoRun) -> str:
    """Link the groups' meetings and webinars to their group pages, when they exist."""
    groups = {
        page.slug: page
        for page in Page.objects.filter(
            content_type__app_label="working_groups", content_type__model="grouppage"
        ).only("pk", "slug")
    }
    linked = 0
    for link in agenda_data().group_events:
        group = groups.get(link.group)
        event = EventPage.objects.filter(slug=link.event).first()
        if group is None or event is None or event.group_id == group.pk:
            continue
        event.group_id = group.pk
        event.save_revision().publish()
        linked += 1
    noun = "événement relié" if linked < 2 else "événements reliés"
    return f"{linked} {noun} à leur groupe de travail"


@register_step(order=95, label="Agenda : droits des éditeurs et modération")
def editors_step(run: DemoRun) -> str:
    """Editors manage registrations; the member's draft enters the moderation workflow."""
    granted = 0
    group = Group.objects.filter(name="Éditeurs").first()
    if group is not None:
        for codename in ("view", "add", "change", "delete"):
            permission = Permission.objects.get(
                content_type__app_label="events", codename=f"{codename}_registration"
            )
            if not group.permissions.filter(pk=permission.pk).exists():
                group.permissions.add(permission)
                granted += 1
    moderated = 0
    draft = EventPage.objects.filter(slug=agenda_data().member_draft.slug, live=False).first()
    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if draft is not None and user is not None and not draft.workflow_in_progress:
        workflow = draft.get_workflow()
        if workflow is not None:
            workflow.start(draft, user)
            moderated = 1
    return f"{granted} droits ajoutés ; {moderated} événement soumis à la modération"
