"""The newcomer's path through a member space, in a real browser, from end to end:
a visitor submits the référencement form (first with mistakes: the error summary takes the
focus and leads to each field), an editor approves the request in the admin, the invited
member sets a password through the e-mailed link and submits a project, which waits until
the editor approves it in the admin; then the project is on the public site."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from wagtail.models import WorkflowState

from directory.models import ProjectPage, RegistrationRequest
from directory.services.workflow import ensure_moderation_workflow
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


def _assert_form_fields_are_labelled(page) -> None:
    """Every visible field of the form has a label (its own, or its group's legend)."""
    unlabelled = page.eval_on_selector_all(
        "form.registration-form input:not([type=hidden]), form.registration-form select,"
        " form.registration-form textarea",
        """fields => fields
            .filter(f => f.offsetParent !== null && !f.closest('[aria-hidden=true]'))
            .filter(f => !(f.labels && f.labels.length) && !f.closest('fieldset legend'))
            .map(f => f.id || f.name)""",
    )
    assert unlabelled == []


def _submit_with_mistakes(page) -> None:
    """The form with a wrong postcode and no publication consent: the summary at the top
    takes the focus, lists both mistakes with links, each field says what is wrong."""
    page.fill("#id_name", "Jardins du Sahel")
    page.select_option("#id_college", label="Associations, ONG et fondations")
    page.fill("#id_description", "Maraîchage et formation agricole au Niger.")
    page.fill("#id_postcode", "ABCDE")
    page.fill("#id_city", "Poitiers")
    page.fill("#id_contact_name", "Moussa Diallo")
    page.fill("#id_contact_email", "moussa@jardins-sahel.example")
    time.sleep(1.2)  # a human takes longer than the minimum fill time
    with page.expect_navigation():
        page.click("form.registration-form button[type=submit]")
    assert not RegistrationRequest.objects.exists()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'erreurs'")
    summary = page.locator("#erreurs")
    assert "2 erreurs" in summary.inner_text()
    links = summary.locator("a")
    assert sorted(links.evaluate_all("links => links.map(l => l.hash)")) == [
        "#id_postcode",
        "#id_publication_consent",
    ]
    postcode = page.locator("#id_postcode")
    assert postcode.input_value() == "ABCDE"  # what was typed is kept
    assert postcode.get_attribute("aria-invalid") == "true"
    assert "id_postcode_erreur" in postcode.get_attribute("aria-describedby").split()
    assert "code postal" in page.locator("#id_postcode_erreur").inner_text().lower()
    consent = page.locator("#id_publication_consent")
    assert "id_publication_consent_erreur" in consent.get_attribute("aria-describedby").split()
    _assert_form_fields_are_labelled(page)
    # A link of the summary puts the keyboard in its field.
    summary.locator('a[href="#id_postcode"]').click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_postcode'")


def _editor_logs_in(page, base: str, editor) -> None:
    page.context.clear_cookies()  # whoever was logged in leaves (the logout view takes a POST)
    _log_in(page, base, editor.username, PASSWORD)
    assert urlsplit(page.url).path == "/admin/"


@override_settings(REGISTRATION_MIN_FILL_SECONDS=1)
def test_visitor_to_published_member_project(live_server, site, browser_page: BrowserPage):
    directory, editor = site
    page = browser_page.page
    base = live_server.url

    # 1. A visitor fills the form, makes mistakes, corrects them.
    page.goto(f"{base}/annuaire/referencement/")
    assert page.locator("h1").count() == 1
    _assert_form_fields_are_labelled(page)
    _submit_with_mistakes(page)
    page.fill("#id_postcode", "86000")
    page.check("#id_publication_consent")
    time.sleep(1.2)  # the re-displayed form restarts the minimum fill time
    with page.expect_navigation():
        page.click("form.registration-form button[type=submit]")
    remaining = page.locator(".error-summary").all_inner_texts()
    assert urlsplit(page.url).path == "/annuaire/referencement/merci/", remaining
    request = RegistrationRequest.objects.get()
    assert request.status == RegistrationRequest.Status.PENDING

    # 2. The editor finds the request from the dashboard, opens it, approves it with a
    # correction of the name.
    _editor_logs_in(page, base, editor)
    with page.expect_navigation():
        page.click(f"a[href='{reverse('registration_requests:index')}?status=en_attente']")
    assert "Jardins du Sahel" in page.locator("main").inner_text()
    page.goto(base + reverse("registration_requests:inspect", args=[request.pk]))
    assert "moussa@jardins-sahel.example" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.click("text=Corriger la demande avant d'approuver")
    page.fill("#id_name", "Les Jardins du Sahel")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    request.refresh_from_db()
    assert request.status == RegistrationRequest.Status.APPROVED
    actor = request.actor
    assert actor.title == "Les Jardins du Sahel"

    # 3. The member sets a password with the invitation link, logs in, submits a project.
    page.context.clear_cookies()
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
    page.goto(f"{base}/admin/")
    assert "Puits maraîchers à Zinder" in page.locator("main").inner_text()  # what waits

    # 4. The editor sees it awaiting review, opens it and approves it ("Approuver").
    _editor_logs_in(page, base, editor)
    assert "Puits maraîchers à Zinder" in page.locator("main").inner_text()
    page.goto(base + reverse("wagtailadmin_pages:edit", args=[project.pk]))
    approve = page.locator(
        'button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])'
    )
    assert approve.inner_text().strip() == "Approuver et Publier"
    with page.expect_navigation():
        approve.evaluate("button => button.click()")  # it sits in the footer's drop-down
    project.refresh_from_db()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert project.live

    # 5. A visitor finds the project on the public site.
    page.context.clear_cookies()
    response = page.goto(base + project.url)
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text().strip() == "Puits maraîchers à Zinder"
    assert browser_page.page_errors == []
