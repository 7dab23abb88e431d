"""Request logs: one id per request in every line and in X-Request-ID, the user id and never
the username, JSON lines in production, a slow-request line above the threshold."""

from __future__ import annotations

import copy
import io
import json
import logging
import logging.config
import re
from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import override_settings

from home.models import NavigationSettings, SiteIdentitySettings
from home.page_cache import HEADER
from home.tests.factories import StandardPageFactory, make_site_with_home

pytestmark = pytest.mark.django_db

REQUEST_ID = "X-Request-ID"
UUID_HEX = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The project's LOGGING as production configures it (JSON formatter, request filter),
    with the console handler writing into a buffer the test reads."""
    stream = io.StringIO()
    config = copy.deepcopy(django_settings.LOGGING)
    config["handlers"]["console"]["formatter"] = "json"
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        yield stream
    finally:
        logging.config.dictConfig(django_settings.LOGGING)


def json_lines(stream: io.StringIO) -> list[dict]:
    # Every line must parse: json.loads raises on the first one that does not.
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.fixture
def page():
    home = make_site_with_home()
    SiteIdentitySettings.for_site(home.get_site())
    NavigationSettings.for_site(home.get_site())
    return StandardPageFactory(parent=home, title="Le réseau", slug="le-reseau")


@override_settings(SLOW_REQUEST_MS=0)
def test_every_line_of_a_request_carries_the_id_of_its_response_header(client, json_log):
    response = client.get("/page-qui-n-existe-pas/?courriel=awa@example.org")
    assert response.status_code == HTTPStatus.NOT_FOUND
    request_id = response[REQUEST_ID]
    assert UUID_HEX.match(request_id)

    lines = json_lines(json_log)
    # Django's "Not Found" line and the slow-request line, both of this request.
    assert {line["logger"] for line in lines} >= {"django.request", "home.requests"}
    assert all(line["request_id"] == request_id for line in lines), lines
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    # The query string (which may hold personal data) is never logged.
    assert "example.org" not in json_log.getvalue()


@override_settings(SLOW_REQUEST_MS=0)
def test_two_requests_get_two_ids_and_lines_between_requests_none(client, json_log):
    first = client.get("/page-qui-n-existe-pas/")
    second = client.get("/page-qui-n-existe-pas/")
    assert first[REQUEST_ID] != second[REQUEST_ID]
    logging.getLogger("home.tests").warning("hors requête")
    lines = json_lines(json_log)
    assert lines[-1]["message"] == "hors requête"
    assert lines[-1]["request_id"] is None


@pytest.mark.parametrize(
    "incoming, kept",
    [
        ("0f8fad5b-d9cb-469f-a165-70867728950e", True),  # a proxy's UUID
        ("0f8fad5bd9cb469fa16570867728950e", True),  # nginx's $request_id form
        ('abc"}\n{"level": "CRITICAL', False),  # log forging attempt
        ("a" * 500, False),  # too long
        ("<script>alert(1)</script>", False),
    ],
)
def test_incoming_request_id_kept_only_when_a_safe_token(client, incoming, kept):
    response = client.get("/healthz", headers={REQUEST_ID: incoming})
    if kept:
        assert response[REQUEST_ID] == incoming
    else:
        assert response[REQUEST_ID] != incoming
        assert UUID_HEX.match(response[REQUEST_ID])


def test_slow_request_line_above_the_threshold(client, json_log, settings):
    settings.SLOW_REQUEST_MS = 0
    response = client.get("/healthz?token=secret")
    slow = [line for line in json_lines(json_log) if line["logger"] == "home.requests"]
    assert len(slow) == 1
    line = slow[0]
    assert line["level"] == "WARNING"
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == HTTPStatus.OK
    assert line["duration_ms"] >= 0
    assert line["queries"] == 1  # the health check's SELECT 1
    assert line["request_id"] == response[REQUEST_ID]
    assert "secret" not in json_log.getvalue()


def test_no_slow_request_line_below_the_threshold(client, json_log, settings):
    settings.SLOW_REQUEST_MS = 60_000
    client.get("/healthz")
    assert not [line for line in json_lines(json_log) if line["logger"] == "home.requests"]


def test_logged_in_user_is_logged_by_id_never_by_name_or_address(client, json_log, settings):
    settings.SLOW_REQUEST_MS = 0
    make_site_with_home()
    user = get_user_model().objects.create_superuser(
        username="awa.traore@sgs-solidarite.org",
        email="awa.traore@sgs-solidarite.org",
        password="un-mot-de-passe-solide",
        first_name="Awa",
    )
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == HTTPStatus.OK
    slow = [line for line in json_lines(json_log) if line["logger"] == "home.requests"]
    assert slow and slow[0]["user_id"] == user.pk
    output = json_log.getvalue()
    assert "awa" not in output.lower() and "@" not in output


def test_anonymous_request_carries_no_user_id(client, json_log, settings):
    settings.SLOW_REQUEST_MS = 0
    client.get("/healthz")
    assert all("user_id" not in line for line in json_lines(json_log))


def test_page_cache_hit_carries_a_request_id_and_makes_no_query(
    client, page, django_assert_num_queries
):
    assert client.get(page.url)[HEADER] == "miss"
    with django_assert_num_queries(0):
        hit = client.get(page.url)
    assert hit[HEADER] == "hit"
    assert UUID_HEX.match(hit[REQUEST_ID])


@override_settings(AXES_ENABLED=True)
def test_failed_login_logs_no_username_nor_address(client, caplog):
    # django-axes masks both by default (AXES_SENSITIVE_PARAMETERS); usernames are members'
    # e-mail addresses, so this guards that default.
    make_site_with_home()
    with caplog.at_level(logging.DEBUG):
        for _ in range(2):
            client.post(
                "/admin/login/",
                {"username": "awa.traore@sgs-solidarite.org", "password": "mauvais"},
                REMOTE_ADDR="203.0.113.7",
            )
    assert any(record.name.startswith("axes") for record in caplog.records)
    assert "sgs-solidarite" not in caplog.text
    assert "203.0.113.7" not in caplog.text
