"""Widgets for other sites (`/widgets/...`): framable, cookie-free, cacheable, light, and
showing only what any visitor of the portal may see."""

from __future__ import annotations

import gzip
import json
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from directory.models import ActorPage
from directory.tests.factories import ActorPageFactory, DirectoryPageFactory, ProjectPageFactory
from directory.tests.factories import sdgs as sdg_rows
from events.models.pages import Audience, EventKind
from events.tests.factories import EventIndexPageFactory, make_event
from home.tests.factories import make_site_with_home
from opendata.widgets_caches import WIDGETS
from resources.tests.factories import CallForProjectsPageFactory, CallIndexPageFactory

pytestmark = pytest.mark.django_db

MAX_COMPRESSED_BYTES = 30 * 1024
HOSTILE = '<script>alert("x")</script> Acteur & Cie'


@pytest.fixture
def content():
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    agenda = EventIndexPageFactory(parent=home)
    calls = CallIndexPageFactory(parent=home)
    actor = ActorPageFactory(
        parent=directory,
        title="Eau Vive Gironde",
        slug="eau-vive-gironde",
        location="SRID=4326;POINT(-0.5792 44.8378)",
        postcode="33000",
        city="Bordeaux",
        sdgs=sdg_rows(6),
    )
    other = ActorPageFactory(parent=directory, title="Autre acteur", slug="autre-acteur")
    events = {
        "public": make_event(parent=actor, title="Atelier eau potable", days_ahead=5),
        "training": make_event(parent=agenda, title="Formation gestion de projet", days_ahead=8),
        "webinar": make_event(
            parent=agenda, title="Webinaire climat", kind=EventKind.WEBINAR, days_ahead=9
        ),
        "members": make_event(
            parent=actor, title="Réunion réservée", audience=Audience.MEMBERS, days_ahead=6
        ),
        "draft": make_event(parent=actor, title="Brouillon caché", days_ahead=7, live=False),
        "restricted": make_event(parent=agenda, title="Événement privé", days_ahead=7),
        "past": make_event(parent=actor, title="Atelier passé", days_ahead=-20),
        "other": make_event(parent=other, title="Événement d'un autre", days_ahead=4),
    }
    PageViewRestriction.objects.create(
        page=events["restricted"], restriction_type=PageViewRestriction.LOGIN
    )
    project = ProjectPageFactory(parent=actor, title="Forages à Koudougou")
    call = CallForProjectsPageFactory(parent=calls, title="Appel Solidarité 2027")
    return {
        "home": home,
        "directory": directory,
        "actor": actor,
        "other": other,
        "events": events,
        "project": project,
        "call": call,
    }


WIDGET_URLS = [
    "/widgets/acteur/eau-vive-gironde/",
    "/widgets/carte/?odd=6&departement=33",
    "/widgets/agenda/?type=formation",
    "/widgets/appels/",
]


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def titles(response) -> list[str]:
    return [a.get_text(strip=True) for a in soup_of(response).select(".w-item__title")]


