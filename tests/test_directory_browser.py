"""The directory in a real browser: filtered by département and SDG, the map and the
list show the same actors; the map goes from clusters to popups with the keyboard, and
lists the actors or projects that share one place."""

from __future__ import annotations

import re

import pytest

from directory.models import ActorPage, DirectoryPage
from directory.tests.factories import (
    ActorPageFactory,
    DirectoryPageFactory,
    ProjectPageFactory,
    ProjectPlaceFactory,
    college,
    countries,
    departement,
    sdgs,
    themes,
)
from home.tests.factories import make_site_with_home

from .conftest import BrowserPage

pytestmark = pytest.mark.browser

# Every marker accounted for once the map has drawn: the clusters' counts plus the markers
# drawn on their own; null until it matches what the page loaded (`data-loaded`).
MARKERS_ON_MAP = """() => {
    const map = document.getElementById("directory-map");
    if (!map || !map.dataset.loaded) return null;
    let total = 0;
    for (const icon of map.querySelectorAll(".leaflet-marker-pane .leaflet-marker-icon")) {
        total += icon.classList.contains("marker-cluster")
            ? parseInt(icon.textContent, 10) || 0 : 1;
    }
    return total === parseInt(map.dataset.loaded, 10) ? total : null;
}"""


@pytest.fixture
def directory(transactional_db, django_db_serialized_rollback, settings) -> DirectoryPage:
    """Gironde: six actors with SDG 6 in and around Bordeaux (close enough to cluster), one of
    them without a place, and two with other goals; Vienne: two actors with SDG 6."""
    # The test machines have no internet: map tiles come from the site itself.
    settings.MAP_TILE_URL = "/static/img/favicon.svg?z={z}&x={x}&y={y}"
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    gironde = [
        ("Eau Vive Gironde", -0.5792, 44.8378),
        ("Puits du Sahel", -0.5800, 44.8390),
        ("Sources Solidaires", -0.5780, 44.8370),
        ("Latrines pour Tous", -0.6436, 44.8386),
        ("Hydraulique Villageoise", -0.2436, 44.9153),
    ]
    for title, lng, lat in gironde:
        ActorPageFactory(
            parent=directory,
            title=title,
            location=f"SRID=4326;POINT({lng} {lat})",
            postcode="33000",
            departement=departement("33"),
            sdgs=sdgs(6, 3),
            themes=themes("eau-assainissement-hygiene"),
            countries=countries("BF"),
        )
    ActorPageFactory(
        parent=directory,
        title="Gouttes d'Eau sans adresse",
        location="",
        postcode="33000",
        departement=departement("33"),
        sdgs=sdgs(6),
    )
    for title in ("Écoles de Gironde", "Jumelage Bordeaux-Ouaga"):
        ActorPageFactory(
            parent=directory,
            title=title,
            location="SRID=4326;POINT(-0.5700 44.8400)",
            postcode="33000",
            departement=departement("33"),
            college=college("collectivites"),
            sdgs=sdgs(4),
        )
    vienne = [("Eau Poitou Sahel", 0.3404, 46.5802), ("Niger Vienne", 0.5461, 46.8178)]
    for title, lng, lat in vienne:
        ActorPageFactory(
            parent=directory,
            title=title,
            location=f"SRID=4326;POINT({lng} {lat})",
            postcode="86000",
            departement=departement("86"),
            sdgs=sdgs(6),
        )
    return directory


def results_count(page) -> int:
    text = page.locator(".results-count").inner_text()
    return int(re.sub(r"\D", "", text.split("acteur")[0]))


def without_place(page) -> int:
    note = page.locator(".directory__without-place")
    if note.count() == 0:
        return 0
    return int(re.sub(r"\D", "", note.inner_text().split("acteur")[0]))


def markers_on_map(page) -> int:
    page.wait_for_function(MARKERS_ON_MAP, timeout=15_000)
    return page.evaluate(MARKERS_ON_MAP)


