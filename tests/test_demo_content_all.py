"""`make demo` as a newcomer meets it: every app's demo steps together, run twice."""

import io
from http import HTTPStatus

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

pytestmark = pytest.mark.django_db


def test_full_demo_content_serves_every_section_and_is_idempotent(client, monkeypatch, mailoutbox):
    monkeypatch.setenv("DEMO_PASSWORD", "un-mot-de-passe-de-demo-2020")
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    assert "Contenu de démonstration :" in out.getvalue()
    # The moderation notices the demo triggers go nowhere: no real mail to fictitious people.
    assert "courriel(s) de notification non envoyé(s)" in out.getvalue()
    assert mailoutbox == []
    counts = (Page.objects.count(), Revision.objects.count())

    for url in (
        "/",
        "/le-reseau/",
        "/annuaire/",
        "/annuaire/projets/",
        "/annuaire/actors.geojson",
        "/annuaire/actors.csv",
        "/annuaire/referencement/",
        "/agenda/",
        "/agenda/agenda.ics",
        "/actualites/",
        "/actualites/rss/",
        "/appels-a-projets/",
        "/offres/",
        "/ressources/",
        "/groupes/",
        "/recherche/?q=formation",
        "/sitemap.xml",
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url

    second = io.StringIO()
    call_command("load_demo_content", stdout=second)
    assert (Page.objects.count(), Revision.objects.count()) == counts
