import datetime
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import (
    CallForProjectsPageFactory,
    NewsPageFactory,
    OpportunityPageFactory,
    ResourcePageFactory,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editorial(news_index, call_index, offer_index, resource_index):
    return news_index, call_index, offer_index, resource_index


def _populate(editorial, n: int) -> None:
    news_index, call_index, offer_index, resource_index = editorial
    for i in range(n):
        NewsPageFactory(parent=news_index, date=today() - datetime.timedelta(days=i + 1))
        CallForProjectsPageFactory(parent=call_index)
        OpportunityPageFactory(parent=offer_index)
        ResourcePageFactory(parent=resource_index, featured=True)


def test_home_shows_the_four_sections(client, editorial):
    news_index, call_index, offer_index, resource_index = editorial
    NewsPageFactory(parent=news_index, title="Nouvelle gouvernance du réseau")
    CallForProjectsPageFactory(parent=call_index, title="Appel ODD-yssée ouvert")
    CallForProjectsPageFactory(
        parent=call_index,
        title="Appel à venir",
        opening_date=today() + datetime.timedelta(days=5),
        closing_date=today() + datetime.timedelta(days=50),
    )
    OpportunityPageFactory(parent=offer_index, title="Volontariat au Togo")
    OpportunityPageFactory(
        parent=offer_index, title="Offre expirée", deadline=today() - datetime.timedelta(days=1)
    )
    ResourcePageFactory(parent=resource_index, title="Guide des ODD", featured=True)
    ResourcePageFactory(parent=resource_index, title="Note interne", featured=False)
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for title in (
        "Dernières actualités",
        "Nouvelle gouvernance du réseau",
        "Appels à projets ouverts",
        "Appel ODD-yssée ouvert",
        "Dernières offres",
        "Volontariat au Togo",
        "Ressources à la une",
        "Guide des ODD",
        'href="/actualites/"',
    ):
        assert title in html
    for absent in ("Appel à venir", "Offre expirée", "Note interne"):
        assert absent not in html
    assert html.count("<h1") == 1


def test_home_without_editorial_content_has_no_empty_section(client, home):
    html = client.get("/").content.decode()
    assert "Dernières actualités" not in html


def _home_queries(client) -> int:
    cache.clear()  # the page cache would answer without a query
    client.get("/", {"warm": "1"})  # in-process caches (content types) filled, as on a live site
    cache.clear()  # and the sections' fragment rendered again: their queries are counted
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == HTTPStatus.OK
    return len(queries)


def test_home_sections_queries_do_not_grow(client, editorial, fast_pages):
    _populate(editorial, 10)
    at_10 = _home_queries(client)
    news_index, _calls, _offers, resource_index = editorial
    for i in range(190):
        NewsPageFactory(parent=news_index, date=today() - datetime.timedelta(days=20 + i))
        ResourcePageFactory(parent=resource_index, featured=True)
    at_200 = _home_queries(client)
    assert at_200 == at_10
    assert at_200 <= 40


def test_home_sections_are_kept_until_a_publication(client, editorial, django_user_model):
    news_index = editorial[0]
    NewsPageFactory(parent=news_index, title="Première nouvelle")
    # A logged-in editor bypasses the page cache: only the sections' fragment is kept.
    client.force_login(django_user_model.objects.create_superuser("ed", "ed@exemple.org", "x"))
    with CaptureQueriesContext(connection) as first:
        assert "Première nouvelle" in client.get("/").content.decode()
    with CaptureQueriesContext(connection) as second:
        assert "Première nouvelle" in client.get("/").content.decode()
    assert len(second) < len(first) - 3  # five sections' queries saved

    news = NewsPageFactory(parent=news_index, title="Deuxième nouvelle", live=False)
    news.save_revision().publish()  # a publication bumps the content generation
    assert "Deuxième nouvelle" in client.get("/").content.decode()