def test_filtered_by_departement_and_sdg_the_map_and_the_list_agree(
    live_server, directory, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    response = page.goto(f"{live_server.url}/annuaire/", wait_until="load")
    assert response is not None and response.status == 200

    # Unfiltered: ten actors, one without a place, nine on the map.
    assert results_count(page) == 10
    assert without_place(page) == 1
    assert markers_on_map(page) == 9

    # The visitor ticks Gironde and SDG 6 and applies the filters (a plain GET form).
    page.locator("#filter-departement-33").check()
    page.locator("#filter-odd-6").check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Appliquer les filtres").click()
    assert "departement=33" in page.url and "odd=6" in page.url

    listed = results_count(page)
    assert listed == 6
    assert page.locator(".card-grid > *").count() == listed
    assert without_place(page) == 1
    assert (
        "1 acteur de cette liste n'a pas de lieu"
        in page.locator(".directory__without-place").inner_text()
    )
    on_map = markers_on_map(page)
    assert on_map == listed - without_place(page) == 5
    # Three of them sit within a few hundred metres in Bordeaux: drawn as a cluster.
    assert page.locator("#directory-map .marker-cluster").count() >= 1
    # The map reads the same filters as the list.
    assert "departement=33" in page.get_attribute("#directory-map", "data-geojson-url")

    # A lone marker opens its popup: the actor's name, linked to its page.
    lone = page.locator(
        "#directory-map .leaflet-marker-pane .leaflet-marker-icon:not(.marker-cluster)"
    )
    if lone.count():
        lone.first.click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert popup.locator("a").count() == 1
    assert browser_page.errors == []


def test_the_country_list_narrows_as_one_types_and_keeps_ticked_countries(
    live_server, directory, browser_page: BrowserPage
) -> None:
    for title, code in (("Amis du Bénin", "BJ"), ("Mali Solidarité", "ML"), ("Maroc Eau", "MA")):
        ActorPageFactory(parent=directory, title=title, countries=countries(code), location="")
    page = browser_page.page
    page.goto(f"{live_server.url}/annuaire/?pays=BF", wait_until="load")
    countries_box = page.get_by_role("group", name="Pays d'intervention")
    search = countries_box.get_by_label("Rechercher un pays")

    def shown() -> list[str]:
        labels = countries_box.locator("li:visible label").all_inner_texts()
        return sorted(label.split(" (")[0] for label in labels)

    assert shown() == ["Burkina Faso", "Bénin", "Mali", "Maroc"]  # sorted by code point
    # Accents and case ignored; the ticked Burkina Faso stays; Enter does not submit.
    search.fill("BEN")
    assert shown() == ["Burkina Faso", "Bénin"]
    assert countries_box.locator("[aria-live=polite]").inner_text() == "2 choix affichés sur 4"
    search.press("Enter")
    assert page.url.endswith("/annuaire/?pays=BF")
    search.press("Escape")
    assert shown() == ["Burkina Faso", "Bénin", "Mali", "Maroc"]


def tiles_zoom(page) -> int:
    """The map's zoom, read from its tiles' addresses (`?z={z}&...` in these tests)."""
    return page.evaluate(
        """() => Math.max(...[...document.querySelectorAll("#directory-map .leaflet-tile")]
            .map((tile) => Number(new URL(tile.src).searchParams.get("z"))))"""
    )


def test_the_map_is_used_with_the_keyboard_down_to_actors_at_one_address(
    live_server, directory, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    map_element = page.locator("#directory-map")

    # Vienne: two actors far apart, drawn on their own; Tab reaches one, Enter opens it.
    page.goto(f"{live_server.url}/annuaire/?departement=86", wait_until="load")
    assert markers_on_map(page) == 2
    map_element.focus()
    page.keyboard.press("Tab")
    lone = page.locator("#directory-map .leaflet-marker-icon:focus")
    name = lone.get_attribute("title")
    assert name in ("Eau Poitou Sahel", "Niger Vienne")
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content .map-popup").wait_for()
    assert page.locator(".leaflet-popup-content .map-popup a").inner_text() == name

    # SDG 4: two actors at the same address, a cluster of 2 that zooms in when opened,
    # then one marker for the address, which lists them; each opens its own popup.
    page.goto(f"{live_server.url}/annuaire/?odd=4", wait_until="load")
    assert markers_on_map(page) == 2
    map_element.focus()
    page.keyboard.press("Tab")
    cluster = page.locator("#directory-map .marker-cluster:focus")
    assert cluster.inner_text() == "2"
    assert cluster.get_attribute("aria-label") == "2 points regroupés : Entrée pour les voir"
    zoom_before = tiles_zoom(page)
    page.keyboard.press("Enter")
    # The cluster is gone with the zoom: focus is back on the map, the address comes next.
    page.wait_for_function("() => document.activeElement.id === 'directory-map'")
    assert tiles_zoom(page) > zoom_before
    assert markers_on_map(page) == 2
    page.keyboard.press("Tab")
    address = page.locator("#directory-map .marker-cluster:focus")
    assert address.inner_text() == "2"
    page.keyboard.press("Enter")
    choices = page.locator(".leaflet-popup-content .map-popup__choice")
    choices.first.wait_for()
    assert sorted(choices.all_inner_texts()) == ["Jumelage Bordeaux-Ouaga", "Écoles de Gironde"]
    first = page.locator(".leaflet-popup-content .map-popup__choice:focus")
    chosen = first.inner_text()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content .map-popup").wait_for()
    assert page.locator(".leaflet-popup-content .map-popup a").inner_text() == chosen
    assert browser_page.errors == []


def redrawn_after(page, key: str) -> int:
    """Presses `key` on the map (+ or − zoom) and waits for its clusters to be drawn again
    (every cluster on the map a new one), then returns every marker accounted for."""
    page.evaluate(
        """() => document.querySelectorAll("#directory-map .marker-cluster")
            .forEach((cluster) => { cluster.dataset.before = "1"; })"""
    )
    page.keyboard.press(key)
    page.wait_for_function(
        """() => {
            const clusters = [...document.querySelectorAll("#directory-map .marker-cluster")];
            return clusters.length > 0 && clusters.every((cluster) => !cluster.dataset.before);
        }"""
    )
    return markers_on_map(page)


def test_the_first_clusters_and_the_index_drawn_after_them_count_every_actor(
    live_server, directory, browser_page: BrowserPage
) -> None:
    """The clusters of the opening zoom are drawn before Supercluster's index is built; the
    other zooms come from the index. Both account for every actor on the map, once."""
    page = browser_page.page
    page.goto(f"{live_server.url}/annuaire/", wait_until="load")
    assert markers_on_map(page) == 9
    page.locator("#directory-map").focus()
    assert redrawn_after(page, "-") == 9  # one level out: from the index
    assert redrawn_after(page, "=") == 9  # back to the opening zoom and its first clusters
    assert browser_page.errors == []


# Every marker drawn, in clusters or alone, whether or not the feed has loaded.
MARKERS_DRAWN = """() => [...document.querySelectorAll(
        "#directory-map .leaflet-marker-pane .leaflet-marker-icon")]
    .reduce((total, icon) => total + (icon.classList.contains("marker-cluster")
        ? parseInt(icon.textContent, 10) || 0 : 1), 0)"""


def test_the_first_clusters_come_from_the_page_before_the_feed_arrives(
    live_server, directory, browser_page: BrowserPage
) -> None:
    """The page carries the opening zoom's clusters: the map draws them while its feed is
    held back, and the feed, once let through, serves the other zooms. A lone actor drawn
    from the page opens its popup."""
    # Limoges, far from the others: alone at the opening zoom.
    ActorPageFactory(
        parent=directory,
        title="Limousin Solidaire",
        location="SRID=4326;POINT(1.2611 45.8336)",
        departement=departement("87"),
    )
    page = browser_page.page
    held = []
    # Neither answered nor refused until let through.
    page.route("**/actors.map.json*", lambda route: held.append(route))
    page.goto(f"{live_server.url}/annuaire/", wait_until="load")
    page.wait_for_function(f"() => ({MARKERS_DRAWN})() === 10")
    assert held, "the map asked for its feed"
    assert page.get_attribute("#directory-map", "data-loaded") is None  # the feed is not in
    assert page.locator("#directory-map .marker-cluster").count() >= 1
    # A lone actor from the page: its popup is fetched when it opens.
    page.locator("#directory-map").focus()
    lone = page.locator("#directory-map .leaflet-marker-icon:not(.marker-cluster)")
    name = lone.first.get_attribute("title")
    lone.first.click()
    popup = page.locator(".leaflet-popup-content .map-popup")
    popup.wait_for()
    assert name in popup.inner_text()
    page.keyboard.press("Escape")

    for route in held:
        route.continue_()
    page.wait_for_function(MARKERS_ON_MAP)  # the feed loaded: `data-loaded` set, all counted
    assert page.get_attribute("#directory-map", "data-loaded") == "10"
    page.locator("#directory-map").focus()
    assert redrawn_after(page, "-") == 10  # one level out: from the feed's index
    assert redrawn_after(page, "=") == 10  # back to the page's clusters
    assert browser_page.errors == []


def test_the_projects_map_lists_the_projects_drawn_at_one_place(
    live_server, directory, browser_page: BrowserPage
) -> None:
    actor = ActorPage.objects.get(title="Eau Vive Gironde")
    mali = [
        ProjectPageFactory(parent=actor, title=title, countries=countries("ML"))
        for title in ("Greniers de Kayes", "Maraîchage à Ségou")
    ]
    precise = ProjectPageFactory(
        parent=actor, title="Forages à Koudougou", countries=countries("BF")
    )
    ProjectPlaceFactory(project=precise, name="Koudougou", location="SRID=4326;POINT(-2.36 12.25)")
    page = browser_page.page
    page.goto(f"{live_server.url}/annuaire/projets/", wait_until="load")
    # Koudougou alone; the two Malian projects, drawn at Mali's centre, as a cluster of 2.
    assert markers_on_map(page) == 3
    assert page.locator("#directory-map .marker-cluster").inner_text() == "2"
    zoom_before = tiles_zoom(page)
    page.locator("#directory-map .marker-cluster").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'directory-map'")
    assert tiles_zoom(page) > zoom_before
    # As close as the map goes, they still share a place: one marker that lists them.
    place = page.locator("#directory-map .marker-cluster")
    assert place.inner_text() == "2"
    place.focus()
    page.keyboard.press("Enter")
    links = page.locator(".leaflet-popup-content .map-popup__list a")
    links.first.wait_for()
    listed = {link.inner_text(): link.get_attribute("href") for link in links.all()}
    assert listed == {project.title: project.url for project in mali}
    assert browser_page.errors == []
