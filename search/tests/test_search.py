from http import HTTPStatus

import pytest
from wagtail.models import Page, PageViewRestriction

from home.tests.factories import StandardPageFactory, make_site_with_home
from search.forms import MAX_QUERY_LENGTH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_engine")]


@pytest.fixture
def home():
    return make_site_with_home()


def test_finds_live_public_pages(client, home):
    StandardPageFactory(parent=home, title="Formations et ateliers", introduction="Cycle ODD")
    draft = StandardPageFactory(parent=home, title="Formations en préparation", live=False)
    private = StandardPageFactory(parent=home, title="Formations réservées")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    response = client.get("/recherche/", {"q": "formations"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Formations et ateliers" in html
    assert draft.title not in html
    assert private.title not in html
    assert '<meta name="robots" content="noindex">' in html
    assert "1 résultat pour « formations »" in html


def test_empty_query_shows_the_form_only(client, home):
    response = client.get("/recherche/", {"q": "   "})
    assert response.status_code == HTTPStatus.OK
    assert "résultat" not in response.content.decode()


def test_no_result_says_so_in_french(client, home):
    response = client.get("/recherche/", {"q": "introuvablemotinconnu"})
    assert "Aucune page ne correspond" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "'; DROP TABLE wagtailcore_page; --",
        '<script>alert("x")</script>',
        "a\x00b",
        "& | ! : * ( ) \\",
        "«»—😀",
    ],
)
def test_hostile_or_huge_queries_never_fail(client, home, query):
    StandardPageFactory(parent=home, title="Coopération décentralisée")
    pages = Page.objects.count()
    response = client.get("/recherche/", {"q": query})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<script>alert" not in html
    if query.startswith("<script>"):
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html  # echoed escaped
    assert Page.objects.count() == pages  # nothing dropped
    # The query echoed in the box is the capped one.
    assert "x" * (MAX_QUERY_LENGTH + 1) not in html


def test_pagination_and_bad_page_numbers(client, home, django_assert_max_num_queries):
    for n in range(23):
        StandardPageFactory(parent=home, title=f"Coopération décentralisée {n}")
    first = client.get("/recherche/", {"q": "décentralisée"}).content.decode()
    assert "23 résultats" in first
    assert 'rel="next"' in first
    for page in ("3", "abc", "-1", "99999"):
        response = client.get("/recherche/", {"q": "décentralisée", "page": page})
        assert response.status_code == HTTPStatus.OK
    last = client.get("/recherche/", {"q": "décentralisée", "page": "99999"}).content.decode()
    assert '<span aria-current="page">3</span>' in last


def _search_queries(client, query: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/recherche/", {"q": query})  # warm the taxonomy and content-type caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/recherche/", {"q": query})
    assert response.status_code == HTTPStatus.OK
    return len(queries)


def test_query_count_does_not_grow_with_results(client, home):
    for n in range(3):
        StandardPageFactory(parent=home, title=f"Solidarité internationale {n}")
    at_3 = _search_queries(client, "solidarité")
    for n in range(3, 30):
        StandardPageFactory(parent=home, title=f"Solidarité internationale {n}")
    at_30 = _search_queries(client, "solidarité")
    assert at_30 == at_3
    assert at_30 <= 24
