"""The agenda's sections on the home page and on an actor's page (template tags)."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from directory.tests.factories import ActorPageFactory, DirectoryPageFactory

from .factories import make_event

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_next_events(client, agenda):
    make_event(parent=agenda, title="Webinaire Madagascar", days_ahead=2)
    make_event(parent=agenda, title="Formation qualité de l'eau", days_ahead=5)
    make_event(parent=agenda, title="Rencontre passée", days_ahead=-5)
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "Prochains événements" in text
    assert text.index("Webinaire Madagascar") < text.index("Formation qualité de l&#x27;eau")
    assert "Rencontre passée" not in text
    assert 'href="/agenda/"' in text


def test_home_page_section_skips_restricted_events(client, agenda):
    hidden = make_event(parent=agenda, title="Réunion du bureau", days_ahead=2)
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    make_event(parent=agenda, title="Formation ouverte", days_ahead=3)
    text = client.get("/").text
    assert "Formation ouverte" in text
    assert "Réunion du bureau" not in text


def test_home_page_section_costs_one_query(client, agenda):
    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as without_events:
        client.get("/", HTTP_COOKIE="sessionid=none")
    for number in range(3):
        make_event(parent=agenda, title=f"Événement {number}", days_ahead=number + 1)
    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as with_events:
        response = client.get("/", HTTP_COOKIE="sessionid=none")
    assert "Événement 2" in response.text
    assert len(with_events) == len(without_events)


def test_actor_page_shows_its_upcoming_events_only(client, home, agenda):
    directory = DirectoryPageFactory(parent=home)
    actor = ActorPageFactory(parent=directory, title="Eau Vive")
    other = ActorPageFactory(parent=directory, title="Autre association")
    make_event(parent=actor, title="Journée de l'eau", days_ahead=4)
    make_event(parent=other, title="Soirée d'une autre", days_ahead=4)
    make_event(parent=agenda, title="Formation du réseau", days_ahead=4)
    text = client.get(actor.url).text
    assert "Ses prochains événements" in text
    assert "Journée de l&#x27;eau" in text
    assert "Soirée d&#x27;une autre" not in text
    assert "Formation du réseau" not in text
