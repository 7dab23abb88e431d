"""The open-data API: the listings' filters, pagination bounds, ETag/304, CORS, the rate
limit, what must never appear (drafts, private pages, members-only events, private fields),
the OpenAPI document and the query counts."""

from __future__ import annotations

import datetime
import itertools
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from directory.tests.factories import (
    ActorPageFactory,
    ProjectPageFactory,
    countries,
    departement,
    sdgs,
    themes,
)
from events.models import EventPage
from events.tests.factories import make_event
from resources.tests.factories import (
    CallForProjectsPageFactory,
    OpportunityPageFactory,
    ResourcePageFactory,
)

API = "/api/open/v1"


def ids(response) -> list[int]:
    assert response.status_code == HTTPStatus.OK, response.content
    return [item["id"] for item in response.json()["results"]]


def actor(directory, title: str, *, odd=(), dep: str | None = None, **kwargs):
    page = ActorPageFactory(parent=directory, title=title, **kwargs)
    if odd:
        page.sdgs.set(sdgs(*odd))
    if dep:
        page.departement = departement(dep)
    page.save()
    return page


# --- Filters ----------------------------------------------------------------------------------


def test_actor_filters_give_the_directory_listing_ids(client, site_pages):
    directory = site_pages.directory
    wanted = actor(directory, "Eau Vive Gironde", odd=(6,), dep="33")
    also = actor(directory, "Puits partagés", odd=(6, 13), dep="33")
    actor(directory, "Eau Vive Landes", odd=(6,), dep="40")
    actor(directory, "Climat Gironde", odd=(13,), dep="33")

    listing = client.get("/annuaire/?odd=6&departement=33")
    listed = {page.pk for page in listing.context["page_obj"].object_list}
    answer = client.get(f"{API}/actors/?odd=6&departement=33")

    assert listed == {wanted.pk, also.pk}
    assert set(ids(answer)) == listed
    assert answer.json()["count"] == 2
    assert "ETag" in answer.headers


def test_project_filters_give_the_project_listing_ids(client, site_pages):
    water = actor(site_pages.directory, "Eau Vive", odd=(6,), dep="33")
    burkina = ProjectPageFactory(parent=water, title="Forages à Koudougou")
    burkina.countries.set(countries("BF"))
    burkina.save()
    senegal = ProjectPageFactory(parent=water, title="Jardins de Thiès")
    senegal.countries.set(countries("SN"))
    senegal.save()

    listing = client.get("/annuaire/projets/?pays=BF")
    listed = {page.pk for page in listing.context["page_obj"].object_list}

    assert listed == {burkina.pk}
    assert set(ids(client.get(f"{API}/projects/?pays=BF"))) == listed


def test_unknown_filter_values_are_ignored_like_the_listing(client, site_pages):
    first = actor(site_pages.directory, "Eau Vive", odd=(6,))
    second = actor(site_pages.directory, "Climat", odd=(13,))

    # odd=99 and odd=abc are not SDGs, departement=ZZ no département: dropped, as /annuaire/.
    answer = client.get(f"{API}/actors/?odd=99&odd=abc&departement=ZZ&odd=6")

    assert ids(answer) == [first.pk]
    assert set(ids(client.get(f"{API}/actors/?odd=99"))) == {first.pk, second.pk}


def test_agenda_filters_and_months(client, site_pages):
    training = make_event(parent=site_pages.agenda, title="Formation cadre logique")
    webinar = make_event(
        parent=site_pages.agenda, title="Webinaire climat", kind=EventPage.Kind.WEBINAR
    )

    assert ids(client.get(f"{API}/events/?type=webinaire")) == [webinar.pk]
    assert set(ids(client.get(f"{API}/events/?type=inconnu"))) == {training.pk, webinar.pk}
    # A month that does not exist is dropped, as on /agenda/.
    assert set(ids(client.get(f"{API}/events/?mois=2020-13"))) == {training.pk, webinar.pk}
    assert ids(client.get(f"{API}/events/?mois=2001-01")) == []


