"""With the cache (Redis) unreachable, the site keeps answering from the database.

The cache is pointed at a port where nothing listens, through the same django-redis
backend and options as production: every page, feed, health check, the admin and both
public forms must answer without a 500, and the health checks must say the cache is down.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import override_settings

from config.settings.base import REDIS_CACHE_OPTIONS
from directory.tests.factories import ActorPageFactory, DirectoryPageFactory, themes
from directory.tests.registration_helpers import form_data as referencement_data
from directory.tests.registration_helpers import make_editor
from events.models import EventPage, Registration
from events.tests.factories import EventIndexPageFactory, make_event
from events.tests.test_registrations import form_data as registration_data
from home.tests.factories import StandardPageFactory, make_site_with_home
from resources.tests.factories import NewsIndexPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

# Port 1 (tcpmux): nothing listens there on a development machine or in CI.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": REDIS_CACHE_OPTIONS,
    }
}


@pytest.fixture
def site(db):
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    actor = ActorPageFactory(parent=directory, title="Eau Vive Gironde")
    actor.themes.set(themes("eau-assainissement-hygiene"))
    news = NewsIndexPageFactory(parent=home)
    NewsPageFactory(parent=news, title="Assemblée générale")
    agenda = EventIndexPageFactory(parent=home)
    event = make_event(
        parent=agenda,
        title="Concevoir et gérer un projet",
        registration_mode=EventPage.RegistrationMode.BUILT_IN,
        capacity=10,
    )
    page = StandardPageFactory(parent=home, title="Le réseau")
    return {
        "home": home,
        "directory": directory,
        "actor": actor,
        "news": news,
        "agenda": agenda,
        "event": event,
        "page": page,
    }


@pytest.fixture
def dead_cache():
    with override_settings(CACHES=DEAD_REDIS):
        # Proof that the override took: the backend reports nothing stored.
        cache.set("probe", 1)
        assert cache.get("probe") is None
        yield


def public_urls(site) -> list[str]:
    directory, agenda, news = site["directory"].url, site["agenda"].url, site["news"].url
    return [
        "/",
        site["page"].url,
        news,
        f"{news}rss/",
        site["actor"].url,
        directory,
        f"{directory}?theme=eau-assainissement-hygiene&q=eau&page=1",
        f"{directory}actors.geojson",
        f"{directory}actors.csv",
        agenda,
        f"{agenda}?passes=1",
        f"{agenda}rss/",
        f"{agenda}agenda.ics",
        site["event"].url,
        f"{site['event'].url}ics/",
        "/sitemap.xml",
        "/robots.txt",
        "/admin/login/",
        f"{directory}referencement/",
        f"{site['event'].url}inscription/",
    ]


def test_every_page_answers_with_the_cache_down(client, site, dead_cache):
    for url in public_urls(site):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url


@pytest.mark.parametrize("url", ["/recherche/?q=eau", "/recherche/autocomplete/?q=ea"])
def test_search_answers_with_the_cache_down(client, site, dead_cache, url):
    assert client.get(url).status_code == HTTPStatus.OK


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_say_the_cache_is_down(client, site, dead_cache, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "cache": "down"}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_say_the_cache_is_ok(client, db, path):
    assert client.get(path).json()["cache"] == "ok"


def test_referencement_form_is_stored_with_the_cache_down(client, site, dead_cache):
    from directory.models import RegistrationRequest

    url = f"{site['directory'].url}referencement/"
    response = client.post(url, referencement_data())
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:500]
    assert RegistrationRequest.objects.get().name == "Solidarité Gironde Sahel"


def test_event_registration_is_stored_with_the_cache_down(client, site, dead_cache):
    url = f"{site['event'].url}inscription/"
    response = client.post(url, registration_data())
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:500]
    assert Registration.objects.get().email == "awa@exemple.org"


def test_an_editor_logs_in_and_edits_with_the_cache_down(client, site, dead_cache):
    editor = make_editor()
    response = client.post(
        "/admin/login/", {"username": editor.username, "password": "mot-de-passe-editrice"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK
    edit = client.get(f"/admin/pages/{site['page'].pk}/edit/")
    assert edit.status_code == HTTPStatus.OK


def test_an_ignored_cache_error_is_one_warning_line_now_and_then():
    import logging

    from home.caching import CacheErrorLogFilter

    log_filter = CacheErrorLogFilter(interval=60)

    def record() -> logging.LogRecord:
        try:
            raise ConnectionRefusedError("Connection refused")
        except ConnectionRefusedError:
            import sys

            return logging.LogRecord(
                "portail.cache", logging.ERROR, __file__, 1, "Exception ignored", (), sys.exc_info()
            )

    first = record()
    assert log_filter.filter(first)
    assert first.levelname == "WARNING"
    assert first.exc_info is None
    assert "Connection refused" in first.getMessage()
    assert not log_filter.filter(record())  # within the interval: dropped, counted
    log_filter._last -= 61
    third = record()
    assert log_filter.filter(third)
    assert "(2 errors ignored)" in third.getMessage()


def test_the_dead_cache_logs_warnings_without_tracebacks(client, site, dead_cache, caplog):
    import logging

    from home.caching import CacheErrorLogFilter

    # As in a fresh worker (a test that applies LOGGING again leaves a second instance).
    for log_filter in logging.getLogger("portail.cache").filters:
        if isinstance(log_filter, CacheErrorLogFilter):
            log_filter._last = -log_filter.interval
    with caplog.at_level(logging.WARNING, logger="portail.cache"):
        caplog.clear()
        client.get("/")
    lines = [r for r in caplog.records if r.name == "portail.cache"]
    # Dozens of ignored errors, one line for each 30 s at most (two when a busy machine
    # takes longer than that to render the page).
    assert 0 < len(lines) <= 2
    assert all(line.levelname == "WARNING" and line.exc_info is None for line in lines)
    assert "errors ignored" in lines[0].getMessage()


def test_a_hung_redis_costs_one_timeout_not_one_per_call(client, site, monkeypatch):
    """A server that accepts connections and never answers (a hung Redis, or a host that
    drops packets): the first cache call waits for the read timeout, and the following calls
    give up at once instead of each waiting for its own timeout."""
    import socket

    from home.caching import CircuitBreakerConnection

    timeouts = []
    trip = CircuitBreakerConnection._trip

    def counting_trip(connection):
        timeouts.append(connection.port)
        trip(connection)

    monkeypatch.setattr(CircuitBreakerConnection, "_trip", counting_trip)
    # Long enough that a slow machine does not reach the next try within the test.
    monkeypatch.setattr(CircuitBreakerConnection, "retry_after", 600.0)
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(0)  # the kernel completes the handshake; nothing ever answers
        port = hung.getsockname()[1]
        caches = {"default": {**DEAD_REDIS["default"], "LOCATION": f"redis://127.0.0.1:{port}/0"}}
        with override_settings(CACHES=caches):
            assert client.get("/").status_code == HTTPStatus.OK
            for _ in range(3):
                assert client.get(site["page"].url).status_code == HTTPStatus.OK
    # Dozens of cache calls over four pages; without the breaker, each one times out. With
    # it, only the calls already waiting when the first one failed do (one or two).
    assert set(timeouts) == {port}
    assert len(timeouts) <= 2
