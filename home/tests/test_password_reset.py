"""The admin's password reset is throttled per address and per e-mail address, and answers
the same whether the account exists, or a limit was reached."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

URL = "/admin/password_reset/"


@pytest.fixture
def members():
    User = get_user_model()
    return [
        User.objects.create_user(f"membre{n}", f"membre{n}@exemple.org", "x" * 16) for n in range(3)
    ]


def ask(email: str, *, remote: str = "203.0.113.9"):
    return Client(REMOTE_ADDR=remote).post(URL, {"email": email}, follow=True)


def answer(response) -> tuple:
    """What the visitor sees: where they land, the status and the page (its per-request
    CSRF token and script nonce aside)."""
    page = re.sub(r'"[A-Za-z0-9+/=_-]{32,}"', "", response.text)
    return response.redirect_chain, response.status_code, page


@override_settings(PASSWORD_RESET_EMAIL_RATE_LIMIT=2, PASSWORD_RESET_RATE_LIMIT=100)
def test_a_flood_on_one_email_sends_two_messages_and_answers_the_same_page(members):
    responses = [ask("membre0@exemple.org", remote=f"198.51.100.{n}") for n in range(5)]
    assert len(mail.outbox) == 2
    assert all(m.to == ["membre0@exemple.org"] for m in mail.outbox)
    first = responses[0]
    assert first.redirect_chain == [("/admin/password_reset/done/", HTTPStatus.FOUND)]
    assert all(answer(r) == answer(first) for r in responses)


@override_settings(PASSWORD_RESET_RATE_LIMIT=2, PASSWORD_RESET_EMAIL_RATE_LIMIT=100)
def test_one_address_asking_for_many_accounts_is_throttled(members):
    responses = [ask(f"membre{n}@exemple.org") for n in range(3)]
    assert [m.to for m in mail.outbox] == [["membre0@exemple.org"], ["membre1@exemple.org"]]
    assert answer(responses[2]) == answer(responses[0])
    # Another address still gets its e-mail.
    ask("membre2@exemple.org", remote="192.0.2.44")
    assert mail.outbox[-1].to == ["membre2@exemple.org"]


def test_an_unknown_email_gets_the_same_page_and_no_message(members):
    known = ask("membre0@exemple.org")
    unknown = ask("personne@exemple.org", remote="192.0.2.44")
    assert answer(unknown) == answer(known)
    assert [m.to for m in mail.outbox] == [["membre0@exemple.org"]]
