"""The search keeps a query's ranked match set briefly: asking again does not run the
full-text condition again, and any change to pages or documents is seen at once."""

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from home.tests.factories import StandardPageFactory, make_site_with_home
from search import matches as match_sets
from search import universe

pytestmark = pytest.mark.django_db

FULL_TEXT = "@@" if connection.vendor == "postgresql" else " MATCH "


@pytest.fixture
def home():
    return make_site_with_home()


def _get(client, query: str, **params) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/recherche/", {"q": query, **params})
    assert response.status_code == HTTPStatus.OK
    return response.content.decode(), [q["sql"] for q in queries]


def test_refining_a_search_reuses_its_match_set(client, home):
    for n in range(12):
        StandardPageFactory(parent=home, title=f"Hydraulique villageoise {n}")
    first, first_sql = _get(client, "hydraulique")
    assert "12 résultats" in first
    assert any(FULL_TEXT in sql for sql in first_sql)
    # Another page and the same words: the kept match set, no full-text condition.
    second, second_sql = _get(client, "hydraulique", page="2")
    assert "Hydraulique villageoise" in second
    assert not any(FULL_TEXT in sql for sql in second_sql)
    # Words in another order or case are the same query.
    _third, third_sql = _get(client, "HYDRAULIQUE")
    assert not any(FULL_TEXT in sql for sql in third_sql)


def test_new_unpublished_and_restricted_pages_are_seen_at_once(client, home):
    first, _sql = _get(client, "hydraulique")
    assert "Aucune page ne correspond" in first
    page = StandardPageFactory(parent=home, title="Hydraulique pastorale")
    found, _sql = _get(client, "hydraulique")
    assert "Hydraulique pastorale" in found
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    hidden, _sql = _get(client, "hydraulique")
    assert "Hydraulique pastorale" not in hidden
    PageViewRestriction.objects.filter(page=page).delete()
    assert "Hydraulique pastorale" in _get(client, "hydraulique")[0]
    page.unpublish()
    assert "Hydraulique pastorale" not in _get(client, "hydraulique")[0]


def test_match_set_is_in_rank_order_and_complete(home):
    StandardPageFactory(parent=home, title="Annexe", introduction="hydraulique")
    StandardPageFactory(parent=home, title="Hydraulique et assainissement")
    generation = universe.current_generation()
    matches = match_sets.match_set(["hydraulique"], generation=generation)
    ranked = matches.ranked
    assert len(ranked) == 2
    assert not matches.capped
    titles = dict(
        home.get_children().values_list("pk", "title")  # (id, title) of the two pages
    )
    # A title match outranks a body match; the cached copy reads back the same.
    assert titles[ranked[0][1]] == "Hydraulique et assainissement"
    assert match_sets.match_set(["hydraulique"], generation=generation) == matches


def _universe_generation() -> int:
    from search.caches import UNIVERSE

    return UNIVERSE.get()


def test_saving_a_draft_keeps_the_kept_search_and_publishing_refreshes_it(client, home):
    page = StandardPageFactory(parent=home, title="Hydraulique villageoise")
    _get(client, "hydraulique")
    before = _universe_generation()
    page.title = "Hydraulique urbaine"
    page.save_revision()  # a draft: the live page, and so the search, are unchanged
    html, sql = _get(client, "hydraulique", page="1")
    assert "Hydraulique villageoise" in html
    assert "Hydraulique urbaine" not in html
    assert not any(FULL_TEXT in query for query in sql)
    assert _universe_generation() == before
    page.get_latest_revision().publish()
    html, sql = _get(client, "hydraulique")
    assert "Hydraulique urbaine" in html
    assert any(FULL_TEXT in query for query in sql)
    assert _universe_generation() > before


