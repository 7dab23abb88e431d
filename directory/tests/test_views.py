import csv
import gzip
import io
import json
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.cache import cache

from directory.models import ActorPage
from home.tests.visible_text import texts_of

from .factories import (
    ActorPageFactory,
    ProjectPageFactory,
    ProjectPlaceFactory,
    college,
    countries,
    departement,
    sdgs,
    themes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("directory.tests.urls")]


@pytest.fixture
def actors(directory):
    """A known fixture: three actors with places, one without."""
    return {
        "eau": ActorPageFactory(
            parent=directory,
            title="Eau Vive Gironde",
            location="SRID=4326;POINT(-0.5792 44.8378)",
            postcode="33000",
            city="Bordeaux",
            sdgs=sdgs(6, 3),
            themes=themes("eau-assainissement-hygiene"),
            countries=countries("BF"),
            internal_notes="NOTE-SECRETE",
            private_contact_email="prive@example.org",
            private_contact_phone="0600000000",
        ),
        "poitiers": ActorPageFactory(
            parent=directory,
            title="Grand Poitiers",
            college=college("collectivites"),
            location="SRID=4326;POINT(0.3404 46.5802)",
            postcode="86000",
            city="Poitiers",
            sdgs=sdgs(11),
            themes=themes("gouvernance-citoyennete"),
            countries=countries("MA", "TN"),
        ),
        "niort": ActorPageFactory(
            parent=directory,
            title="Togo Deux-Sèvres",
            location="SRID=4326;POINT(-0.4597 46.3237)",
            postcode="79000",
            city="Niort",
            sdgs=sdgs(4),
            themes=themes("education-formation"),
            countries=countries("TG"),
        ),
        "sans-lieu": ActorPageFactory(
            parent=directory,
            title="Association sans lieu",
            location="",
            postcode="33800",
            city="Bordeaux",
            sdgs=sdgs(6),
        ),
    }


def titles(response) -> set[str]:
    return {actor.title for actor in response.context["page_obj"].object_list}


def geojson(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def test_list_without_filters(client, directory, actors):
    response = client.get("/annuaire/")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert titles(response) == {a.title for a in actors.values()}
    assert content.count("<h1") == 1
    assert '<meta name="robots" content="noindex">' not in content
    assert "4 acteurs" in content
    assert "1 acteur de cette liste n'a pas de lieu" in content
    assert "Objectifs de développement durable" in texts_of(content, "legend")
    assert 'name="odd" value="6"' in content
    # No private field anywhere on the public list.
    assert "NOTE-SECRETE" not in content
    assert "prive@example.org" not in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("odd=6", {"Eau Vive Gironde", "Association sans lieu"}),
        ("odd=6&odd=11", {"Eau Vive Gironde", "Association sans lieu", "Grand Poitiers"}),
        ("theme=education-formation", {"Togo Deux-Sèvres"}),
        ("college=collectivites", {"Grand Poitiers"}),
        ("departement=33", {"Eau Vive Gironde", "Association sans lieu"}),
        (
            "departement=33&odd=6&college=associations",
            {"Eau Vive Gironde", "Association sans lieu"},
        ),
        ("pays=BF", {"Eau Vive Gironde"}),
        ("pays=bf", {"Eau Vive Gironde"}),
        ("region=maghreb", {"Grand Poitiers"}),
        ("q=poitiers", {"Grand Poitiers"}),
        ("q=niort", {"Togo Deux-Sèvres"}),
    ],
)
def test_filters(client, actors, query, expected):
    response = client.get(f"/annuaire/?{query}")
    assert response.status_code == HTTPStatus.OK
    assert titles(response) == expected
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_option_counts_and_removable_active_filters(client, actors):
    response = client.get("/annuaire/?departement=33&odd=6")
    facets = {group.name: group.options for group in response.context["facet_groups"]}
    odd = {option.value: option.count for option in facets["odd"]}
    # Counts of a filter's options take the other filters into account, not its own.
    assert odd["6"] == 2
    assert odd["3"] == 1
    assert odd["11"] == 0
    dep = {option.value: option.count for option in facets["departement"]}
    assert dep["33"] == 2
    assert dep["86"] == 0
    active = response.context["active_filters"]
    assert {a.label for a in active} == {"Gironde (33)", "6. Eau propre et assainissement"}
    content = response.content.decode()
    assert 'href="/annuaire/?odd=6"' in content  # removing the département filter


