"""The map's opening clusters, computed on the server (`directory/map_opening.py`) and written
into the directory page, so that the map draws them before its feed arrives."""

import json
import math
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from directory.map_opening import _project, clusters_at, map_opening, opening_zooms

from .factories import ActorPageFactory
from .test_map_feed import FEED, feed
from .test_views import actors as known_actors

# The region's extent in the bench: the Basque coast to the north of Vienne, the Atlantic to
# Limousin.
REGION = [(43.2153, -1.5542), (46.9204, 1.9488)]


def projected(points):
    xs, ys = zip(*(_project(lat, lng) for lat, lng in points), strict=True)
    return list(xs), list(ys)


def test_the_zooms_are_those_fit_bounds_opens_at_from_a_phone_to_a_wide_screen():
    """At zoom 6 the region is 159 × 239 pixels, at 8 it is 638 × 956: a 240-pixel square
    map (192 inside its padding) opens at 5, a 2560 × 1200 map (1152 high inside) at 8."""
    xs, ys = projected(REGION)
    width = (max(xs) - min(xs)) * 256
    height = (max(ys) - min(ys)) * 256
    assert round(width * 2**6) == 159 and round(height * 2**6) == 239
    assert opening_zooms(xs, ys) == [5, 6, 7, 8]
    # One place (or several at one address): the closest zoom fitBounds is allowed.
    assert opening_zooms([0.5, 0.5], [0.3, 0.3]) == [12]
    # Never below the actors' map's smallest zoom, whatever the extent.
    assert opening_zooms(*projected([(-40.0, -120.0), (60.0, 150.0)])) == [5]


def test_clusters_take_every_point_once_within_the_radius():
    # Bordeaux (three within 300 metres), Mérignac 5 km away, Poitiers 200 km away.
    points = [
        (44.8378, -0.5792),
        (46.5802, 0.3404),
        (44.8390, -0.5800),
        (44.8386, -0.6436),
        (44.8370, -0.5780),
    ]
    xs, ys = projected(points)
    # Zoom 7: 80 of 512 units are 40 pixels, about 34 km: Bordeaux and Mérignac together.
    assert clusters_at(xs, ys, 7) == [[0, 2, 3, 4], [1]]
    # Zoom 12: about 1 km: Mérignac and Poitiers alone.
    assert clusters_at(xs, ys, 12) == [[0, 2, 4], [1], [3]]
    for zoom in range(5, 13):
        members = sorted(i for group in clusters_at(xs, ys, zoom) for i in group)
        assert members == list(range(len(points)))


def test_the_opening_holds_clusters_with_their_bounds_and_lone_actors_with_their_name():
    feed_data = {
        "count": 3,
        "id": [10, 11, 12],
        "lat": [44.8378, 44.8390, 46.5802],
        "lng": [-0.5792, -0.5800, 0.3404],
        "name": ["Eau Vive", "Puits du Sahel", "Grand Poitiers"],
    }
    opening = map_opening(feed_data)
    assert opening["count"] == 3
    assert opening["bounds"] == [44.8378, -0.5800, 46.5802, 0.3404]
    assert opening["zooms"], "at least one zoom"
    for groups in opening["zooms"].values():
        assert sum(group[2] for group in groups) == 3
    cluster, lone = opening["zooms"]["7"]
    lat, lng, count, south, west, north, east = cluster
    assert count == 2 and (south, west, north, east) == (44.8378, -0.5800, 44.8390, -0.5792)
    assert south <= lat <= north and west <= lng <= east
    assert lone == [46.5802, 0.3404, 1, 12, "Grand Poitiers"]
    # Nothing placed: nothing to open on.
    assert map_opening({"count": 0, "id": [], "lat": [], "lng": [], "name": []}) is None


def test_a_zoom_with_too_many_groups_is_left_to_the_browser(monkeypatch):
    monkeypatch.setattr("directory.map_opening.MAX_GROUPS_PER_ZOOM", 1)
    points = {"lat": [44.8378, 46.5802], "lng": [-0.5792, 0.3404], "id": [1, 2], "name": ["a", "b"]}
    opening = map_opening(points)
    # Two groups at every zoom: none carried, the map clusters its feed.
    assert opening["zooms"] == {} and opening["count"] == 2


