"""The members' dashboard « Votre espace »: how complete their page is and what is missing,
what they can add under it, what waits for the editors, their upcoming events with their
registration counts."""

from __future__ import annotations

import re
from html import unescape
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.member_hooks import MemberSpacePanel
from directory.models import ActorPage
from directory.selectors import PROFILE_ITEMS, profile_completeness
from directory.tests.factories import ActorPageFactory, DirectoryPageFactory, countries, themes
from directory.tests.registration_helpers import make_member
from events.models import EventPage, Registration
from events.tests.factories import EventIndexPageFactory, RegistrationFactory, make_event
from home.tests.factories import make_site_with_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    EventIndexPageFactory(parent=home)
    actor = ActorPageFactory(
        parent=directory,
        title="Eau Vive Gironde",
        short_description="Accès à l'eau au Burkina Faso.",
        website="",
        email="",
        phone="",
        body="",
        year_founded=None,
    )
    return make_member(actor, "membre")


def _text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"(?s)<[^>]+>", " ", html)))


def _panel(client) -> tuple[str, str]:
    html = client.get("/admin/").content.decode()
    start = html.index('id="votre-espace-section"')
    panel = html[start : html.index("</section>", start)]
    return panel, _text(panel)


def test_completeness_counts_what_the_latest_draft_has(member):
    actor = ActorPage.objects.get(pk=member.actor.pk)
    before = profile_completeness(actor=actor)
    assert "le site web" in before.missing
    assert "les thématiques" in before.missing
    assert before.percent < 50

    # The member fills its page in a draft: the meter follows the draft.
    actor.website = "https://eau-vive.example.org"
    actor.themes.set(themes("eau-assainissement-hygiene"))
    actor.countries.set(countries("BF"))
    actor.save_revision(user=member.user)
    after = profile_completeness(actor=ActorPage.objects.get(pk=actor.pk))
    assert "le site web" not in after.missing
    assert "les thématiques" not in after.missing
    assert "les pays d'intervention" not in after.missing
    filled = len(PROFILE_ITEMS) - len(after.missing)
    assert after.percent == round(100 * filled / len(PROFILE_ITEMS))
    assert after.percent > before.percent


def test_member_dashboard_shows_the_meter_what_is_missing_and_what_to_add(client, member):
    client.force_login(member.user)
    panel, text = _panel(client)
    completeness = profile_completeness(actor=member.actor)
    assert f"Fiche complète à {completeness.percent} %" in text
    assert f'<meter id="completude-{member.actor.pk}"' in panel
    assert "Il manque : le logo" in text
    assert "le site web" in text
    edit_url = f"/admin/pages/{member.actor.pk}/edit/"
    assert f'href="{edit_url}"' in panel
    for label, model in (
        ("Ajouter un projet", "directory/projectpage"),
        ("Ajouter un événement", "events/eventpage"),
        ("Ajouter une actualité", "resources/newspage"),
        ("Ajouter une offre", "resources/opportunitypage"),
    ):
        assert label in text
        url = f"/admin/pages/add/{model}/{member.actor.pk}/"
        assert f'href="{url}"' in panel
        assert client.get(url).status_code == HTTPStatus.OK, url
    assert "Rien n'attend de validation." in text


def test_member_dashboard_lists_upcoming_events_with_registration_counts(client, member):
    event = make_event(
        parent=member.actor,
        title="Atelier eau potable",
        days_ahead=5,
        registration_mode=EventPage.RegistrationMode.BUILT_IN,
        capacity=20,
    )
    for _ in range(3):
        RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITING)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    make_event(parent=member.actor, title="Atelier passé", days_ahead=-20)
    client.force_login(member.user)
    _panel_html, text = _panel(client)
    assert "Vos prochains événements" in text
    assert "Atelier eau potable" in text
    assert "3 inscrits sur 20 places – 1 en liste d'attente" in text
    assert "Atelier passé" not in text


def test_member_panel_queries_do_not_grow_with_events(rf, member):
    request = rf.get("/admin/")
    request.user = member.user

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            MemberSpacePanel(member.user, request).render_html({"request": request})
        return len(captured)

    first = make_event(parent=member.actor, title="Premier", days_ahead=3)
    RegistrationFactory(event=first)
    queries()
    one = queries()
    for number in range(5):
        event = make_event(parent=member.actor, title=f"Suivant {number}", days_ahead=4 + number)
        RegistrationFactory(event=event)
    assert queries() == one
