"""Editors' moderation: approval provisioning (one transaction, idempotent), rejection,
duplicates, the admin viewset, invitations and the moderation workflow."""

from __future__ import annotations

import csv
import importlib
import io
import re
from http import HTTPStatus
from unittest import mock

import openpyxl
import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Task,
    Workflow,
    WorkflowPage,
)

from directory.models import ActorPage, MemberSpace, RegistrationRequest
from directory.services.claims import link_imported_draft
from directory.services.common import RegistrationError
from directory.services.member_spaces import provision_member_space
from directory.services.registration import (
    approve_registration,
    mark_duplicate,
    reject_registration,
)
from directory.services.workflow import WORKFLOW_NAME, ensure_moderation_workflow
from home.tests.visible_text import texts_of, visible_text

from .factories import ActorPageFactory, DirectoryPageFactory, themes
from .registration_helpers import imported_draft, make_editor, make_request

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def editor(directory):
    return make_editor()


def _counts() -> dict[str, int]:
    return {
        "actors": ActorPage.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "users": User.objects.count(),
        "spaces": MemberSpace.objects.count(),
        "page_permissions": GroupPagePermission.objects.count(),
        "collection_permissions": GroupCollectionPermission.objects.count(),
    }


# --- approve_registration -------------------------------------------------------------------


def test_approval_creates_exactly_one_page_group_collection_and_user(
    directory, editor, django_capture_on_commit_callbacks
):
    request = make_request(acronym="SGS", siret="73282932000074", contact_phone="0600000000")
    request.themes.set(themes("eau-assainissement-hygiene"))
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True):
        space = approve_registration(registration=request, by=editor)
    after = _counts()
    assert after["actors"] == before["actors"] + 1
    assert after["groups"] == before["groups"] + 1
    assert after["users"] == before["users"] + 1
    assert after["spaces"] == before["spaces"] + 1
    # One member collection, plus the shared "Réseau" collection created on first use.
    assert Collection.objects.filter(name=space.group.name).count() == 1
    assert Collection.objects.filter(name="Réseau").count() == 1

    actor = space.actor
    assert actor.get_parent().pk == directory.pk
    assert not actor.live and actor.has_unpublished_changes
    assert actor.title == "Solidarité Gironde Sahel"
    assert actor.siret == "73282932000074"
    assert actor.private_contact_email == "awa.traore@sgs-solidarite.org"
    assert list(actor.themes.values_list("slug", flat=True)) == ["eau-assainissement-hygiene"]
    assert space.group.name == "Membre – Solidarité Gironde Sahel"

    page_permissions = set(
        GroupPagePermission.objects.filter(group=space.group).values_list(
            "page_id", "permission__codename"
        )
    )
    assert page_permissions == {
        (actor.pk, "add_page"),
        (actor.pk, "change_page"),
        (actor.pk, "lock_page"),
    }
    collection_permissions = set(
        GroupCollectionPermission.objects.filter(group=space.group).values_list(
            "collection__name", "permission__codename"
        )
    )
    assert collection_permissions == {
        (space.group.name, "add_image"),
        (space.group.name, "change_image"),
        (space.group.name, "choose_image"),
        (space.group.name, "delete_image"),
        (space.group.name, "add_document"),
        (space.group.name, "change_document"),
        (space.group.name, "choose_document"),
        (space.group.name, "delete_document"),
        ("Réseau", "choose_image"),
        ("Réseau", "choose_document"),
    }
    user = User.objects.get(email="awa.traore@sgs-solidarite.org")
    assert list(user.groups.all()) == [space.group]
    assert not user.has_usable_password()
    assert user.has_perm("wagtailadmin.access_admin")
    assert not user.is_superuser

    request.refresh_from_db()
    assert request.status == RegistrationRequest.Status.APPROVED
    assert request.actor_id == actor.pk
    assert request.reviewed_by == editor
    invitation = [m for m in mail.outbox if m.to == ["awa.traore@sgs-solidarite.org"]]
    assert len(invitation) == 1
    assert "/admin/password_reset/confirm/" in invitation[0].body


