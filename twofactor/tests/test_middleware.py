"""An editor whose session has not confirmed a second factor reaches no admin view and no
admin API: every admin URL answers a redirect to the two-factor pages, or a 403 for the API
and scripts; once a code is confirmed, the same URLs answer."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from wagtail.models import Page

from twofactor.middleware import OPEN_VIEWS

from .conftest import app_code, enrolled_device, signed_in

pytestmark = pytest.mark.django_db

ENROL = "/admin/double-authentification/activer/"
VERIFY = "/admin/double-authentification/verifier/"


def _admin_view_names() -> list[str]:
    """Every named admin URL that reverses without arguments."""
    names = []

    def walk(patterns, namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    reversible = []
    for name in dict.fromkeys(names):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if url.startswith("/admin/"):
            reversible.append(name)
    return reversible


ADMIN_VIEWS = _admin_view_names()


def test_the_walk_covers_the_admin():
    # Dashboard, explorer, images, documents, users, groups, settings menus, reports,
    # snippets, the référencement requests and registrations, the admin API...
    assert len(ADMIN_VIEWS) > 60
    for name in ("wagtailadmin_home", "wagtailusers_users:index", "wagtailadmin_api:pages:listing"):
        assert name in ADMIN_VIEWS


@pytest.mark.parametrize("name", [name for name in ADMIN_VIEWS if name not in OPEN_VIEWS])
def test_an_editor_without_a_device_reaches_no_admin_view(editor, name):
    response = signed_in(editor).get(reverse(name))
    if name.startswith("wagtailadmin_api:"):
        assert response.status_code == HTTPStatus.FORBIDDEN, name
    else:
        assert response.status_code == HTTPStatus.FOUND, name
        assert response["Location"].startswith(ENROL), name


@pytest.mark.parametrize(
    "name",
    [
        "wagtailadmin_explore",
        "wagtailadmin_pages:edit",
        "wagtailadmin_pages:history",
        "wagtailadmin_pages:delete",
        "wagtailadmin_pages:unpublish",
        "wagtailadmin_pages:copy",
        "wagtailadmin_pages:move",
        "wagtailadmin_pages:revisions_index",
        "wagtailadmin_pages:preview_on_edit",
        "wagtailadmin_pages:set_privacy",
        "wagtailusers_users:edit",
        "wagtailadmin_api:pages:detail",
    ],
)
def test_views_that_name_an_object_are_closed_too(editor, project, name):
    target = editor.pk if name.startswith("wagtailusers") else project.pk
    response = signed_in(editor).get(reverse(name, args=[target]))
    expected = HTTPStatus.FORBIDDEN if "api" in name else HTTPStatus.FOUND
    assert response.status_code == expected
    if expected == HTTPStatus.FOUND:
        assert response["Location"].startswith(ENROL)


def test_an_editor_without_a_device_cannot_edit_a_page_even_by_post(editor, project):
    client = signed_in(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[project.pk])

    response = client.get(edit_url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{ENROL}?next=%2Fadmin%2Fpages%2F{project.pk}%2Fedit%2F"

    response = client.post(edit_url, {"title": "Titre changé sans second facteur"})
    assert response.status_code == HTTPStatus.FOUND
    assert Page.objects.get(pk=project.pk).title == "Puits au Burkina Faso"
    assert not project.revisions.filter(content__title="Titre changé sans second facteur")


def test_the_admin_api_answers_403_in_json(editor, project):
    client = signed_in(editor)
    for url in (
        "/admin/api/main/pages/",
        f"/admin/api/main/pages/{project.pk}/",
        f"/admin/api/main/pages/?child_of={project.get_parent().pk}",
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FORBIDDEN, url
        body = json.loads(response.content)
        assert body["verify_url"] == ENROL
        assert "Vérification en deux étapes requise" in body["error"]
        assert project.title not in response.content.decode()


def test_a_script_request_gets_403_rather_than_a_redirect(editor):
    response = signed_in(editor).get(
        reverse("wagtailadmin_choose_page"), headers={"X-Requested-With": "XMLHttpRequest"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_an_enrolled_editor_is_sent_to_the_verification_page(editor, project):
    enrolled_device(editor)
    response = signed_in(editor).get(reverse("wagtailadmin_pages:edit", args=[project.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(VERIFY)


def test_after_a_correct_code_the_editor_reaches_the_admin_and_its_api(editor, project):
    device = enrolled_device(editor)
    client = signed_in(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[project.pk])

    response = client.post(VERIFY, {"code": app_code(device), "next": edit_url})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == edit_url

    assert client.get(edit_url).status_code == HTTPStatus.OK
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.OK
    listing = client.get(f"/admin/api/main/pages/?child_of={project.get_parent().pk}")
    assert listing.status_code == HTTPStatus.OK
    assert project.title in listing.content.decode()
    assert client.get(reverse("wagtailusers_users:index")).status_code in (
        HTTPStatus.OK,
        HTTPStatus.FOUND,  # Wagtail's own "no permission" redirect, not ours
    )
    assert (
        not client.get(reverse("wagtailusers_users:index"))
        .get("Location", "")
        .startswith("/admin/double-authentification/")
    )


def test_sign_in_sign_out_and_the_two_factor_pages_stay_open(editor):
    client = signed_in(editor)
    assert client.get(ENROL).status_code == HTTPStatus.OK
    assert client.get(reverse("wagtailadmin_sprite")).status_code == HTTPStatus.OK
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == HTTPStatus.OK
    assert client.get("/static/wagtailadmin/css/core.css").status_code == HTTPStatus.OK
    response = client.post(reverse("wagtailadmin_logout"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("wagtailadmin_login")
    assert Client().get(reverse("wagtailadmin_login")).status_code == HTTPStatus.OK


def test_the_first_sign_in_with_a_password_leads_to_enrolment(editor):
    client = Client()
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": editor.username, "password": "mot-de-passe-editrice"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(ENROL)
    assert "Activer la vérification en deux étapes" in response.content.decode()


def test_a_member_without_a_device_uses_the_admin(member, project):
    client = signed_in(member.user)
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.OK
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[project.pk]))
    assert edit.status_code == HTTPStatus.OK
    # The members' guard still answers behind this middleware.
    assert client.get(reverse("wagtailusers_users:index")).status_code == HTTPStatus.FORBIDDEN


def test_a_superuser_is_forced_to_enrol(superuser):
    response = signed_in(superuser).get(reverse("wagtailadmin_home"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(ENROL)


def test_the_setting_off_lets_a_password_session_in(editor, settings):
    settings.ADMIN_2FA_REQUIRED = False
    assert signed_in(editor).get(reverse("wagtailadmin_home")).status_code == HTTPStatus.OK


def test_public_pages_are_not_concerned(editor, project):
    assert signed_in(editor).get(project.url).status_code == HTTPStatus.OK
