"""The référencement review page: a request, its possible duplicates side by side with why
each matched, and the three decisions; duplicate matching that ignores shared domains."""

from __future__ import annotations

import re
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import override_settings

from directory.demo import actor_specs
from directory.models import ActorPage, RegistrationRequest
from directory.registration_selectors import find_duplicates
from home.tests.visible_text import visible_text

from .factories import ActorPageFactory
from .registration_helpers import OTHER_VALID_SIRET, VALID_SIRET, make_editor, make_request

pytestmark = pytest.mark.django_db

LISTING = "/admin/registration_requests/"


@pytest.fixture
def editor_client(client, directory):
    client.force_login(make_editor())
    return client


def review_url(request: RegistrationRequest) -> str:
    return f"/admin/registration_requests/inspect/{request.pk}/"


def form_action(html: str, button_label: str) -> str:
    """The action of the form whose submit button reads `button_label`."""
    for form in re.findall(r"(?s)<form\b.*?</form>", html):
        if re.search(rf"(?s)<button[^>]*>(?:(?!</button>).)*{re.escape(button_label)}", form):
            return re.search(r'action="([^"]+)"', form).group(1)
    raise AssertionError(f"no form with a « {button_label} » button")


def test_editor_approves_a_request_with_its_duplicates_explained_in_two_clicks(
    editor_client, directory, django_capture_on_commit_callbacks
):
    twin = ActorPageFactory(
        parent=directory,
        title="Solidarité Gironde-Sahel",
        siret=VALID_SIRET,
        website="https://sgs-solidarite.org",
        postcode="33000",
    )
    ActorPageFactory(parent=directory, title="Sans rapport", siret=OTHER_VALID_SIRET)
    request = make_request(
        siret=VALID_SIRET, website="https://www.sgs-solidarite.org/", postcode="33000"
    )

    # Click 1: the request's name in the listing opens its review page.
    listing = editor_client.get(LISTING).content.decode()
    assert f'href="{review_url(request)}"' in listing
    response = editor_client.get(review_url(request))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    comparison = html[html.index('id="duplicates-heading"') : html.index('id="details-heading"')]
    text = visible_text(comparison)
    assert "1 doublon possible" in text
    assert twin.title in text
    assert "Sans rapport" not in text  # offered in « Doublon de… » only
    for reason in ("même SIRET", "même nom", "même site web", "même code postal"):
        assert reason in text, reason
    assert html.count("identique</span>") >= 3  # SIRET, name, website cells are marked
    for label in ("Approuver", "Refuser avec motif", "Doublon de…"):
        assert form_action(html, label)

    # Click 2: « Approuver ».
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(form_action(html, "Approuver"), follow=True)
    assert response.status_code == HTTPStatus.OK
    request.refresh_from_db()
    assert request.status == RegistrationRequest.Status.APPROVED
    assert ActorPage.objects.filter(pk=request.actor_id, live=False).exists()
    assert [message.to for message in mail.outbox] == [["awa.traore@sgs-solidarite.org"]]
    assert "Demande approuvée" in response.content.decode()


def test_refuse_with_a_reason_from_the_review_page(editor_client, directory):
    request = make_request()
    html = editor_client.get(review_url(request)).content.decode()
    action = form_action(html, "Refuser avec motif")

    response = editor_client.post(action, {"reason": ""})
    assert response.status_code == HTTPStatus.OK
    assert "Indiquez le motif" in response.content.decode()
    request.refresh_from_db()
    assert request.is_pending

    editor_client.post(action, {"reason": "Structure hors de la région."})
    request.refresh_from_db()
    assert request.status == RegistrationRequest.Status.REJECTED
    assert "Structure hors de la région." in mail.outbox[-1].body


def test_duplicate_of_offers_the_flagged_actor_first(editor_client, directory):
    ActorPageFactory(parent=directory, title="Aaa premier par ordre alphabétique")
    twin = ActorPageFactory(parent=directory, title="Zzz le doublon", siret=VALID_SIRET)
    request = make_request(siret=VALID_SIRET)
    html = editor_client.get(review_url(request)).content.decode()
    select = re.search(r'(?s)<select name="duplicate_of".*?</select>', html).group(0)
    assert re.search(rf'<option value="{twin.pk}" selected>', select)
    assert select.index("Zzz le doublon") < select.index("Aaa premier")

    editor_client.post(form_action(html, "Doublon de…"), {"duplicate_of": twin.pk})
    request.refresh_from_db()
    assert request.status == RegistrationRequest.Status.DUPLICATE
    assert request.duplicate_of_id == twin.pk


