"""The shared rate limiter: a sliding window in the shared cache that fails open."""

from __future__ import annotations

import logging
from http import HTTPStatus
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import override_settings

from home import limits

# Two and a half seconds before a minute turns: a fixed one-minute window starts afresh in the
# middle of a burst sent now.
BEFORE_THE_TURN = 1_800_000_000 // 60 * 60 + 60 - 2.5
CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # A port of ours where nothing listens: every call fails to connect.
        "LOCATION": "redis://127.0.0.1:8299/0",
    }
}


def _burst(count: int, *, seconds: float, limit: int, window: int = 60) -> list[limits.Verdict]:
    verdicts = []
    for n in range(count):
        with mock.patch("time.time", return_value=BEFORE_THE_TURN + n * seconds / count):
            verdicts.append(
                limits.hit(scope="probe", key="198.51.100.7", limit=limit, window=window)
            )
    return verdicts


def test_seventy_requests_in_five_seconds_across_the_turn_of_a_minute_pass_sixty():
    verdicts = _burst(70, seconds=5, limit=60)
    assert sum(v.allowed for v in verdicts) == 60
    assert all(v.allowed for v in verdicts[:60])
    refused = verdicts[60:]
    # Told to come back when the first searches of the burst leave the window (to within the
    # five-second slice they were counted in).
    assert all(50 <= v.retry_after <= 60 for v in refused)


def test_a_refused_request_is_not_counted_and_passes_after_retry_after():
    verdicts = _burst(4, seconds=1, limit=3, window=60)
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    wait = verdicts[-1].retry_after
    with mock.patch("time.time", return_value=BEFORE_THE_TURN + 1 + wait - 2):
        # Still too early; refusals are not counted, so asking again changes nothing.
        for _ in range(5):
            assert not limits.hit(scope="probe", key="198.51.100.7", limit=3, window=60).allowed
    with mock.patch("time.time", return_value=BEFORE_THE_TURN + 1 + wait):
        assert all(
            limits.hit(scope="probe", key="198.51.100.7", limit=3, window=60).allowed
            for _ in range(3)
        )


def test_keys_and_scopes_count_apart():
    for _ in range(2):
        assert limits.hit(scope="search", key="198.51.100.7", limit=2, window=60).allowed
    assert not limits.hit(scope="search", key="198.51.100.7", limit=2, window=60).allowed
    assert limits.hit(scope="search", key="198.51.100.8", limit=2, window=60).allowed
    assert limits.hit(scope="api", key="198.51.100.7", limit=2, window=60).allowed


def test_the_count_lives_in_the_cache():
    assert limits.hit(scope="probe", key="k", limit=1, window=60).allowed
    assert not limits.hit(scope="probe", key="k", limit=1, window=60).allowed
    cache.clear()
    assert limits.hit(scope="probe", key="k", limit=1, window=60).allowed


def test_a_cache_that_cannot_connect_lets_requests_through_with_a_warning(caplog):
    with override_settings(CACHES=CLOSED_PORT_CACHE), caplog.at_level(logging.WARNING):
        verdicts = [limits.hit(scope="search", key="k", limit=1, window=60) for _ in range(3)]
    assert all(v.allowed for v in verdicts)
    assert "Rate limit search not checked, cache unavailable" in caplog.text


@pytest.mark.parametrize("method", ["add", "incr", "get_many"])
def test_a_cache_that_ignores_its_errors_lets_requests_through(caplog, method):
    # django-redis with IGNORE_EXCEPTIONS answers None instead of raising.
    limits.hit(scope="search", key="k", limit=1, window=60)  # the next add finds the key
    with mock.patch.object(cache, method, return_value=None), caplog.at_level(logging.WARNING):
        verdict = limits.hit(scope="search", key="k", limit=1, window=60)
    assert verdict.allowed
    assert "cache unavailable" in caplog.text


@override_settings(SEARCH_RATE_LIMIT=60)
def test_a_burst_of_seventy_searches_gets_sixty_answers_and_ten_429(client, db):
    statuses = [client.get("/recherche/").status_code for _ in range(70)]
    assert statuses.count(HTTPStatus.OK) == 60
    assert statuses[60:] == [HTTPStatus.TOO_MANY_REQUESTS] * 10
    refused = client.get("/recherche/")
    assert "Trop de recherches" in refused.text
    assert 0 < int(refused["Retry-After"]) <= 60


@override_settings(SEARCH_RATE_LIMIT=2)
def test_one_ipv6_client_cannot_escape_the_limit_by_changing_address_in_its_64(client, db):
    statuses = [
        client.get("/recherche/", REMOTE_ADDR=f"2001:db8:1:2::{n:x}").status_code
        for n in range(1, 4)
    ]
    assert statuses == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]
    other_network = client.get("/recherche/", REMOTE_ADDR="2001:db8:1:3::1")
    assert other_network.status_code == HTTPStatus.OK


def test_address_keys():
    assert limits.address_key("198.51.100.7") == "198.51.100.7"
    assert limits.address_key("2001:db8:1:2::abcd") == "2001:db8:1:2::/64"
    assert limits.address_key("fe80::1%eth0") == "fe80::/64"
    assert limits.address_key(None) == "unknown"


@pytest.mark.django_db
@override_settings(REGISTRATION_RATE_WINDOW_SECONDS=600)
def test_a_refused_form_says_how_long_to_wait_and_links_back_never_cached(rf):
    """The page every public form answers once its limit is reached."""
    verdict = limits.Verdict(allowed=False, retry_after=42)
    response = limits.refused_form(
        rf.get("/annuaire/referencement/"),
        verdict,
        back_url="/annuaire/",
        back_label="Retour à l'annuaire",
    )
    response.render()
    page = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Retry-After"] == "42"
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    assert "réessayer dans 10 minutes" in page.get_text()
    assert page.find("a", href="/annuaire/").get_text() == "Retour à l'annuaire"