def test_a_document_change_keeps_the_page_universe(home):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    before = _universe_generation()
    matches_before = universe.current_generation()
    document = Document(title="Compte rendu")
    document.file.save("cr.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save()
    assert universe.current_generation() > matches_before  # the matches may differ
    assert _universe_generation() == before  # the pages and their facets do not


def test_editing_a_theme_refreshes_the_facets(client, home):
    from directory.models import Theme
    from resources.tests.factories import NewsIndexPageFactory, NewsPageFactory

    theme = Theme.objects.order_by("pk").first()
    news = NewsPageFactory(parent=NewsIndexPageFactory(parent=home), title="Hydraulique rurale")
    news.themes.set([theme])
    news.save_revision().publish()
    html, _sql = _get(client, "hydraulique", theme=theme.slug)
    assert "1 résultat" in html
    theme.slug = "hydraulique-et-territoires"
    theme.save()
    html, _sql = _get(client, "hydraulique", theme="hydraulique-et-territoires")
    assert "1 résultat" in html
    assert "Hydraulique rurale" in html


def test_bitmaps_hold_exactly_the_ids_given():
    bits = universe.bitmap([3, 8, 1000, 3])
    assert bits.bit_count() == 3
    raw = universe.bitmap_bytes(bits)
    assert [pk for pk in range(1100) if universe.has_bit(raw, pk)] == [3, 8, 1000]
    # Outside the bitmap (beyond its last byte, or negative): not a member, no IndexError.
    assert not universe.has_bit(raw, 10**9)
    assert not universe.has_bit(raw, -5)
    assert universe.bitmap([]) == 0
    assert universe.bitmap_bytes(0) == b""


PLACES = ["Ouagadougou", "Antananarivo", "Lomé", "Tunis", "Dakar", "Bamako", "Niamey", "Cotonou"]


def test_a_word_in_more_pages_than_the_limit_ranks_and_counts_the_most_recent(
    client, home, settings
):
    settings.SEARCH_MAX_MATCHES = 5
    for place in PLACES:  # created oldest first
        StandardPageFactory(parent=home, title=f"Hydraulique à {place}")
    html, _sql = _get(client, "hydraulique")
    assert "5 résultats pour « hydraulique » parmi les 5 plus récents" in html
    assert "Plus de 5 contenus contiennent ces mots" in html
    for place in PLACES[3:]:
        assert f"Hydraulique à {place}" in html
    for place in PLACES[:3]:  # the three oldest are beyond the limit
        assert f"Hydraulique à {place}" not in html
    # The type facet counts the same five.
    assert 'Pages <span class="facet-count">(5' in html


def test_exactly_the_limit_is_not_capped_and_zero_means_no_limit(client, home, settings):
    settings.SEARCH_MAX_MATCHES = 8
    for place in PLACES:
        StandardPageFactory(parent=home, title=f"Hydraulique à {place}")
    html, _sql = _get(client, "hydraulique")
    assert "8 résultats pour « hydraulique »" in html
    assert "plus récents" not in html
    settings.SEARCH_MAX_MATCHES = 0
    html, _sql = _get(client, "hydraulique")
    assert "8 résultats pour « hydraulique »" in html
    assert "plus récents" not in html


def test_searches_kept_before_a_publication_commits_are_dropped_after_it(
    client, home, django_capture_on_commit_callbacks
):
    """A search served between a publication and its commit (by another worker, reading the
    old rows) would be kept under the new generation: the commit bumps it again."""
    page = StandardPageFactory(parent=home, title="Hydraulique villageoise")
    with django_capture_on_commit_callbacks() as callbacks:
        page.title = "Hydraulique pastorale"
        page.save_revision().publish()
        _get(client, "hydraulique")  # kept before the commit
        _html, sql = _get(client, "hydraulique")
        assert not any(FULL_TEXT in query for query in sql)
    for callback in callbacks:
        callback()  # the transaction commits
    _html, sql = _get(client, "hydraulique")
    assert any(FULL_TEXT in query for query in sql)


def test_the_kept_facet_checkboxes_follow_a_renamed_theme_and_a_new_page(client, home):
    from directory.models import Theme
    from resources.tests.factories import NewsIndexPageFactory, NewsPageFactory

    theme = Theme.objects.order_by("pk").first()
    index = NewsIndexPageFactory(parent=home)
    news = NewsPageFactory(parent=index, title="Hydraulique rurale")
    news.themes.set([theme])
    news.save_revision().publish()

    def theme_option() -> str:
        html, _sql = _get(client, "hydraulique")
        label = re.search(
            rf'for="facet-theme-{theme.slug}">([^<]*)<span class="facet-count">\((\d+)', html
        )
        assert label, html
        return f"{label.group(1).strip()} ({label.group(2)})"

    assert theme_option() == f"{theme.name} (1)"

    theme.name = "Hydraulique et territoires"
    theme.save()
    assert theme_option() == "Hydraulique et territoires (1)"

    other = NewsPageFactory(parent=index, title="Hydraulique urbaine")
    other.themes.set([theme])
    other.save_revision().publish()
    assert theme_option() == "Hydraulique et territoires (2)"
