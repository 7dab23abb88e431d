"""End to end: a letter sent by the worker's code through Django's SMTP backend to a real
SMTP server on loopback (aiosmtpd, on a free port the system gives, so parallel test
workers never collide), and what it received parsed with the `email` package."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from types import SimpleNamespace
from unittest import mock

import pytest
from aiosmtpd.controller import Controller

from newsletter import links
from newsletter.models import SubscriberStatus
from newsletter.sending import start_sending

from .letters_helpers import NewsPageFactory, editorial, letter_with_blocks, picked, subscriber


class Collector:
    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A port the system says is free now (the server binds it right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, collector
    finally:
        controller.stop()


@pytest.mark.django_db
def test_letter_through_a_real_smtp_server(
    letter_site, smtp_server, settings, django_capture_on_commit_callbacks
):
    # Signed links carry a timestamp: one instant, so the links computed below are the
    # ones in the messages.
    frozen = mock.patch("django.core.signing.time", SimpleNamespace(time=lambda: 1_790_000_000))
    frozen.start()
    try:
        _send_and_check(letter_site, smtp_server, settings, django_capture_on_commit_callbacks)
    finally:
        frozen.stop()


def _send_and_check(letter_site, smtp_server, settings, django_capture_on_commit_callbacks):
    controller, collector = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.NEWSLETTER_BATCH_SIZE = 2  # two batches: the worker's chain of tasks
    recipients = [subscriber(f"abonne{n}@exemple.org") for n in range(3)]
    subscriber("parti@exemple.org", status=SubscriberStatus.UNSUBSCRIBED)
    subscriber("rebond@exemple.org", status=SubscriberStatus.BOUNCED)
    news = NewsPageFactory(parent=letter_site.news_index, title="Formation au montage de projet")
    letter = letter_with_blocks(
        letter_site, [editorial(), picked(news)], title="Lettre d'information — octobre 2020"
    )

    with django_capture_on_commit_callbacks(execute=True):
        start_sending(letter=letter)

    envelopes = sorted(rcpt for rcpt, _ in collector.messages)
    assert envelopes == sorted([r.email] for r in recipients)
    by_address = {
        rcpt[0]: email.message_from_bytes(raw, policy=email.policy.default)
        for rcpt, raw in collector.messages
    }
    for person in recipients:
        message = by_address[person.email]
        assert message["Subject"] == "Lettre d'information — octobre 2020"
        unsubscribe = links.unsubscribe_url(person)
        assert message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        html_part = message.get_body(("html",)).get_content()
        text_part = message.get_body(("plain",)).get_content()
        assert 'lang="fr"' in html_part
        assert "Formation au montage de projet" in html_part
        assert "Formation au montage de projet" in text_part
        hrefs = re.findall(r'href="([^"]+)"', html_part)
        assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
        # The signed links are this subscriber's, and valid.
        assert unsubscribe in html_part and unsubscribe in text_part
        assert links.preferences_url(person) in html_part
