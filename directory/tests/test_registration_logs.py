"""The référencement form's log lines hold no personal data: no address, no name."""

from __future__ import annotations

import logging
from http import HTTPStatus

import pytest

from directory.models import RegistrationRequest

from .registration_helpers import form_data

URL = "/annuaire/referencement/"
pytestmark = pytest.mark.django_db

PERSONAL = ("@", "sgs-solidarite", "Awa", "Traoré", "06 00 00 00 00")


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every message and every extra field of the captured records, as one text."""
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.extend(
            str(value) for key, value in vars(record).items() if key not in {"msg", "args"}
        )
    return "\n".join(parts)


def test_submitting_a_request_logs_no_personal_data(client, directory, caplog, settings):
    # Every request logged (slow-request line included), the rate limit reached too.
    settings.SLOW_REQUEST_MS = 0
    settings.REGISTRATION_RATE_LIMIT = 1
    with caplog.at_level(logging.DEBUG):
        first = client.post(URL, form_data())
        second = client.post(URL, form_data(name="Autre structure"))
    assert first.status_code == HTTPStatus.FOUND
    assert second.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert RegistrationRequest.objects.count() == 1
    assert any(record.name == "home.requests" for record in caplog.records)
    text = logged_text(caplog)
    for needle in PERSONAL:
        assert needle not in text, needle