@pytest.mark.parametrize(
    "query",
    [
        "odd=abc",
        "odd=99",
        "pays=ZZZ",
        "departement='",
        "page=99999",
        "page=abc",
        "college=<script>",
        "theme=%00",
        "q=" + "x" * 5000,
        "odd=abc&odd=99&pays=ZZZ&departement='&page=99999",
    ],
)
def test_bad_values_are_ignored(client, actors, query):
    responses = {}
    for url in ("/annuaire/", "/annuaire/actors.geojson", "/annuaire/actors.csv"):
        responses[url] = client.get(f"{url}?{query}")
        assert responses[url].status_code == HTTPStatus.OK, url
    # The first, rendered answer (a second request would come from the page cache).
    if not query.startswith("q="):
        assert titles(responses["/annuaire/"]) == {a.title for a in actors.values()}


def test_bad_values_leave_other_filters_applied(client, actors):
    response = client.get("/annuaire/?odd=abc&odd=99&odd=11&pays=ZZZ&departement='")
    assert titles(response) == {"Grand Poitiers"}
    collection = geojson(client, "/annuaire/actors.geojson?odd=abc&odd=11&pays=ZZZ")
    assert [f["properties"]["name"] for f in collection["features"]] == ["Grand Poitiers"]
    assert ActorPage.objects.count() == 4  # nothing stored was changed


def test_pagination_falls_back_to_last_page(client, directory, settings):
    settings.DIRECTORY_ACTORS_PER_PAGE = 2
    for n in range(5):
        ActorPageFactory(parent=directory, title=f"Acteur {n}")
    response = client.get("/annuaire/?page=99999")
    assert response.status_code == HTTPStatus.OK
    assert response.context["page_obj"].number == 3
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_actors_geojson_is_rfc7946(client, actors):
    collection = geojson(client, "/annuaire/actors.geojson")
    assert collection["type"] == "FeatureCollection"
    assert set(collection) == {"type", "features"}
    features = {f["properties"]["name"]: f for f in collection["features"]}
    # Without a place, not on the map.
    assert set(features) == {"Eau Vive Gironde", "Grand Poitiers", "Togo Deux-Sèvres"}
    eau = features["Eau Vive Gironde"]
    assert eau["type"] == "Feature"
    assert eau["geometry"] == {"type": "Point", "coordinates": [-0.5792, 44.8378]}  # [lng, lat]
    assert eau["properties"] == {
        "id": actors["eau"].pk,
        "name": "Eau Vive Gironde",
        "url": "/annuaire/eau-vive-gironde/",
        "college": "associations",
        "city": "Bordeaux",
        "dep": "33",
        "themes": ["eau-assainissement-hygiene"],
        "sdgs": [3, 6],
        "countries": ["BF"],
    }
    for feature in collection["features"]:
        lng, lat = feature["geometry"]["coordinates"]
        assert -180 <= lng <= 180
        assert -90 <= lat <= 90
    raw = json.dumps(collection)
    for private in ("NOTE-SECRETE", "prive@example.org", "0600000000", "qualif"):
        assert private not in raw


@pytest.mark.parametrize(
    "query", ["", "odd=6", "departement=86", "pays=TG", "odd=6&departement=33", "q=bordeaux"]
)
def test_list_and_geojson_hold_the_same_actors(client, directory, actors, query):
    listed = {
        actor.pk
        for actor in client.get(f"/annuaire/?{query}").context["page_obj"].object_list
        if actor.latitude is not None
    }
    mapped = {
        f["properties"]["id"]
        for f in geojson(client, f"/annuaire/actors.geojson?{query}")["features"]
    }
    assert listed == mapped


def test_geojson_served_gzipped_from_cache_and_refreshed_on_publish(client, directory, actors):
    response = client.get("/annuaire/actors.geojson", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert len(json.loads(gzip.decompress(response.content))["features"]) == 3
    # A new actor published through Wagtail changes the key: no stale export.
    new = ActorPageFactory(parent=directory, title="Nouvel acteur", live=False)
    new.save_revision().publish()
    collection = geojson(client, "/annuaire/actors.geojson")
    assert "Nouvel acteur" in {f["properties"]["name"] for f in collection["features"]}
    new.refresh_from_db()
    new.unpublish()
    collection = geojson(client, "/annuaire/actors.geojson")
    assert "Nouvel acteur" not in {f["properties"]["name"] for f in collection["features"]}


def _spreadsheet_csv(response) -> list[dict]:
    """The default CSV: UTF-8 with a byte-order mark, `;` between columns."""
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:]), delimiter=";"))


