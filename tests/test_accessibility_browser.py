"""axe-core over the demo site a newcomer sees after `make demo`: one page of each kind, with
the real header, footer (newsletter button, partners) and content of every app."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from .conftest import BrowserPage, axe_violations

pytestmark = pytest.mark.browser

LISTINGS = [
    "/",
    "/le-reseau/",
    "/annuaire/",
    "/annuaire/projets/",
    "/annuaire/referencement/",
    "/agenda/",
    "/actualites/",
    "/appels-a-projets/",
    "/offres/",
    "/ressources/",
    "/groupes/",
    "/recherche/?q=eau",
    "/une-page-qui-n-existe-pas/",
]
# One live page of each of these types, wherever the demo put it.
PAGE_TYPES = [
    "actorpage",
    "projectpage",
    "eventpage",
    "newspage",
    "callforprojectspage",
    "opportunitypage",
    "resourcepage",
    "grouppage",
]


def test_demo_pages_have_no_axe_violation(live_server, browser_demo, browser_page: BrowserPage):
    paths = list(LISTINGS)
    for model in PAGE_TYPES:
        page = Page.objects.live().public().filter(content_type__model=model).first()
        assert page is not None, f"the demo content has no live {model}"
        paths.append(page.url)

    page = browser_page.page
    found = {}
    for path in paths:
        response = page.goto(f"{live_server.url}{path}", wait_until="load")
        assert response is not None
        expected = 404 if "n-existe-pas" in path else 200
        assert response.status == expected, path
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    report = "\n".join(f"{path}: {issue}" for path, issues in found.items() for issue in issues)
    assert not found, f"axe-core violations:\n{report}"
