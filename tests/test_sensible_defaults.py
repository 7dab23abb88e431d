"""Sensible defaults: a member's new event takes the kind members use; a logged-in person's
registration form is filled in from the account and its structure."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model

from directory.tests.factories import ActorPageFactory, DirectoryPageFactory
from directory.tests.registration_helpers import make_editor, make_member
from events.models import EventPage
from events.tests.factories import EventIndexPageFactory, make_event
from home.tests.factories import make_site_with_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    agenda = EventIndexPageFactory(parent=home)
    actor = ActorPageFactory(parent=directory, title="Eau Vive Gironde")
    member = make_member(actor, "membre")
    member.user.first_name, member.user.last_name = "Awa", "Traoré"
    member.user.email = "awa@eau-vive.example.org"
    member.user.save()
    event = make_event(
        parent=agenda,
        title="Atelier eau potable",
        registration_mode=EventPage.RegistrationMode.BUILT_IN,
        capacity=20,
    )
    return {"home": home, "agenda": agenda, "actor": actor, "member": member, "event": event}


def _selected_kind(html: str) -> str:
    select = re.search(r'(?s)<select name="kind".*?</select>', html).group(0)
    return re.search(r'<option value="([^"]+)" selected>', select).group(1)


def _add_event_url(parent) -> str:
    return f"/admin/pages/add/events/eventpage/{parent.pk}/"


def test_a_members_new_event_is_a_member_event_by_default(client, world):
    client.force_login(world["member"].user)
    response = client.get(_add_event_url(world["actor"]))
    assert response.status_code == HTTPStatus.OK
    assert _selected_kind(response.content.decode()) == EventPage.Kind.MEMBER_EVENT


def test_the_default_follows_the_kind_members_use_most(client, world):
    other = ActorPageFactory(parent=world["actor"].get_parent(), title="Autre acteur")
    for number in range(2):
        make_event(parent=other, title=f"Webinaire {number}", kind=EventPage.Kind.WEBINAR)
    make_event(parent=world["actor"], title="Rencontre", kind=EventPage.Kind.MEETING)
    # The network's own trainings, in the agenda, do not count.
    for number in range(3):
        make_event(parent=world["agenda"], title=f"Formation {number}")
    assert EventPage.kind_members_use() == EventPage.Kind.WEBINAR
    client.force_login(world["member"].user)
    html = client.get(_add_event_url(world["actor"])).content.decode()
    assert _selected_kind(html) == EventPage.Kind.WEBINAR


def test_the_networks_new_event_keeps_the_training_default(client, world):
    client.force_login(make_editor())
    html = client.get(_add_event_url(world["agenda"])).content.decode()
    assert _selected_kind(html) == EventPage.Kind.TRAINING


def _registration_page(client, event) -> str:
    response = client.get(f"{event.url}inscription/")
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    return response.content.decode()


def _value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', match.group(0)) if match else None
    return value.group(1) if value else None


def test_a_members_registration_form_is_filled_in_from_its_account_and_actor(client, world):
    client.force_login(world["member"].user)
    html = _registration_page(client, world["event"])
    assert _value(html, "first_name") == "Awa"
    assert _value(html, "last_name") == "Traoré"
    assert _value(html, "email") == "awa@eau-vive.example.org"
    assert re.search(rf'<option value="{world["actor"].pk}" selected>', html)


def test_an_account_without_a_structure_gets_its_name_and_address_only(client, world):
    user = get_user_model().objects.create_user(
        "visiteur", "jean@exemple.org", "x" * 14, first_name="Jean"
    )
    client.force_login(user)
    html = _registration_page(client, world["event"])
    assert _value(html, "first_name") == "Jean"
    assert _value(html, "last_name") is None
    assert _value(html, "email") == "jean@exemple.org"
    select = re.search(r'(?s)<select name="actor".*?</select>', html).group(0)
    assert re.findall(r'<option value="([^"]*)" selected>', select) == [""]


def test_an_anonymous_visitor_gets_an_empty_form(client, world):
    html = _registration_page(client, world["event"])
    assert _value(html, "first_name") is None
    assert _value(html, "email") is None