def test_csv_public_fields_and_formula_injection(client, directory, actors):
    ActorPageFactory(parent=directory, title='=HYPERLINK("http://x")', acronym="+SUM(A1)")
    ActorPageFactory(parent=directory, title="@cmd", city="-2+3")
    response = client.get("/annuaire/actors.csv")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content.decode("utf-8")
    rows = _spreadsheet_csv(response)
    assert len(rows) == 6
    by_name = {row["nom"]: row for row in rows}
    assert '\'=HYPERLINK("http://x")' in by_name
    assert by_name['\'=HYPERLINK("http://x")']["sigle"] == "'+SUM(A1)"
    assert by_name["'@cmd"]["commune"] == "'-2+3"
    eau = by_name["Eau Vive Gironde"]
    assert eau["longitude"] == "-0.5792"  # numbers are not text: left alone
    assert eau["odd"] == "3 ; 6"
    assert eau["pays"] == "BF"
    assert eau["adhesion"] in {"Adhérent du réseau", "Référencé"}  # the label, not the code
    for private in ("NOTE-SECRETE", "prive@example.org", "0600000000"):
        assert private not in content
    filtered = _spreadsheet_csv(client.get("/annuaire/actors.csv?pays=BF"))
    assert [row["nom"] for row in filtered] == ["Eau Vive Gironde"]


def test_csv_for_programs_is_comma_separated_without_byte_order_mark(client, directory, actors):
    ActorPageFactory(parent=directory, title="=1+1")
    content = client.get("/annuaire/actors.csv?pays=BF&sep=comma").content.decode("utf-8")
    assert not content.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [row["nom"] for row in rows] == ["Eau Vive Gironde"]
    everyone = list(
        csv.DictReader(io.StringIO(client.get("/annuaire/actors.csv?sep=comma").content.decode()))
    )
    assert "'=1+1" in {row["nom"] for row in everyone}
    # The directory page offers both files.
    page = client.get("/annuaire/").content.decode()
    assert "actors.csv?sep=comma" in page


def test_projects_list_and_geojson(client, directory, actors):
    precise = ProjectPageFactory(
        parent=actors["eau"], title="Forages à Koudougou", countries=countries("BF"), sdgs=sdgs(6)
    )
    ProjectPlaceFactory(
        project=precise, name="Koudougou", location="SRID=4326;POINT(-2.3627 12.2526)"
    )
    ProjectPageFactory(
        parent=actors["poitiers"],
        title="Coopération décentralisée",
        countries=countries("MA", "TN"),
        partner_actors=[actors["niort"]],
    )
    collection = geojson(client, "/annuaire/projects.geojson")
    assert collection["type"] == "FeatureCollection"
    places = {(f["properties"]["name"], f["properties"]["place"]) for f in collection["features"]}
    assert places == {
        ("Forages à Koudougou", "Koudougou"),
        ("Coopération décentralisée", "Maroc"),
        ("Coopération décentralisée", "Tunisie"),
    }
    koudougou = next(f for f in collection["features"] if f["properties"]["place"] == "Koudougou")
    assert koudougou["geometry"]["coordinates"] == [-2.3627, 12.2526]
    assert koudougou["properties"]["country"] == "BF"
    maroc = next(f for f in collection["features"] if f["properties"]["place"] == "Maroc")
    lng, lat = maroc["geometry"]["coordinates"]
    assert 27 < lat < 36 and -14 < lng < 0  # the centroid is in Morocco, [lng, lat]

    response = client.get("/annuaire/projets/?pays=BF")
    assert response.status_code == HTTPStatus.OK
    assert [p.title for p in response.context["page_obj"].object_list] == ["Forages à Koudougou"]
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    response = client.get("/annuaire/projets/?region=maghreb&college=collectivites")
    assert [p.title for p in response.context["page_obj"].object_list] == [
        "Coopération décentralisée"
    ]
    collection = geojson(client, "/annuaire/projects.geojson?departement=33")
    assert {f["properties"]["name"] for f in collection["features"]} == {"Forages à Koudougou"}
    assert client.get("/annuaire/projets/?odd=abc&pays=ZZZ&page=999").status_code == 200


