"""Malformed requests get a 4xx and a short message, never a 500 or a noisy log."""

from __future__ import annotations

import io
import logging.config
import sys
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image as PILImage
from wagtail.models import Page

from events.models import EventPage
from events.tests.factories import EventIndexPageFactory, make_event
from home.models import CustomImage
from home.tests.factories import make_site_with_home


@pytest.fixture
def configured_logging(monkeypatch):
    """The site's LOGGING with its console handler writing into a buffer."""
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)  # StreamHandler's default, bound at creation
    logging.config.dictConfig(settings.LOGGING)
    yield stream
    monkeypatch.undo()
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["portail.example.org"])
def test_a_forged_host_header_is_logged_on_one_line_once(client, configured_logging):
    response = client.get("/", HTTP_HOST="pirate.example")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    lines = [line for line in configured_logging.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "django.security.DisallowedHost" in lines[0]
    assert "pirate.example" in lines[0]
    assert "Traceback" not in configured_logging.getvalue()


@pytest.fixture
def event_page(db):
    agenda = EventIndexPageFactory(parent=make_site_with_home())
    return make_event(parent=agenda, title="Rencontre régionale")


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "a@example.org", "x" * 16)
    client.force_login(user)
    return client


INCOMPLETE = "Le formulaire envoyé est incomplet"


def test_page_edit_post_without_its_management_counts_answers_400(admin_client, event_page):
    revisions = event_page.revisions.count()
    # The editor's form of an event (inline "sessions" rows, StreamField blocks) with only
    # plain fields: no `sessions-TOTAL_FORMS`, no `description-count`.
    response = admin_client.post(
        f"/admin/pages/{event_page.pk}/edit/",
        {"title": "Titre remplacé", "slug": event_page.slug, "action-publish": "1"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert INCOMPLETE in response.content.decode()
    page = Page.objects.get(pk=event_page.pk)
    assert page.title == "Rencontre régionale"  # nothing stored, nothing lost
    assert page.revisions.count() == revisions


def test_page_create_post_without_its_management_counts_answers_400(admin_client, event_page):
    agenda = event_page.get_parent()
    response = admin_client.post(
        f"/admin/pages/add/events/eventpage/{agenda.pk}/",
        {"title": "Nouvel événement", "slug": "nouvel-evenement"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert INCOMPLETE in response.content.decode()
    assert not EventPage.objects.filter(slug="nouvel-evenement").exists()


def _gif_then_html(cut: int) -> bytes:
    """A real GIF cut after `cut` bytes, followed by an HTML page: a truncated polyglot."""
    buffer = io.BytesIO()
    PILImage.new("P", (16, 16), 1).save(buffer, "GIF")
    return buffer.getvalue()[:cut] + b"<html><script>alert(document.cookie)</script></html>"


@pytest.mark.parametrize("cut", [13, 30, 40])  # after the header, in the palette, in the data
def test_truncated_gif_html_polyglot_is_refused_with_a_message(admin_client, cut):
    polyglot = _gif_then_html(cut)
    single = admin_client.post(
        "/admin/images/add/",
        {
            "title": "polyglotte",
            "alt_text": "Une image",
            "file": SimpleUploadedFile("polyglotte.gif", polyglot, content_type="image/gif"),
            "collection": "1",
        },
    )
    assert single.status_code == HTTPStatus.OK  # the form again, with its error
    assert "n&#x27;est pas une image lisible" in single.content.decode()
    multiple = admin_client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("polyglotte.gif", polyglot, content_type="image/gif")},
    )
    assert multiple.status_code == HTTPStatus.OK
    assert multiple.json()["success"] is False
    assert "n'est pas une image lisible" in multiple.json()["error_message"]
    assert CustomImage.objects.count() == 0


@pytest.mark.parametrize("count", ["abc", "-1", "1e9", ""])
def test_page_edit_post_with_a_count_that_is_no_number_answers_400(admin_client, event_page, count):
    response = admin_client.post(
        f"/admin/pages/{event_page.pk}/edit/",
        {"title": "Titre remplacé", "slug": event_page.slug, "description-count": count},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert INCOMPLETE in response.content.decode()
    assert Page.objects.get(pk=event_page.pk).title == "Rencontre régionale"


def test_an_empty_formset_bound_is_what_the_page_editor_sends(rf):
    """Wagtail's comments formset sends `comments-MAX_NUM_FORMS=""`: the editor's own save
    must pass, while an empty row count is still refused."""
    from home.bad_request_middleware import IncompleteFormMiddleware

    middleware = IncompleteFormMiddleware(lambda request: None)
    editor_save = rf.post(
        "/admin/pages/4/edit/",
        {
            "title": "Le réseau régional",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "",
        },
    )
    assert middleware.process_view(editor_save, None, (), {}) is None
    cut_count = rf.post("/admin/pages/4/edit/", {"comments-TOTAL_FORMS": ""})
    assert middleware.process_view(cut_count, None, (), {}).status_code == HTTPStatus.BAD_REQUEST
