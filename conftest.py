"""Project-wide pytest fixtures."""

import pytest
from django.core.cache import cache
from django.utils.module_loading import autodiscover_modules

# The `demo_site` fixture: the demo content built once per session; the test databases
# migrated once per run (pytest-xdist's workers copy the first one).
pytest_plugins = ["tests.demo_site", "tests.migrated_template"]


@pytest.fixture(scope="session", autouse=True)
def _demo_steps_registered():
    # Each app's `demo_content` module registers its steps when first imported. Import them all
    # before any test swaps the steps list for a temporary copy (the steps would vanish with it
    # and a later full demo run would build a site without them).
    autodiscover_modules("demo_content")


@pytest.fixture(autouse=True)
def _clear_cache():
    # Page cache, fragment caches and rate-limit counters never leak between tests.
    cache.clear()
    yield
    cache.clear()