def test_approving_twice_changes_nothing(directory, editor, django_capture_on_commit_callbacks):
    request = make_request()
    with django_capture_on_commit_callbacks(execute=True):
        first = approve_registration(registration=request, by=editor)
    before = _counts()
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = approve_registration(registration=request, by=editor)
    assert second == first
    assert _counts() == before
    assert len(mail.outbox) == sent


def test_a_failure_mid_way_rolls_everything_back(directory, editor):
    request = make_request()
    before = _counts()
    with (
        mock.patch("directory.services.registration.add_member", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        approve_registration(registration=request, by=editor)
    assert _counts() == before
    request.refresh_from_db()
    assert request.status == RegistrationRequest.Status.PENDING
    assert request.actor is None
    assert not Page.objects.filter(title="Solidarité Gironde Sahel").exists()


def test_a_failure_in_the_collection_step_rolls_back_the_page_and_group(directory, editor):
    request = make_request()
    before = _counts()
    with (
        mock.patch(
            "directory.services.member_spaces.shared_collection", side_effect=RuntimeError("disk")
        ),
        pytest.raises(RuntimeError),
    ):
        approve_registration(registration=request, by=editor)
    assert _counts() == before


def test_approving_a_claim_opens_the_space_of_the_existing_actor(
    directory, editor, django_capture_on_commit_callbacks
):
    actor = ActorPageFactory(parent=directory, title="Eau Vive")
    request = make_request(name="Eau Vive", claimed_actor=actor)
    pages = ActorPage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        space = approve_registration(registration=request, by=editor)
    assert space.actor.pk == actor.pk
    assert ActorPage.objects.count() == pages


def test_approving_a_request_linked_to_an_imported_draft_builds_the_space_on_it(
    directory, editor, django_capture_on_commit_callbacks
):
    draft = imported_draft(
        directory, title="SGS (base 2020)", siret="73282932000074", acronym="", phone=""
    )
    draft.themes.set(themes("sante"))
    draft.save()
    request = make_request(
        siret="73282932000074",
        acronym="SGS",
        phone="05 56 00 00 00",
        contact_phone="06 00 00 00 00",
    )
    request.themes.set(themes("eau-assainissement-hygiene"))
    link_imported_draft(registration=request)
    pages = ActorPage.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        space = approve_registration(registration=request, by=editor)

    assert space.actor.pk == draft.pk
    assert ActorPage.objects.count() == pages
    adopted = ActorPage.objects.get(pk=draft.pk)
    # What the import brought stays; the gaps are filled; the requester is the contact.
    assert adopted.title == "SGS (base 2020)"
    assert [theme.slug for theme in adopted.themes.all()] == ["sante"]
    assert (adopted.acronym, adopted.phone) == ("SGS", "05 56 00 00 00")
    assert adopted.private_contact_email == "awa.traore@sgs-solidarite.org"
    assert adopted.qualification_status == ActorPage.Qualification.QUALIFIED
    assert not adopted.live
    assert adopted.get_latest_revision_as_object().acronym == "SGS"
    member = User.objects.get(email="awa.traore@sgs-solidarite.org")
    assert member.groups.filter(pk=space.group.pk).exists()
    assert RegistrationRequest.objects.get(pk=request.pk).actor_id == draft.pk


def test_an_existing_account_joins_the_group_instead_of_a_new_one(directory, editor):
    existing = User.objects.create_user("awa", "Awa.Traore@sgs-solidarite.org", "x" * 16)
    space = approve_registration(registration=make_request(), by=editor)
    assert existing.groups.filter(pk=space.group.pk).exists()
    assert User.objects.filter(email__iexact="awa.traore@sgs-solidarite.org").count() == 1


def test_two_actors_with_the_same_name_get_two_groups(directory, editor):
    first = approve_registration(registration=make_request(contact_email="a@un.example"), by=editor)
    second = approve_registration(
        registration=make_request(contact_email="b@deux.example"), by=editor
    )
    assert first.group != second.group
    assert first.actor.slug != second.actor.slug


def test_rejected_or_duplicate_requests_cannot_be_approved(directory, editor):
    rejected = reject_registration(registration=make_request(), by=editor, reason="Hors champ")
    with pytest.raises(RegistrationError):
        approve_registration(registration=rejected, by=editor)
    actor = ActorPageFactory(parent=directory)
    duplicate = mark_duplicate(registration=make_request(), by=editor, duplicate_of=actor)
    with pytest.raises(RegistrationError):
        approve_registration(registration=duplicate, by=editor)
    assert MemberSpace.objects.count() == 0


def test_provision_member_space_for_a_hand_made_actor_is_idempotent(directory):
    actor = ActorPageFactory(parent=directory)
    first = provision_member_space(actor=actor)
    before = _counts()
    assert provision_member_space(actor=actor) == first
    assert _counts() == before


def test_description_with_markup_is_escaped_in_the_new_page(directory, editor):
    request = make_request(description="Ligne <b>un</b>\nLigne deux")
    actor = approve_registration(registration=request, by=editor).actor
    assert actor.body == "<p>Ligne &lt;b&gt;un&lt;/b&gt;</p><p>Ligne deux</p>"


# --- Rejection and duplicates ---------------------------------------------------------------


def test_rejection_stores_the_reason_and_mails_it(directory, editor):
    request = reject_registration(
        registration=make_request(), by=editor, reason="Votre structure n'est pas en région."
    )
    assert request.status == RegistrationRequest.Status.REJECTED
    assert request.reviewed_at is not None
    assert "n'est pas en région" in mail.outbox[-1].body
    assert mail.outbox[-1].to == ["awa.traore@sgs-solidarite.org"]


def test_rejection_with_a_failing_mail_server_is_still_stored(directory, editor):
    with mock.patch("directory.services.common.send_mail", side_effect=OSError("smtp down")):
        reject_registration(registration=make_request(), by=editor, reason="Hors champ")
    assert RegistrationRequest.objects.get().status == RegistrationRequest.Status.REJECTED


# --- Workflow -------------------------------------------------------------------------------


def test_workflow_is_assigned_to_the_directory_once(directory):
    first = ensure_moderation_workflow()
    second = ensure_moderation_workflow()
    assert first == second
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert WorkflowPage.objects.get(page=directory).workflow == first
    task = first.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Éditeurs"]
    actor = ActorPageFactory(parent=directory)
    assert actor.get_workflow() == first


def test_a_freshly_migrated_database_has_the_moderation_workflow(db):
    # No fixture, no service call: only what the migrations left.
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert workflow.active
    task = workflow.tasks.get().specific
    assert isinstance(task, GroupApprovalTask) and task.active
    assert list(task.groups.values_list("name", flat=True)) == ["Éditeurs"]


def test_a_directory_page_created_afterwards_is_put_under_the_workflow(home):
    directory = DirectoryPageFactory(parent=home)  # no call to the service
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert WorkflowPage.objects.get(page=directory).workflow == workflow
    assert ActorPageFactory(parent=directory).get_workflow() == workflow


def test_provisioning_reuses_the_migrated_workflow(directory):
    before = (Workflow.objects.count(), Task.objects.count(), WorkflowPage.objects.count())
    ensure_moderation_workflow(directory=directory)
    provision_member_space(actor=ActorPageFactory(parent=directory))
    after = (Workflow.objects.count(), Task.objects.count(), WorkflowPage.objects.count())
    assert after == before


def test_the_workflow_migration_is_idempotent(directory):
    migration = importlib.import_module("directory.migrations.0006_moderation_workflow")
    before = (Workflow.objects.count(), Task.objects.count(), WorkflowPage.objects.count())
    migration.create_workflow(django_apps, None)
    migration.create_workflow(django_apps, None)
    after = (Workflow.objects.count(), Task.objects.count(), WorkflowPage.objects.count())
    assert after == before
    assert WorkflowPage.objects.get(page=directory).workflow.name == WORKFLOW_NAME


def test_provisioning_recreates_a_missing_workflow(directory):
    """A database without it (a test database flushed between tests, or deleted by
    hand): the first approval puts it back."""
    WorkflowPage.objects.all().delete()
    Workflow.objects.all().delete()
    Task.objects.all().delete()
    provision_member_space(actor=ActorPageFactory(parent=directory))
    assert WorkflowPage.objects.get(page=directory).workflow.name == WORKFLOW_NAME


# --- The admin viewset ----------------------------------------------------------------------


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_request_exports_neutralise_formulas_and_show_labels(editor_client, directory):
    make_request(
        name='=HYPERLINK("http://pirate.example","Ouvrir")',
        acronym="+1+1",
        city="Pau\x02\x1f",
        contact_name="@SUM(A1)",
        status=RegistrationRequest.Status.REJECTED,
    )
    csv_response = editor_client.get("/admin/registration_requests/?export=csv")
    assert csv_response.status_code == HTTPStatus.OK
    body = b"".join(csv_response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    headings, values = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    row = dict(zip(headings, values, strict=True))
    assert row["Nom de la structure"].startswith("'=HYPERLINK(")
    assert row["Sigle"] == "'+1+1"
    assert row["Commune"] == "Pau"
    assert row["Nom de la personne contact"] == "'@SUM(A1)"
    assert row["Statut"] == "Rejetée"  # the label, not the code
    xlsx_response = editor_client.get("/admin/registration_requests/?export=xlsx")
    assert xlsx_response.status_code == HTTPStatus.OK
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content))).active
    headings, values = list(sheet.iter_rows(values_only=True))
    row = dict(zip(headings, values, strict=True))
    assert row["Sigle"] == "'+1+1"
    assert row["Commune"] == "Pau"
    assert row["Statut"] == "Rejetée"


