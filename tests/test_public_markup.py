"""The public pages of the demo, rendered: no template comment shown to visitors, valid form
markup (every `aria-describedby` names an element of the page, no empty `action`), one time
format, and the référencement form reachable."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest

from directory.models import ActorPage
from events.models import EventPage
from resources.models import (
    CallForProjectsPage,
    NewsPage,
    OpportunityPage,
    ResourcePage,
)
from working_groups.models import GroupPage

pytestmark = pytest.mark.django_db

# Clock times a visitor reads: « 09:30 », « 9:30 », « 09h30 » are all refused; « 9 h 30 » is
# the site's format.
OTHER_TIME_FORMATS = re.compile(r"\b\d{1,2}(?::|h)\d{2}\b")


def visible_text(html: str) -> str:
    """The page without its scripts, styles and tags (attributes hold machine dates)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", html)


def public_urls(client) -> dict[str, str]:
    first = {
        "actor": ActorPage,
        "event": EventPage,
        "news": NewsPage,
        "call": CallForProjectsPage,
        "offer": OpportunityPage,
        "resource": ResourcePage,
        "group": GroupPage,
    }
    urls = {
        "home": "/",
        "directory": "/annuaire/",
        "agenda": "/agenda/",
        "search": "/recherche/?q=eau",
        "site map": "/plan-du-site/",
        "référencement form": "/annuaire/referencement/",
    }
    for name, model in first.items():
        urls[name] = model.objects.live().public().order_by("path").first().url
    # The event registration form of the first event that takes registrations here.
    for event in EventPage.objects.live().public().order_by("path"):
        response = client.get(event.url + "inscription/")
        if response.status_code == HTTPStatus.OK and b'<form method="post"' in response.content:
            urls["event registration form"] = event.url + "inscription/"
            break
    return urls


def test_public_pages_show_no_template_comment_and_valid_form_markup(client, demo_site):
    urls = public_urls(client)
    assert "event registration form" in urls, "the demo has an event open to registration"

    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, (name, url)
        html = response.content.decode()
        # Django prints a `{# #}` comment that spans several lines.
        assert "{#" not in html and "#}" not in html, (name, url)
        # An empty action is invalid HTML (W3C validator): forms name their URL.
        assert 'action=""' not in html, (name, url)
        ids = set(re.findall(r'\bid="([^"]+)"', html))
        for described in re.findall(r'aria-describedby="([^"]*)"', html):
            missing = [ref for ref in described.split() if ref not in ids]
            assert not missing, (name, url, missing)
        found = OTHER_TIME_FORMATS.findall(visible_text(html))
        assert not found, (name, url, found)

    # The référencement form is one click from the home and from the directory.
    for url in ("/", "/annuaire/"):
        assert "/annuaire/referencement/" in client.get(url).content.decode(), url
