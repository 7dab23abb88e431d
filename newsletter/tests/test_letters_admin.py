"""The letters' admin: the template action, previews, the test send, the sending
confirmation by segment, sending out of the request, progress, and who may do what."""

from __future__ import annotations

from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission

from directory.models import Theme
from directory.tests.factories import ActorPageFactory, DirectoryPageFactory
from directory.tests.registration_helpers import make_editor, make_member
from newsletter.models import Delivery, LetterPage

from .letters_helpers import editorial, letter_with_blocks, subscriber

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def editor(letter_site):
    return make_editor("redactrice")


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def letter(letter_site):
    return letter_with_blocks(letter_site, [editorial("<p>Édito de la SSI.</p>")])


def url(name: str, *args) -> str:
    return reverse(f"newsletter_letters:{name}", args=args)


@pytest.mark.django_db
def test_new_letter_from_the_template_in_one_click(letter_site, editor_client):
    page = editor_client.get(url("new_from_template", letter_site.letters.pk))
    assert page.status_code == HTTPStatus.OK
    assert "Lettre d&#x27;information — " in page.text or "Lettre d'information — " in page.text
    response = editor_client.post(url("new_from_template", letter_site.letters.pk))
    letter = LetterPage.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[letter.pk])
    assert not letter.live
    assert len(letter.body) == 6
    # The button is in the archive page's header in the explorer.
    explorer = editor_client.get(reverse("wagtailadmin_explore", args=[letter_site.letters.pk]))
    assert url("new_from_template", letter_site.letters.pk) in explorer.text


@pytest.mark.django_db
def test_edit_view_shows_the_sending_panel_and_no_publish_button(letter, editor_client):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[letter.pk]))
    assert response.status_code == HTTPStatus.OK
    assert url("send_test", letter.pk) in response.text
    assert url("send", letter.pk) in response.text
    assert 'name="action-publish"' not in response.text


@pytest.mark.django_db
def test_previews_of_the_email_and_the_web_version(letter, editor, rf):
    request = rf.get("/")
    request.user = editor
    email = letter.make_preview_request(request, "email")
    assert email.status_code == HTTPStatus.OK
    assert b'<html lang="fr"' in email.content
    assert "Édito de la SSI.".encode() in email.content
    web = letter.make_preview_request(request, "")
    assert web.status_code == HTTPStatus.OK
    assert "Édito de la SSI.".encode() in web.content


@pytest.mark.django_db
def test_test_send_goes_to_the_editors_address_only(letter, editor, editor_client, anymail_outbox):
    subscriber("abonne@exemple.org")
    assert editor_client.get(url("send_test", letter.pk)).status_code == HTTPStatus.OK
    # An address in the form is ignored: the test goes to the editor's own.
    response = editor_client.post(url("send_test", letter.pk), {"email": "autre@exemple.org"})
    assert response.status_code == HTTPStatus.FOUND
    assert [m.to for m in anymail_outbox] == [[editor.email]]
    assert anymail_outbox[0].subject.startswith("[Test]")
    assert Delivery.objects.count() == 0
    assert not LetterPage.objects.get(pk=letter.pk).is_sent


@pytest.mark.django_db
def test_confirmation_counts_the_segment(letter_site, editor_client):
    water = Theme.objects.get_or_create(name="Eau et assainissement", defaults={"slug": "eau-a"})[0]
    health = Theme.objects.get_or_create(name="Santé mondiale", defaults={"slug": "sante-m"})[0]
    for n in range(2):
        subscriber(f"eau{n}@exemple.org").themes.add(water)
    subscriber("sante@exemple.org").themes.add(health)
    subscriber("parti@exemple.org", status="unsubscribed").themes.add(water)
    letter = letter_with_blocks(letter_site, [editorial()])
    everyone = editor_client.get(url("send", letter.pk))
    assert "Elle sera envoyée à 3 abonnés confirmés" in everyone.text
    letter.segment_themes.set([water])
    letter.save_revision()
    segment = editor_client.get(url("send", letter.pk))
    assert "Elle sera envoyée à 2 abonnés confirmés" in segment.text
    assert "thématiques : Eau et assainissement" in segment.text


