"""The demo at a phone's, a tablet's and a laptop's width (390, 768, 1366 px): nothing scrolls
sideways, the menu button opens and closes from the keyboard, the directory shows its results
before its filters on a phone, and every image declares its size and its text alternative."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from .conftest import BrowserPage

pytestmark = pytest.mark.browser

WIDTHS = (390, 768, 1366)
PATHS = ["/", "/annuaire/", "/recherche/?q=eau", "/annuaire/referencement/"]
PAGE_TYPES = ["actorpage", "eventpage", "callforprojectspage", "newspage"]

# Images outside the map (Leaflet sizes its tiles and markers in CSS) missing a size or an alt.
IMAGES_WITHOUT_SIZE_OR_ALT = """() => [...document.querySelectorAll("img")]
    .filter((img) => !img.closest(".leaflet-container"))
    .filter((img) => !img.hasAttribute("alt")
        || !img.getAttribute("width") || !img.getAttribute("height"))
    .map((img) => img.outerHTML.slice(0, 160))"""


@pytest.fixture
def demo_paths(browser_demo) -> list[str]:
    paths = list(PATHS)
    for model in PAGE_TYPES:
        page = Page.objects.live().public().filter(content_type__model=model).first()
        assert page is not None, f"the demo content has no live {model}"
        paths.append(page.url)
    return paths


def test_pages_fit_every_width_and_the_directory_puts_results_first(
    live_server, demo_paths, browser_page: BrowserPage
):
    page = browser_page.page
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in demo_paths:
            response = page.goto(f"{live_server.url}{path}", wait_until="load")
            assert response is not None and response.status == 200, path
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"{path} at {width} px scrolls sideways by {overflow} px")
            for image in page.evaluate(IMAGES_WITHOUT_SIZE_OR_ALT):
                problems.append(f"{path} at {width} px: image without size or alt: {image}")
    assert not problems, "\n".join(problems)

    # A phone sees the directory's heading and count before its filters, which wait behind a
    # button that counts the active ones.
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/annuaire/?theme=sante&odd=3", wait_until="load")
    heading = page.get_by_role("heading", level=1)
    count = page.locator(".results-count")
    assert heading.bounding_box()["y"] < 900
    assert count.bounding_box()["y"] + count.bounding_box()["height"] < 900
    assert page.locator(".directory-map").bounding_box()["y"] < 900
    toggle = page.get_by_role("button", name="Filtrer (2)")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("form.directory-filters").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("form.directory-filters").is_visible()

    # On a wide screen the filters stand beside the results, without the button.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/annuaire/?theme=sante", wait_until="load")
    assert not page.locator(".filters-toggle").is_visible()
    assert page.locator("form.directory-filters").is_visible()


@pytest.mark.parametrize("width", [390, 768])
def test_menu_button_opens_and_closes_from_the_keyboard(
    live_server, django_db_serialized_rollback, browser, width
):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    from home.models import NavigationSettings
    from home.tests.factories import StandardPageFactory, make_site_with_home

    home = make_site_with_home()
    section = StandardPageFactory(parent=home, title="Le réseau")
    navigation = NavigationSettings.for_site(home.get_site())
    navigation.header_links = [("link", {"page": section, "url": "", "label": ""})]
    navigation.save()

    page.goto(f"{live_server.url}/", wait_until="load")
    menu_link = page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Le réseau"
    )
    button = page.get_by_role("button", name="Menu")
    assert button.get_attribute("aria-expanded") == "false"
    assert not menu_link.is_visible()

    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert menu_link.is_visible()
    assert page.get_by_role("link", name="Référencer ma structure").first.is_visible()

    # Tab into the menu, then Escape: closed, and the focus is back on the button.
    menu_link.focus()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert not menu_link.is_visible()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-controls')") == (
        "site-nav-panel"
    )
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "true"
    context.close()


def test_wide_screens_show_the_menu_without_a_button(
    live_server, django_db_serialized_rollback, browser
):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    from home.models import NavigationSettings
    from home.tests.factories import StandardPageFactory, make_site_with_home

    home = make_site_with_home()
    section = StandardPageFactory(parent=home, title="Le réseau")
    navigation = NavigationSettings.for_site(home.get_site())
    navigation.header_links = [("link", {"page": section, "url": "", "label": ""})]
    navigation.save()
    page.goto(f"{live_server.url}/", wait_until="load")
    assert not page.locator(".menu-toggle").is_visible()
    nav = page.get_by_role("navigation", name="Menu principal")
    assert nav.get_by_role("link", name="Le réseau").is_visible()
    context.close()


@pytest.mark.parametrize("viewport_width", [390, 1366])
def test_section_sub_menu_is_a_keyboard_disclosure(
    live_server, django_db_serialized_rollback, browser, viewport_width
):
    context = browser.new_context(locale="fr-FR", viewport={"width": viewport_width, "height": 900})
    page = context.new_page()
    from home.models import NavigationSettings
    from home.tests.factories import StandardPageFactory, make_site_with_home

    home = make_site_with_home()
    section = StandardPageFactory(parent=home, title="Le réseau")
    StandardPageFactory(parent=section, title="Gouvernance", show_in_menus=True)
    navigation = NavigationSettings.for_site(home.get_site())
    navigation.header_links = [("link", {"page": section, "url": "", "label": ""})]
    navigation.save()
    page.goto(f"{live_server.url}/", wait_until="load")
    if viewport_width < 1024:
        page.get_by_role("button", name="Menu").click()
    nav = page.get_by_role("navigation", name="Menu principal")
    sub_link = nav.get_by_role("link", name="Gouvernance")
    toggle = nav.get_by_role("button", name="Sous-rubriques : Le réseau")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not sub_link.is_visible()

    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert sub_link.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Gouvernance"

    # Escape closes the sub-menu only (the phone's menu stays open) and focuses its button.
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not sub_link.is_visible()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-controls')") == (
        "sous-menu-1"
    )
    assert nav.get_by_role("link", name="Le réseau").is_visible()
    context.close()
