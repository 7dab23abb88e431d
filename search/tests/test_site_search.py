"""The faceted site search: matching (stemming, accents), facets, documents, highlighting,
suggestions, autocomplete, promotions, rate limit and hostile input."""

import json
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import override_settings
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction

from directory.tests.factories import (
    ActorPageFactory,
    DirectoryPageFactory,
    countries,
    departement,
    themes,
)
from home.tests.factories import StandardPageFactory, make_site_with_home
from resources.tests.factories import (
    NewsIndexPageFactory,
    NewsPageFactory,
    ResourceIndexPageFactory,
    ResourcePageFactory,
)
from search.tests.conftest import database_engine_only

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_engine")]

ON_POSTGRESQL = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL's French stemming")
sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite's prefix matching")


@pytest.fixture
def home():
    return make_site_with_home()


def _titles(client, query: str, **params) -> str:
    response = client.get("/recherche/", {"q": query, **params})
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


@pytest.mark.parametrize(
    ("query", "title", "plural"),
    [
        ("formation", "Formations des porteurs de projets", True),
        ("formations", "Formation à la gestion de projet", True),
        ("securite", "Sécurité alimentaire au Sahel", False),
        ("SÉCURITÉ", "Securite des volontaires", False),
        ("eau", "Eaux et forêts du Togo", True),
    ],
)
def test_singular_plural_and_accents_find_the_same_pages(
    client, home, search_engine, query, title, plural
):
    """Both databases: PostgreSQL through `french_unaccent` (stemming after unaccent), SQLite
    through FTS5's accent folding and, with the database engine, prefix terms."""
    if plural and not ON_POSTGRESQL:
        database_engine_only(
            search_engine, "Wagtail's SQLite backend matches whole words: no plural folding"
        )
    StandardPageFactory(parent=home, title=title, introduction="Une page du réseau.")
    StandardPageFactory(parent=home, title="Culture et patrimoine", introduction="Autre sujet.")
    html = _titles(client, query)
    assert title in html.replace("&#x27;", "'")
    assert "Culture et patrimoine" not in html


@postgresql_only
@pytest.mark.parametrize(
    ("query", "title"),
    [("cheval", "Les chevaux du Sahel"), ("animaux", "Un animal de trait")],
)
def test_postgresql_french_stemming_beyond_prefixes(client, home, query, title):
    # `chevaux` and `cheval` share the stem `cheval`: no prefix of one gives the other.
    StandardPageFactory(parent=home, title=title)
    assert title in _titles(client, query)


@sqlite_only
@pytest.mark.parametrize(
    ("query", "title"),
    [("cheva", "Les chevaux du Sahel"), ("anima", "Un animal de trait")],
)
def test_sqlite_matches_word_prefixes(client, home, search_engine, query, title):
    # SQLite has no French stemmer: a word prefix is what the database engine matches.
    database_engine_only(search_engine, "prefix terms are the database engine's own SQL")
    StandardPageFactory(parent=home, title=title)
    assert title in _titles(client, query)


def test_postgresql_search_uses_the_unaccent_configuration(settings):
    config = settings.WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"]
    assert config == ("french_unaccent" if ON_POSTGRESQL else "french")
    if ON_POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_tsvector('french_unaccent', 'Sécurité des Eaux')::text")
            assert cursor.fetchone()[0] == "'eau':3 'securit':1"


@pytest.fixture
def facets_world(home):
    directory = DirectoryPageFactory(parent=home)
    water = themes("eau-assainissement-hygiene")
    gironde = ActorPageFactory(parent=directory, title="Eau Vive Gironde", postcode="33000")
    gironde.themes.set(water)
    gironde.countries.set(countries("BF"))
    gironde.save()
    vienne = ActorPageFactory(
        parent=directory, title="Eau et vie Vienne", postcode="86000", city="Poitiers"
    )
    vienne.countries.set(countries("TG"))
    vienne.save()
    news = NewsPageFactory(
        parent=NewsIndexPageFactory(parent=home), title="Eau potable au Burkina Faso"
    )
    news.themes.set(water)
    news.countries.set(countries("BF"))
    news.save()
    resource = ResourcePageFactory(
        parent=ResourceIndexPageFactory(parent=home), title="Guide de l'eau au Togo"
    )
    resource.countries.set(countries("TG"))
    resource.save()
    StandardPageFactory(parent=home, title="Culture et patrimoine")
    return {"gironde": gironde, "vienne": vienne, "news": news, "resource": resource}


