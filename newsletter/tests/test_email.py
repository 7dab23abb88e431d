"""The letter as an e-mail: accessible HTML with inline styles, a text part, absolute links
without tracking, and each subscriber's own preferences and unsubscribe links."""

from __future__ import annotations

from html.parser import HTMLParser
from types import SimpleNamespace
from unittest import mock

import pytest

from newsletter import links
from newsletter.mailing import build_message
from newsletter.rendering import personalise, render_letter
from newsletter.sending import start_sending

from .letters_helpers import (
    CustomImageFactory,
    NewsPageFactory,
    editorial,
    featured,
    letter_with_blocks,
    picked,
    subscriber,
)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <title>."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def all(self, name: str) -> list[dict]:
        return [attrs for tag, attrs in self.tags if tag == name]


def parse(document: str) -> Tags:
    parser = Tags()
    parser.feed(document)
    return parser


@pytest.fixture
def letter(letter_site):
    image = CustomImageFactory(alt_text="Stand du réseau à la Semaine de la solidarité")
    news = NewsPageFactory(parent=letter_site.news_index, title="La SSI 2020 en images")
    text = (
        '<p>Lisez <a href="https://exemple.org/page?utm_source=lettre&amp;id=4">le bilan</a>'
        f' et <a linktype="page" id="{news.pk}">notre actualité</a>.</p>'
    )
    return letter_with_blocks(
        letter_site,
        [editorial(text), featured(news, image=image), picked(news)],
        title="Lettre d'information — novembre 2020",
        preheader="Le bilan de la Semaine de la solidarité internationale",
    )


@pytest.mark.django_db
def test_html_is_accessible_and_self_contained(letter):
    rendered = render_letter(letter)
    document = parse(rendered.email_html)
    assert document.all("html")[0]["lang"] == "fr"
    assert document.title.strip() == "Lettre d'information — novembre 2020"
    assert "Le bilan de la Semaine de la solidarité internationale" in rendered.email_html
    images = document.all("img")
    assert images, "the featured image is shown"
    assert all(image.get("alt") for image in images)
    assert images[0]["alt"] == "Stand du réseau à la Semaine de la solidarité"
    assert all(image["src"].startswith("http://") for image in images)
    # Layout tables, styles inline, no web font nor stylesheet.
    assert document.all("table")
    assert all(t.get("role") == "presentation" for t in document.all("table"))
    assert not document.all("link")
    assert "@font-face" not in rendered.email_html
    assert "fonts.googleapis" not in rendered.email_html
    header = [
        attrs
        for tag, attrs in document.tags
        if "class" in attrs and "header" in attrs["class"].split()
    ]
    assert "background-color: #0b4f6c" in header[0]["style"]


@pytest.mark.django_db
def test_links_are_absolute_and_carry_no_tracking(letter):
    rendered = render_letter(letter)
    hrefs = [attrs["href"] for attrs in parse(rendered.email_html).all("a")]
    assert hrefs
    assert all(href.startswith(("http://", "https://")) for href in hrefs), hrefs
    assert "https://exemple.org/page?id=4" in hrefs
    assert not any("utm_" in href for href in hrefs)
    assert any(href.startswith("http://localhost/actualites/") for href in hrefs)


@pytest.mark.django_db
def test_text_part_has_the_content_and_the_links(letter):
    rendered = render_letter(letter)
    assert "La SSI 2020 en images" in rendered.email_text
    assert "http://localhost/actualites/la-ssi-2020-en-images/" in rendered.email_text
    assert "<p>" not in rendered.email_text
    assert "le bilan (https://exemple.org/page?id=4)" in rendered.email_text
    assert (
        "notre actualité (http://localhost/actualites/la-ssi-2020-en-images/)"
        in rendered.email_text
    )
    assert "utm_" not in rendered.email_text


@pytest.fixture
def frozen_signing():
    """Signed links carry a timestamp: one instant for the whole test, so a link computed
    here equals the one in the message."""
    with mock.patch("django.core.signing.time", SimpleNamespace(time=lambda: 1_790_000_000)):
        yield


@pytest.mark.django_db
def test_each_message_carries_its_subscribers_links(
    letter, anymail_outbox, settings, frozen_signing
):
    rendered = render_letter(letter)
    awa = subscriber("awa@exemple.org")
    message = build_message(
        subscriber=awa,
        subject=rendered.subject,
        html_body=personalise(rendered.email_html, awa),
        text_body=personalise(rendered.email_text, awa),
    )
    html_part = message.alternatives[0][0]
    assert links.unsubscribe_url(awa) in html_part
    assert links.preferences_url(awa) in html_part
    assert links.unsubscribe_url(awa) in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{links.unsubscribe_url(awa)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.from_email == settings.NEWSLETTER_FROM_EMAIL
    assert message.reply_to == ["contact@reseau.example"]
    assert "newsletter.invalid" not in html_part + message.body


@pytest.mark.django_db
def test_sent_messages_go_through_anymail_with_their_parts(
    letter, anymail_outbox, django_capture_on_commit_callbacks
):
    subscriber("awa@exemple.org")
    subscriber("jean@exemple.org")
    with django_capture_on_commit_callbacks(execute=True):
        start_sending(letter=letter)
    assert sorted(m.to[0] for m in anymail_outbox) == ["awa@exemple.org", "jean@exemple.org"]
    for message in anymail_outbox:
        assert message.anymail_test_params["subject"] == "Lettre d'information — novembre 2020"
        assert message.alternatives[0][1] == "text/html"
        assert "La SSI 2020 en images" in message.body
    first, second = (m.extra_headers["List-Unsubscribe"] for m in anymail_outbox)
    assert first != second
