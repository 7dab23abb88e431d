"""Widgets in a real browser: a member's snippet pasted in a plain HTML page served from
another origin shows its events; the map widget draws there too; and the directory's map
draws clusters from its light feed and opens a popup with details fetched on demand."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from wagtail.models import Site

from directory.tests.factories import ActorPageFactory, DirectoryPageFactory, departement, sdgs
from directory.tests.registration_helpers import make_member
from events.models.pages import Audience
from events.tests.factories import EventIndexPageFactory, make_event
from home.tests.factories import make_site_with_home

from .conftest import BrowserPage

pytestmark = pytest.mark.browser

PLACES = [
    ("Puits du Sahel", -0.5800, 44.8390),
    ("Sources Solidaires", -0.5780, 44.8370),
    ("Eau Poitou Sahel", 0.3404, 46.5802),
]


@pytest.fixture
def content(transactional_db, django_db_serialized_rollback, settings) -> dict:
    # No internet on test machines: tiles come from the site itself.
    settings.MAP_TILE_URL = "/static/img/favicon.svg?z={z}&x={x}&y={y}"
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    agenda = EventIndexPageFactory(parent=home)
    actor = ActorPageFactory(
        parent=directory,
        title="Eau Vive Gironde",
        slug="eau-vive-gironde",
        location="SRID=4326;POINT(-0.5792 44.8378)",
        postcode="33000",
        city="Bordeaux",
        departement=departement("33"),
        sdgs=sdgs(6),
    )
    for title, lng, lat in PLACES:
        ActorPageFactory(
            parent=directory,
            title=title,
            location=f"SRID=4326;POINT({lng} {lat})",
            postcode="33000",
            sdgs=sdgs(6),
        )
    make_event(parent=actor, title="Atelier eau potable", days_ahead=5)
    make_event(parent=actor, title="Réunion réservée", audience=Audience.MEMBERS, days_ahead=6)
    make_event(parent=agenda, title="Formation du réseau", days_ahead=7)
    return {"actor": actor}


@pytest.fixture
def other_origin() -> Iterator[callable]:
    """A plain HTML server on another origin (127.0.0.1 and its own port, from
    `WIDGET_EMBED_PORT` or any free one): `serve(html)` gives its address."""
    pages: dict[str, str] = {"html": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            return

    server = ThreadingHTTPServer(
        ("127.0.0.1", int(os.environ.get("WIDGET_EMBED_PORT", 0))), Handler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(html: str) -> str:
        pages["html"] = html
        return f"http://127.0.0.1:{server.server_address[1]}/"

    try:
        yield serve
    finally:
        server.shutdown()
        server.server_close()


def embedding_page(src: str) -> str:
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Site du membre</title>'
        "</head><body><h1>Notre association</h1>"
        f'<iframe src="{src}" title="Nos événements" width="400" height="480" loading="lazy">'
        "</iframe></body></html>"
    )


def test_a_pasted_actor_widget_shows_its_events_on_another_site(
    live_server, content, other_origin, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    widget_url = f"{live_server.url}/widgets/acteur/eau-vive-gironde/"
    url = other_origin(embedding_page(widget_url))
    assert not url.startswith(live_server.url)  # another origin
    page.goto(url, wait_until="load")
    frame = page.frame_locator("iframe[title='Nos événements']")
    first = frame.locator(".w-item__title").first
    first.wait_for()
    assert first.inner_text() == "Atelier eau potable"
    assert frame.locator("h1").inner_text() == "Eau Vive Gironde"
    assert "Réunion réservée" not in frame.locator("main").inner_text()
    assert (widget_url, 200) in browser_page.responses
    assert browser_page.errors == []


def test_a_member_gets_its_widget_code_from_its_dashboard_and_changes_it(
    live_server, content, browser_page: BrowserPage
) -> None:
    member = make_member(content["actor"], "membre_eau_vive")
    # The code points at the site's own address: here, the test server's.
    address = urlsplit(live_server.url)
    Site.objects.update(hostname=address.hostname, port=address.port)
    page = browser_page.page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", member.user.username)
    page.fill("#id_password", "mot-de-passe-membre")
    with page.expect_navigation():
        page.click("button[type=submit]")
    with page.expect_navigation():
        page.get_by_role("link", name="Obtenir le code du widget").click()
    code = page.locator("textarea[data-generator-code]")
    title = "Eau Vive Gironde : événements et projets – SO Coopération"
    assert f'title="{title}"' in code.input_value()
    # The script rebuilds the code as the form changes, with the same title.
    page.fill("input[name=height]", "640")
    page.locator("input[name=height]").dispatch_event("change")
    page.wait_for_function(
        "() => document.querySelector('textarea[data-generator-code]').value.includes('640')"
    )
    rebuilt = code.input_value()
    assert f'title="{title}"' in rebuilt and 'height="640"' in rebuilt
    assert "/widgets/acteur/eau-vive-gironde/" in rebuilt
    assert browser_page.errors == []


def test_the_map_widget_draws_on_another_site(
    live_server, content, other_origin, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    url = other_origin(embedding_page(f"{live_server.url}/widgets/carte/?odd=6"))
    page.goto(url, wait_until="load")
    frame = page.frame_locator("iframe")
    frame.locator("#directory-map[data-loaded='4']").wait_for(state="attached")
    frame.locator("#directory-map .leaflet-marker-icon").first.wait_for()
    assert browser_page.errors == []


def test_the_map_widget_draws_its_first_clusters_before_its_feed_arrives(
    live_server, content, other_origin, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    held = []
    # The widget's feed is neither answered nor refused until let through.
    page.route("**/actors.map.json*", lambda route: held.append(route))
    page.goto(other_origin(embedding_page(f"{live_server.url}/widgets/carte/?odd=6")))
    frame = page.frame_locator("iframe")
    drawn = frame.locator("#directory-map .leaflet-marker-pane .leaflet-marker-icon")
    drawn.first.wait_for()
    assert held, "the widget asked for its feed"
    assert frame.locator("#directory-map[data-loaded]").count() == 0
    counted = sum(int(text) if text.strip().isdigit() else 1 for text in drawn.all_inner_texts())
    assert counted == 4  # every ODD 6 actor, in the page's clusters
    for route in held:
        route.continue_()
    frame.locator("#directory-map[data-loaded='4']").wait_for(state="attached")
    assert browser_page.errors == []


def test_the_directory_map_clusters_the_light_feed_and_fetches_a_popup(
    live_server, content, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    page.goto(f"{live_server.url}/annuaire/", wait_until="load")
    page.locator("#directory-map .marker-cluster").first.wait_for()
    fetched = [url for url, _status in browser_page.responses]
    assert any("/annuaire/actors.map.json" in url for url in fetched)
    assert not any("actors.geojson" in url for url in fetched)
    # The lone marker in Poitiers: its popup comes with the details fetched on demand.
    page.locator("#directory-map .leaflet-marker-icon[title='Eau Poitou Sahel']").click()
    popup = page.locator(".leaflet-popup-content .map-popup")
    popup.wait_for()
    assert popup.locator("a").inner_text() == "Eau Poitou Sahel"
    badges = popup.locator(".sdg-badges").inner_text()
    assert "6" in badges and "Eau propre et assainissement" in badges
    assert any("/popup.html" in url for url, _status in browser_page.responses)
    assert browser_page.errors == []
