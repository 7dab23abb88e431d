"""The visitor's address behind the trusted proxies (`PROXY_COUNT`), for every limit."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import RequestFactory, override_settings

from home.client import client_ip

PROXY = "10.0.0.1"


def request(forwarded: str | None = None, remote: str = PROXY):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No proxy trusted: whatever the header says, the socket's address.
        (0, None, PROXY),
        (0, "198.51.100.7", PROXY),
        (0, "6.6.6.6, 198.51.100.7", PROXY),
        # One proxy: the address it appended, never what the browser wrote before it.
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, not-an-address, 198.51.100.7", "198.51.100.7"),
        (1, "2001:db8::7", "2001:db8::7"),
        # Two proxies: the first one's entry, the second one's own is last.
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        # A request that did not pass the proxies (no or a short header): the socket's address.
        (1, None, PROXY),
        (1, "not-an-address", PROXY),
        (2, "198.51.100.7", PROXY),
    ],
)
def test_client_ip(proxies, forwarded, expected):
    with override_settings(PROXY_COUNT=proxies):
        assert client_ip(request(forwarded)) == expected


def test_no_address_at_all_is_none():
    assert client_ip(request(remote="")) is None


@override_settings(PROXY_COUNT=0, SEARCH_RATE_LIMIT=3)
def test_with_no_proxy_trusted_a_changing_forwarded_for_does_not_escape_the_limit(client, db):
    statuses = [
        client.get("/recherche/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [HTTPStatus.OK] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]


@override_settings(PROXY_COUNT=1, SEARCH_RATE_LIMIT=3)
def test_behind_a_proxy_each_visitor_has_its_own_search_limit(client, db):
    for _ in range(3):
        client.get("/recherche/", HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR=PROXY)
    refused = client.get("/recherche/", HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR=PROXY)
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    other = client.get("/recherche/", HTTP_X_FORWARDED_FOR="198.51.100.2", REMOTE_ADDR=PROXY)
    assert other.status_code == HTTPStatus.OK
