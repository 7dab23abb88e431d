"""The event's derived dates, organiser and département, its sessions' checks, French dates."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from directory.models import ActorPage
from directory.tests.factories import ActorPageFactory, DirectoryPageFactory, departement
from events.dates import date_range, event_dates
from events.models import EventIndexPage, EventPage, EventSession
from home.models import HomePage

from .factories import EventPageFactory, add_sessions, paris

pytestmark = pytest.mark.django_db


def test_dates_come_from_the_sessions_and_ignore_a_cancelled_one(agenda):
    event = EventPageFactory(parent=agenda)
    EventSession.objects.create(
        event=event, start_at=paris(2020, 12, 10, 9), end_at=paris(2020, 12, 10, 12)
    )
    EventSession.objects.create(
        event=event, start_at=paris(2020, 12, 3, 9), end_at=paris(2020, 12, 3, 12)
    )
    EventSession.objects.create(
        event=event,
        start_at=paris(2020, 12, 17, 9),
        end_at=paris(2020, 12, 17, 12),
        cancelled=True,
    )
    event = EventPage.objects.get(pk=event.pk)
    event.save()
    event.refresh_from_db()
    assert event.start_at == paris(2020, 12, 3, 9)
    assert event.end_at == paris(2020, 12, 10, 12)
    assert event.session_count == 2


def test_publishing_a_revision_keeps_the_derived_dates(agenda):
    event = add_sessions(
        EventPageFactory(parent=agenda), (paris(2020, 9, 14), paris(2020, 9, 15, 17))
    )
    event.sessions.add(
        EventSession(start_at=paris(2020, 9, 20, 9), end_at=paris(2020, 9, 20, 12), sort_order=5)
    )
    event.save_revision().publish()
    event.refresh_from_db()
    assert event.end_at == paris(2020, 9, 20, 12)
    assert event.session_count == 2


def test_an_event_under_an_actor_page_is_organised_by_that_actor(home):
    actor = ActorPageFactory(parent=DirectoryPageFactory(parent=home))
    event = add_sessions(
        EventPageFactory(parent=actor), (paris(2030, 1, 10, 9), paris(2030, 1, 10, 12))
    )
    assert event.organiser_id == actor.pk
    assert event.organiser_name == actor.title


def test_without_an_organiser_the_network_organises(agenda):
    event = EventPageFactory(parent=agenda)
    assert event.organiser_id is None
    assert event.organiser_name == "SO Coopération"


def test_the_departement_comes_from_the_venue_postcode(agenda):
    event = EventPageFactory(
        parent=agenda,
        format=EventPage.Format.IN_PERSON,
        venue_city="Angoulême",
        venue_postcode="16000",
    )
    assert event.departement == departement("16")


def test_page_types_allowed(agenda):
    assert EventPage.can_create_at(agenda)
    assert EventPage in ActorPage.allowed_subpage_models()
    assert not EventPage.can_create_at(HomePage.objects.get())
    # One agenda only.
    assert not EventIndexPage.can_create_at(HomePage.objects.get())


def test_a_session_ending_before_it_starts_is_refused_by_the_database(agenda):
    event = EventPageFactory(parent=agenda)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventSession.objects.create(
            event=event, start_at=paris(2030, 1, 10, 12), end_at=paris(2030, 1, 10, 9)
        )


def _edit_form(event: EventPage, *, start: str, end: str):
    form_class = EventPage.get_edit_handler().get_form_class()
    data = nested_form_data(
        {
            "title": event.title,
            "slug": event.slug,
            "kind": "formation",
            "status": "prevu",
            "summary_text": "",
            "sessions": inline_formset(
                [{"label": "Séance 1", "start_at": start, "end_at": end, "cancelled": False}]
            ),
            "description": streamfield([]),
            "format": "en_ligne",
            "audience": "public",
            "price": "0",
            "registration_mode": "aucune",
        }
    )
    return form_class(data, instance=event, for_user=None, parent_page=event.get_parent())


def test_the_admin_form_refuses_a_session_ending_before_it_starts(agenda):
    event = EventPageFactory(parent=agenda)
    form = _edit_form(event, start="2030-01-10 14:00", end="2030-01-10 09:00")
    assert not form.is_valid()
    session_errors = form.formsets["sessions"].errors[0]
    assert "La fin de la séance précède son début." in session_errors["end_at"]


def test_the_admin_form_accepts_a_well_ordered_session(agenda):
    event = EventPageFactory(parent=agenda)
    form = _edit_form(event, start="2030-01-10 09:00", end="2030-01-10 12:00")
    assert form.is_valid(), form.errors
    page = form.save(commit=False)
    page.save()
    assert EventPage.objects.get(pk=event.pk).start_at == paris(2030, 1, 10, 9)


@pytest.mark.parametrize(
    ("start", "end", "sessions", "expected"),
    [
        (
            paris(2020, 11, 30, 14),
            paris(2020, 12, 4, 16),
            3,
            "du 30 novembre au 4 décembre 2020, 3 séances",
        ),
        (paris(2020, 12, 3, 9), paris(2020, 12, 10, 12), 2, "du 3 au 10 décembre 2020, 2 séances"),
        (paris(2020, 10, 16, 9), paris(2020, 10, 16, 17), 1, "le 16 octobre 2020"),
        (paris(2020, 12, 30, 9), paris(2021, 1, 2, 17), 1, "du 30 décembre 2020 au 2 janvier 2021"),
        (paris(2021, 3, 1, 9), paris(2021, 3, 1, 12), 1, "le 1er mars 2021"),
    ],
)
def test_french_dates(start, end, sessions, expected):
    assert event_dates(start, end, sessions) == expected


def test_dates_are_read_at_paris_time():
    # 23:30 UTC on 31 December is already 1 January in Paris.
    start = datetime.datetime(2020, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert date_range(start, start) == "le 1er janvier 2021"
