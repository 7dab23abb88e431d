"""The editors' « Accompagnements » menu: listings and their filters, a request turned into its
first accompaniment, the dashboard line, and nobody else getting in."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from directory.tests.factories import ActorPageFactory, departement, themes
from directory.tests.registration_helpers import make_member
from observatory.models import Accompaniment, AccompanimentRequest, RequestStatus

from .helpers import accompaniments_editor, make_accompaniment, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, home):
    client.force_login(accompaniments_editor())
    return client


def _listed(response) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [row.get_text(" ", strip=True) for row in page.select("table.listing tbody tr")]


def test_a_request_turns_into_its_first_accompaniment_in_one_click(editor_client, directory):
    actor = ActorPageFactory(parent=directory, title="Eau Vive Gironde")
    actor.departement = departement("64")
    actor.save()
    request = make_request(actor=actor, preferred_format="presentiel", stage="financement")

    page = editor_client.get(reverse("accompaniment_requests:inspect", args=[request.pk]))
    soup = BeautifulSoup(page.content, "html.parser")
    form = soup.find("form", action=reverse("accompaniment_requests:start", args=[request.pk]))
    assert form.find("button").get_text(strip=True) == "Créer le premier accompagnement"

    response = editor_client.post(reverse("accompaniment_requests:start", args=[request.pk]))
    accompaniment = Accompaniment.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accompaniments:edit", args=[accompaniment.pk])
    assert accompaniment.request == request
    assert accompaniment.actor_id == actor.pk
    assert accompaniment.departement == departement("64")  # the actor's, not the request's
    assert accompaniment.format == "presentiel"
    assert accompaniment.topics == ["financement"]
    assert list(accompaniment.themes.all()) == themes("eau-assainissement-hygiene")
    assert [goal.number for goal in accompaniment.sdgs.all()] == [6]
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    assert editor_client.get(response["Location"]).status_code == HTTPStatus.OK

    # A second click creates nothing more.
    editor_client.post(reverse("accompaniment_requests:start", args=[request.pk]))
    assert Accompaniment.objects.count() == 1


def test_a_request_without_actor_gives_its_structure_name(editor_client):
    request = make_request(actor=None, structure_name="Les Puits du Sahel")
    editor_client.post(reverse("accompaniment_requests:start", args=[request.pk]))
    accompaniment = Accompaniment.objects.get()
    assert accompaniment.structure_name == "Les Puits du Sahel"
    assert accompaniment.departement == departement("33")


def test_the_start_action_takes_a_post_only(editor_client):
    request = make_request()
    response = editor_client.get(reverse("accompaniment_requests:start", args=[request.pk]))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert Accompaniment.objects.count() == 0


def test_an_editor_records_an_accompaniment_the_departement_comes_from_the_actor(
    editor_client, directory
):
    actor = ActorPageFactory(parent=directory, title="Terres du Lot")
    actor.departement = departement("47")
    actor.save()
    response = editor_client.post(
        reverse("accompaniments:add"),
        {
            "actor": actor.pk,
            "structure_name": "",
            "departement": departement("33").pk,
            "date": "2026-11-04",
            "format": "visio",
            "duration_minutes": "90",
            "themes": [t.pk for t in themes("agriculture-souverainete-alimentaire")],
            "topics": ["partenariat", "montage"],
            "outcome": "",
            "next_step": "Rappeler en janvier",
            "notes": "",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    accompaniment = Accompaniment.objects.get()
    assert accompaniment.departement == departement("47")
    assert accompaniment.topics == ["montage", "partenariat"]
    assert accompaniment.created_by is not None


@pytest.mark.parametrize(
    "bad",
    [
        {"actor": "", "structure_name": ""},
        {"topics": ["inconnu"]},
        {"duration_minutes": "0"},
        {"date": "2026-13-45"},
        {"format": "pigeon"},
    ],
)
def test_bad_admin_input_is_refused_with_a_message(editor_client, bad):
    data = {
        "structure_name": "Structure sans fiche",
        "date": "2026-11-04",
        "format": "visio",
        "duration_minutes": "60",
        **bad,
    }
    response = editor_client.post(reverse("accompaniments:add"), data)
    assert response.status_code == HTTPStatus.OK
    assert "error-message" in response.text or "w-field__errors" in response.text
    assert Accompaniment.objects.count() == 0


def test_the_listing_filters_by_year_format_topic_departement_and_theme(editor_client):
    make_accompaniment(structure_name="Alpha 2020", date=dt.date(2020, 4, 1), format="visio")
    make_accompaniment(
        structure_name="Beta 2021",
        date=dt.date(2021, 4, 1),
        format="telephone",
        topics=["financement", "partenariat"],
        departement=departement("79"),
        theme_slugs=["education-formation"],
    )
    index = reverse("accompaniments:index")
    cases = {
        "year=2020": ["Alpha 2020"],
        "format=telephone": ["Beta 2021"],
        "topic=partenariat": ["Beta 2021"],
        "topic=montage": ["Alpha 2020"],
        f"departement={departement('79').pk}": ["Beta 2021"],
        f"theme={themes('education-formation')[0].pk}": ["Beta 2021"],
        "q=Alpha": ["Alpha 2020"],
        # Bad values are dropped or match nothing, never a 500.
        "year=abc": ["Beta 2021", "Alpha 2020"],
        "topic=inconnu": ["Beta 2021", "Alpha 2020"],
    }
    for query, expected in cases.items():
        response = editor_client.get(f"{index}?{query}")
        assert response.status_code == HTTPStatus.OK, query
        rows = _listed(response)
        assert [next(name for name in expected if name in row) for row in rows] == expected, query


def test_the_requests_listing_counts_and_filters_by_status(editor_client):
    make_request(structure_name="Nouvelle A")
    make_request(structure_name="Nouvelle B")
    make_request(structure_name="En cours C", status=RequestStatus.IN_PROGRESS)
    response = editor_client.get(reverse("accompaniment_requests:index"))
    page = BeautifulSoup(response.content, "html.parser")
    counts = [li.get_text(strip=True) for li in page.select(".accompaniment-status-counts li")]
    assert "Nouvelle : 2" in counts
    assert "Accompagnement en cours : 1" in counts
    response = editor_client.get(reverse("accompaniment_requests:index") + "?status=en_cours")
    rows = _listed(response)
    assert len(rows) == 1 and "En cours C" in rows[0]


def test_requests_are_not_added_in_the_admin(editor_client):
    response = editor_client.get(reverse("accompaniment_requests:add"))
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert AccompanimentRequest.objects.count() == 0


def test_the_editors_dashboard_counts_the_requests_to_handle(editor_client):
    make_request()
    make_request(status=RequestStatus.CLOSED)
    page = BeautifulSoup(editor_client.get(reverse("wagtailadmin_home")).content, "html.parser")
    link = page.find("a", href=reverse("accompaniment_requests:index") + "?status=nouvelle")
    assert link is not None
    assert "1" in link.parent.get_text(" ") or "1" in link.get_text(" ")
    assert "demande d'accompagnement à traiter" in page.get_text(" ")


def _admin_urls(accompaniment, request) -> list[str]:
    return [
        reverse("accompaniments:index"),
        reverse("accompaniments:add"),
        reverse("accompaniments:edit", args=[accompaniment.pk]),
        reverse("accompaniments:delete", args=[accompaniment.pk]),
        reverse("accompaniment_requests:index"),
        reverse("accompaniment_requests:inspect", args=[request.pk]),
        reverse("accompaniment_requests:edit", args=[request.pk]),
        reverse("accompaniment_requests:start", args=[request.pk]),
    ]


def test_members_get_403_on_every_accompaniment_admin_url(client, directory):
    member = make_member(ActorPageFactory(parent=directory, title="Acteur Alpha"), "membre_a")
    accompaniment = make_accompaniment(actor=member.actor)
    request = make_request(actor=member.actor)
    client.force_login(member.user)
    for url in _admin_urls(accompaniment, request):
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url
        assert client.post(url, {"notes": "x"}).status_code == HTTPStatus.FORBIDDEN, url
    assert Accompaniment.objects.get().notes == "Note interne de l'équipe"
    assert Accompaniment.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login(client, home):
    accompaniment, request = make_accompaniment(), make_request()
    for url in _admin_urls(accompaniment, request):
        response = client.get(url)
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN), url
        if response.status_code == HTTPStatus.FOUND:
            assert "/admin/login/" in response["Location"], url


def test_a_user_without_the_permissions_is_refused(client, home):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("lecteur", "l@reseau.example", "x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    accompaniment, request = make_accompaniment(), make_request()
    for url in _admin_urls(accompaniment, request):
        response = client.get(url)
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN), url
    response = client.post(reverse("accompaniment_requests:start", args=[request.pk]))
    # Wagtail answers a refused admin view with a redirect to the dashboard.
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert Accompaniment.objects.count() == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_the_listings_query_count_does_not_grow_with_rows(editor_client, directory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(url).status_code == HTTPStatus.OK
        return len(queries)

    def add_rows(n: int) -> None:
        for i in range(n):
            actor = ActorPageFactory(parent=directory, title=f"Acteur {i} {n}")
            make_accompaniment(actor=actor, departement=departement("33"))
            make_request(actor=actor, structure_name=f"Structure {i} {n}")

    add_rows(2)
    few = {
        url: count(url)
        for url in (reverse("accompaniments:index"), reverse("accompaniment_requests:index"))
    }
    add_rows(8)
    many = {url: count(url) for url in few}
    assert many == few
