"""Project-wide pytest fixtures."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    # Page cache, fragment caches and rate-limit counters never leak between tests.
    cache.clear()
    yield
    cache.clear()