# --- In the page ----------------------------------------------------------------------------


def page_opening(client, url: str = "/annuaire/") -> dict | None:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    soup = BeautifulSoup(response.content, "html.parser")
    script = soup.find("script", id="directory-map-opening")
    if script is None:
        assert not soup.find(id="directory-map").has_attr("data-opening")
        return None
    assert soup.find(id="directory-map")["data-opening"] == "directory-map-opening"
    return json.loads(script.string)


@pytest.mark.django_db
@pytest.mark.urls("directory.tests.urls")
@pytest.mark.parametrize("query", ["", "departement=86", "odd=6&departement=33"])
def test_the_page_opens_on_the_points_of_its_feed(client, directory, query):
    known_actors.__wrapped__(directory)
    opening = page_opening(client, f"/annuaire/?{query}")
    data = feed(client, f"{FEED}?{query}")
    assert opening["count"] == data["count"] >= 1
    south, west = min(data["lat"]), min(data["lng"])
    assert opening["bounds"] == [south, west, max(data["lat"]), max(data["lng"])]
    lone_ids = set()
    for groups in opening["zooms"].values():
        assert sum(group[2] for group in groups) == data["count"]
        lone_ids |= {group[3] for group in groups if group[2] == 1}
    assert lone_ids <= set(data["id"])


@pytest.mark.django_db
@pytest.mark.urls("directory.tests.urls")
def test_the_opening_follows_a_publication_and_an_empty_filter_has_none(client, directory):
    actors = known_actors.__wrapped__(directory)
    assert page_opening(client)["count"] == 3
    new = ActorPageFactory(
        parent=directory, title="Nouvel acteur", location="SRID=4326;POINT(1.26 45.83)"
    )
    new.save_revision().publish()
    assert page_opening(client)["count"] == 4
    actors["niort"].unpublish()
    assert page_opening(client)["count"] == 3
    # No actor with a place in SDG 17: the map opens as before, on the feed.
    assert page_opening(client, "/annuaire/?odd=17") is None


@pytest.mark.django_db
@pytest.mark.urls("directory.tests.urls")
def test_an_actor_name_cannot_close_the_script_that_carries_it(client, directory):
    hostile = "</script><script>alert(1)</script>"
    ActorPageFactory(parent=directory, title=hostile, location="SRID=4326;POINT(1.26 45.83)")
    html = client.get("/annuaire/").content.decode()
    assert "<script>alert(1)" not in html
    assert page_opening(client)["zooms"]["12"][0][4] == hostile


@pytest.mark.django_db
@pytest.mark.urls("directory.tests.urls")
def test_a_restricted_directory_neither_carries_nor_leaks_its_points(
    client, directory, django_user_model
):
    """Its feed answers 404; the page, seen by someone logged in, must not fill the cache the
    feed is served from."""
    from wagtail.models import PageViewRestriction

    known_actors.__wrapped__(directory)
    PageViewRestriction.objects.create(page=directory, restriction_type=PageViewRestriction.LOGIN)
    cache.clear()
    client.force_login(django_user_model.objects.create_user("lecteur", password="x"))
    assert page_opening(client) is None
    client.logout()
    assert client.get(FEED).status_code == HTTPStatus.NOT_FOUND


def test_the_script_and_the_server_share_their_constants():
    """directory-map.js clusters the zooms the page does not carry with the same radius."""
    from django.conf import settings

    from directory import map_opening as server

    script = (settings.BASE_DIR / "site/static/js/directory-map.js").read_text()
    for name in ("CLUSTER_RADIUS", "CLUSTER_EXTENT", "ACTORS_MIN_ZOOM"):
        assert f"var {name} = {getattr(server, name)};" in script
    assert f"maxZoom: {server.FIT_MAX_ZOOM}" in script
    assert math.isclose(server.FIT_PADDING, 2 * 24)
    assert "padding: [24, 24]" in script