def test_actor_and_project_pages(client, directory, actors):
    project = ProjectPageFactory(
        parent=actors["eau"],
        title="Forages à Koudougou",
        countries=countries("BF"),
        sdgs=sdgs(6),
        partner_actors=[actors["niort"]],
    )
    response = client.get(actors["eau"].url)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert "Forages à Koudougou" in content
    assert "Togo Deux-Sèvres" in content  # partner actor
    assert "--sdg-bg: #26BDE2" in content  # SDG 6 badge in its colour
    assert 'id="actor-map"' in content
    assert 'data-lat="44.837800"' in content
    for private in ("NOTE-SECRETE", "prive@example.org", "0600000000"):
        assert private not in content
    partner = client.get(actors["niort"].url).content.decode()
    assert "Forages à Koudougou" in partner and "Eau Vive Gironde" in partner
    response = client.get(project.url)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Burkina Faso" in content
    assert "Eau Vive Gironde" in content
    assert "data-points=" in content
    without_place = client.get(actors["sans-lieu"].url).content.decode()
    assert 'id="actor-map"' not in without_place


def test_drafts_and_other_sites_are_not_listed(client, directory, actors):
    draft = ActorPageFactory(parent=directory, title="Brouillon", live=False)
    assert "Brouillon" not in titles(client.get("/annuaire/"))
    collection = geojson(client, "/annuaire/actors.geojson")
    assert draft.pk not in {f["properties"]["id"] for f in collection["features"]}
    assert client.get("/nulle-part/actors.geojson").status_code == HTTPStatus.NOT_FOUND


def _make_actors(directory, count: int) -> None:
    start = directory.get_children().count()
    for n in range(start, start + count):
        ActorPageFactory(
            parent=directory,
            title=f"Acteur {n:03}",
            location=f"SRID=4326;POINT({-1 + n / 1000} {45 + n / 1000})",
            sdgs=sdgs(1 + n % 17, 1 + (n + 3) % 17),
            themes=themes("sante", "culture"),
            countries=countries("BF", "SN"),
            college=college("associations" if n % 2 else "collectivites"),
            departement=departement("33" if n % 3 else "86"),
        )


QUERY_BUDGETS = {
    "/annuaire/": 40,
    "/annuaire/?odd=2&departement=33": 40,
    "/annuaire/projets/?pays=BF": 40,
    "/annuaire/actors.geojson": 25,
    "/annuaire/actors.geojson?odd=2&departement=33": 25,
    "/annuaire/actors.csv": 25,
    "/annuaire/projects.geojson": 25,
}


# The two sizes of the query-count tests: a few rows, then enough to fill the first page of
# the list and start a second one (24 actors or 20 projects a page), so that a query made for
# each row shown or exported shows as a difference of at least twenty queries.
FEW, MANY = 4, 30
MANY_PROJECTS = 50


def test_query_counts_are_bounded_and_constant_at_few_and_many_actors(
    client, directory, django_assert_max_num_queries
):
    assert MANY > settings.DIRECTORY_ACTORS_PER_PAGE
    counts: dict[str, list[int]] = {url: [] for url in QUERY_BUDGETS}
    for total in (FEW, MANY):
        _make_actors(directory, total - directory.get_children().count())
        for url, budget in QUERY_BUDGETS.items():
            client.get(url)  # warms process-wide caches (content types, locales)
            cache.clear()  # then measure a cold export or page
            with django_assert_max_num_queries(budget) as captured:
                assert client.get(url).status_code == HTTPStatus.OK
            counts[url].append(len(captured.captured_queries))
    for url, (at_few, at_many) in counts.items():
        assert at_few == at_many, url


def _make_projects(actors: list[ActorPage], count: int) -> None:
    """Projects spread over the actors; every third one has a precise place, the others
    are drawn at their countries' centroids."""
    start = sum(actor.get_children().count() for actor in actors)
    for n in range(start, start + count):
        project = ProjectPageFactory(
            parent=actors[n % len(actors)],
            title=f"Projet {n:03}",
            countries=countries("BF", "SN") if n % 2 else countries("MA"),
            sdgs=sdgs(1 + n % 17, 6),
            themes=themes("sante"),
            partner_actors=[actors[(n + 1) % len(actors)]],
        )
        if n % 3 == 0:
            ProjectPlaceFactory(project=project, name=f"Lieu {n}")


PROJECT_QUERY_BUDGETS = {
    "/annuaire/projets/": 40,
    "/annuaire/projets/?pays=BF&odd=6": 40,
    "/annuaire/projets/?departement=33&page=2": 40,
    "/annuaire/projects.geojson": 25,
    "/annuaire/projects.geojson?pays=BF&odd=6": 25,
}


