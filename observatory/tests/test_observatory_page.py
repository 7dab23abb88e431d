"""The observatory's page, its downloads, its cache and its query counts."""

from __future__ import annotations

import csv
import io
import json
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from observatory.tests.indicator_fixtures import accompany, build_world, make_actor

pytestmark = pytest.mark.django_db

URL = "/observatoire/"


@pytest.fixture
def world():
    return build_world()


def table(soup: BeautifulSoup, slug: str) -> dict[str, list[str]]:
    """{row heading: [cells]} of an indicator's table."""
    article = soup.find("article", id=slug)
    assert article is not None, slug
    rows = {}
    for row in article.select("table tbody tr"):
        rows[row.th.get_text(strip=True)] = [
            cell.get_text(strip=True) for cell in row.find_all("td")
        ]
    return rows


def test_page_renders_tables_without_javascript(client, world):
    response = client.get(URL + "?annee=2020")
    assert response.status_code == HTTPStatus.OK
    soup = BeautifulSoup(response.content, "html.parser")
    assert len(soup.find_all("h1")) == 1
    first = soup.find("article", id="acteurs-college").table
    assert "Acteurs par collège" in first.caption.get_text()
    assert [th["scope"] for th in first.thead.find_all("th")] == ["col"] * 4
    assert all(th["scope"] == "row" for th in first.tbody.find_all("th"))
    colleges = table(soup, "acteurs-college")
    assert colleges["Associations, ONG et fondations"][:3] == ["2", "1", "+1"]
    # Charts are an enhancement: a canvas with a text alternative, hidden until drawn.
    canvas = soup.find("canvas", attrs={"data-chart": "acteurs-college"})
    assert canvas["role"] == "img" and canvas["aria-label"]
    assert canvas.find_parent("div")["hidden"] is not None
    # World maps are drawn on the server, readable without script.
    svg = soup.find("article", id="projets-pays").svg
    assert svg["role"] == "img" and svg.title.get_text()
    # Chart data travel in one json_script block, no inline script.
    data = json.loads(soup.find("script", id="observatory-charts").string)
    college_chart = next(chart for chart in data if chart["id"] == "acteurs-college")
    assert "Associations, ONG et fondations" in college_chart["labels"]
    assert all(
        script.get("src") or script.get("type") == "application/json"
        for script in soup.find_all("script")
    )


def test_small_accompaniment_cells_read_less_than_three_everywhere(client, world):
    soup = BeautifulSoup(client.get(URL + "?annee=2020").content, "html.parser")
    departements = table(soup, "accompagnements-departement")
    assert departements["Dordogne (24)"][0] == "< 3"
    assert departements["Dordogne (24)"][2] == "—"
    assert departements["Landes (40)"][0] == "s"
    assert "Collectif" not in soup.get_text()  # no structure is ever named
    csv_body = client.get(URL + "donnees/accompagnements-departement/csv/?annee=2020")
    rows = list(csv.reader(io.StringIO(csv_body.content.decode("utf-8-sig")), delimiter=";"))
    dordogne = next(row for row in rows if row[0] == "24")
    assert dordogne[2] == "< 3"
    document = client.get(URL + "donnees/accompagnements-departement/json/?annee=2020").json()
    line = next(line for line in document["lignes"] if line["code"] == "24")
    assert line["accompagnements_2020"] == "< 3"
    assert line["accompagnements_evolution"] is None


def test_filters_in_the_url_narrow_the_tables(client, world):
    soup = BeautifulSoup(
        client.get(URL + "?odd=6&departement=33&annee=2020").content, "html.parser"
    )
    assert soup.find("meta", attrs={"name": "robots", "content": "noindex"})
    colleges = table(soup, "acteurs-college")
    assert colleges["Collectivités territoriales"][0] == "0"
    assert soup.find("input", attrs={"name": "odd", "value": "6"}).has_attr("checked")
    assert (
        soup.find("select", attrs={"name": "annee"}).find("option", selected=True)["value"]
        == "2020"
    )
    link = soup.find("article", id="acteurs-college").find(
        "a", href=lambda href: href and "/csv/" in href
    )
    assert "odd=6" in link["href"] and "departement=33" in link["href"]


@pytest.mark.parametrize(
    "query",
    [
        "odd=abc",
        "annee=20x0",
        "annee=3000",
        "departement=99&pays=%FF",
        "page=abc",
        "odd=" + "9" * 400,
    ],
)
def test_bad_filter_values_never_fail(client, world, query):
    response = client.get(URL + "?" + query)
    assert response.status_code == HTTPStatus.OK


