"""Event registrations join the RGPD tools: the access export lists them, the erasure
anonymises them and leaves the event's head count and other people's registrations alone."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from events.models import Registration

from .factories import RegistrationFactory, make_event

pytestmark = pytest.mark.django_db

EMAIL = "awa.traore@exemple.org"


def exported(email: str) -> dict:
    out = StringIO()
    call_command("export_personal_data", email, stdout=out)
    return json.loads(out.getvalue())


def test_registrations_are_exported_then_erased(agenda):
    event = make_event(parent=agenda, title="Formation au montage de projet")
    mine = RegistrationFactory(
        event=event, email=EMAIL, first_name="Awa", accessibility_needs="Boucle magnétique"
    )
    other = RegistrationFactory(event=event, email="autre@exemple.org")

    # The address is matched whatever its case.
    rows = exported(EMAIL.upper())["event_registrations"]
    assert [(row["id"], row["event"], row["accessibility_needs"]) for row in rows] == [
        (mine.pk, "Formation au montage de projet", "Boucle magnétique")
    ]

    err = StringIO()
    call_command("export_personal_data", EMAIL, "--anonymise", stdout=StringIO(), stderr=err)
    assert "event_registrations : 1" in err.getvalue()

    mine.refresh_from_db()
    assert EMAIL not in mine.email and mine.first_name != "Awa"
    assert mine.accessibility_needs == "" and mine.organisation == ""
    assert Registration.objects.filter(event=event).count() == 2  # the head count stays
    other.refresh_from_db()
    assert other.email == "autre@exemple.org"
    assert exported(EMAIL)["event_registrations"] == []
