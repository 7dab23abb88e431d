"""End-to-end checks in a real browser: what a visitor sees and does on the public site.

Run with `make test-browser` (Debian's chromium through Playwright, against Django's live
server on the test settings, which serve static files through the finders).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from home.models import HomePage
from home.tests.factories import StandardPageFactory, make_site_with_home

from .conftest import BrowserPage

pytestmark = pytest.mark.browser

SEARCHED_WORD = "Ouagadougou"


@pytest.fixture
def home(transactional_db, django_db_serialized_rollback) -> HomePage:
    # Serialized rollback: the live server needs committed rows, so each test flushes the
    # database; this restores what the migrations seeded (root page, locale) for the next.
    home = make_site_with_home()
    StandardPageFactory(parent=home, title="Le réseau", slug="le-reseau")
    StandardPageFactory(
        parent=home,
        title=f"Jumelage avec {SEARCHED_WORD}",
        slug="jumelage",
        introduction="Vingt ans de coopération entre deux villes.",
    )
    return home


def open_page(browser_page: BrowserPage, url: str) -> None:
    response = browser_page.page.goto(url, wait_until="load")
    assert response is not None
    assert response.status == 200, f"{url} answered {response.status}"


def static_statuses(browser_page: BrowserPage, path: str) -> list[int]:
    return [status for url, status in browser_page.responses if urlsplit(url).path == path]


def test_home_page_renders_in_french_with_one_h1_and_its_css(
    live_server, home, browser_page: BrowserPage, screenshot_dir: Path
) -> None:
    page = browser_page.page
    open_page(browser_page, f"{live_server.url}/")

    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text().strip() == home.hero_title
    assert static_statuses(browser_page, "/static/css/site.css") == [200]
    # The stylesheet is applied, not only fetched: the skip link sits off screen until focused.
    skip_link_top = page.eval_on_selector("a.skip-link", "el => el.getBoundingClientRect().top")
    assert skip_link_top < 0

    screenshot = screenshot_dir / "browser-home.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 0
    assert browser_page.errors == []


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
    live_server, home, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    open_page(browser_page, f"{live_server.url}/")

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({tag: document.activeElement.tagName,"
        " text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href'),"
        " top: document.activeElement.getBoundingClientRect().top})"
    )
    assert focused["tag"] == "A"
    assert focused["text"] == "Aller au contenu"
    assert focused["href"] == "#contenu"
    assert focused["top"] >= 0, "the focused skip link must be visible on screen"

    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement?.id === 'contenu'")
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"
    assert urlsplit(page.url).fragment == "contenu"
    assert browser_page.errors == []


def test_header_search_finds_a_page_by_its_title(
    live_server, home, browser_page: BrowserPage, screenshot_dir: Path
) -> None:
    page = browser_page.page
    open_page(browser_page, f"{live_server.url}/")

    page.fill("#site-search-q", SEARCHED_WORD)
    with page.expect_navigation(wait_until="load") as navigation:
        page.press("#site-search-q", "Enter")
    assert navigation.value is not None
    assert navigation.value.status == 200
    url = urlsplit(page.url)
    assert url.path == "/recherche/"
    assert url.query == f"q={SEARCHED_WORD}"

    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text().strip() == "Rechercher sur le site"
    assert page.locator(".results-count").inner_text().strip().startswith("1 résultat")
    result_link = page.locator(".search-results .search-result__title a")
    assert result_link.count() == 1
    assert result_link.inner_text().strip() == f"Jumelage avec {SEARCHED_WORD}"
    assert result_link.get_attribute("href") == "/jumelage/"
    assert page.get_attribute("html", "lang") == "fr"

    screenshot = screenshot_dir / "browser-search.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 0
    assert browser_page.errors == []


def test_a_console_error_is_caught(live_server, home, browser_page: BrowserPage) -> None:
    """The console check above can fail: an error thrown by a page script is recorded."""
    page = browser_page.page
    open_page(browser_page, f"{live_server.url}/")
    # Run from the test (the page's own policy forbids inline scripts, see the next test).
    page.evaluate("console.error('erreur de test'); setTimeout(() => nope(), 0);")
    page.wait_for_timeout(200)
    assert any("erreur de test" in error for error in browser_page.console_errors)
    assert any("nope" in error for error in browser_page.page_errors)


def test_an_injected_inline_script_is_refused_by_the_policy(
    live_server, home, browser_page: BrowserPage
) -> None:
    """What a stored XSS would try: an inline script in the page does not run."""
    page = browser_page.page
    open_page(browser_page, f"{live_server.url}/")
    page.evaluate(
        "const s = document.createElement('script');"
        "s.textContent = 'window.injected = true';"
        "document.body.appendChild(s);"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected === true") is False
    assert any("Content Security Policy" in error for error in browser_page.console_errors)
