"""The actor page lists the actor's own news and offers (the pages under it)."""

import datetime
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.tests.factories import ActorPageFactory, DirectoryPageFactory
from home.tests.factories import make_site_with_home

from .factories import NewsPageFactory, OpportunityPageFactory, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(db):
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    return ActorPageFactory(parent=directory, title="Association Eau Vive")


def _render(client, actor) -> tuple[str, int]:
    """The rendered actor page and its queries, uncached, once the site caches are warm."""
    cache.clear()
    client.get(actor.url)
    client.get(actor.url)
    from home.page_cache import purge_page_cache

    purge_page_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(actor.url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode(), len(queries)


def test_actor_page_lists_its_news_and_current_offers(client, actor):
    other = ActorPageFactory(parent=actor.get_parent(), title="Autre structure")
    NewsPageFactory(parent=actor, title="Chantier de forages à Koudougou")
    NewsPageFactory(parent=other, title="Nouvelle d'une autre structure")
    OpportunityPageFactory(parent=actor, title="Volontaire eau et assainissement")
    OpportunityPageFactory(
        parent=actor,
        title="Stage clos",
        deadline=today() - datetime.timedelta(days=3),
    )
    html, _queries = _render(client, actor)
    assert "Actualités de la structure" in html
    assert "Chantier de forages à Koudougou" in html
    assert "Nouvelle d&#x27;une autre structure" not in html
    assert "Offres de la structure" in html
    assert "Volontaire eau et assainissement" in html
    assert "Stage clos" not in html


def test_actor_page_without_publications_has_no_empty_sections(client, actor):
    html, _queries = _render(client, actor)
    assert "Actualités de la structure" not in html
    assert "Offres de la structure" not in html


def test_actor_page_queries_do_not_grow_with_its_news(client, actor):
    for n in range(2):
        NewsPageFactory(parent=actor, title=f"Brève {n}")
        OpportunityPageFactory(parent=actor, title=f"Offre {n}")
    html, at_2 = _render(client, actor)
    assert html.count("Brève ") == 2
    for n in range(2, 12):
        NewsPageFactory(parent=actor, title=f"Brève {n}")
        OpportunityPageFactory(parent=actor, title=f"Offre {n}")
    html, at_12 = _render(client, actor)
    assert html.count("Brève ") == 6  # the six latest
    assert at_12 == at_2