def test_facets_count_and_combine_with_the_query_and_each_other(client, facets_world):
    html = _titles(client, "eau")
    assert "4 résultats" in html
    assert 'value="acteur" id="facet-type-acteur">' in html
    assert 'Acteurs <span class="facet-count">(2' in html
    assert 'Actualités <span class="facet-count">(1' in html
    assert 'Burkina Faso <span class="facet-count">(2' in html
    assert 'Togo <span class="facet-count">(2' in html

    by_country = _titles(client, "eau", pays="BF")
    assert "2 résultats" in by_country
    assert "Guide de l&#x27;eau au Togo" not in by_country
    # The type facet counts with the country filter applied.
    assert "Ressources <span" not in by_country

    combined = _titles(client, "eau", pays="BF", type="acteur")
    assert "1 résultat" in combined
    assert "Eau Vive Gironde" in combined
    assert "Eau potable au Burkina Faso" not in combined
    # The type facet still offers the other types under the country filter.
    assert 'Actualités <span class="facet-count">(1' in combined

    by_departement = _titles(client, "eau", departement="86")
    assert "Eau et vie Vienne" in by_departement
    assert "Eau Vive Gironde" not in by_departement

    by_theme = _titles(client, "eau", theme="eau-assainissement-hygiene", odd="6")
    assert "0 résultat" in by_theme or "Aucune page" in by_theme
    assert '<meta name="robots" content="noindex">' in by_theme