def test_review_page_says_non_renseigne_never_none(editor_client, directory):
    request = make_request(structure_type=None, acronym="")
    text = visible_text(editor_client.get(review_url(request)).content.decode())
    assert "Type de structure non renseigné" in text
    assert "None" not in text


def test_a_processed_request_offers_no_decision(editor_client, directory):
    request = make_request(status=RegistrationRequest.Status.REJECTED)
    html = editor_client.get(review_url(request)).content.decode()
    assert "Refuser avec motif" not in html
    response = editor_client.post(f"/admin/registration_requests/approve-now/{request.pk}/")
    request.refresh_from_db()
    assert request.status == RegistrationRequest.Status.REJECTED
    assert "déjà été traitée" in editor_client.get(response["Location"]).content.decode()


def test_quick_approval_is_refused_without_the_review_permission(client, directory):
    request = make_request()
    user = get_user_model().objects.create_user("curieux", "c@exemple.fr", "x" * 12)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)
    response = client.post(f"/admin/registration_requests/approve-now/{request.pk}/")
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    request.refresh_from_db()
    assert request.is_pending
    assert ActorPage.objects.count() == 0
    # And a GET never approves.
    editor = make_editor()
    client.force_login(editor)
    response = client.get(f"/admin/registration_requests/approve-now/{request.pk}/")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    request.refresh_from_db()
    assert request.is_pending


def test_listing_counts_the_pending_requests(editor_client, directory):
    make_request(name="Une")
    make_request(name="Deux")
    make_request(name="Traitée", status=RegistrationRequest.Status.REJECTED)
    text = visible_text(editor_client.get(LISTING).content.decode())
    assert "2 demandes en attente d'examen" in text


# --- Matching -------------------------------------------------------------------------------


def _reasons(request) -> dict[int, list[str]]:
    return {flag["id"]: flag["reasons"] for flag in find_duplicates(request)}


def test_a_shared_example_domain_is_not_a_duplicate_but_a_shared_subdomain_is(directory):
    bare = ActorPageFactory(
        parent=directory, title="Un", website="https://www.example.org/un", postcode="24000"
    )
    own = ActorPageFactory(
        parent=directory, title="Deux", email="info@deux.example.org", postcode="24000"
    )
    request = make_request(
        name="Autre",
        website="https://www.example.org/autre",
        email="contact@example.com",
        contact_email="awa@deux.example.org",
    )
    reasons = _reasons(request)
    assert bare.pk not in reasons
    assert reasons[own.pk] == ["même domaine d'adresse électronique"]


@pytest.mark.parametrize(
    "address",
    [
        "jean@gmail.com",
        "jean@orange.fr",
        "jean@free.fr",
        "jean@laposte.net",
        "jean@hotmail.fr",
        "jean@outlook.com",
        "jean@yahoo.fr",
        "jean@wanadoo.fr",
        "jean@sfr.fr",
        "jean@example.org",
        "jean@reseau-coop.fr",
        "jean@antenne.reseau-coop.fr",
    ],
)
@override_settings(NETWORK_DOMAINS=["reseau-coop.fr"])
def test_generic_domains_are_never_a_reason(directory, address):
    ActorPageFactory(
        parent=directory, title="Maison", email=address, website=f"https://{address[5:]}"
    )
    assert find_duplicates(make_request(name="Autre", contact_email=address)) == []


def test_a_shared_postcode_alone_flags_nothing(directory):
    ActorPageFactory(parent=directory, title="Voisine", postcode="33000")
    assert find_duplicates(make_request(name="Autre", postcode="33000")) == []


def test_demo_actors_each_have_their_own_host():
    specs = [spec for spec in actor_specs() if "website" in spec.fields]
    assert len(specs) > 50
    hosts = [urlsplit(spec.fields["website"]).hostname for spec in specs]
    assert len(set(hosts)) == len(specs)
    for spec, host in zip(specs, hosts, strict=True):
        assert spec.fields["email"].endswith(f"@{host}")
        assert all(0 < len(label) <= 63 and not label.endswith("-") for label in host.split("."))


def test_the_demo_duplicate_request_matches_one_actor_not_all(directory):
    actors = [
        ActorPageFactory(
            parent=directory, title=spec.title, website=spec.fields["website"], postcode="33000"
        )
        for spec in actor_specs()[:20]
        if "website" in spec.fields
    ]
    first = actors[0]
    request = make_request(name=first.title.upper(), website=first.website)
    assert list(_reasons(request)) == [first.pk]
