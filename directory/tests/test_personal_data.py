"""Personal data: export, anonymisation, retention of rejected requests."""

from __future__ import annotations

import json
from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from directory.models import ActorPage, RegistrationRequest
from directory.services.registration import approve_registration

from .registration_helpers import make_editor, make_request

pytestmark = pytest.mark.django_db
EMAIL = "awa.traore@sgs-solidarite.org"


@pytest.fixture
def approved(directory):
    editor = make_editor()
    request = make_request(contact_phone="06 11 22 33 44", message="Bonjour l'équipe")
    space = approve_registration(registration=request, by=editor)
    make_request(name="Autre structure", contact_email="autre@ailleurs.example")
    return request, space, editor


def test_export_command_lists_everything_stored_about_an_address(approved):
    out = StringIO()
    call_command("export_personal_data", EMAIL.upper(), stdout=out)
    data = json.loads(out.getvalue())
    assert data["email"] == EMAIL.upper()
    assert [r["contact_phone"] for r in data["registration_requests"]] == ["06 11 22 33 44"]
    assert data["registration_requests"][0]["publication_consent_version"] == "2026-11"
    assert data["actor_pages"][0]["private_contact_email"] == EMAIL
    assert data["accounts"][0]["email"] == EMAIL
    assert data["accounts"][0]["groups"] == ["Membre – Solidarité Gironde Sahel"]
    assert "autre@ailleurs.example" not in out.getvalue()


def test_export_command_refuses_a_bad_address(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="invalide"):
        call_command("export_personal_data", "pas-une-adresse", stdout=StringIO())


def test_anonymise_erases_the_person_everywhere_and_keeps_the_structure(approved):
    request, space, _editor = approved
    actor = ActorPage.objects.get(pk=space.actor.pk)
    call_command("export_personal_data", EMAIL, "--anonymise", stdout=StringIO(), stderr=StringIO())

    request.refresh_from_db()
    assert request.name == "Solidarité Gironde Sahel"
    assert EMAIL not in (request.contact_email, request.email)
    assert request.contact_phone == "" and request.message == ""
    assert request.anonymised_at is not None
    actor.refresh_from_db()
    assert actor.private_contact_email == "" and actor.private_contact_name == ""
    for revision in actor.revisions.all():
        assert EMAIL not in json.dumps(revision.content)
    user = get_user_model().objects.get(
        pk=get_user_model().objects.filter(username__startswith="anonyme-").get().pk
    )
    assert not user.is_active and user.email == "" and not user.groups.exists()
    # Nothing left to export; the other person is untouched.
    out = StringIO()
    call_command("export_personal_data", EMAIL, stdout=out)
    data = json.loads(out.getvalue())
    assert data["registration_requests"] == data["actor_pages"] == data["accounts"] == []
    assert RegistrationRequest.objects.filter(contact_email="autre@ailleurs.example").exists()


def test_admin_export_and_anonymise_are_for_editors(approved, client):
    request, _space, editor = approved
    member = get_user_model().objects.get(email=EMAIL)
    client.force_login(member)
    refused = client.get(f"/admin/registration_requests/personal-data/{request.pk}/")
    assert refused.status_code == HTTPStatus.FORBIDDEN
    client.force_login(editor)
    response = client.get(f"/admin/registration_requests/personal-data/{request.pk}/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["registration_requests"][0]["id"] == request.pk
    url = f"/admin/registration_requests/anonymise/{request.pk}/"
    assert client.post(url, {}).status_code == HTTPStatus.OK  # confirmation required
    request.refresh_from_db()
    assert request.contact_email == EMAIL
    assert client.post(url, {"confirm": "on"}).status_code == HTTPStatus.FOUND
    request.refresh_from_db()
    assert request.contact_email != EMAIL


def _aged(request: RegistrationRequest, days: int) -> None:
    when = timezone.now() - timedelta(days=days)
    RegistrationRequest.objects.filter(pk=request.pk).update(created_at=when, reviewed_at=when)


def test_purge_deletes_only_rejected_requests_past_retention(directory, settings):
    settings.REGISTRATION_RETENTION_DAYS = 365
    old_rejected = make_request(name="Ancienne refusée", status="rejetee")
    recent_rejected = make_request(name="Récente refusée", status="rejetee")
    old_pending = make_request(name="Ancienne en attente")
    old_approved = make_request(name="Ancienne approuvée", status="approuvee")
    for request in (old_rejected, old_pending, old_approved):
        _aged(request, 400)
    _aged(recent_rejected, 100)
    out = StringIO()
    call_command("purge_registration_requests", stdout=out)
    assert "1 demande(s) supprimée(s)" in out.getvalue()
    remaining = set(RegistrationRequest.objects.values_list("name", flat=True))
    assert remaining == {"Récente refusée", "Ancienne en attente", "Ancienne approuvée"}


def test_purge_retention_is_configurable(directory):
    request = make_request(status="rejetee")
    _aged(request, 40)
    call_command("purge_registration_requests", "--days", "60", stdout=StringIO())
    assert RegistrationRequest.objects.exists()
    call_command("purge_registration_requests", "--days", "30", stdout=StringIO())
    assert not RegistrationRequest.objects.exists()


def test_a_source_registered_by_another_app_is_exported_and_erased():
    from wagtail import hooks

    from directory.personal_data import PERSONAL_DATA_HOOK, PersonalDataSource
    from directory.services.personal_data import anonymise_personal_data, export_personal_data

    erased = []
    source = PersonalDataSource(
        key="lettre",
        export=lambda email: [{"email": email}],
        erase=lambda email: erased.append(email) or 1,
    )
    with hooks.register_temporarily(PERSONAL_DATA_HOOK, lambda: source):
        assert export_personal_data(email=f" {EMAIL} ")["lettre"] == [{"email": EMAIL}]
        assert anonymise_personal_data(email=EMAIL)["lettre"] == 1
    assert erased == [EMAIL]
