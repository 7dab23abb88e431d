"""What the letters' tests share: a site with the editorial listings, the agenda and the
letters' archive, subscribers, and anymail's test backend for every e-mail."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import factory
import pytest
from django.utils import timezone

from directory.tests.factories import PublishedPageFactory
from events.tests.factories import EventIndexPageFactory, make_event
from home.tests.factories import CustomImageFactory, make_site_with_home
from newsletter.models import LetterIndexPage, LetterPage, Subscriber, SubscriberStatus
from resources.tests.factories import (
    CallForProjectsPageFactory,
    CallIndexPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    OpportunityIndexPageFactory,
    OpportunityPageFactory,
)

ANYMAIL_TEST_BACKEND = "anymail.backends.test.EmailBackend"


class LetterIndexPageFactory(PublishedPageFactory):
    title = "Lettres d'information"
    slug = "lettres"

    class Meta:
        model = LetterIndexPage


class LetterPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Lettre d'information n° {n}")
    preheader = "Les nouvelles du réseau ce mois-ci."
    live = False
    first_published_at = None
    last_published_at = None

    class Meta:
        model = LetterPage


@dataclass
class Site:
    home: object
    letters: LetterIndexPage
    news_index: object
    call_index: object
    offer_index: object
    event_index: object


@pytest.fixture
def anymail_outbox(settings, mailoutbox):
    """Every e-mail of the test goes through anymail's test backend (kept in the outbox)."""
    settings.EMAIL_BACKEND = ANYMAIL_TEST_BACKEND
    settings.NEWSLETTER_FROM_EMAIL = "Réseau <lettre@reseau.example>"
    settings.NEWSLETTER_REPLY_TO = "contact@reseau.example"
    return mailoutbox


@pytest.fixture
def letter_site(db) -> Site:
    home = make_site_with_home()
    return Site(
        home=home,
        letters=LetterIndexPageFactory(parent=home),
        news_index=NewsIndexPageFactory(parent=home),
        call_index=CallIndexPageFactory(parent=home),
        offer_index=OpportunityIndexPageFactory(parent=home),
        event_index=EventIndexPageFactory(parent=home),
    )


def subscriber(email: str, status: str = SubscriberStatus.CONFIRMED, **fields) -> Subscriber:
    return Subscriber.objects.create(email=email, status=status, **fields)


def published_days_ago(page, days: int):
    """Pretend the page was first published `days` days ago."""
    moment = timezone.now() - datetime.timedelta(days=days)
    type(page).objects.filter(pk=page.pk).update(first_published_at=moment)
    page.first_published_at = moment
    return page


def letter_with_blocks(site: Site, blocks: list[dict], **fields) -> LetterPage:
    letter = LetterPageFactory(parent=site.letters, body=blocks, **fields)
    letter.save_revision()
    return letter


def editorial(text: str = "<p>Bonjour à toutes et à tous.</p>") -> dict:
    return {"type": "editorial", "value": {"heading": "Édito", "text": text}}


def latest(kind: str, count: int = 3, heading: str = "Les dernières") -> dict:
    return {"type": "latest", "value": {"heading": heading, "kind": kind, "count": count}}


def picked(*pages, heading: str = "À lire") -> dict:
    return {"type": "picked", "value": {"heading": heading, "pages": [page.pk for page in pages]}}


def featured(page, image=None, text: str = "") -> dict:
    return {
        "type": "featured",
        "value": {
            "page": page.pk,
            "heading": "",
            "image": image.pk if image else None,
            "text": text,
        },
    }


__all__ = [
    "ANYMAIL_TEST_BACKEND",
    "CallForProjectsPageFactory",
    "CustomImageFactory",
    "LetterIndexPageFactory",
    "LetterPageFactory",
    "NewsPageFactory",
    "OpportunityPageFactory",
    "Site",
    "anymail_outbox",
    "editorial",
    "featured",
    "latest",
    "letter_with_blocks",
    "make_event",
    "picked",
    "published_days_ago",
    "letter_site",
    "subscriber",
]
