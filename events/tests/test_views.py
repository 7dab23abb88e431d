"""The agenda (`/agenda/`): upcoming events by month, filters, bad input, the event page."""

from __future__ import annotations

import json
import re
from http import HTTPStatus

import pytest
from django.utils import timezone

from directory.tests.factories import ActorPageFactory, DirectoryPageFactory, themes
from events.models import EventPage
from home.models import NavigationSettings, SiteIdentitySettings

from .factories import EventPageFactory, RegistrationFactory, add_sessions, make_event, paris

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def settings_ready(home):
    # Settings exist before the first visit, so query counts compare like with like.
    SiteIdentitySettings.for_site(home.get_site())
    NavigationSettings.for_site(home.get_site())


@pytest.fixture
def sample(agenda):
    """A training in Angoulême, a webinar, a past meeting."""
    training = make_event(
        parent=agenda,
        title="Diagnostic eau et assainissement",
        days_ahead=5,
        format=EventPage.Format.IN_PERSON,
        venue_name="Espace Franquin",
        venue_city="Angoulême",
        venue_postcode="16000",
    )
    training.themes.set(themes("eau-assainissement-hygiene"))
    training.save()  # a parental many-to-many is written when the page is saved
    webinar = make_event(
        parent=agenda, title="Webinaire Madagascar", days_ahead=40, kind=EventPage.Kind.WEBINAR
    )
    past = make_event(
        parent=agenda, title="Rencontre Burkina Faso", days_ahead=-30, kind=EventPage.Kind.MEETING
    )
    return {"training": training, "webinar": webinar, "past": past}


def titles(response) -> list[str]:
    return re.findall(r'<h3 class="card__title"><a href="[^"]*">([^<]*)</a>', response.text)


def test_agenda_lists_upcoming_events_in_date_order_grouped_by_month(client, sample):
    response = client.get("/agenda/")
    assert response.status_code == HTTPStatus.OK
    assert titles(response) == ["Diagnostic eau et assainissement", "Webinaire Madagascar"]
    assert "Rencontre Burkina Faso" not in response.text
    first_month = timezone.localtime(sample["training"].start_at).strftime("%Y-%m")
    assert f'id="mois-{first_month}"' in response.text
    assert '<meta name="robots" content="noindex">' not in response.text


def test_the_archive_lists_past_events(client, sample):
    response = client.get("/agenda/?passes=1")
    assert titles(response) == ["Rencontre Burkina Faso"]
    assert '<meta name="robots" content="noindex">' in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=webinaire", ["Webinaire Madagascar"]),
        ("theme=eau-assainissement-hygiene", ["Diagnostic eau et assainissement"]),
        ("departement=16", ["Diagnostic eau et assainissement"]),
        (
            "type=webinaire&type=formation",
            ["Diagnostic eau et assainissement", "Webinaire Madagascar"],
        ),
    ],
)
def test_filters(client, sample, query, expected):
    response = client.get(f"/agenda/?{query}")
    assert response.status_code == HTTPStatus.OK
    assert titles(response) == expected
    assert '<meta name="robots" content="noindex">' in response.text


def test_month_filter_keeps_events_of_that_month(client, sample):
    month = timezone.localtime(sample["webinar"].start_at).strftime("%Y-%m")
    response = client.get(f"/agenda/?mois={month}")
    assert "Webinaire Madagascar" in titles(response)


def test_month_filter_finds_past_months_in_the_archive(client, agenda):
    make_event(parent=agenda, title="Autre chose", days_ahead=3)
    add_sessions(
        EventPageFactory(parent=agenda, title="Égalité femmes-hommes"),
        (paris(2020, 11, 30, 14), paris(2020, 11, 30, 16)),
        (paris(2020, 12, 4, 14), paris(2020, 12, 4, 16)),
    )
    assert titles(client.get("/agenda/?passes=1&mois=2020-12")) == ["Égalité femmes-hommes"]
    assert titles(client.get("/agenda/?passes=1&mois=2020-10")) == []


@pytest.mark.parametrize(
    "query",
    [
        "mois=2020-13",
        "mois=abc",
        "type=%00",
        "page=-3",
        "page=abc",
        "page=99999",
        "departement=999",
        "theme=inconnue",
        "mois=%00&type=%ff&passes=2",
    ],
)
def test_bad_values_are_ignored(client, sample, query):
    before = EventPage.objects.count()
    response = client.get(f"/agenda/?{query}")
    assert response.status_code == HTTPStatus.OK
    assert titles(response) == ["Diagnostic eau et assainissement", "Webinaire Madagascar"]
    assert EventPage.objects.count() == before