def test_project_query_counts_are_bounded_and_constant_at_few_and_many_projects(
    client, directory, django_assert_max_num_queries
):
    _make_actors(directory, 4)
    actors = list(ActorPage.objects.child_of(directory).specific())
    counts: dict[str, list[int]] = {url: [] for url in PROJECT_QUERY_BUDGETS}
    # At the larger size half the projects (those of the two actors in Gironde) make more than
    # a page, so `page=2` reads a second page.
    for total in (FEW, MANY_PROJECTS):
        _make_projects(actors, total - sum(a.get_children().count() for a in actors))
        for url, budget in PROJECT_QUERY_BUDGETS.items():
            client.get(url)  # warms process-wide caches (content types, locales)
            cache.clear()  # then measure a cold export or page
            with django_assert_max_num_queries(budget) as captured:
                response = client.get(url)
                assert response.status_code == HTTPStatus.OK
            counts[url].append(len(captured.captured_queries))
        collection = geojson(client, "/annuaire/projects.geojson")
        # Each project at its place, or at each of its countries' centroids.
        assert len({f["properties"]["id"] for f in collection["features"]}) == total
    in_gironde = [a for a in actors if a.departement and a.departement.code == "33"]
    assert sum(actor.get_children().count() for actor in in_gironde) > 20
    for url, (at_few, at_many) in counts.items():
        assert at_few == at_many, url


def test_map_feature_follows_publication_relations_and_taxonomies(client, directory, actors):
    """actors.geojson reads each actor's stored `map_properties`: it follows a publication,
    a change of relations outside `save()`, a taxonomy renamed, and rows written in bulk."""
    from directory.models import Theme

    def eau_feature() -> dict:
        cache.clear()
        collection = geojson(client, "/annuaire/actors.geojson")
        return next(f for f in collection["features"] if f["properties"]["id"] == eau.pk)

    eau = ActorPage.objects.get(pk=actors["eau"].pk)
    # A new place and town, published through Wagtail.
    eau.location = "SRID=4326;POINT(0.3404 46.5802)"
    eau.city = "Poitiers"
    eau.save_revision().publish()
    feature = eau_feature()
    assert feature["geometry"]["coordinates"] == [0.3404, 46.5802]
    assert feature["properties"]["city"] == "Poitiers"
    # A theme given outside the actor's `save()` (from the theme's side: a script, the shell).
    Theme.objects.get(slug="culture").actors.add(eau)
    assert eau_feature()["properties"]["themes"] == ["culture", "eau-assainissement-hygiene"]
    # A theme's slug renamed by an editor.
    culture = Theme.objects.get(slug="culture")
    culture.slug = "culture-patrimoine"
    culture.save()
    assert "culture-patrimoine" in eau_feature()["properties"]["themes"]
    # Rows written in bulk without them: computed by the export, same result, and the
    # request writes nothing (a read never writes).
    before = eau_feature()
    ActorPage.objects.update(map_properties=None)
    assert eau_feature() == before
    assert ActorPage.objects.get(pk=eau.pk).map_properties is None
    # Without a place: nothing to draw.
    cache.clear()
    ids = {f["properties"]["id"] for f in geojson(client, "/annuaire/actors.geojson")["features"]}
    assert actors["sans-lieu"].pk not in ids


def test_cached_exports_cost_one_query_and_follow_restrictions_and_unpublishing(
    client, directory, actors, django_assert_max_num_queries
):
    from wagtail.models import PageViewRestriction

    url = "/annuaire/actors.geojson"
    assert client.get(url).status_code == HTTPStatus.OK
    with django_assert_max_num_queries(1):  # the last publication time
        assert client.get(url, HTTP_ACCEPT_ENCODING="gzip").status_code == HTTPStatus.OK
    # Served without looking the page up, yet a restriction added later hides it at once.
    restriction = PageViewRestriction.objects.create(
        page=directory, restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    restriction.delete()
    assert client.get(url).status_code == HTTPStatus.OK
    directory.unpublish()
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_the_page_cache_keys_the_directory_by_each_of_its_filters_and_its_page():
    """A filter the page cache did not know would serve every filtered directory the
    unfiltered page from the cache: the page names exactly the filter form's fields."""
    from directory.filters import DirectoryFilterForm
    from directory.models import DirectoryPage

    assert DirectoryPage.cache_query_params == {*DirectoryFilterForm.base_fields, "page"}
