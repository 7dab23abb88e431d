"""Letters: composition (hand-picked and automatic blocks), the template, the web version
public only once sent, the archive and its RSS feed."""

from __future__ import annotations

from http import HTTPStatus

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletter.blocks import LatestKind
from newsletter.composition import sections
from newsletter.drafting import create_letter_from_template
from newsletter.models import LetterPage
from newsletter.sending import start_sending

from .letters_helpers import (
    CallForProjectsPageFactory,
    NewsPageFactory,
    editorial,
    latest,
    letter_with_blocks,
    make_event,
    picked,
    published_days_ago,
)


def _titles(resolved) -> list[list[str]]:
    return [[item.title for item in section.items] for section in resolved]


def send_now(letter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return start_sending(letter=letter)


@pytest.mark.django_db
def test_hand_picked_pages_are_listed_with_absolute_links(letter_site):
    news = NewsPageFactory(parent=letter_site.news_index, title="Retour sur la SSI 2020")
    call = CallForProjectsPageFactory(parent=letter_site.call_index, title="Appel Eau et climat")
    letter = letter_with_blocks(letter_site, [picked(news, call, heading="À lire")])
    resolved = sections(letter)
    assert _titles(resolved) == [["Retour sur la SSI 2020", "Appel Eau et climat"]]
    assert all(item.url.startswith("http://localhost/") for item in resolved[0].items)
    assert "Clôture le" in resolved[0].items[1].meta


@pytest.mark.django_db
def test_latest_block_takes_what_was_published_since_the_last_letter(
    letter_site, django_capture_on_commit_callbacks
):
    NewsPageFactory(parent=letter_site.news_index, title="Avant la première lettre")
    first = letter_with_blocks(letter_site, [latest(LatestKind.NEWS)])
    send_now(first, django_capture_on_commit_callbacks)
    assert "Avant la première lettre" in first.sending.web_html
    new = NewsPageFactory(parent=letter_site.news_index, title="Formation cycle de projet")
    second = letter_with_blocks(letter_site, [latest(LatestKind.NEWS, count=5)])
    assert _titles(sections(second)) == [[new.title]]


@pytest.mark.django_db
def test_first_letter_looks_one_month_back_and_counts_are_capped(letter_site):
    published_days_ago(NewsPageFactory(parent=letter_site.news_index, title="Trop ancienne"), 40)
    recent = [
        NewsPageFactory(parent=letter_site.news_index, title=f"Récente {n}") for n in range(4)
    ]
    letter = letter_with_blocks(letter_site, [latest(LatestKind.NEWS, count=3)])
    titles = _titles(sections(letter))[0]
    assert len(titles) == 3
    assert "Trop ancienne" not in titles
    assert set(titles) <= {page.title for page in recent}


@pytest.mark.django_db
def test_latest_calls_leave_closed_calls_out_and_events_are_upcoming(letter_site):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    CallForProjectsPageFactory(
        parent=letter_site.call_index,
        title="Appel clos",
        opening_date=today - datetime.timedelta(days=60),
        closing_date=today - datetime.timedelta(days=1),
    )
    CallForProjectsPageFactory(parent=letter_site.call_index, title="Appel ouvert")
    make_event(parent=letter_site.event_index, title="Rencontre passée", days_ahead=-3)
    make_event(parent=letter_site.event_index, title="Formation à venir", days_ahead=5)
    letter = letter_with_blocks(letter_site, [latest(LatestKind.CALLS), latest(LatestKind.EVENTS)])
    assert _titles(sections(letter)) == [["Appel ouvert"], ["Formation à venir"]]


@pytest.mark.django_db
def test_sending_freezes_the_automatic_blocks(letter_site, django_capture_on_commit_callbacks):
    NewsPageFactory(parent=letter_site.news_index, title="Actualité du jour de l'envoi")
    letter = letter_with_blocks(letter_site, [editorial(), latest(LatestKind.NEWS)])
    send_now(letter, django_capture_on_commit_callbacks)
    NewsPageFactory(parent=letter_site.news_index, title="Actualité publiée après l'envoi")
    response = LetterPage.objects.get(pk=letter.pk)
    html = response.sending.web_html
    assert "Actualité du jour de l&#x27;envoi" in html or "Actualité du jour de l'envoi" in html
    page = letter_site.letters.get_children().get(pk=letter.pk)
    from django.test import Client

    text = Client().get(page.url).content.decode()
    assert "publiée après" not in text
    assert "Actualité du jour de" in text


@pytest.mark.django_db
def test_template_creates_a_draft_with_the_standard_blocks(letter_site):
    letter = create_letter_from_template(index=letter_site.letters)
    letter.refresh_from_db()
    assert letter.title.startswith("Lettre d'information — ")
    assert not letter.live
    assert [block.block_type for block in letter.body] == [
        "editorial",
        "featured",
        "latest",
        "latest",
        "latest",
        "latest",
    ]
    assert [block.value["kind"] for block in letter.body if block.block_type == "latest"] == [
        "news",
        "events",
        "calls",
        "offers",
    ]
    # Twice in a month: a second draft with its own slug.
    assert create_letter_from_template(index=letter_site.letters).slug != letter.slug


@pytest.mark.django_db
def test_an_unsent_letter_is_never_public_even_published(letter_site, client):
    letter = letter_with_blocks(letter_site, [editorial()])
    letter.save_revision().publish()
    letter.refresh_from_db()
    assert letter.live
    assert client.get(letter.url).status_code == HTTPStatus.NOT_FOUND
    archive = client.get(letter_site.letters.url)
    assert letter.title not in archive.content.decode()


@pytest.mark.django_db
def test_web_version_is_public_once_sent(letter_site, client, django_capture_on_commit_callbacks):
    letter = letter_with_blocks(letter_site, [editorial("<p>Semaine de la solidarité.</p>")])
    send_now(letter, django_capture_on_commit_callbacks)
    letter.refresh_from_db()
    response = client.get(letter.url)
    assert response.status_code == HTTPStatus.OK
    assert "Semaine de la solidarité." in response.content.decode()


@pytest.mark.django_db
def test_archive_lists_sent_letters_paginated_with_constant_queries(
    letter_site, client, django_capture_on_commit_callbacks
):
    def make_sent(count: int) -> None:
        for _ in range(count):
            send_now(
                letter_with_blocks(letter_site, [editorial()]), django_capture_on_commit_callbacks
            )

    make_sent(2)
    client.get(letter_site.letters.url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(letter_site.letters.url, HTTP_COOKIE="sessionid=x")
    assert response.status_code == HTTPStatus.OK
    make_sent(13)
    # Publishing refreshed the site's cached fragments (header, footer): warm them again.
    client.get(letter_site.letters.url, HTTP_COOKIE="sessionid=x")
    with CaptureQueriesContext(connection) as many:
        response = client.get(letter_site.letters.url, HTTP_COOKIE="sessionid=x")
    assert len(many) == len(few)
    assert response.content.decode().count('class="meta">Envoyée le') == 12
    assert client.get(letter_site.letters.url + "?page=abc").status_code == HTTPStatus.OK
    assert client.get(letter_site.letters.url + "?page=99999").status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_rss_feed_is_valid_and_holds_only_sent_letters(
    letter_site, client, django_capture_on_commit_callbacks
):
    sent = letter_with_blocks(letter_site, [editorial()], title="Lettre de novembre 2020")
    send_now(sent, django_capture_on_commit_callbacks)
    letter_with_blocks(letter_site, [editorial()], title="Brouillon de décembre")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(letter_site.letters.url + "rss/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert feed.version == "rss20"
    assert [entry.title for entry in feed.entries] == ["Lettre de novembre 2020"]
    assert feed.entries[0].link.endswith(sent.url)
    for _ in range(5):
        send_now(letter_with_blocks(letter_site, [editorial()]), django_capture_on_commit_callbacks)
    client.get(letter_site.letters.url + "rss/")
    with CaptureQueriesContext(connection) as more:
        client.get(letter_site.letters.url + "rss/")
    assert len(more) == len(captured)