@pytest.mark.parametrize("url", WIDGET_URLS)
def test_widgets_are_framable_cookie_free_cacheable_and_light(client, content, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert "frame-ancestors 'none'" not in policy
    assert "X-Frame-Options" not in response
    assert not response.cookies, f"{url} set {list(response.cookies)}"
    assert "Set-Cookie" not in response
    assert "Cookie" not in response.get("Vary", "")
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    assert len(gzip.compress(response.content)) < MAX_COMPRESSED_BYTES
    soup = soup_of(response)
    assert soup.html["lang"] == "fr"
    assert soup.find("main") is not None
    assert len(soup.find_all("h1")) == 1
    # Every link leaves the frame for the portal.
    for link in soup.find_all("a"):
        assert link.get("target") == "_top", link
        assert link.get_text(strip=True), link


def test_a_normal_page_still_refuses_frames(client, content):
    response = client.get("/annuaire/")
    assert response.status_code == HTTPStatus.OK
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@override_settings(WIDGET_FRAME_ANCESTORS=["https://www.exemple.org", "https://*.exemple.fr"])
def test_frame_ancestors_follow_the_setting(client, content):
    response = client.get("/widgets/appels/")
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https://www.exemple.org https://*.exemple.fr" in policy


def test_actor_widget_lists_only_its_public_upcoming_events_and_projects(client, content):
    for key in ("eau-vive-gironde", str(content["actor"].pk)):
        response = client.get(f"/widgets/acteur/{key}/")
        assert response.status_code == HTTPStatus.OK
        assert titles(response) == ["Atelier eau potable", "Forages à Koudougou"]
    soup = soup_of(response)
    assert soup.h1.get_text(strip=True) == "Eau Vive Gironde"
    event_link = soup.select_one(".w-item__title")
    assert event_link["href"] == content["events"]["public"].get_full_url()
    for hidden in ("Réunion réservée", "Brouillon caché", "Atelier passé", "Événement d'un autre"):
        assert hidden not in response.content.decode()


def test_actor_widget_of_a_draft_or_unknown_actor_is_a_framable_404(client, content):
    draft = ActorPageFactory(parent=content["directory"], title="Brouillon", live=False)
    for key in (str(draft.pk), "inconnu", "999999"):
        response = client.get(f"/widgets/acteur/{key}/")
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "X-Frame-Options" not in response
        assert "Brouillon" not in response.content.decode()
    # Made-up keys leave nothing in the cache.
    key = WIDGETS.key("actor", "inconnu", timezone.localdate().isoformat())
    assert cache.get(key, "absent") == "absent"


def test_actor_widget_escapes_a_hostile_name(client, content):
    ActorPageFactory(parent=content["directory"], title=HOSTILE, slug="hostile")
    response = client.get("/widgets/acteur/hostile/")
    html = response.content.decode()
    assert "<script>" not in html
    assert soup_of(response).h1.get_text() == HOSTILE


def test_agenda_widget_applies_the_filters_and_hides_private_events(client, content):
    everything = titles(client.get("/widgets/agenda/"))
    assert everything == [
        "Événement d'un autre",
        "Atelier eau potable",
        "Formation gestion de projet",
        "Webinaire climat",
    ]
    assert titles(client.get("/widgets/agenda/?type=webinaire")) == ["Webinaire climat"]
    # An unknown value is dropped, the other filters still apply.
    assert titles(client.get("/widgets/agenda/?type=webinaire&type=inconnu&mois=2020-13")) == [
        "Webinaire climat"
    ]


def test_calls_widget_lists_open_calls_only(client, content):
    CallForProjectsPageFactory(
        parent=content["call"].get_parent(),
        title="Appel clos",
        opening_date=content["call"].opening_date.replace(year=2020),
        closing_date=content["call"].opening_date.replace(year=2021),
    )
    assert titles(client.get("/widgets/appels/")) == ["Appel Solidarité 2027"]


def test_map_widget_reads_the_light_feed_with_the_filters(client, content):
    response = client.get("/widgets/carte/?odd=6&departement=33&odd=abc&utm_source=x")
    soup = soup_of(response)
    map_element = soup.find(id="directory-map")
    assert map_element["data-geojson-url"] == "/annuaire/actors.map.json?odd=6&departement=33"
    assert map_element["data-popup-url"] == "/annuaire/acteur/{id}/popup.html"
    scripts = [script["src"] for script in soup.find_all("script", src=True)]
    assert any("leaflet.js" in src for src in scripts)
    assert any("directory-map.js" in src for src in scripts)


def test_map_widget_carries_its_first_clusters_for_the_same_filters(client, content):
    ActorPageFactory(
        parent=content["directory"],
        title="Puits de Pau",
        location="SRID=4326;POINT(-0.3708 43.2951)",
        departement=content["actor"].departement,
        sdgs=sdg_rows(4),
    )
    soup = soup_of(client.get("/widgets/carte/?odd=6&departement=33"))
    map_element = soup.find(id="directory-map")
    assert map_element["data-opening"] == "directory-map-opening"
    opening = json.loads(soup.find(id="directory-map-opening").string)
    # Only the filtered actor (ODD 6), as the feed the script loads next.
    assert opening["count"] == 1
    groups = [group for zoom in opening["zooms"].values() for group in zoom]
    assert {tuple(group[2:5]) for group in groups} == {(1, content["actor"].pk, "Eau Vive Gironde")}
    unfiltered = json.loads(
        soup_of(client.get("/widgets/carte/")).find(id="directory-map-opening").string
    )
    # Without filters, every placed actor (the factory places the others too).
    placed = ActorPage.objects.live().filter(latitude__isnull=False).count()
    assert placed >= 2 and unfiltered["count"] == placed


def test_widget_query_counts_do_not_grow_with_rows(client, content, django_assert_max_num_queries):
    counts: dict[str, list[int]] = {url: [] for url in WIDGET_URLS}
    for extra in (0, 8):
        for n in range(extra):
            make_event(parent=content["actor"], title=f"Atelier {extra}-{n}", days_ahead=3 + n)
            ProjectPageFactory(parent=content["actor"], title=f"Projet {extra}-{n}")
            CallForProjectsPageFactory(parent=content["call"].get_parent(), title=f"Appel {n}")
        for url in WIDGET_URLS:
            client.get(url)  # warms process-wide caches (content types, site root paths)
            cache.clear()
            with django_assert_max_num_queries(30) as captured:
                assert client.get(url).status_code == HTTPStatus.OK
            counts[url].append(len(captured.captured_queries))
            with django_assert_max_num_queries(3):  # the page from the widgets' cache
                client.get(url)
    for url, (before, after) in counts.items():
        assert before == after, url