def test_documents_are_found_unless_their_collection_is_private(client, home):
    public = Document(title="Compte rendu du groupe Madagascar")
    public.file.save("cr-madagascar.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    public.save()
    private_collection = Collection.get_first_root_node().add_child(name="Privée")
    CollectionViewRestriction.objects.create(
        collection=private_collection, restriction_type="login"
    )
    private = Document(title="Compte rendu interne Madagascar", collection=private_collection)
    private.file.save("interne.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    private.save()
    html = _titles(client, "madagascar")
    assert "Compte rendu du groupe Madagascar" in html
    assert "Compte rendu interne Madagascar" not in html
    assert 'Documents <span class="facet-count">(1' in html
    # A page facet leaves documents out.
    assert "Compte rendu du groupe" not in _titles(client, "madagascar", theme="culture")


def test_query_words_are_highlighted_and_the_rest_escaped(client, home):
    StandardPageFactory(
        parent=home,
        title="Page de test",
        listing_summary="Des <b>formations</b> gratuites à la sécurité des équipes.",
    )
    html = _titles(client, "formations securite")
    assert "&lt;b&gt;<mark>formations</mark>&lt;/b&gt;" in html
    assert "<mark>sécurité</mark>" in html


def test_suggestions_when_nothing_is_found(client, home):
    StandardPageFactory(parent=home, title="Volontariat international au Togo")
    html = _titles(client, "volontriat")
    assert "Aucune page ne correspond" in html
    assert "Vouliez-vous dire" in html
    assert 'href="?q=volontariat"' in html
    assert "Parcourir par thématique" in html


def test_promoted_results_come_first(client, home):
    promoted = StandardPageFactory(parent=home, title="Adhérer au réseau")
    StandardPageFactory(parent=home, title="Adhésion : les statuts")
    SearchPromotion.objects.create(
        query=Query.get("adhésion"), page=promoted, description="Tout savoir pour adhérer."
    )
    html = _titles(client, "adhésion")
    assert "Recommandé" in html
    assert html.index("Adhérer au réseau") < html.index("Adhésion : les statuts")
    assert Query.get("adhésion").hits == 1


def test_a_promotion_saved_or_deleted_shows_on_the_next_search(client, home):
    promoted = StandardPageFactory(parent=home, title="Adhérer au réseau")
    StandardPageFactory(parent=home, title="Adhésion : les statuts")
    assert "Recommandé" not in _titles(client, "adhésion")  # the promoted queries are kept

    promotion = SearchPromotion.objects.create(query=Query.get("adhésion"), page=promoted)
    assert "Recommandé" in _titles(client, "adhésion")

    promotion.delete()
    assert "Recommandé" not in _titles(client, "adhésion")


def test_autocomplete_answers_titles_and_types(client, home):
    StandardPageFactory(parent=home, title="Sécurité des déplacements à l'étranger")
    StandardPageFactory(parent=home, title="Culture et patrimoine")
    response = client.get("/recherche/autocomplete/", {"q": "secu"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert [r["title"] for r in data["results"]] == ["Sécurité des déplacements à l'étranger"]
    assert data["results"][0]["type"] == "Pages"
    assert data["results"][0]["url"].startswith("/")


@pytest.mark.parametrize("query", ["", "a", "<script>", "x" * 10_000, "\x00\x01", "' OR 1=1"])
def test_autocomplete_bad_input_answers_json(client, home, query):
    response = client.get("/recherche/autocomplete/", {"q": query})
    assert response.status_code == HTTPStatus.OK
    data = json.loads(response.content)
    assert isinstance(data["results"], list)
    assert len(data["query"]) <= 200
    assert "<script>" not in response.content.decode()


@override_settings(SEARCH_RATE_LIMIT=3, AUTOCOMPLETE_RATE_LIMIT=2)
def test_rate_limit_per_address(client, home):
    for _n in range(3):
        assert client.get("/recherche/", {"q": "eau"}).status_code == HTTPStatus.OK
    refused = client.get("/recherche/", {"q": "eau"})
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Trop de recherches" in refused.content.decode()
    # The seconds until the oldest of the three searches leaves the one-minute window.
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another address still searches.
    other = client.get("/recherche/", {"q": "eau"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == HTTPStatus.OK
    for _n in range(2):
        client.get("/recherche/autocomplete/", {"q": "eau"})
    refused = client.get("/recherche/autocomplete/", {"q": "eau"})
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(refused["Retry-After"]) <= 60


@pytest.mark.parametrize(
    "params",
    [
        {"type": "inconnu"},
        {"theme": "<script>alert(1)</script>"},
        {"odd": "abc"},
        {"pays": "ZZ"},
        {"departement": "' OR 1=1 --"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"page": "-3"},
        {"theme": "eau\x00\x1b[31m"},
        {"pays": "<b>FR</b>", "odd": "6\x07"},
    ],
    ids=lambda p: repr(p)[:30],
)
def test_bad_facet_values_are_dropped(client, home, params):
    StandardPageFactory(parent=home, title="Coopération décentralisée")
    html = _titles(client, "coopération", **params)
    assert "Coopération décentralisée" in html
    assert "<script>alert(1)</script>" not in html


def test_every_result_url_is_noindex(client, home):
    StandardPageFactory(parent=home, title="Coopération décentralisée")
    response = client.get("/recherche/", {"q": "coopération", "page": "2"})
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_departement_facet_lists_the_actor(client, facets_world):
    html = _titles(client, "eau")
    assert departement("33").name in html


def test_a_document_result_names_the_public_page_that_offers_it(client, home):
    from resources.models import ResourceDocument

    document = Document(title="Guide méthodologique Madagascar")
    document.file.save("guide.pdf", ContentFile(b"%PDF-1.4\n" + b"x" * 2000), save=False)
    document._set_document_file_metadata()  # as the admin's upload does (size, hash)
    document.save()
    resource = ResourcePageFactory(
        parent=ResourceIndexPageFactory(parent=home), title="Guide des partenariats"
    )
    resource.documents.add(ResourceDocument(document=document))
    resource.save_revision().publish()

    html = _titles(client, "méthodologique")
    assert "Guide méthodologique Madagascar" in html
    assert "PDF, 2,0" in html  # its format and size (2,0 Ko)
    assert f'proposé sur la page <a href="{resource.url}">Guide des partenariats</a>' in html

    resource.unpublish()  # an unpublished page is not named
    html = _titles(client, "méthodologique")
    assert "Guide méthodologique Madagascar" in html
    assert "Guide des partenariats" not in html