def test_csv_download_columns_and_licence(client, world):
    response = client.get(URL + "donnees/acteurs-college/csv/?annee=2020&sep=comma")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="acteurs-college-2020.csv"' in response["Content-Disposition"]
    assert 'rel="license"' in response["Link"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["code", "libelle", "acteurs_2020", "acteurs_2019", "acteurs_evolution"]
    associations = next(row for row in rows if row[0] == "associations")
    assert associations[2:] == ["2", "1", "1"]


def test_json_download_documents_columns_and_licence(client, world):
    document = client.get(URL + "donnees/acteurs-odd/json/?annee=2020&odd=6").json()
    assert document["licence"]["name"] == "Licence Ouverte / Open Licence 2.0 (Etalab)"
    assert document["filtres"] == {"annee": 2020, "odd": ["6"]}
    names = [column["nom"] for column in document["colonnes"]]
    assert names == ["code", "libelle", "acteurs_2020", "acteurs_2019", "acteurs_evolution"]
    assert all(column["description"] for column in document["colonnes"])
    six = next(line for line in document["lignes"] if line["code"] == "6")
    assert six["acteurs_2020"] == 2


def test_unknown_indicator_is_404(client, world):
    assert client.get(URL + "donnees/inconnu/csv/").status_code == HTTPStatus.NOT_FOUND


def test_publication_clears_the_cached_indicators(client, world):
    before = table(BeautifulSoup(client.get(URL).content, "html.parser"), "acteurs-odd")
    actor = make_actor(world.directory, "Nouvel acteur de l'eau", odd=(6,))
    actor.save_revision().publish()
    after = table(BeautifulSoup(client.get(URL).content, "html.parser"), "acteurs-odd")
    odd6 = next(key for key in after if key.startswith("6."))
    assert int(after[odd6][0]) == int(before[odd6][0]) + 1


def test_an_accompaniment_clears_the_cached_indicators(client, world):
    first = client.get(URL + "donnees/accompagnements-annee/json/?annee=2020").json()
    accompany(__import__("datetime").date(2020, 9, 1), dep="33", name="Nouvelle structure")
    second = client.get(URL + "donnees/accompagnements-annee/json/?annee=2020").json()
    count = {line["code"]: line["accompagnements"] for line in first["lignes"]}["2020"]
    assert {line["code"]: line["accompagnements"] for line in second["lignes"]}["2020"] == count + 1


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_COOKIE="sessionid=bypass")
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def test_query_counts_do_not_grow_with_rows(client, world):
    from django.core.cache import cache

    # Once first: the process's own caches (content types, sites) are warm, as in service.
    client.get(URL + "?annee=2020", HTTP_COOKIE="sessionid=bypass")
    client.get(URL + "donnees/projets-pays/csv/", HTTP_COOKIE="sessionid=bypass")
    cache.clear()
    cold = _queries(client, URL + "?annee=2020")
    csv_cold = (cache.clear(), _queries(client, URL + "donnees/projets-pays/csv/"))[1]
    json_url = URL + "donnees/accompagnements-departement/json/?annee=2020"
    json_cold = (cache.clear(), _queries(client, json_url))[1]
    filtered_url = URL + "?odd=6&departement=33&pays=BF&annee=2020"
    filtered_cold = (cache.clear(), _queries(client, filtered_url))[1]
    for index in range(6):
        actor = make_actor(
            world.directory, f"Acteur supplémentaire {index}", odd=(6, 2), country=("BF", "ML")
        )
        accompany(__import__("datetime").date(2020, 6, 1 + index), dep="40", actor=actor, odd=(6,))
    cache.clear()
    assert _queries(client, URL + "?annee=2020") == cold
    cache.clear()
    assert _queries(client, URL + "donnees/projets-pays/csv/") == csv_cold
    cache.clear()
    assert _queries(client, json_url) == json_cold
    cache.clear()
    assert _queries(client, filtered_url) == filtered_cold
    # Cached: the indicators and their tables come from the cache; what is left is the page
    # itself (site, route, settings), the same whatever the data.
    _queries(client, URL + "?annee=2020")
    cached = _queries(client, URL + "?annee=2020")
    assert cached <= 15, cached
    assert cached < cold


def test_page_is_in_the_menu_tree_under_home(world):
    page = Page.objects.get(url_path="/accueil/observatoire/").specific
    assert page.get_parent().specific_class.__name__ == "HomePage"


def test_the_seats_map_reads_the_directory_light_feed_with_the_page_filters(client, world):
    """The regional map draws from the directory's light feed (not the full GeoJSON), filtered
    as the page is, and fetches an actor's popup when it opens."""
    soup = BeautifulSoup(client.get(URL + "?odd=6").content, "html.parser")
    seats = soup.find(attrs={"data-geojson-url": True})
    assert seats is not None, "no map of the actors' seats"
    assert seats["data-geojson-url"].endswith("/actors.map.json?odd=6")
    assert seats["data-popup-url"].endswith("/acteur/{id}/popup.html")