def test_pagination(client, agenda, settings):
    settings.EVENTS_PER_PAGE = 2
    for number in range(5):
        make_event(parent=agenda, title=f"Événement {number}", days_ahead=number + 1)
    page2 = client.get("/agenda/?page=2")
    assert titles(page2) == ["Événement 2", "Événement 3"]
    assert 'aria-current="page">2<' in page2.text


def _query_count(client, url, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def test_query_count_is_the_same_for_few_and_many_events(
    client, agenda, settings_ready, django_assert_max_num_queries
):
    """The agenda, its archive and its feed; the events are made once for the three. Every
    other event is past: 2 upcoming and 2 past, then 22 of each, more than a page of the
    agenda (20) and of its archive, so a query made for each event shown would show."""
    from django.conf import settings
    from django.core.cache import cache

    urls = ["/agenda/", "/agenda/?passes=1", "/agenda/rss/"]

    def populate(count: int, offset: int) -> None:
        for number in range(offset, offset + count):
            days = 1 + number % 30
            event = make_event(
                parent=agenda,
                title=f"Événement {number}",
                days_ahead=-days if number % 2 else days,
                registration_mode=EventPage.RegistrationMode.BUILT_IN,
                capacity=3,
            )
            event.themes.set(themes("sante"))
            event.save()

    def query_counts() -> dict[str, int]:
        counts = {}
        for url in urls:
            cache.clear()
            counts[url] = _query_count(client, url, django_assert_max_num_queries)
        return counts

    populate(4, 0)
    with_few = query_counts()
    populate(40, 4)
    assert settings.EVENTS_PER_PAGE < 22  # the upcoming and the past each fill a page
    with_many = query_counts()
    assert with_few == with_many
    assert all(count <= 25 for count in with_many.values()), with_many


# --- Event page ---------------------------------------------------------------------------


@pytest.fixture
def training(agenda):
    event = EventPageFactory(
        parent=agenda,
        title="L'égalité femmes-hommes dans les projets",
        format=EventPage.Format.IN_PERSON,
        venue_name="Maison des associations",
        venue_address="12 rue de la Solidarité",
        venue_postcode="86000",
        venue_city="Poitiers",
        location="SRID=4326;POINT(0.3404 46.5802)",
        online_url="https://visio.example.org/salle-secrete",
        registration_mode=EventPage.RegistrationMode.BUILT_IN,
        capacity=20,
    )
    return add_sessions(
        event,
        (paris(2030, 11, 30, 14), paris(2030, 11, 30, 16)),
        (paris(2030, 12, 2, 14), paris(2030, 12, 2, 16)),
        (paris(2030, 12, 4, 14), paris(2030, 12, 4, 16)),
    )


def json_ld(response) -> dict:
    match = JSON_LD.search(response.text)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_event_page_shows_french_dates_sessions_and_calendar_links(client, training):
    response = client.get(training.url)
    assert response.status_code == HTTPStatus.OK
    assert "Du 30 novembre au 4 décembre 2030, 3 séances" in response.text
    assert "samedi 30 novembre 2030, de 14 h à 16 h" in response.text.lower()
    assert f'href="{training.url}ics/"' in response.text
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in response.text
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in response.text
    assert response.text.count("<h1") == 1


def test_event_page_hides_the_online_link(client, training):
    response = client.get(training.url)
    assert "salle-secrete" not in response.text


def test_event_page_map_uses_the_vendored_leaflet(client, training):
    response = client.get(training.url)
    assert 'id="actor-map"' in response.text
    assert "46.5802" in response.text
    assert "/static/vendor/leaflet/leaflet.js" in response.text
    assert "unpkg" not in response.text and "cdn" not in response.text.lower()


def test_event_page_json_ld_in_person(client, training):
    data = json_ld(client.get(training.url))
    assert data["@type"] == "Event"
    assert data["name"] == training.title
    assert data["startDate"] == "2030-11-30T14:00:00+01:00"
    assert data["endDate"] == "2030-12-04T16:00:00+01:00"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"]["addressLocality"] == "Poitiers"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["organizer"]["name"] == "SO Coopération"
    assert data["offers"]["price"] == "0.00"
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["offers"]["availability"] == "https://schema.org/InStock"


def test_event_page_json_ld_online_summer_time_and_cancelled(client, agenda):
    event = add_sessions(
        EventPageFactory(
            parent=agenda,
            title="Webinaire </script><script>alert(1)</script>",
            status=EventPage.Status.CANCELLED,
        ),
        (paris(2030, 6, 18, 10), paris(2030, 6, 18, 12)),
    )
    response = client.get(event.url)
    data = json_ld(response)
    assert data["startDate"] == "2030-06-18T10:00:00+02:00"
    assert data["location"]["@type"] == "VirtualLocation"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert "<script>alert(1)" not in response.text
    assert 'event-badge--annule">Annulé<' in response.text


def test_hybrid_event_has_both_locations(client, training):
    EventPage.objects.filter(pk=training.pk).update(format=EventPage.Format.HYBRID)
    training.refresh_from_db()
    data = json_ld(client.get(training.url))
    assert [loc["@type"] for loc in data["location"]] == ["Place", "VirtualLocation"]
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"


def test_state_badges(client, agenda):
    full = make_event(parent=agenda, title="Complète", registration_mode="integree", capacity=1)
    RegistrationFactory(event=full)
    closed = make_event(
        parent=agenda,
        title="Close",
        registration_mode="integree",
        registration_deadline=paris(2020, 1, 1),
    )
    past = make_event(parent=agenda, title="Passée", days_ahead=-10)
    assert 'event-badge--complet">Complet' in client.get(full.url).text
    assert 'event-badge--closes">Inscriptions closes<' in client.get(closed.url).text
    assert 'event-badge--passe">Passé<' in client.get(past.url).text
    listing = client.get("/agenda/").text
    assert 'event-badge--complet">Complet' in listing
    full_data = json_ld(client.get(full.url))
    assert full_data["offers"]["availability"] == "https://schema.org/SoldOut"


def test_members_event_page_explains_and_links_to_referencing(client, agenda):
    event = make_event(
        parent=agenda, title="Réservée", registration_mode="integree", audience="membres"
    )
    response = client.get(event.url)
    assert "réservé aux membres" in response.text
    assert "/annuaire/referencement/" in response.text


def test_actor_event_appears_in_the_agenda_with_its_organiser(client, agenda, home):
    actor = ActorPageFactory(
        parent=DirectoryPageFactory(parent=home), title="Ingénieurs Solidaires"
    )
    add_sessions(
        EventPageFactory(parent=actor, title="Journée portes ouvertes"),
        (
            timezone.now() + timezone.timedelta(days=3),
            timezone.now() + timezone.timedelta(days=3, hours=2),
        ),
    )
    response = client.get("/agenda/")
    assert "Journée portes ouvertes" in titles(response)
    assert "Ingénieurs Solidaires" in response.text


def test_unpublished_events_are_not_listed(client, agenda):
    event = make_event(parent=agenda, title="Brouillon")
    event.unpublish()
    assert "Brouillon" not in titles(client.get("/agenda/"))


def test_event_page_has_plain_share_links(client, training):
    from pytest_django.asserts import assertContains

    response = client.get(training.url)
    url = f"http%3A%2F%2Flocalhost{training.url.replace('/', '%2F')}"
    title = "L%27%C3%A9galit%C3%A9%20femmes-hommes%20dans%20les%20projets"
    assertContains(
        response,
        '<li><a class="share__link share__link--linkedin" rel="noopener noreferrer" '
        f'href="https://www.linkedin.com/sharing/share-offsite/?url={url}">LinkedIn</a></li>',
        html=True,
    )
    assertContains(
        response,
        '<li><a class="share__link share__link--email" '
        f'href="mailto:?subject={title}&amp;body={url}">Par courriel</a></li>',
        html=True,
    )


def test_the_page_cache_keys_the_agenda_by_each_of_its_filters_and_its_page():
    """A filter the page cache did not know would serve every filtered agenda the unfiltered
    page from the cache (or none from it): the page names exactly the filter form's fields."""
    from events.filters import AgendaFilterForm
    from events.models import EventIndexPage

    assert EventIndexPage.cache_query_params == {*AgendaFilterForm.base_fields, "page"}
