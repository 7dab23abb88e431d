"""RFC 8058 one-click unsubscribe: providers POST without cookies nor CSRF token."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from newsletter import links
from newsletter.models import Subscriber, SubscriberStatus


@pytest.fixture
def subscriber(home):
    return Subscriber.objects.create(email="awa@example.org", status=SubscriberStatus.CONFIRMED)


def _path(url: str) -> str:
    return url.removeprefix("http://testserver")


@pytest.mark.django_db
def test_one_click_post_without_csrf_unsubscribes_and_is_idempotent(subscriber):
    client = Client(enforce_csrf_checks=True)
    path = _path(links.unsubscribe_url(subscriber))
    first = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert first.status_code == HTTPStatus.OK
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    when = subscriber.unsubscribed_at
    second = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert second.status_code == HTTPStatus.OK
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == when


@pytest.mark.django_db
def test_the_page_button_unsubscribes_too(subscriber):
    client = Client(enforce_csrf_checks=True)
    path = _path(links.unsubscribe_url(subscriber))
    shown = client.get(path)
    assert shown.status_code == HTTPStatus.OK
    assert f'<form method="post" action="{path}">' in shown.text
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED  # a GET (a link scanner) changes nothing
    assert client.post(path).status_code == HTTPStatus.OK
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.django_db
def test_the_other_signed_forms_still_require_csrf(subscriber):
    client = Client(enforce_csrf_checks=True)
    preferences = _path(links.preferences_url(subscriber))
    assert client.post(preferences, {"name": "Pirate"}).status_code == HTTPStatus.FORBIDDEN
    pending = Subscriber.objects.create(email="pending@example.org")
    confirm = _path(links.confirm_url(pending))
    assert client.post(confirm).status_code == HTTPStatus.FORBIDDEN
    subscriber.refresh_from_db()
    pending.refresh_from_db()
    assert subscriber.name == "" and pending.status == SubscriberStatus.PENDING


@pytest.mark.django_db
def test_unsubscribing_a_bounced_address_keeps_it_suppressed(subscriber):
    Subscriber.objects.filter(pk=subscriber.pk).update(status=SubscriberStatus.BOUNCED)
    Client().post(_path(links.unsubscribe_url(subscriber)))
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.BOUNCED


@pytest.mark.django_db
def test_list_messages_carry_the_one_click_headers(subscriber):
    from newsletter.mailing import build_message

    message = build_message(
        subscriber=subscriber, subject="Essai", html_body="<p>Essai</p>", text_body="Essai"
    )
    headers = message.message()
    assert headers["List-Unsubscribe"] == f"<{links.unsubscribe_url(subscriber)}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
