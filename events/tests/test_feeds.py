"""iCalendar feeds read back with the `icalendar` library, and the RSS feed."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import feedparser
import pytest
from django.core.cache import cache
from icalendar import Calendar

from directory.tests.factories import themes
from events.models import EventPage, EventSession

from .factories import EventPageFactory, add_sessions, make_event, paris

pytestmark = pytest.mark.django_db

PARIS = "Europe/Paris"


def parse(response) -> Calendar:
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def vevents(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


@pytest.fixture
def trainings(agenda):
    equality = add_sessions(
        EventPageFactory(parent=agenda, title="Égalité femmes-hommes"),
        (paris(2030, 11, 29, 14), paris(2030, 11, 29, 16)),
        (paris(2030, 12, 2, 14), paris(2030, 12, 2, 16)),
        (paris(2030, 12, 4, 14), paris(2030, 12, 4, 16)),
    )
    water = add_sessions(
        EventPageFactory(
            parent=agenda,
            title="Qualité de l'eau",
            kind=EventPage.Kind.WEBINAR,
        ),
        (paris(2030, 7, 3, 9), paris(2030, 7, 3, 12)),
        (paris(2030, 7, 10, 9), paris(2030, 7, 10, 12)),
    )
    water.themes.set(themes("eau-assainissement-hygiene"))
    water.save()
    past = add_sessions(
        EventPageFactory(parent=agenda, title="Diagnostic à Angoulême"),
        (paris(2020, 10, 16, 9), paris(2020, 10, 16, 17)),
    )
    return {"equality": equality, "water": water, "past": past}


def test_agenda_feed_has_one_vevent_per_session_at_paris_time(client, trainings):
    calendar = parse(client.get("/agenda/agenda.ics"))
    events = vevents(calendar)
    assert len(events) == 5  # 3 + 2 sessions; the past event is not in the upcoming feed
    timezones = list(calendar.walk("VTIMEZONE"))
    assert [str(tz["TZID"]) for tz in timezones] == [PARIS]
    first = next(e for e in events if str(e["SUMMARY"]).startswith("Qualité de l'eau (1/2)"))
    assert first["DTSTART"].params["TZID"] == PARIS
    start = first.decoded("DTSTART")
    assert start == paris(2030, 7, 3, 9)
    assert start.utcoffset() == datetime.timedelta(hours=2)
    winter = next(e for e in events if str(e["SUMMARY"]).startswith("Égalité femmes-hommes (1/3)"))
    assert winter.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=1)
    assert winter.decoded("DTEND") == paris(2030, 11, 29, 16)
    url = f"http://localhost{trainings['equality'].url}"
    assert str(winter["URL"]) == url
    assert url in str(winter["DESCRIPTION"])
    raw = client.get("/agenda/agenda.ics").content.decode()
    assert "DTSTART;TZID=Europe/Paris:20301129T140000" in raw


def test_uids_are_stable_across_requests_and_rebuilds(client, trainings):
    first = sorted(str(e["UID"]) for e in vevents(parse(client.get("/agenda/agenda.ics"))))
    cache.clear()
    second = sorted(str(e["UID"]) for e in vevents(parse(client.get("/agenda/agenda.ics"))))
    assert first == second
    assert len(set(first)) == 5


def test_feed_keeps_the_filters(client, trainings):
    assert len(vevents(parse(client.get("/agenda/agenda.ics?type=webinaire")))) == 2
    assert (
        len(vevents(parse(client.get("/agenda/agenda.ics?theme=eau-assainissement-hygiene")))) == 2
    )
    assert len(vevents(parse(client.get("/agenda/agenda.ics?mois=2030-12")))) == 3
    past = vevents(parse(client.get("/agenda/agenda.ics?passes=1")))
    assert [str(e["SUMMARY"]) for e in past] == ["Diagnostic à Angoulême"]


@pytest.mark.parametrize(
    "query",
    ["mois=2020-13", "mois=abc", "type=%00", "departement=999", "theme=inconnue", "page=-3"],
)
def test_feed_ignores_bad_values(client, trainings, query):
    assert len(vevents(parse(client.get(f"/agenda/agenda.ics?{query}")))) == 5


def test_feed_is_rebuilt_after_a_publication(client, trainings, agenda):
    assert len(vevents(parse(client.get("/agenda/agenda.ics")))) == 5
    event = make_event(parent=agenda, title="Nouvelle rencontre", days_ahead=20)
    event.save_revision().publish()
    assert len(vevents(parse(client.get("/agenda/agenda.ics")))) == 6


def test_cancelled_session_is_marked_cancelled(client, trainings):
    session = trainings["water"].sessions.order_by("start_at").last()
    EventSession.objects.filter(pk=session.pk).update(cancelled=True)
    cache.clear()
    statuses = {
        str(e["SUMMARY"]): str(e["STATUS"])
        for e in vevents(parse(client.get("/agenda/agenda.ics?type=webinaire")))
    }
    assert statuses == {
        "Qualité de l'eau (1/2)": "CONFIRMED",
        "Qualité de l'eau (2/2)": "CANCELLED",
    }


def test_event_feed(client, trainings):
    event = trainings["equality"]
    response = client.get(f"{event.url}ics/")
    events = vevents(parse(response))
    assert len(events) == 3
    assert {str(e["URL"]) for e in events} == {f"http://localhost{event.url}"}


def test_agenda_feed_is_404_under_another_page(client, trainings):
    assert client.get("/nulle-part/agenda.ics").status_code == HTTPStatus.NOT_FOUND


def test_feed_query_count_is_the_same_for_few_and_many_events(client, agenda):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def populate(count: int, offset: int) -> None:
        for number in range(count):
            make_event(parent=agenda, title=f"Événement {offset + number}", sessions=2)

    def count_queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/agenda/agenda.ics")
        assert response.status_code == HTTPStatus.OK
        return len(captured)

    populate(4, 0)
    with_few = count_queries()
    populate(36, 4)
    with_many = count_queries()
    assert with_few == with_many
    assert len(vevents(parse(client.get("/agenda/agenda.ics")))) == 80


def rss(response) -> feedparser.FeedParserDict:
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    return feed


def test_rss_lists_upcoming_events(client, trainings):
    feed = rss(client.get("/agenda/rss/"))
    assert feed.feed.title == "Agenda – prochains événements"
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == 2
    assert titles[0].startswith("Qualité de l'eau – du 3 au 10 juillet 2030")
    assert titles[1].startswith("Égalité femmes-hommes")
    assert not any("Angoulême" in t for t in titles)
    assert feed.entries[0].link.endswith(trainings["water"].url)


def test_rss_keeps_the_agenda_filters(client, trainings):
    response = client.get("/agenda/rss/?type=webinaire")
    feed = rss(response)
    assert [entry.title.split(" – ")[0] for entry in feed.entries] == ["Qualité de l'eau"]
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    "query",
    ["mois=2020-13", "mois=abc", "type=%00", "departement=999", "theme=inconnue", "page=-3"],
)
def test_rss_ignores_bad_values(client, trainings, query):
    assert len(rss(client.get(f"/agenda/rss/?{query}")).entries) == 2


def test_built_feed_is_served_from_the_cache(client, trainings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/agenda/agenda.ics")
    with CaptureQueriesContext(connection) as captured:
        again = client.get("/agenda/agenda.ics")
    assert len(vevents(parse(again))) == 5
    assert not any("events_eventsession" in q["sql"] for q in captured.captured_queries)


def test_long_accented_texts_fold_and_read_back(client, agenda):
    title = "Égalité, équité ; « éducation » à la citoyenneté\\solidarité " * 4
    event = add_sessions(
        EventPageFactory(parent=agenda, title=title.strip()[:250], summary_text="é" * 300),
        (paris(2030, 3, 1, 9), paris(2030, 3, 1, 12)),
    )
    raw = client.get(f"{event.url}ics/").content
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    [vevent] = vevents(Calendar.from_ical(raw))
    assert str(vevent["SUMMARY"]) == event.title
    assert str(vevent["DESCRIPTION"]).startswith("é" * 300)
