"""The provider's bounce and complaint webhooks: anymail checks the basic authentication,
the receiver suppresses the address."""

from __future__ import annotations

import base64
import json
from http import HTTPStatus

import pytest

from newsletter.models import Subscriber, SubscriberStatus

URL = "/anymail/mailjet/tracking/"
SECRET = "fournisseur:secret-de-test"  # config/settings/test.py


def _auth(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def _event(kind: str, email: str, **extra) -> str:
    return json.dumps([{"event": kind, "email": email, "time": 1764748800, **extra}])


@pytest.fixture
def confirmed(home):
    return Subscriber.objects.create(email="awa@example.org", status=SubscriberStatus.CONFIRMED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "extra", "status"),
    [
        ("bounce", {"hard_bounce": True, "error": "user unknown"}, SubscriberStatus.BOUNCED),
        ("blocked", {"error": "blacklisted"}, SubscriberStatus.BOUNCED),
        ("spam", {}, SubscriberStatus.COMPLAINED),
    ],
)
def test_bounces_and_complaints_suppress_the_address(client, confirmed, kind, extra, status):
    response = client.post(
        URL,
        _event(kind, "AWA@example.org", **extra),
        content_type="application/json",
        **_auth(SECRET),
    )
    assert response.status_code == HTTPStatus.OK
    confirmed.refresh_from_db()
    assert confirmed.status == status
    assert confirmed.suppressed_at is not None
    assert "Mailjet" in confirmed.suppression_reason
    assert not confirmed.is_mailable


@pytest.mark.django_db
def test_other_events_change_nothing(client, confirmed):
    response = client.post(
        URL, _event("open", "awa@example.org"), content_type="application/json", **_auth(SECRET)
    )
    assert response.status_code == HTTPStatus.OK
    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.CONFIRMED and confirmed.suppressed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, _auth("fournisseur:mauvais-secret"), _auth("n'importe")])
def test_a_bad_or_missing_signature_is_refused_and_changes_nothing(client, confirmed, headers):
    response = client.post(
        URL, _event("spam", "awa@example.org"), content_type="application/json", **headers
    )
    assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN)
    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.CONFIRMED and confirmed.suppressed_at is None