def test_editorial_filters(client, site_pages):
    water = CallForProjectsPageFactory(parent=site_pages.calls, title="Eau 2027")
    water.themes.set(themes("eau-assainissement-hygiene"))
    water.save()
    CallForProjectsPageFactory(parent=site_pages.calls, title="Culture 2027")
    job = OpportunityPageFactory(parent=site_pages.offers, kind="emploi")
    OpportunityPageFactory(parent=site_pages.offers, kind="stage")

    assert ids(client.get(f"{API}/calls/?theme=eau-assainissement-hygiene")) == [water.pk]
    assert ids(client.get(f"{API}/offers/?type=emploi")) == [job.pk]


# --- Pagination -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=10000", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999999999999", "offset"),
    ],
)
def test_bad_pagination_is_refused_in_french(client, site_pages, query, parameter):
    response = client.get(f"{API}/actors/?{query}")

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = response.json()
    assert body["detail"] == f"Paramètres invalides : {parameter}."
    assert body["erreurs"][0]["parametre"] == parameter
    assert body["erreurs"][0]["message"].startswith("doit")


def test_pages_link_to_each_other(client, site_pages):
    created = [actor(site_pages.directory, f"Acteur {letter}") for letter in "ABC"]

    first = client.get(f"{API}/actors/?limit=2&odd=99").json()
    second = client.get(first["next"]).json()

    assert first["count"] == 3
    assert first["previous"] is None
    assert "offset=2" in first["next"] and "odd=99" in first["next"]
    assert [item["id"] for item in first["results"] + second["results"]] == [
        page.pk for page in created
    ]
    assert second["next"] is None
    assert "offset=0" in second["previous"]


def test_limit_200_is_allowed(client, site_pages):
    assert client.get(f"{API}/actors/?limit=200").json()["limit"] == 200


@pytest.mark.parametrize("bad", ["0", "-3", "abc", "99999999999"])
def test_bad_ids_are_refused(client, site_pages, bad):
    assert client.get(f"{API}/actors/{bad}/").status_code == HTTPStatus.UNPROCESSABLE_ENTITY


