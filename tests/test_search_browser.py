"""The site search in a real browser: the header box suggests pages as one types, the
results page is refined with a facet, and a result opens (checked by axe-core too)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from directory.tests.factories import themes
from home.models import HomePage
from home.tests.factories import StandardPageFactory, make_site_with_home
from resources.tests.factories import NewsIndexPageFactory, NewsPageFactory

from .conftest import BrowserPage, axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def home(transactional_db, django_db_serialized_rollback) -> HomePage:
    home = make_site_with_home()
    StandardPageFactory(parent=home, title="Eau et assainissement : notre groupe", slug="eau")
    news = NewsPageFactory(
        parent=NewsIndexPageFactory(parent=home),
        title="Forage et eau potable à Koudougou",
        summary_text="Un forage pour l'eau potable d'un quartier.",
    )
    news.themes.set(themes("eau-assainissement-hygiene"))
    news.save()
    return home


def test_header_search_suggests_then_a_facet_narrows_and_a_result_opens(
    live_server, home, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    page.goto(f"{live_server.url}/", wait_until="load")

    page.fill("#site-search-q", "forag")
    suggestion = page.locator("#site-search-suggestions [role=option]")
    suggestion.first.wait_for()
    assert "Forage et eau potable à Koudougou" in suggestion.first.inner_text()
    assert page.get_attribute("#site-search-q", "aria-expanded") == "true"

    page.fill("#site-search-q", "eau")
    with page.expect_navigation(wait_until="load"):
        page.press("#site-search-q", "Enter")
    assert urlsplit(page.url).path == "/recherche/"
    assert page.locator(".results-count").inner_text().strip().startswith("2 résultats")

    page.check("#facet-type-actualite")
    with page.expect_navigation(wait_until="load"):
        page.click(".directory-filters button[type=submit]")
    assert parse_qs(urlsplit(page.url).query)["type"] == ["actualite"]
    assert page.locator(".results-count").inner_text().strip().startswith("1 résultat")
    assert page.locator(".search-result mark").first.inner_text().lower() == "eau"

    assert axe_violations(page) == []

    with page.expect_navigation(wait_until="load"):
        page.click(".search-results .search-result__title a")
    assert page.locator("h1").inner_text().strip() == "Forage et eau potable à Koudougou"
    assert browser_page.errors == []