@pytest.mark.django_db
def test_send_enqueues_and_sends_nothing_in_the_request(
    letter, editor_client, anymail_outbox, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    subscriber("awa@exemple.org")
    subscriber("jean@exemple.org")
    from anymail.backends.test import EmailBackend

    with (
        mock.patch.object(EmailBackend, "send_messages") as backend_send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = editor_client.post(url("send", letter.pk))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("status", letter.pk)
    backend_send.assert_not_called()
    assert anymail_outbox == []
    from django_tasks import default_task_backend

    def batches() -> list:
        return [r for r in default_task_backend.results if r.task.name == "send_letter_batch"]

    assert len(batches()) == 1
    assert Delivery.objects.progress(letter_id=letter.pk).queued == 2
    # Clicking again shows the progress and changes nothing.
    again = editor_client.post(url("send", letter.pk))
    assert again["Location"] == url("status", letter.pk)
    assert Delivery.objects.filter(letter=letter).count() == 2
    assert len(batches()) == 1
    status = editor_client.get(url("status", letter.pk))
    assert status.status_code == HTTPStatus.OK
    assert '<dd data-count="remaining">2</dd>' in status.text
    assert '<dd data-count="sent">0</dd>' in status.text


@pytest.mark.django_db
def test_progress_shows_sent_failed_and_errors(
    letter, editor_client, anymail_outbox, django_capture_on_commit_callbacks
):
    subscriber("awa@exemple.org")
    subscriber("jean@exemple.org")
    from anymail.backends.test import EmailBackend
    from anymail.exceptions import AnymailAPIError

    real = EmailBackend.send_messages
    calls = []

    def second_fails(self, messages):
        calls.append(messages)
        if len(calls) == 2:  # the provider goes down after the first message
            raise AnymailAPIError("Quota dépassé")
        return real(self, messages)

    with (
        mock.patch.object(EmailBackend, "send_messages", second_fails),
        django_capture_on_commit_callbacks(execute=True),
    ):
        editor_client.post(url("send", letter.pk))
    status = editor_client.get(url("status", letter.pk))
    assert '<dd data-count="sent">1</dd>' in status.text
    assert '<dd data-count="remaining">1</dd>' in status.text
    assert "Prochain essai" in status.text
    edit = editor_client.get(reverse("wagtailadmin_pages:edit", args=[letter.pk]))
    assert '<dd data-count="sent">1</dd>' in edit.text


@pytest.mark.django_db
def test_editor_without_publish_permission_cannot_send(letter_site, letter):
    group = Group.objects.create(name="Rédaction sans publication")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for action in ("add", "change"):
        GroupPagePermission.objects.create(
            group=group,
            page=letter_site.home,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=f"{action}_page"
            ),
        )
    user = get_user_model().objects.create_user("redacteur", "redacteur@reseau.example", "x")
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    subscriber("awa@exemple.org")
    # Wagtail's admin turns the refusal into a redirect to the dashboard, with a message.
    for response in (client.get(url("send", letter.pk)), client.post(url("send", letter.pk))):
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == reverse("wagtailadmin_home")
    assert Delivery.objects.count() == 0
    assert not LetterPage.objects.get(pk=letter.pk).is_sent
    assert client.get(url("send_test", letter.pk)).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_members_are_refused_every_letter_screen(letter_site, letter, anymail_outbox):
    directory = DirectoryPageFactory(parent=letter_site.home)
    member = make_member(ActorPageFactory(parent=directory, title="Acteur Alpha"), "membre_a")
    client = Client()
    client.force_login(member.user)
    subscriber("awa@exemple.org")
    for name, arg in (
        ("new_from_template", letter_site.letters.pk),
        ("send_test", letter.pk),
        ("send", letter.pk),
        ("status", letter.pk),
    ):
        assert client.get(url(name, arg)).status_code == HTTPStatus.FORBIDDEN, name
        assert client.post(url(name, arg)).status_code == HTTPStatus.FORBIDDEN, name
    assert Delivery.objects.count() == 0
    assert anymail_outbox == []
    assert LetterPage.objects.count() == 1
