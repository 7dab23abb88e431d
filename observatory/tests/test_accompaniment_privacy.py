"""Accompaniments are never public: no public URL shows them; the RGPD tools export and
anonymise the requests by e-mail address."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from directory.services.personal_data import anonymise_personal_data, export_personal_data
from directory.tests.factories import ActorPageFactory, departement
from observatory.models import Accompaniment, AccompanimentRequest

from .helpers import make_accompaniment, make_request

pytestmark = pytest.mark.django_db

SECRET_STRUCTURE = "Zorglub Solidarité Cachée"
# The search page repeats the query ("Zorglub"): the secrets are the stored texts.
SECRETS = (
    SECRET_STRUCTURE,
    "Zorglub a besoin",
    "Note interne de l'équipe",
    "Résultat interne",
    "Envoyer le budget",
)


def test_no_public_url_shows_accompaniment_data(client, directory):
    actor = ActorPageFactory(parent=directory, title="Acteur Public")
    make_accompaniment(actor=actor)
    make_accompaniment(structure_name=SECRET_STRUCTURE)
    make_request(structure_name=SECRET_STRUCTURE, needs="Zorglub a besoin d'aide")
    for url in (
        "/",
        "/annuaire/",
        "/annuaire/actors.csv",
        "/annuaire/actors.geojson",
        "/annuaire/projets/",
        "/annuaire/projects.geojson",
        actor.url,
        "/recherche/?q=Zorglub",
        "/recherche/autocomplete/?q=Zorglub",
        "/sitemap.xml",
        "/plan-du-site/",
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        for secret in SECRETS:
            assert secret not in text, (url, secret)


def test_rgpd_export_includes_the_requests(home):
    make_request(email="Mariama.Diallo@puits-sahel.example", phone="06 11 22 33 44")
    data = export_personal_data(email="mariama.diallo@puits-sahel.example")
    rows = data["accompaniment_requests"]
    assert len(rows) == 1
    assert rows[0]["phone"] == "06 11 22 33 44"
    assert rows[0]["contact_name"] == "Mariama Diallo"
    assert rows[0]["consent_version"]


def test_rgpd_erasure_anonymises_the_person_and_keeps_the_counts(home):
    request = make_request(structure_name="", contact_name="Mariama Diallo")
    other = make_request(email="autre@exemple.org", contact_name="Autre Personne")
    make_accompaniment(request=request, structure_name="Mariama Diallo")
    counts = anonymise_personal_data(email="mariama.diallo@puits-sahel.example")
    assert counts["accompaniment_requests"] == 1
    request.refresh_from_db()
    assert request.contact_name == "(anonymisé)"
    assert "puits-sahel" not in request.email
    assert request.phone == "" and request.needs == ""
    # What the observatory counts stays.
    assert request.departement == departement("33")
    assert request.themes.count() == 1
    assert AccompanimentRequest.objects.count() == 2
    assert Accompaniment.objects.get().structure_name == "(anonymisé)"
    other.refresh_from_db()
    assert other.contact_name == "Autre Personne"
