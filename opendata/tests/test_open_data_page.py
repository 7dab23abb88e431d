"""The « Données ouvertes » page: every dataset with its fields (from the API's schemas), its
forms and the licence of the setting."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.test.utils import override_settings
from wagtail import hooks

from opendata.datasets import DATASETS
from opendata.models import OPEN_DATA_PAGE_SECTIONS, OpenDataPage
from opendata.schemas import ActorOut, field_docs


@pytest.fixture
def open_data_page(site_pages):
    page = OpenDataPage(title="Données ouvertes", slug="donnees-ouvertes", show_in_menus=True)
    site_pages.home.add_child(instance=page)
    page.save_revision().publish()
    return page


def parsed(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return BeautifulSoup(response.content, "html.parser")


def test_every_dataset_and_field_is_documented(client, open_data_page):
    html = parsed(client, "/donnees-ouvertes/")

    assert len(html.find_all("h1")) == 1
    for dataset in DATASETS:
        section = html.find("section", id=f"jeu-{dataset.code}")
        assert section is not None, dataset.code
        assert section.find("h2").get_text(strip=True) == str(dataset.title)
        rows = section.find("table").find("tbody").find_all("tr")
        documented = [row.find("th").get_text(strip=True) for row in rows]
        assert documented == list(dataset.schema.model_fields), dataset.code
        for row in rows:
            type_, meaning, example = (cell.get_text(strip=True) for cell in row.find_all("td"))
            assert type_ and meaning and example, (dataset.code, documented)
        api_link = section.find("a", string="API (JSON)")
        assert api_link["href"] == f"/api/open/v1/{dataset.api_path}"


def test_links_to_the_other_forms(client, open_data_page):
    html = parsed(client, "/donnees-ouvertes/")
    hrefs = {a["href"] for a in html.select(".open-data-links a")}

    assert {
        "/annuaire/actors.csv",
        "/annuaire/actors.geojson",
        "/annuaire/projects.geojson",
        "/agenda/agenda.ics",
        "/appels-a-projets/rss/",
        "/offres/rss/",
        "/ressources/rss/",
        "/api/open/v1/feeds/opportunities.json",
    } <= hrefs
    assert html.find("a", href="/api/open/v1/docs/") is not None
    assert html.find("a", href="/api/open/v1/openapi.json") is not None


@pytest.mark.parametrize(
    ("code", "name"),
    [("etalab-2.0", "Licence Ouverte / Open Licence 2.0"), ("odbl-1.0", "Open Database License")],
)
def test_licence_comes_from_the_setting(client, open_data_page, code, name):
    with override_settings(OPEN_DATA_LICENCE=code):
        html = parsed(client, "/donnees-ouvertes/")

    section = html.find("section", id="licence")
    assert name in section.get_text()
    assert section.find("a", attrs={"data-licence": code}) is not None


def test_other_features_add_their_section_through_the_hook(client, open_data_page):
    def widgets(request, page):
        return '<section id="widgets"><h2>Widgets</h2></section>'

    with hooks.register_temporarily(OPEN_DATA_PAGE_SECTIONS, widgets):
        html = parsed(client, "/donnees-ouvertes/?sans-cache=1")

    assert html.find("section", id="widgets").find("h2").get_text() == "Widgets"


def test_field_docs_follow_the_schema():
    docs = {doc.name: doc for doc in field_docs(ActorOut)}

    assert list(docs) == list(ActorOut.model_fields)
    assert docs["odd"].type == "liste de : entier"
    assert docs["college"].type.startswith("objet (code, nom)")
    assert docs["latitude"].type == "nombre décimal, ou null"
    assert docs["derniere_publication"].type.startswith("date et heure")
    assert all(doc.description for doc in docs.values())
