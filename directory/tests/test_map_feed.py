"""The map's light feed (`actors.map.json`), its popups (`acteur/<id>/popup.html`) and the
GeoJSON built as dicts from the stored map properties."""

import gzip
import json
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from directory import selectors
from directory.filters import DirectoryFilters
from directory.models import ActorPage

from .factories import ActorPageFactory, sdgs
from .test_views import _make_actors, geojson
from .test_views import actors as known_actors

pytestmark = [pytest.mark.django_db, pytest.mark.urls("directory.tests.urls")]


@pytest.fixture
def actors(directory):
    """The known fixture of the directory's view tests: three actors placed, one not."""
    return known_actors.__wrapped__(directory)


FEED = "/annuaire/actors.map.json"


def feed(client, url: str = FEED) -> dict:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def rows(data: dict) -> dict[int, dict]:
    """The columns turned back into one dict per actor, by id."""
    return {
        data["id"][i]: {name: data[name][i] for name in selectors.MAP_FEED_FIELDS}
        for i in range(data["count"])
    }


def test_feed_holds_only_the_map_fields_of_placed_actors(client, actors):
    data = feed(client)
    assert set(data) == {"count", *selectors.MAP_FEED_FIELDS}
    by_id = rows(data)
    # The actor without a place is not on the map.
    assert set(by_id) == {actors[name].pk for name in ("eau", "poitiers", "niort")}
    assert by_id[actors["eau"].pk] == {
        "id": actors["eau"].pk,
        "lng": -0.5792,
        "lat": 44.8378,
        "name": "Eau Vive Gironde",
        "odd": [3, 6],
        "college": "associations",
    }
    raw = json.dumps(data)
    for absent in ("NOTE-SECRETE", "prive@example.org", "0600000000", "Bordeaux", "BF"):
        assert absent not in raw


@pytest.mark.parametrize(
    "query", ["", "odd=6", "departement=86", "pays=TG", "odd=6&departement=33", "q=bordeaux"]
)
def test_feed_applies_the_directory_filters(client, actors, query):
    in_geojson = {
        f["properties"]["id"]
        for f in geojson(client, f"/annuaire/actors.geojson?{query}")["features"]
    }
    assert set(rows(feed(client, f"{FEED}?{query}"))) == in_geojson


def test_feed_is_gzipped_from_the_cache_and_a_bad_filter_is_dropped(client, actors):
    response = client.get(f"{FEED}?odd=abc&odd=11&page=x", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(response.content))
    assert data["name"] == ["Grand Poitiers"]
    assert response["X-Robots-Tag"] == "noindex"


def test_feed_and_popup_query_counts_do_not_grow_with_actors(
    client, directory, django_assert_max_num_queries
):
    counts: dict[str, list[int]] = {"feed": [], "popup": []}
    for total in (5, 60):
        _make_actors(directory, total - directory.get_children().count())
        first = ActorPage.objects.child_of(directory).order_by("pk").first()
        for name, url in (("feed", FEED), ("popup", f"/annuaire/acteur/{first.pk}/popup.html")):
            client.get(url)  # warms process-wide caches (content types, locales)
            cache.clear()
            with django_assert_max_num_queries(20) as captured:
                assert client.get(url).status_code == HTTPStatus.OK
            counts[name].append(len(captured.captured_queries))
        client.get(FEED)
        with django_assert_max_num_queries(1):  # cached: the last publication time only
            assert client.get(FEED).status_code == HTTPStatus.OK
    assert counts["feed"][0] == counts["feed"][1]
    assert counts["popup"][0] == counts["popup"][1]


def test_popup_shows_the_actor_escaped_with_a_link(client, directory):
    hostile = ActorPageFactory(
        parent=directory,
        title='<script>alert("x")</script> & Cie',
        location="SRID=4326;POINT(-0.5792 44.8378)",
        postcode="33000",
        city="Bordeaux",
        sdgs=sdgs(6),
    )
    response = client.get(f"/annuaire/acteur/{hostile.pk}/popup.html")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<script>" not in html
    soup = BeautifulSoup(html, "html.parser")
    title = soup.select_one(".map-popup__title a")
    assert title.get_text() == '<script>alert("x")</script> & Cie'
    assert title["href"] == hostile.url
    assert "Bordeaux (33)" in soup.get_text()
    assert soup.select_one(".sdg-badge").get_text(" ", strip=True).startswith("ODD 6")


def test_popup_is_404_for_a_draft_an_unknown_or_a_restricted_actor(client, directory, actors):
    from wagtail.models import PageViewRestriction

    draft = ActorPageFactory(parent=directory, title="Brouillon", live=False)
    assert client.get(f"/annuaire/acteur/{draft.pk}/popup.html").status_code == 404
    assert client.get("/annuaire/acteur/999999/popup.html").status_code == 404
    assert client.get(f"/nulle-part/acteur/{actors['eau'].pk}/popup.html").status_code == 404
    url = f"/annuaire/acteur/{actors['eau'].pk}/popup.html"
    assert client.get(url).status_code == HTTPStatus.OK
    PageViewRestriction.objects.create(
        page=actors["eau"], restriction_type=PageViewRestriction.LOGIN
    )
    cache.clear()
    assert client.get(url).status_code == 404


def test_geojson_properties_are_the_documented_ones_stored_or_computed(client, directory, actors):
    """The Features' properties are exactly the documented ones, in their order, whether
    read from the stored map properties or computed for rows written in bulk (which the
    request leaves as they are)."""
    stored = selectors.actors_geojson(directory=directory, filters=DirectoryFilters())
    collection = json.loads(stored)
    documented = [name for name, _description in selectors.ACTOR_GEOJSON_PROPERTIES]
    for feature in collection["features"]:
        assert list(feature["properties"]) == documented
        assert list(feature) == ["type", "properties", "geometry"]
    ActorPage.objects.update(map_properties=None)
    cache.clear()
    assert selectors.actors_geojson(directory=directory, filters=DirectoryFilters()) == stored
    assert not ActorPage.objects.filter(map_properties__isnull=False).exists()


@pytest.mark.parametrize("query", ["", "?odd=6&departement=33"])
def test_the_page_preloads_the_feed_its_map_fetches(client, actors, query):
    soup = BeautifulSoup(client.get(f"/annuaire/{query}").content, "html.parser")
    preload = soup.find("link", rel="preload", attrs={"as": "fetch"})
    feed_url = soup.find(id="directory-map")["data-geojson-url"]
    assert feed_url.startswith(FEED)
    # The same address, mode and credentials as the script's fetch: the browser reuses it.
    assert (preload["href"], preload["as"], preload["crossorigin"]) == (
        feed_url,
        "fetch",
        "anonymous",
    )
