"""The test settings give each pytest-xdist worker its own Redis database."""

import pytest

from config.settings.test import redis_url_of_this_worker


@pytest.mark.parametrize(
    ("worker", "url", "expected"),
    [
        ("", "redis://127.0.0.1:6379/10", "redis://127.0.0.1:6379/10"),
        ("gw0", "redis://127.0.0.1:6379/10", "redis://127.0.0.1:6379/10"),
        ("gw1", "redis://127.0.0.1:6379/10", "redis://127.0.0.1:6379/11"),
        ("gw3", "redis://127.0.0.1:6379", "redis://127.0.0.1:6379/3"),
        ("gw2", "redis://:secret@redis.example:6380/4", "redis://:secret@redis.example:6380/6"),
    ],
)
def test_each_worker_clears_only_its_own_redis_database(monkeypatch, worker, url, expected):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
    assert redis_url_of_this_worker(url) == expected
