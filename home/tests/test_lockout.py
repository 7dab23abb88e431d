"""The login lockout (django-axes): the real visitor behind the proxies, a lock per username
and address, and a higher one per username from any address."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("member"),
]

PASSWORD = "cartographie-solidaire"
PROXY = "10.0.0.1"  # the TLS proxy: every request reaches the app from its address


@pytest.fixture
def member():
    return get_user_model().objects.create_user("membre", "m@example.org", PASSWORD)


def login(password: str, *, remote: str = PROXY, forwarded: str | None = None):
    """A login from a fresh browser (no cookie in common with the others)."""
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    client = Client()
    return client, client.post(
        "/admin/login/", {"username": "membre", "password": password}, **headers
    )


def locked(response) -> bool:
    return response.status_code == HTTPStatus.TOO_MANY_REQUESTS and (
        "Compte temporairement bloqué" in response.text
    )


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, PROXY_COUNT=1)
def test_behind_the_proxy_five_visitors_failing_lock_out_neither_a_sixth_nor_the_member():
    visitors = [f"198.51.100.{n}" for n in range(1, 6)]
    for address in visitors:
        # Each browser's own header, then the address the proxy appended.
        _client, response = login("mauvais", forwarded=f"1.2.3.4, {address}")
        assert response.status_code == HTTPStatus.OK
    # axes counted each visitor apart, at the address the proxy saw.
    assert sorted(AccessAttempt.objects.values_list("ip_address", flat=True)) == visitors
    _client, sixth = login("mauvais", forwarded="198.51.100.6")
    assert sixth.status_code == HTTPStatus.OK
    assert "Compte temporairement bloqué" not in sixth.text
    client, own = login(PASSWORD, forwarded="192.0.2.44")
    assert own.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" in client.session


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, PROXY_COUNT=0)
def test_with_no_proxy_trusted_a_spoofed_forwarded_for_is_ignored():
    for n in range(5):
        login("mauvais", remote="203.0.113.9", forwarded=f"198.51.100.{n}")
    client, response = login(PASSWORD, remote="203.0.113.9", forwarded="198.51.100.99")
    assert locked(response)
    assert "_auth_user_id" not in client.session
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, LOGIN_USERNAME_FAILURE_LIMIT=20)
def test_five_failures_lock_the_username_at_that_address_only():
    for _ in range(4):
        login("mauvais", remote="203.0.113.9")
    _client, fifth = login("mauvais", remote="203.0.113.9")
    assert locked(fifth)
    _client, same_place = login(PASSWORD, remote="203.0.113.9")
    assert locked(same_place)
    client, elsewhere = login(PASSWORD, remote="192.0.2.44")
    assert elsewhere.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(("failures", "refused"), [(19, False), (20, True)])
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, LOGIN_USERNAME_FAILURE_LIMIT=20)
def test_twenty_failures_from_any_addresses_lock_the_username_everywhere(failures, refused):
    # A guess spread over many addresses: one try each, far below the per-address lock.
    for n in range(failures):
        _client, response = login("mauvais", remote=f"198.51.100.{n + 1}")
    assert locked(response) is refused
    client, own = login(PASSWORD, remote="192.0.2.44")
    assert locked(own) is refused
    assert ("_auth_user_id" in client.session) is not refused
