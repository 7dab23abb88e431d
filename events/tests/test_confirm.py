"""Confirming registrations that wait for the team: one POST from the admin's listing,
the state and one e-mail; refused to other members, nothing done by a GET."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from directory.tests.factories import ActorPageFactory, DirectoryPageFactory
from directory.tests.registration_helpers import make_editor, make_member
from events.dates import event_dates
from events.models import EventPage, Registration

from .factories import RegistrationFactory, make_event

pytestmark = pytest.mark.django_db

TO_CONFIRM = Registration.Status.TO_CONFIRM
CONFIRMED = Registration.Status.CONFIRMED


def _event(parent, title: str) -> EventPage:
    return make_event(
        parent=parent,
        title=title,
        registration_mode=EventPage.RegistrationMode.BUILT_IN,
        registrations_need_confirmation=True,
        format=EventPage.Format.IN_PERSON,
        venue_name="Salle des fêtes",
        venue_city="Angoulême",
    )


@pytest.fixture
def editor():
    user = make_editor()
    for action in ("view", "change"):
        user.user_permissions.add(Permission.objects.get(codename=f"{action}_registration"))
    return user


@pytest.fixture
def spaces(home):
    directory = DirectoryPageFactory(parent=home)
    alpha = ActorPageFactory(parent=directory, title="Acteur Alpha")
    beta = ActorPageFactory(parent=directory, title="Acteur Beta")
    return {
        "alpha": make_member(alpha, "membre_a"),
        "beta": make_member(beta, "membre_b"),
    }


def _confirm(client, registration: Registration, **data):
    return client.post(reverse("inscriptions:confirm", args=[registration.pk]), data)


def test_an_editor_confirms_from_the_listing_and_the_person_gets_one_email(client, agenda, editor):
    event = _event(agenda, "Atelier eau et assainissement")
    registration = RegistrationFactory(event=event, status=TO_CONFIRM, email="awa@exemple.org")
    client.force_login(editor)

    listing = client.get(reverse("inscriptions:index") + f"?status={TO_CONFIRM}")
    assert "Confirmer" in listing.text
    assert reverse("inscriptions:confirm", args=[registration.pk]) in listing.text

    inspect = client.get(reverse("inscriptions:inspect", args=[registration.pk]))
    assert reverse("inscriptions:confirm", args=[registration.pk]) in inspect.text

    response = _confirm(client, registration)
    assert response.status_code == HTTPStatus.FOUND
    registration.refresh_from_db()
    assert registration.status == CONFIRMED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["awa@exemple.org"]
    assert message.subject == "Inscription confirmée : Atelier eau et assainissement"
    dates = event_dates(event.start_at, event.end_at, event.session_count)
    assert dates in message.body
    assert "Salle des fêtes" in message.body
    assert event.full_url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert dates in html and event.full_url in html

    inspect = client.get(reverse("inscriptions:inspect", args=[registration.pk]))
    assert reverse("inscriptions:confirm", args=[registration.pk]) not in inspect.text

    # Confirming again changes nothing and sends nothing.
    assert _confirm(client, registration).status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 1


def test_a_get_confirms_nothing(client, agenda, editor):
    registration = RegistrationFactory(event=_event(agenda, "Webinaire"), status=TO_CONFIRM)
    client.force_login(editor)
    response = client.get(reverse("inscriptions:confirm", args=[registration.pk]))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    registration.refresh_from_db()
    assert registration.status == TO_CONFIRM
    assert mail.outbox == []


def test_a_post_without_the_csrf_token_is_refused(agenda, editor):
    from django.test import Client

    registration = RegistrationFactory(event=_event(agenda, "Webinaire"), status=TO_CONFIRM)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert _confirm(client, registration).status_code == HTTPStatus.FORBIDDEN
    registration.refresh_from_db()
    assert registration.status == TO_CONFIRM
    assert mail.outbox == []


def test_a_member_confirms_its_own_events_registration(client, spaces):
    alpha = spaces["alpha"]
    registration = RegistrationFactory(
        event=_event(alpha.actor, "Atelier d'Alpha"), status=TO_CONFIRM
    )
    client.force_login(alpha.user)
    assert _confirm(client, registration).status_code == HTTPStatus.FOUND
    registration.refresh_from_db()
    assert registration.status == CONFIRMED
    assert len(mail.outbox) == 1


def test_a_member_cannot_confirm_another_actors_registration(client, agenda, spaces):
    beta_event = _event(spaces["beta"].actor, "Atelier de Beta")
    network_event = _event(agenda, "Formation du réseau")
    others = [
        RegistrationFactory(event=beta_event, status=TO_CONFIRM),
        RegistrationFactory(event=network_event, status=TO_CONFIRM),
    ]
    client.force_login(spaces["alpha"].user)
    for registration in others:
        response = _confirm(client, registration)
        assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    assert set(Registration.objects.values_list("status", flat=True)) == {TO_CONFIRM}
    assert mail.outbox == []
    # And the listing stays closed to members.
    assert client.get(reverse("inscriptions:index")).status_code == HTTPStatus.FORBIDDEN


def test_a_registration_in_another_state_is_left_alone(client, agenda, editor):
    event = _event(agenda, "Rencontre")
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    cancelled = RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    client.force_login(editor)
    for registration in (waiting, cancelled):
        _confirm(client, registration)
    waiting.refresh_from_db()
    cancelled.refresh_from_db()
    assert (waiting.status, cancelled.status) == (
        Registration.Status.WAITING,
        Registration.Status.CANCELLED,
    )
    assert mail.outbox == []
