"""The newcomer's path through a member space, in a real browser (issue 4, "done when"):
a visitor submits the référencement form, an editor approves it in the admin, the invited
member sets a password and submits a project, which waits until the editor approves it."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.models import WorkflowState

from directory.models import ProjectPage, RegistrationRequest
from directory.services import ensure_moderation_workflow
from directory.tests.factories import DirectoryPageFactory
from directory.tests.registration_helpers import make_editor
from home.tests.factories import make_site_with_home

from .conftest import BrowserPage

pytestmark = pytest.mark.browser
PASSWORD = "cartographie-solidaire-2026"


@pytest.fixture
def site(transactional_db, django_db_serialized_rollback):
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    ensure_moderation_workflow(directory=directory)
    editor = make_editor()
    editor.set_password(PASSWORD)
    editor.save()
    return directory, editor


def _log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


@override_settings(REGISTRATION_MIN_FILL_SECONDS=1)
def test_visitor_to_published_member_project(live_server, site, browser_page: BrowserPage):
    directory, editor = site
    page = browser_page.page
    base = live_server.url

    # 1. A visitor fills the form.
    page.goto(f"{base}/annuaire/referencement/")
    assert page.locator("h1").count() == 1
    page.fill("#id_name", "Jardins du Sahel")
    page.select_option("#id_college", label="Associations, ONG et fondations")
    page.fill("#id_description", "Maraîchage et formation agricole au Niger.")
    page.fill("#id_postcode", "86000")
    page.fill("#id_city", "Poitiers")
    page.fill("#id_contact_name", "Moussa Diallo")
    page.fill("#id_contact_email", "moussa@jardins-sahel.example")
    page.check("#id_publication_consent")
    time.sleep(1.2)  # a human takes longer than the minimum fill time
    with page.expect_navigation():
        page.click("form.registration-form button[type=submit]")
    assert urlsplit(page.url).path == "/annuaire/referencement/merci/"
    request = RegistrationRequest.objects.get()
    assert request.status == RegistrationRequest.Status.PENDING

    # 2. The editor approves it in the admin, correcting the name.
    _log_in(page, base, editor.username, PASSWORD)
    page.goto(f"{base}/admin/registration_requests/inspect/{request.pk}/")
    with page.expect_navigation():
        page.click("text=Approuver (avec corrections)")
    page.fill("#id_name", "Les Jardins du Sahel")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    request.refresh_from_db()
    assert request.status == RegistrationRequest.Status.APPROVED
    actor = request.actor
    assert actor.title == "Les Jardins du Sahel"
    page.context.clear_cookies()  # log out (the logout view takes a POST)

    # 3. The member sets a password with the invitation link, logs in, submits a project.
    invitation = next(
        m
        for m in mail.outbox
        if m.to == ["moussa@jardins-sahel.example"] and "password_reset" in m.body
    )
    link = re.search(r"https?://[^/\s]+(/admin/password_reset/confirm/\S+/)", invitation.body)
    page.goto(base + link.group(1))
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    _log_in(page, base, "moussa@jardins-sahel.example", PASSWORD)
    assert "Votre espace" in page.content()
    add_url = reverse("wagtailadmin_pages:add", args=["directory", "projectpage", actor.pk])
    page.goto(base + add_url)
    page.fill("#id_title", "Puits maraîchers à Zinder")
    # The slug sits in another tab; Wagtail fills it from the title when the title changes.
    page.eval_on_selector("#id_slug", "input => { input.value = 'puits-zinder'; }")
    assert page.locator('button[name="action-publish"]').count() == 0  # no publishing
    with page.expect_navigation():
        page.eval_on_selector('button[name="action-submit"]', "button => button.click()")
    errors = page.locator(".error-message, .help-critical").all_inner_texts()
    assert ProjectPage.objects.filter(slug="puits-zinder").exists(), errors
    project = ProjectPage.objects.get(slug="puits-zinder")
    assert not project.live
    state = WorkflowState.objects.get(object_id=str(project.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    # 4. The editor approves: the project goes live.
    editor_client = Client()
    editor_client.force_login(editor)
    editor_client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[project.pk, "approve", state.current_task_state.pk],
        ),
        {},
    )
    project.refresh_from_db()
    assert project.live
    assert browser_page.page_errors == []
