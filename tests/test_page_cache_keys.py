"""Nothing a visitor adds to a URL multiplies the page cache's entries: tracking parameters
are left out of the key (and out of the page), and a parameter the page does not read makes
its response unstorable."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from directory.tests.factories import DirectoryPageFactory
from events.tests.factories import EventIndexPageFactory
from home.models import NavigationSettings, SiteIdentitySettings
from home.page_cache import HEADER
from home.tests.factories import StandardPageFactory, make_site_with_home
from resources.tests.factories import NewsIndexPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    home = make_site_with_home()
    SiteIdentitySettings.for_site(home.get_site())
    NavigationSettings.for_site(home.get_site())
    return home


def stored_pages() -> int:
    """Pages in the page cache (local memory in development, Redis in CI)."""
    if hasattr(cache, "keys"):  # django-redis
        keys = cache.keys("pagecache:*")
    else:
        keys = [key.split(":", 2)[2] for key in cache._cache]
    return sum(1 for key in keys if key.startswith("pagecache:") and key != "pagecache:generation")


def test_200_tracking_variants_store_one_entry(client, home):
    page = StandardPageFactory(parent=home, title="Le réseau")
    answers = [client.get(f"{page.url}?utm_source={n}")[HEADER] for n in range(200)]
    assert stored_pages() == 1
    assert answers.count("miss") == 1
    assert client.get(page.url)[HEADER] == "hit"
    mixed = f"{page.url}?fbclid=abc&gclid=1&mc_cid=2&mc_eid=3&_ga=4&msclkid=5&utm_medium=mail"
    assert client.get(mixed)[HEADER] == "hit"


def test_200_unknown_parameters_store_nothing(client, home):
    page = StandardPageFactory(parent=home, title="Le réseau")
    for n in range(200):
        response = client.get(f"{page.url}?foo={n}")
        assert response.status_code == 200
        assert HEADER not in response
    assert stored_pages() == 0


def test_a_page_rendered_for_a_tracked_link_does_not_show_the_tracking(client, home):
    news = NewsIndexPageFactory(parent=home)
    html = client.get(f"{news.url}?page=1&utm_campaign=lettre-mars").content.decode()
    assert "lettre-mars" not in html
    assert client.get(f"{news.url}?page=1")[HEADER] == "hit"


@pytest.mark.parametrize(
    ("factory", "query"),
    [
        (DirectoryPageFactory, "theme=eau-assainissement-hygiene&q=eau&page=2"),
        (EventIndexPageFactory, "passes=1&mois=2026-03&page=1"),
        (NewsIndexPageFactory, "theme=eau-assainissement-hygiene&annee=2025&page=1"),
    ],
)
def test_listings_cache_the_parameters_they_read(client, home, factory, query):
    listing = factory(parent=home)
    assert client.get(f"{listing.url}?{query}")[HEADER] == "miss"
    assert client.get(f"{listing.url}?{query}&utm_source=lettre")[HEADER] == "hit"
    assert HEADER not in client.get(f"{listing.url}?{query}&tri=nom")  # not read: not stored
    assert stored_pages() == 1