def test_listing_filters_by_status_and_shows_duplicate_flags(editor_client, directory):
    make_request(
        name="En attente A",
        duplicate_flags=[{"kind": "actor", "id": 1, "label": "X", "reasons": ["même nom"]}],
    )
    make_request(name="Refusée B", status=RegistrationRequest.Status.REJECTED)
    response = editor_client.get("/admin/registration_requests/?status=en_attente")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "En attente A" in html
    assert "Refusée B" not in html
    assert "1 doublon(s) possible(s)" in html
    dated = editor_client.get(
        "/admin/registration_requests/?created_at_from=2000-01-01&created_at_to=2000-01-02"
    )
    assert dated.status_code == HTTPStatus.OK
    assert "En attente A" not in dated.content.decode()
    flagged = editor_client.get("/admin/registration_requests/?has_duplicates=true")
    assert "En attente A" in flagged.content.decode()
    assert "Refusée B" not in flagged.content.decode()


def test_inspect_view_shows_the_full_request_escaped(editor_client, directory):
    request = make_request(message="<script>alert(1)</script>")
    response = editor_client.get(f"/admin/registration_requests/inspect/{request.pk}/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "awa.traore@sgs-solidarite.org" in html
    assert "<script>alert(1)</script>" not in html
    assert "Corriger la demande avant d'approuver" in html


def test_inspect_view_says_the_request_is_linked_to_an_imported_draft(editor_client, directory):
    draft = imported_draft(directory, title="SGS (base 2020)")
    request = make_request(claimed_actor=draft)
    html = editor_client.get(f"/admin/registration_requests/inspect/{request.pk}/").content
    assert "correspond au brouillon importé « SGS (base 2020) »" in html.decode()


def test_approve_with_edits_through_the_admin(
    editor_client, directory, django_capture_on_commit_callbacks
):
    request = make_request(name="Nom mal orthographié")
    url = f"/admin/registration_requests/approve/{request.pk}/"
    assert editor_client.get(url).status_code == HTTPStatus.OK
    data = {
        "name": "Nom corrigé",
        "college": request.college_id,
        "description": "Description revue par l'équipe.",
        "postcode": "33000",
        "city": "Bordeaux",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    request.refresh_from_db()
    assert request.status == RegistrationRequest.Status.APPROVED
    assert request.actor.title == "Nom corrigé"
    assert MemberSpace.objects.get().group.name == "Membre – Nom corrigé"


def test_reject_and_mark_duplicate_through_the_admin(editor_client, directory):
    first, second = make_request(name="Un"), make_request(name="Deux")
    response = editor_client.post(
        f"/admin/registration_requests/reject/{first.pk}/", {"reason": ""}
    )
    assert response.status_code == HTTPStatus.OK  # the reason is required
    editor_client.post(f"/admin/registration_requests/reject/{first.pk}/", {"reason": "Hors champ"})
    actor = ActorPageFactory(parent=directory)
    editor_client.post(
        f"/admin/registration_requests/duplicate/{second.pk}/", {"duplicate_of": actor.pk}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RegistrationRequest.Status.REJECTED
    assert second.status == RegistrationRequest.Status.DUPLICATE
    assert second.duplicate_of_id == actor.pk


def test_actions_are_refused_to_a_user_without_the_review_permission(client, directory):
    user = User.objects.create_user("curieux", "c@example.org", "x" * 16)
    user.groups.add(Group.objects.create(name="Admin seulement"))
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)
    request = make_request()
    for action in ("approve", "reject", "duplicate", "inspect"):
        response = client.get(f"/admin/registration_requests/{action}/{request.pk}/")
        # Wagtail answers a refused admin view with a redirect to the dashboard.
        assert response.status_code == HTTPStatus.FOUND, action
        assert response["Location"] == "/admin/", action
    response = client.post(f"/admin/registration_requests/approve/{request.pk}/", {})
    assert response["Location"] == "/admin/"
    request.refresh_from_db()
    assert request.status == RegistrationRequest.Status.PENDING


def test_invited_member_sets_a_password_with_the_link(
    client, directory, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve_registration(registration=make_request(), by=editor)
    body = mail.outbox[-1].body
    link = re.search(r"http://testserver(/admin/password_reset/confirm/\S+/)", body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == HTTPStatus.OK
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url,
        {
            "new_password1": "cartographie-solidaire-2026",
            "new_password2": "cartographie-solidaire-2026",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(email="awa.traore@sgs-solidarite.org")
    assert user.check_password("cartographie-solidaire-2026")
    assert client.login(username=user.username, password="cartographie-solidaire-2026")


def test_actor_created_by_hand_in_the_admin_gets_its_space(editor_client, directory):
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    from .factories import college

    url = f"/admin/pages/add/directory/actorpage/{directory.pk}/"
    data = nested_form_data(
        {
            "title": "Acteur saisi à la main",
            "slug": "acteur-saisi",
            "college": college("associations").pk,
            "body": rich_text("<p>Présentation</p>"),
            "social_links": streamfield([]),
            "comments": inline_formset([]),
            "qualification_status": "qualifie",
            "membership": "reference",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    actor = ActorPage.objects.get(slug="acteur-saisi")
    space = MemberSpace.objects.get(actor=actor)
    assert space.group.name == "Membre – Acteur saisi à la main"
    listing = editor_client.get(f"/admin/pages/{directory.pk}/")
    assert f"/admin/espace-membre/{space.pk}/equipe/" in listing.content.decode()
    team = editor_client.get(f"/admin/espace-membre/{space.pk}/equipe/")
    assert team.status_code == HTTPStatus.OK


def test_editors_dashboard_counts_the_pending_requests(editor_client, directory):
    make_request(name="En attente A")
    make_request(name="En attente B", contact_email="b@exemple.org")
    make_request(name="Refusée C", status=RegistrationRequest.Status.REJECTED)
    html = editor_client.get("/admin/").content.decode()
    assert "À traiter" in html
    assert "2 demandes de référencement en attente" in visible_text(html)
    assert "2" in texts_of(html, "strong")
    assert "/admin/registration_requests/?status=en_attente" in html
