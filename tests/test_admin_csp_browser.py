"""The admin works under its own Content-Security-Policy: in Chromium, an editor opens the
dashboard, a page's editor and an actor's editor (with the map widget), saves a draft, and
the browser refuses nothing the enforced policy forbids (the report-only policy may report)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory.tests.factories import ActorPageFactory, DirectoryPageFactory
from directory.tests.registration_helpers import make_editor
from home.tests.factories import StandardPageFactory, make_site_with_home

from .conftest import BrowserPage

pytestmark = pytest.mark.browser
PASSWORD = "cartographie-solidaire-2026"


@pytest.fixture
def site(transactional_db, django_db_serialized_rollback):
    home = make_site_with_home()
    page = StandardPageFactory(parent=home, title="Le réseau")
    actor = ActorPageFactory(parent=DirectoryPageFactory(parent=home), title="Eau Vive")
    editor = make_editor()
    editor.set_password(PASSWORD)
    editor.save()
    return page, actor, editor


def _refused(browser_page: BrowserPage) -> list[str]:
    """Console lines of the enforced policy (not those of the report-only one)."""
    return [
        line
        for line in browser_page.console_errors
        if "Content Security Policy" in line and "report only" not in line.lower().replace("-", " ")
    ]


def test_an_editor_works_under_the_admin_policy(live_server, site, browser_page: BrowserPage):
    page, actor, editor = site
    tab, base = browser_page.page, live_server.url
    tab.goto(f"{base}/admin/login/")
    tab.fill("#id_username", editor.username)
    tab.fill("#id_password", PASSWORD)
    with tab.expect_navigation():
        tab.click("button[type=submit]")
    assert tab.url.endswith("/admin/")
    for target in (page, actor):
        tab.goto(base + reverse("wagtailadmin_pages:edit", args=[target.pk]))
        tab.wait_for_load_state("networkidle")
    # The page's editor: scripts ran (the title drives the tab's heading) and a draft saves.
    tab.goto(base + reverse("wagtailadmin_pages:edit", args=[page.pk]))
    tab.fill("#id_title", "Le réseau régional")
    with tab.expect_navigation():
        tab.click("button[name=''], button.action-save, button[type=submit]:has-text('brouillon')")
    page.refresh_from_db()
    assert page.draft_title == "Le réseau régional"
    assert _refused(browser_page) == []
    assert browser_page.page_errors == []