def test_unknown_id_is_404(client, site_pages):
    response = client.get(f"{API}/actors/424242/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["detail"] == "Cette ressource n'existe pas ou n'est pas publique."


# --- ETag and 304 -----------------------------------------------------------------------------


def test_etag_gives_304_without_the_listing_queries(
    client, site_pages, django_assert_max_num_queries
):
    actor(site_pages.directory, "Eau Vive", odd=(6,), dep="33")
    url = f"{API}/actors/?odd=6&departement=33"
    first = client.get(url)
    etag = first.headers["ETag"]

    # One query: the last publication time. No count, no actor read.
    with django_assert_max_num_queries(1):
        again = client.get(url, headers={"If-None-Match": etag})

    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""
    assert again.headers["ETag"] == etag
    by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == HTTPStatus.NOT_MODIFIED
    # Another query string is another answer.
    assert client.get(url + "&limit=5").headers["ETag"] != etag


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/actors/?odd=6",
        "/projects/",
        "/events/",
        "/calls/",
        "/offers/",
        "/resources/",
        "/feeds/opportunities.json",
        "/taxonomies/odd/",
    ],
)
def test_head_answers_like_get_without_a_body(client, site_pages, path):
    actor(site_pages.directory, "Eau Vive", odd=(6,), dep="33")
    got = client.get(f"{API}{path}")

    head = client.head(f"{API}{path}")

    assert head.status_code == HTTPStatus.OK
    assert head.content == b""
    assert head.headers["ETag"] == got.headers["ETag"]
    assert head.headers["Last-Modified"] == got.headers["Last-Modified"]
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    assert head.headers["Content-Length"] == str(len(got.content))
    again = client.head(f"{API}{path}", headers={"If-None-Match": got.headers["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.headers["ETag"] == got.headers["ETag"]


def test_head_on_a_detail_and_its_errors(client, site_pages):
    page = actor(site_pages.directory, "Eau Vive")

    assert client.head(f"{API}/actors/{page.pk}/").status_code == HTTPStatus.OK
    assert client.head(f"{API}/actors/999999/").status_code == HTTPStatus.NOT_FOUND
    assert client.head(f"{API}/actors/?limit=0").status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    # HEAD is not a second operation of the document.
    document = client.get(f"{API}/openapi.json").json()
    assert all("head" not in operations for operations in document["paths"].values())


def test_a_publication_changes_the_etag(client, site_pages):
    page = actor(site_pages.directory, "Eau Vive")
    url = f"{API}/actors/"
    etag = client.get(url).headers["ETag"]

    page.title = "Eau Vive Aquitaine"
    page.save_revision().publish()
    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == HTTPStatus.OK
    assert response.headers["ETag"] != etag
    assert response.json()["results"][0]["nom"] == "Eau Vive Aquitaine"


def test_an_unpublication_changes_the_etag(client, site_pages):
    kept = actor(site_pages.directory, "Eau Vive")
    gone = actor(site_pages.directory, "Ancien acteur")
    # The newest publication stays the same: only the generation says something changed.
    ActorPageFactory._meta.model.objects.filter(pk=kept.pk).update(
        last_published_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    etag = client.get(f"{API}/actors/").headers["ETag"]

    gone.unpublish()
    response = client.get(f"{API}/actors/", headers={"If-None-Match": etag})

    assert response.status_code == HTTPStatus.OK
    assert ids(response) == [kept.pk]


# --- CORS -------------------------------------------------------------------------------------


def test_cors_on_get_and_preflight_only(client, site_pages):
    origin = {"Origin": "https://reseau-voisin.example.org"}

    got = client.get(f"{API}/actors/", headers=origin)
    preflight = client.options(
        f"{API}/actors/", headers={**origin, "Access-Control-Request-Method": "GET"}
    )
    posted = client.post(f"{API}/actors/", headers=origin)
    deleted = client.delete(f"{API}/actors/", headers=origin)

    assert got.headers["Access-Control-Allow-Origin"] == origin["Origin"]
    assert "ETag" in got.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in got.headers
    assert preflight.status_code == HTTPStatus.OK
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert posted.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert "Access-Control-Allow-Origin" not in posted.headers
    assert "Access-Control-Allow-Origin" not in deleted.headers
    assert not got.cookies
    # Pages of the site are not opened to other origins.
    assert "Access-Control-Allow-Origin" not in client.get("/annuaire/", headers=origin).headers


# --- Rate limit -------------------------------------------------------------------------------


@override_settings(OPEN_DATA_API_RATE_LIMIT=2, OPEN_DATA_API_RATE_WINDOW_SECONDS=60)
def test_429_with_retry_after_per_address(client, site_pages):
    me = {"REMOTE_ADDR": "203.0.113.7"}
    statuses = [client.get(f"{API}/taxonomies/odd/", **me).status_code for _ in range(3)]
    refused = client.get(f"{API}/actors/", **me)
    someone_else = client.get(f"{API}/actors/", REMOTE_ADDR="203.0.113.8")

    assert statuses == [200, 200, 429]
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Trop de requêtes")
    assert someone_else.status_code == HTTPStatus.OK


@override_settings(OPEN_DATA_API_RATE_LIMIT=1, PROXY_COUNT=1)
def test_behind_the_proxy_each_visitor_has_its_own_count(client, db):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    first = client.get(f"{API}/taxonomies/odd/", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    other = client.get(f"{API}/taxonomies/odd/", HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    again = client.get(f"{API}/taxonomies/odd/", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)

    assert (first.status_code, other.status_code) == (HTTPStatus.OK, HTTPStatus.OK)
    assert again.status_code == HTTPStatus.TOO_MANY_REQUESTS


# --- What never appears -----------------------------------------------------------------------


def test_drafts_and_private_pages_never_appear(client, site_pages):
    directory = site_pages.directory
    public = actor(directory, "Acteur public")
    draft = actor(directory, "Acteur brouillon")
    draft.unpublish()
    private = actor(directory, "Acteur protégé")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    ProjectPageFactory(parent=public, title="Projet public")
    draft_project = ProjectPageFactory(parent=public, title="Projet brouillon", live=False)
    hidden_project = ProjectPageFactory(parent=private, title="Projet sous une page protégée")

    assert ids(client.get(f"{API}/actors/")) == [public.pk]
    for page in (draft, private):
        assert client.get(f"{API}/actors/{page.pk}/").status_code == HTTPStatus.NOT_FOUND
    project_ids = ids(client.get(f"{API}/projects/"))
    assert draft_project.pk not in project_ids
    assert hidden_project.pk not in project_ids
    for page in (draft_project, hidden_project):
        assert client.get(f"{API}/projects/{page.pk}/").status_code == HTTPStatus.NOT_FOUND


def test_private_members_only_and_draft_events_never_appear(client, site_pages):
    agenda = site_pages.agenda
    public = make_event(
        parent=agenda, title="Formation publique", online_url="https://visio.example/x"
    )
    members = make_event(
        parent=agenda, title="Réunion des adhérents", audience=EventPage.Audience.MEMBERS
    )
    private = make_event(parent=agenda, title="Réunion privée")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    draft = make_event(parent=agenda, title="Formation en préparation")
    draft.unpublish()

    listed = client.get(f"{API}/events/")

    assert ids(listed) == [public.pk]
    for page in (members, private, draft):
        assert client.get(f"{API}/events/{page.pk}/").status_code == HTTPStatus.NOT_FOUND
    # The connection link goes to registered people only.
    assert b"visio.example" not in listed.content
    assert b"visio.example" not in client.get(f"{API}/events/{public.pk}/").content


def test_unpublished_and_closed_editorial_content_never_appears(client, site_pages):
    open_call = CallForProjectsPageFactory(parent=site_pages.calls, title="Appel ouvert")
    draft_call = CallForProjectsPageFactory(parent=site_pages.calls, title="Appel brouillon")
    draft_call.unpublish()
    expired = OpportunityPageFactory(
        parent=site_pages.offers, deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    draft_resource = ResourcePageFactory(parent=site_pages.resources, live=False)

    assert ids(client.get(f"{API}/calls/")) == [open_call.pk]
    feed = client.get(f"{API}/feeds/opportunities.json").json()
    assert [item["id"] for item in feed["elements"]] == [open_call.pk]
    assert client.get(f"{API}/calls/{draft_call.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"{API}/offers/{expired.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"{API}/resources/{draft_resource.pk}/").status_code == HTTPStatus.NOT_FOUND


def test_no_private_field_of_an_actor(client, site_pages):
    page = actor(
        site_pages.directory,
        "Eau Vive",
        private_contact_name="Camille Martin",
        private_contact_email="camille.martin@example.org",
        internal_notes="Relancer en janvier",
    )

    body = client.get(f"{API}/actors/{page.pk}/").content.decode()

    for secret in ("Camille Martin", "camille.martin@example.org", "Relancer", "qualifi"):
        assert secret not in body


# --- The feed of opportunities ----------------------------------------------------------------


def test_opportunities_feed_has_the_networks_fields(client, site_pages):
    call = CallForProjectsPageFactory(
        parent=site_pages.calls, title="Appel Eau", territory="Nouvelle-Aquitaine"
    )
    offer = OpportunityPageFactory(
        parent=site_pages.offers, title="Chargé de projets", contract="CDD 12 mois"
    )

    feed = client.get(f"{API}/feeds/opportunities.json").json()
    by_type = {item["type"]: item for item in feed["elements"]}

    assert by_type["appel_a_projets"]["id"] == call.pk
    assert by_type["appel_a_projets"]["financeur"] == "Région Nouvelle-Aquitaine"
    assert by_type["appel_a_projets"]["territoire"] == "Nouvelle-Aquitaine"
    assert by_type["appel_a_projets"]["date_limite"] == call.closing_date.isoformat()
    assert by_type["offre"]["id"] == offer.pk
    assert by_type["offre"]["type_contrat"] == "CDD 12 mois"
    assert by_type["offre"]["lieu"] == "Bordeaux"
    assert by_type["offre"]["structure"] == "Association solidaire"
    assert feed["licence"]["code"] == "etalab-2.0"


# --- OpenAPI and docs -------------------------------------------------------------------------


def test_openapi_document_is_valid_and_declares_every_status(client, db):
    from openapi_spec_validator import validate

    document = client.get(f"{API}/openapi.json").json()

    validate(document)
    assert document["openapi"].startswith("3.1")
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) >= 20
    for operation in operations:
        statuses = set(operation["responses"])
        assert {"200", "304", "429"} <= statuses, operation["operationId"]
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        if operation.get("parameters"):
            assert {"404", "422"} <= statuses, operation["operationId"]
    actors = document["paths"][f"{API}/actors/"]["get"]
    names = {parameter["name"] for parameter in actors["parameters"]}
    assert {"q", "odd", "theme", "college", "departement", "pays", "limit", "offset"} <= names


def test_docs_page_uses_local_files_under_the_csp(client, db):
    response = client.get(f"{API}/docs/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"


# --- Query counts -----------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    cache.clear()  # each measure starts cold: no cached taxonomy or site root
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, response.content
    return len(captured)


def _grow(make, batches=(2, 5)):
    """Create items in two batches; yield after each so the caller measures."""
    for size in batches:
        for _ in range(size):
            make()
        yield


LIST_ENDPOINTS = {
    "actors": lambda pages: _actor_with_everything(pages),
    "projects": lambda pages: _project_with_everything(pages),
    "events": lambda pages: make_event(parent=pages.agenda, sessions=2),
    "calls": lambda pages: CallForProjectsPageFactory(parent=pages.calls),
    "offers": lambda pages: OpportunityPageFactory(parent=pages.offers),
    "resources": lambda pages: ResourcePageFactory(parent=pages.resources),
    "feeds/opportunities.json": lambda pages: (
        CallForProjectsPageFactory(parent=pages.calls),
        OpportunityPageFactory(parent=pages.offers),
    ),
}


_NUMBERS = itertools.count(1)


def _actor_with_everything(pages):
    page = actor(pages.directory, f"Acteur {next(_NUMBERS)}", odd=(6, 13), dep="33")
    page.themes.set(themes("eau-assainissement-hygiene"))
    page.countries.set(countries("BF", "SN"))
    page.save()
    return page


def _project_with_everything(pages):
    owner = _actor_with_everything(pages)
    project = ProjectPageFactory(parent=owner)
    project.countries.set(countries("BF"))
    project.sdgs.set(sdgs(6))
    project.partner_actors.set([owner])
    project.save()
    return project


@pytest.mark.parametrize("endpoint", list(LIST_ENDPOINTS))
def test_list_queries_do_not_grow_with_rows(client, site_pages, fast_pages, endpoint):
    make = LIST_ENDPOINTS[endpoint]
    url = f"{API}/{endpoint}" + ("" if endpoint.endswith(".json") else "/")
    counts = []
    for _ in _grow(lambda: make(site_pages)):
        counts.append(_queries(client, url))

    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    "taxonomy", ["themes", "odd", "colleges", "structure-types", "departements", "countries"]
)
def test_taxonomies(client, db, taxonomy, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/taxonomies/{taxonomy}/")

    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.json(), list)
    if taxonomy == "odd":
        assert [item["numero"] for item in response.json()] == list(range(1, 18))
    if taxonomy == "departements":
        assert {"code": "33", "nom": "Gironde", "en_region": True} in response.json()
