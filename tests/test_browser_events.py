"""The agenda in a real browser: registering, the last place, the waiting list; axe-core on
the agenda, an event page and the registration form."""

from __future__ import annotations

import pytest

from events.models import EventPage, Registration
from events.tests.factories import EventIndexPageFactory, make_event
from home.tests.factories import make_site_with_home

from .conftest import BrowserPage, axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def event(transactional_db, django_db_serialized_rollback, settings) -> EventPage:
    # The test machines have no internet: map tiles come from the site itself.
    settings.MAP_TILE_URL = "/static/img/favicon.svg?z={z}&x={x}&y={y}"
    # A script fills the form faster than a person (the anti-spam delay has its own tests).
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    home = make_site_with_home()
    agenda = EventIndexPageFactory(parent=home)
    return make_event(
        parent=agenda,
        title="Concevoir et gérer un projet de coopération",
        sessions=2,
        registration_mode=EventPage.RegistrationMode.BUILT_IN,
        capacity=2,
        format=EventPage.Format.IN_PERSON,
        venue_name="Grand Angoulême",
        venue_city="Angoulême",
        venue_postcode="16000",
        location="SRID=4326;POINT(0.1566 45.6484)",
    )


SENT = "Vérifiez votre messagerie"


def new_visitor(browser) -> object:
    """A page in a fresh browser context: another person, with an empty HTTP cache."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def register(page, url: str, *, first: str, email: str, button: str) -> str:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200
    registration = page.locator(".event-registration")
    registration.locator("a.button").click()
    page.wait_for_load_state("load")
    page.locator("#id_first_name").fill(first)
    page.locator("#id_last_name").fill("Traoré")
    page.locator("#id_email").fill(email)
    page.locator("#id_organisation").fill("Association Eau Vive")
    page.locator("#id_consent").check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=button).click()
    return page.locator("h1").inner_text().strip()


def test_register_fill_the_last_place_then_the_waiting_list(
    live_server, event, browser, browser_page: BrowserPage
) -> None:
    url = f"{live_server.url}{event.url}"

    first = browser_page.page
    # After the form, the same page for everyone (it never tells who was registered before);
    # the e-mail says confirmed or waiting, as the statuses checked below.
    assert register(first, url, first="Awa", email="awa@exemple.org", button="M'inscrire") == (SENT)

    last_place = new_visitor(browser)
    assert "1 place restante" in (last_place.goto(url) and last_place.content())
    assert (
        register(last_place, url, first="Julien", email="julien@exemple.org", button="M'inscrire")
        == SENT
    )

    next_person = new_visitor(browser)
    next_person.goto(url, wait_until="load")
    assert "Complet" in next_person.locator(".event-registration").inner_text()
    heading = register(
        next_person,
        url,
        first="Koffi",
        email="koffi@exemple.org",
        button="M'inscrire en liste d'attente",
    )
    assert heading == SENT

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "awa@exemple.org": "confirmee",
        "julien@exemple.org": "confirmee",
        "koffi@exemple.org": "attente",
    }
    assert browser_page.errors == []


def test_form_errors_are_summarised_and_tied_to_fields(
    live_server, event, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    page.goto(f"{live_server.url}{event.url}inscription/", wait_until="load")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="M'inscrire").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    # Keyboard and screen-reader focus moves to the summary, as on the référencement form.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'erreurs'")
    page.locator(".error-summary a[href='#id_email']").click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    described = page.locator("#id_email").get_attribute("aria-describedby").split()
    assert "id_email-erreur" in described
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "path", ["/agenda/", "{event}", "{event}inscription/", "{event}inscription/confirmation/"]
)
def test_axe_finds_no_violation(live_server, event, browser_page: BrowserPage, path) -> None:
    page = browser_page.page
    url = live_server.url + path.format(event=event.url)
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200
    assert axe_violations(page) == []
