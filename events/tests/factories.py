"""Factories of the agenda's pages, sessions and registrations."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from directory.tests.factories import PublishedPageFactory
from events.models import EventIndexPage, EventPage, EventSession, Registration
from home.tests.factories import HomePageFactory


class EventIndexPageFactory(PublishedPageFactory):
    title = "Agenda"
    slug = "agenda"
    introduction = "Formations, webinaires et rencontres du réseau et de ses membres."
    parent = factory.SubFactory(HomePageFactory, parent=None)

    class Meta:
        model = EventIndexPage


class EventPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Formation à la gestion de projet {n}")
    parent = factory.SubFactory(EventIndexPageFactory)
    kind = EventPage.Kind.TRAINING
    summary_text = "Une formation courte et gratuite pour les porteurs de projets."
    format = EventPage.Format.ONLINE

    class Meta:
        model = EventPage


def add_sessions(
    event: EventPage, *spans: tuple[datetime.datetime, datetime.datetime], **kwargs
) -> EventPage:
    """Give an event its sessions and store the dates derived from them."""
    for position, (start, end) in enumerate(spans):
        EventSession.objects.create(
            event=event, start_at=start, end_at=end, sort_order=position, **kwargs
        )
    refreshed = EventPage.objects.get(pk=event.pk)
    refreshed.sync_dates()
    EventPage.objects.filter(pk=event.pk).update(
        start_at=refreshed.start_at, end_at=refreshed.end_at, session_count=refreshed.session_count
    )
    event.refresh_from_db()
    return event


def paris(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def make_event(*, days_ahead: int = 10, hours: int = 3, sessions: int = 1, **kwargs) -> EventPage:
    """A published event starting `days_ahead` days from now, with its sessions a week apart."""
    event = EventPageFactory(**kwargs)
    base = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    spans = []
    for number in range(sessions):
        start = base + datetime.timedelta(days=days_ahead + 7 * number)
        spans.append((start, start + datetime.timedelta(hours=hours)))
    return add_sessions(event, *spans)


class RegistrationFactory(factory.django.DjangoModelFactory):
    event = factory.SubFactory(EventPageFactory)
    first_name = "Awa"
    last_name = factory.Sequence(lambda n: f"Traoré {n}")
    email = factory.Sequence(lambda n: f"personne{n}@exemple.org")
    organisation = "Association solidaire"
    consent = True

    class Meta:
        model = Registration
