"""The admin's login: an e-mail address (in any case) or a username, a French form, and
django-axes still locking an account whichever identifier is typed."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from home.tests.visible_text import texts_of, visible_text

pytestmark = pytest.mark.django_db

PASSWORD = "cartographie-solidaire-2026"
LOGIN = "/admin/login/"


@pytest.fixture
def awa():
    return get_user_model().objects.create_user(
        "awa.traore@sgs-solidarite.org", "Awa.Traore@SGS-Solidarite.org", PASSWORD
    )


@pytest.fixture
def paul():
    return get_user_model().objects.create_user("pdurand", "paul.durand@exemple.org", PASSWORD)


def _login(client, identifier: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": identifier, "password": password})


@pytest.mark.parametrize(
    "identifier",
    ["paul.durand@exemple.org", "PAUL.Durand@Exemple.ORG", "  paul.durand@exemple.org ", "pdurand"],
)
def test_login_with_the_email_in_any_case_or_the_username(client, paul, identifier):
    response = _login(client, identifier)
    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(paul.pk)


def test_a_wrong_password_or_an_unknown_address_is_refused_in_french(client, paul):
    for identifier, password in (
        ("paul.durand@exemple.org", "mauvais-mot-de-passe"),
        ("inconnu@exemple.org", PASSWORD),
        ("PDURAND", PASSWORD),  # usernames keep their case
    ):
        response = _login(client, identifier, password)
        assert response.status_code == HTTPStatus.OK
        assert "_auth_user_id" not in client.session
        assert "Adresse électronique, identifiant ou mot de passe incorrect" in visible_text(
            response.content.decode()
        )


def test_an_address_shared_by_two_accounts_logs_into_the_one_whose_password_matches(client, paul):
    other = get_user_model().objects.create_user(
        "paul-ancien", "paul.durand@exemple.org", "un-autre-mot-de-passe-2026"
    )
    _login(client, "paul.durand@exemple.org", "un-autre-mot-de-passe-2026")
    assert client.session["_auth_user_id"] == str(other.pk)


def test_an_inactive_account_cannot_log_in_by_email(client, paul):
    paul.is_active = False
    paul.save()
    _login(client, "paul.durand@exemple.org")
    assert "_auth_user_id" not in client.session


def test_the_login_page_asks_for_an_email_or_identifier_in_french(client):
    text = visible_text(client.get(LOGIN).content.decode())
    assert "Adresse électronique ou identifiant" in text
    assert "Mot de passe" in text
    assert "Password" not in text
    assert "Nom d'utilisateur" not in text


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_failures_by_email_and_by_username_lock_the_same_account(client, awa):
    _login(client, "awa.traore@sgs-solidarite.org", "mauvais")
    _login(client, "AWA.TRAORE@SGS-SOLIDARITE.ORG", "mauvais")
    _login(client, "awa.traore@sgs-solidarite.org ", "mauvais")
    # Locked: the right password is refused, by address or username, whatever the case.
    for identifier in ("Awa.Traore@SGS-Solidarite.org", "awa.traore@sgs-solidarite.org"):
        response = _login(client, identifier)
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a_correct_email_login_before_the_limit_succeeds(client, paul):
    _login(client, "pdurand", "mauvais")
    response = _login(client, "Paul.Durand@exemple.org")
    assert response.status_code == HTTPStatus.FOUND


def test_the_admin_wears_the_networks_branding(client, paul):
    paul.is_superuser = True
    paul.save()
    login = client.get(LOGIN).content.decode()
    assert "<title>S'identifier - SO Coopération – administration</title>" in login
    assert "Se connecter à l'administration de SO Coopération" in visible_text(login)
    assert "Wagtail" not in visible_text(login)
    assert 'href="/static/img/favicon.svg"' in login
    assert 'href="/static/css/admin-branding.css"' in login
    client.force_login(paul)
    dashboard = client.get("/admin/").content.decode()
    assert texts_of(dashboard, "title")[0].endswith("SO Coopération – administration")
    sidebar_logo = dashboard.split("data-wagtail-sidebar-branding-logo>", 1)[1].split("</template")
    assert 'src="/static/img/favicon.svg"' in sidebar_logo[0]
