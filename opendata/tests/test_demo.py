"""The open data of the demo, as a developer meets it: the page in the menu, the OpenAPI
document, the actors in SDG 6 in Gironde as JSON with an ETag, then 304."""

from http import HTTPStatus

from bs4 import BeautifulSoup

from events.models import EventPage

API = "/api/open/v1"


def test_open_data_page_is_linked_from_the_footer_not_the_header(demo_site, client):
    response = client.get("/")
    html = BeautifulSoup(response.content, "html.parser")

    # The header keeps the sections a visitor comes for on one line; the open data, like the
    # letters' archive, is a footer link.
    assert html.find("footer").find("a", href="/donnees-ouvertes/") is not None
    assert html.find("footer").find("a", href="/lettres/") is not None
    assert html.find("header").find("a", href="/donnees-ouvertes/") is None
    assert html.find("header").find("a", href="/observatoire/") is not None
    page = client.get("/donnees-ouvertes/")
    assert page.status_code == HTTPStatus.OK
    assert "Licence Ouverte" in page.content.decode()


def test_actors_in_sdg_6_in_gironde_with_an_etag_then_304(demo_site, client):
    document = client.get(f"{API}/openapi.json").json()
    parameters = document["paths"][f"{API}/actors/"]["get"]["parameters"]
    assert {"odd", "departement"} <= {parameter["name"] for parameter in parameters}

    url = f"{API}/actors/?odd=6&departement=33&limit=200"
    response = client.get(url)
    body = response.json()
    listing = client.get("/annuaire/?odd=6&departement=33")
    listed = {page.pk for page in listing.context["page_obj"].paginator.object_list}

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert body["count"] > 0
    assert {item["id"] for item in body["results"]} == listed
    for item in body["results"]:
        assert 6 in item["odd"]
        assert item["departement"]["code"] == "33"
        assert item["url"].endswith("/")
    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_every_list_answers_on_the_demo_without_members_only_events(demo_site, client):
    for path in (
        "",
        "actors/",
        "projects/",
        "events/",
        "events/?passes=1",
        "calls/",
        "offers/",
        "resources/",
        "feeds/opportunities.json",
        "taxonomies/countries/",
    ):
        response = client.get(f"{API}/{path}")
        assert response.status_code == HTTPStatus.OK, path

    members_only = set(
        EventPage.objects.filter(audience=EventPage.Audience.MEMBERS).values_list("pk", flat=True)
    )
    assert members_only
    for query in ("limit=200", "limit=200&passes=1"):
        results = client.get(f"{API}/events/?{query}").json()["results"]
        listed = {item["id"] for item in results}
        assert listed, query
        assert not listed & members_only, query
