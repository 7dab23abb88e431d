"""« Demander un accompagnement »: stored before any e-mail, the public forms' anti-spam,
consent and rate limit, accessible errors, and a member's pre-filled form."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from directory.tests.factories import ActorPageFactory, departement, sdgs, themes
from directory.tests.registration_helpers import make_member
from home.antispam import HONEYPOT_FIELD, started_token
from home.models import NavigationSettings, SiteIdentitySettings
from observatory.forms import CONSENT_VERSION
from observatory.models import AccompanimentRequest, RequestStatus

from .helpers import FORM_URL, THANKS_URL, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _team(settings):
    settings.ACCOMPANIMENT_NOTIFY_EMAILS = ["equipe@reseau.example"]


def test_the_form_is_served_before_wagtails_pages(client, home):
    response = client.get(FORM_URL)
    assert response.status_code == HTTPStatus.OK
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text(strip=True) == "Demander un accompagnement"
    # Every visible field has its label.
    for name in ("structure_name", "contact_name", "email", "phone", "departement", "needs"):
        field = page.find(attrs={"name": name})
        assert page.find("label", attrs={"for": field["id"]}), name
    assert page.find("input", attrs={"name": "consent", "type": "checkbox"}).get("checked") is None
    assert "private" in response["Cache-Control"]


def test_a_valid_request_is_stored_and_two_emails_are_sent(client, home):
    response = client.post(FORM_URL, form_data())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == THANKS_URL
    stored = AccompanimentRequest.objects.get()
    assert stored.structure_name == "Les Puits du Sahel"
    assert stored.email == "mariama.diallo@puits-sahel.example"
    assert stored.status == RequestStatus.NEW
    assert stored.consent_version == CONSENT_VERSION
    assert stored.consent_at is not None
    assert stored.actor is None and stored.submitted_by is None
    assert list(stored.themes.all()) == themes("eau-assainissement-hygiene")
    assert list(stored.sdgs.all()) == sdgs(6)
    assert stored.departement == departement("33")
    recipients = sorted(tuple(message.to) for message in mail.outbox)
    assert recipients == [("equipe@reseau.example",), ("mariama.diallo@puits-sahel.example",)]
    team = next(m for m in mail.outbox if m.to == ["equipe@reseau.example"])
    assert "Les Puits du Sahel" in team.subject
    assert reverse("accompaniment_requests:inspect", args=[stored.pk]) in team.body
    assert client.get(THANKS_URL).status_code == HTTPStatus.OK


def test_the_team_defaults_to_the_sites_contact_address(client, home, settings):
    settings.ACCOMPANIMENT_NOTIFY_EMAILS = []
    identity = SiteIdentitySettings.for_site(home.get_site())
    identity.email = "contact@reseau.example"
    identity.save()
    client.post(FORM_URL, form_data())
    assert ["contact@reseau.example"] in [message.to for message in mail.outbox]


def test_a_person_without_structure_may_ask(client, home):
    response = client.post(FORM_URL, form_data(requester_kind="personne", structure_name="X"))
    assert response.status_code == HTTPStatus.FOUND
    stored = AccompanimentRequest.objects.get()
    assert stored.structure_name == ""
    assert str(stored) == "Mariama Diallo"


def test_the_request_is_stored_even_when_the_mail_server_fails(client, home, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("observatory.services.send_mail", broken)
    response = client.post(FORM_URL, form_data())
    assert response.status_code == HTTPStatus.FOUND
    assert AccompanimentRequest.objects.count() == 1


def test_a_filled_honeypot_stores_nothing(client, home):
    response = client.post(FORM_URL, form_data(**{HONEYPOT_FIELD: "http://spam.example"}))
    # The robot sees the same thanks page as everyone.
    assert response.status_code == HTTPStatus.FOUND
    assert AccompanimentRequest.objects.count() == 0
    assert mail.outbox == []


def test_a_submission_faster_than_a_person_stores_nothing(client, home):
    response = client.post(FORM_URL, form_data(started=started_token(at=time.time())))
    assert response.status_code == HTTPStatus.OK
    assert "trop vite" in response.text
    assert AccompanimentRequest.objects.count() == 0


def test_a_forged_timing_token_stores_nothing(client, home):
    response = client.post(FORM_URL, form_data(started="pas-un-jeton"))
    assert response.status_code == HTTPStatus.OK
    assert AccompanimentRequest.objects.count() == 0


@override_settings(REGISTRATION_RATE_LIMIT=2)
def test_more_submissions_than_allowed_get_429(client, home):
    for n in range(2):
        response = client.post(FORM_URL, form_data(email=f"personne{n}@exemple.org"))
        assert response.status_code == HTTPStatus.FOUND
    response = client.post(FORM_URL, form_data(email="personne3@exemple.org"))
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    assert "Trop de demandes" in response.text
    assert AccompanimentRequest.objects.count() == 2


def test_without_consent_nothing_is_stored_and_the_error_is_summarised(client, home):
    data = form_data()
    del data["consent"]
    response = client.post(FORM_URL, data)
    assert response.status_code == HTTPStatus.OK
    assert AccompanimentRequest.objects.count() == 0
    page = BeautifulSoup(response.content, "html.parser")
    summary = page.find(class_="error-summary")
    assert summary is not None and summary.get("role") == "alert"
    link = summary.find("a", href="#id_consent")
    assert "Votre accord est nécessaire" in link.get_text()
    checkbox = page.find(id="id_consent")
    assert checkbox["aria-invalid"] == "true"
    assert "id_consent_erreur" in checkbox["aria-describedby"].split()
    assert page.find(id="id_consent_erreur") is not None


def test_help_texts_are_tied_to_their_fields(client, home):
    page = BeautifulSoup(client.post(FORM_URL, {}).content, "html.parser")
    needs = page.find(id="id_needs")
    assert "id_needs_helptext" in needs["aria-describedby"].split()
    assert page.find(id="id_needs_helptext") is not None


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"departement": "abc"}, "Sélectionnez un choix valide"),
        ({"stage": "demain"}, "Sélectionnez un choix valide"),
        ({"themes": ["999999"]}, "Sélectionnez un choix valide"),
        ({"countries": ["pas-un-pays"]}, "n’est pas une valeur correcte"),
        ({"email": "pas-une-adresse"}, "adresse électronique valide"),
        ({"phone": "appelez-moi"}, "numéro de téléphone"),
        ({"needs": "x" * 4001}, "4 000 caractères au plus"),
        ({"needs": "<script>alert(1)</script>"}, "ne sont pas acceptés"),
        ({"structure_name": "", "requester_kind": "structure"}, "nom de la structure"),
        ({"requester_kind": "robot"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(client, home, bad, message):
    response = client.post(FORM_URL, form_data(**bad))
    assert response.status_code == HTTPStatus.OK
    summary = BeautifulSoup(response.content, "html.parser").find(class_="error-summary")
    assert message in summary.get_text(" ")
    assert AccompanimentRequest.objects.count() == 0
    assert mail.outbox == []


def test_other_methods_are_refused(client, home):
    assert client.put(FORM_URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_member_finds_its_structure_filled_in_and_its_request_linked(client, directory):
    actor = ActorPageFactory(parent=directory, title="Eau Vive Gironde")
    actor.departement = departement("64")
    actor.themes.set(themes("eau-assainissement-hygiene", "sante"))
    actor.sdgs.set(sdgs(3, 6))
    actor.save()
    member = make_member(actor, "membre_a")
    client.force_login(member.user)

    page = BeautifulSoup(client.get(FORM_URL).content, "html.parser")
    assert page.find(id="id_structure_name")["value"] == "Eau Vive Gironde"
    assert page.find(id="id_email")["value"] == "membre_a@membre.example"
    chosen = page.find(id="id_departement").find("option", selected=True)
    assert chosen["value"] == str(departement("64").pk)
    ticked = {box["value"] for box in page.select("input[name=themes][checked]")}
    assert ticked == {str(theme.pk) for theme in themes("eau-assainissement-hygiene", "sante")}
    ticked = {box["value"] for box in page.select("input[name=sdgs][checked]")}
    assert ticked == {str(goal.pk) for goal in sdgs(3, 6)}

    response = client.post(FORM_URL, form_data(structure_name="Eau Vive Gironde"))
    assert response.status_code == HTTPStatus.FOUND
    stored = AccompanimentRequest.objects.get()
    assert stored.actor_id == actor.pk
    assert stored.submitted_by == member.user


def test_a_posted_actor_id_is_ignored(client, directory):
    """The link to an actor page comes from the account, never from the POST."""
    actor = ActorPageFactory(parent=directory, title="Eau Vive Gironde")
    client.post(FORM_URL, form_data(actor=actor.pk))
    assert AccompanimentRequest.objects.get().actor is None


def test_the_footers_menu_links_to_the_form(client, home):
    navigation = NavigationSettings.for_site(home.get_site())
    navigation.header_links = [("link", {"page": home, "url": "", "label": "Accueil"})]
    navigation.save()
    page = BeautifulSoup(client.get("/").content, "html.parser")
    link = page.find("footer").find("a", href=FORM_URL)
    assert link.get_text(strip=True) == "Demander un accompagnement"
