"""Member isolation (checklist 10-16): two members A and B, an editor E.

A "refusal" is a 403 or 404, or Wagtail's own answer to a refused admin view: a redirect to
the dashboard with an error message. Each test also checks nothing of B's changed."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.models import Page, PageLogEntry, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from directory.models import ActorPage, ProjectPage
from directory.services import ensure_moderation_workflow, shared_collection
from home.models import CustomImage, StandardPage

from .factories import ActorPageFactory, ProjectPageFactory
from .registration_helpers import Member, make_editor, make_member

pytestmark = pytest.mark.django_db
Document = get_document_model()


@dataclass
class World:
    directory: Page
    a: Member
    b: Member
    editor: object
    a_project: ProjectPage
    b_live: ProjectPage
    b_draft: ProjectPage
    a_image: CustomImage
    b_image: CustomImage
    shared_image: CustomImage
    a_doc: object
    b_doc: object
    shared_doc: object


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def _image(title: str, collection) -> CustomImage:
    return CustomImage.objects.create(
        title=title,
        alt_text=title,
        collection=collection,
        file=SimpleUploadedFile(f"{title}.png", _png(), content_type="image/png"),
        width=8,
        height=8,
    )


def _document(title: str, collection):
    return Document.objects.create(
        title=title,
        collection=collection,
        file=SimpleUploadedFile(f"{title}.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )


@pytest.fixture
def world(directory) -> World:
    ensure_moderation_workflow(directory=directory)
    editor = make_editor()
    actor_a = ActorPageFactory(parent=directory, title="Acteur Alpha")
    actor_b = ActorPageFactory(parent=directory, title="Acteur Bêta")
    a = make_member(actor_a, "membre_a")
    b = make_member(actor_b, "membre_b")
    a_project = ProjectPageFactory(parent=actor_a, title="Projet public d'Alpha")
    b_live = ProjectPageFactory(parent=actor_b, title="Projet public de Bêta")
    b_draft = ProjectPageFactory(
        parent=actor_b, title="Brouillon secret de Bêta", live=False, first_published_at=None
    )
    b_draft.save_revision()
    # A live page of B with a pending draft whose title must not leak.
    b_live.title = "Titre brouillon confidentiel de Bêta"
    b_live.save_revision()
    shared = shared_collection()
    return World(
        directory=directory,
        a=a,
        b=b,
        editor=editor,
        a_project=a_project,
        b_live=b_live,
        b_draft=b_draft,
        a_image=_image("image-alpha", a.space.collection),
        b_image=_image("image-beta", b.space.collection),
        shared_image=_image("image-reseau", shared),
        a_doc=_document("document-alpha", a.space.collection),
        b_doc=_document("document-beta", b.space.collection),
        shared_doc=_document("document-reseau", shared),
    )


@pytest.fixture
def client_a(world) -> Client:
    client = Client()
    client.force_login(world.a.user)
    return client


@pytest.fixture
def client_e(world) -> Client:
    client = Client()
    client.force_login(world.editor)
    return client


def assert_refused(response) -> None:
    if response.status_code == HTTPStatus.FOUND:
        # Wagtail's refusal: back to the dashboard (with "no permission" in the messages).
        assert response["Location"] in ("/admin/", reverse("wagtailadmin_home")), response[
            "Location"
        ]
    else:
        assert response.status_code in (
            HTTPStatus.FORBIDDEN,
            HTTPStatus.NOT_FOUND,
            HTTPStatus.METHOD_NOT_ALLOWED,  # a POST-only view asked with GET
        ), response.status_code


def _snapshot(page: Page) -> tuple:
    page = Page.objects.get(pk=page.pk)
    return (page.live, page.locked, page.path, page.title, page.latest_revision_id)


# --- 10. Adding pages -----------------------------------------------------------------------


def test_10_member_adds_pages_only_under_own_actor_and_allowed_types(world, client_a):
    own = reverse("wagtailadmin_pages:add", args=["directory", "projectpage", world.a.actor.pk])
    assert client_a.get(own).status_code == HTTPStatus.OK
    response = client_a.post(
        own,
        nested_form_data(
            {
                "title": "Nouveau projet d'Alpha",
                "slug": "nouveau-projet",
                "status": "en_cours",
                "media": streamfield([]),
                "places": inline_formset([]),
                "comments": inline_formset([]),
            }
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    created = ProjectPage.objects.get(slug="nouveau-projet")
    assert created.get_parent().pk == world.a.actor.pk
    assert not created.live

    pages_before = Page.objects.count()
    for parent, app, model in [
        (world.b.actor.pk, "directory", "projectpage"),  # under B
        (world.b_live.pk, "directory", "projectpage"),
        (world.directory.pk, "directory", "actorpage"),  # a new actor
        (world.a.actor.pk, "home", "standardpage"),  # a type not allowed there
        (world.directory.get_parent().pk, "home", "standardpage"),
    ]:
        url = reverse("wagtailadmin_pages:add", args=[app, model, parent])
        assert_refused(client_a.get(url))
        assert_refused(client_a.post(url, {"title": "Intrus", "slug": "intrus"}))
    assert Page.objects.count() == pages_before
    assert not StandardPage.objects.filter(slug="intrus").exists()


# --- 11. B's pages: every page view refuses A ------------------------------------------------


def _page_views(world: World) -> list[tuple[str, str]]:
    page = world.b_live
    revision = page.latest_revision_id
    first_revision = page.revisions.order_by("pk").first().pk
    return [
        ("edit", reverse("wagtailadmin_pages:edit", args=[page.pk])),
        ("history", reverse("wagtailadmin_pages:history", args=[page.pk])),
        ("revisions", reverse("wagtailadmin_pages:revisions_index", args=[page.pk])),
        (
            "revision compare",
            reverse(
                "wagtailadmin_pages:revisions_compare",
                args=[page.pk, str(first_revision), str(revision)],
            ),
        ),
        ("revision view", reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision])),
        ("preview", reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])),
        ("view draft", reverse("wagtailadmin_pages:view_draft", args=[page.pk])),
        ("copy", reverse("wagtailadmin_pages:copy", args=[page.pk])),
        ("move", reverse("wagtailadmin_pages:move", args=[page.pk])),
        ("delete", reverse("wagtailadmin_pages:delete", args=[page.pk])),
        ("unpublish", reverse("wagtailadmin_pages:unpublish", args=[page.pk])),
        ("lock", reverse("wagtailadmin_pages:lock", args=[page.pk])),
        ("workflow history", reverse("wagtailadmin_pages:workflow_history", args=[page.pk])),
        ("usage", reverse("wagtailadmin_pages:usage", args=[page.pk])),
        ("privacy", reverse("wagtailadmin_pages:set_privacy", args=[page.pk])),
        (
            "draft view of B's draft",
            reverse("wagtailadmin_pages:view_draft", args=[world.b_draft.pk]),
        ),
        ("edit of B's actor", reverse("wagtailadmin_pages:edit", args=[world.b.actor.pk])),
    ]


VIEW_NAMES = [
    "edit",
    "history",
    "revision compare",
    "revision view",
    "preview",
    "view draft",
    "copy",
    "move",
    "delete",
    "unpublish",
    "lock",
    "workflow history",
    "usage",
    "privacy",
    "draft view of B's draft",
    "edit of B's actor",
]


@pytest.mark.parametrize("view", VIEW_NAMES)
def test_11_member_is_refused_on_b_pages(world, client_a, view):
    url = dict(_page_views(world))[view]
    before = _snapshot(world.b_live), _snapshot(world.b.actor), Page.objects.count()
    assert_refused(client_a.get(url))
    response = client_a.post(url, {"title": "Piraté", "slug": "pirate", "new_title": "Piraté"})
    assert_refused(response)
    assert (_snapshot(world.b_live), _snapshot(world.b.actor), Page.objects.count()) == before
    assert b"Titre brouillon confidentiel" not in response.content


def test_11_bulk_actions_on_b_pages_are_refused(world, client_a):
    before = Page.objects.count(), _snapshot(world.b_live)
    for action in ("delete", "unpublish", "move", "publish"):
        url = (
            reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
            + f"?id={world.b_live.pk}"
        )
        client_a.post(url, {"move_applicable": "on", "chooser": world.a.actor.pk})
    assert (Page.objects.count(), _snapshot(world.b_live)) == before


def test_11_editor_can_open_the_same_views(world, client_e):
    for view in ("edit", "history", "revision compare", "copy", "move"):
        url = dict(_page_views(world))[view]
        assert client_e.get(url).status_code == HTTPStatus.OK, view


# --- 12. Copy or move into B's subtree ------------------------------------------------------


def test_12_member_cannot_copy_own_page_into_b_subtree(world, client_a):
    url = reverse("wagtailadmin_pages:copy", args=[world.a_project.pk])
    assert client_a.get(url).status_code == HTTPStatus.OK  # copying within A is allowed
    before = world.b.actor.get_children().count()
    response = client_a.post(
        url,
        {
            "new_title": "Copie chez Bêta",
            "new_slug": "copie-chez-beta",
            "new_parent_page": world.b.actor.pk,
            "copy_subpages": "",
            "publish_copies": "",
        },
    )
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert world.b.actor.get_children().count() == before
    assert not Page.objects.filter(slug="copie-chez-beta").exists()


def test_12_member_cannot_move_own_page_into_b_subtree(world, client_a):
    url = reverse("wagtailadmin_pages:move_confirm", args=[world.a_project.pk, world.b.actor.pk])
    assert_refused(client_a.get(url))
    assert_refused(client_a.post(url))
    world.a_project.refresh_from_db()
    assert world.a_project.get_parent().pk == world.a.actor.pk


# --- 13. Listings, choosers and search never show B's drafts --------------------------------


SECRETS = ("Brouillon secret de Bêta", "Titre brouillon confidentiel de Bêta")


def _assert_no_b_drafts(response) -> None:
    content = response.content.decode()
    for secret in SECRETS:
        assert secret not in content, secret


def test_13_explorer_lists_only_own_space(world, client_a):
    response = client_a.get(reverse("wagtailadmin_explore", args=[world.directory.pk]))
    if response.status_code == HTTPStatus.OK:
        assert "Acteur Alpha" in response.content.decode()
        assert "Acteur Bêta" not in response.content.decode()
    _assert_no_b_drafts(response)
    b_space = reverse("wagtailadmin_explore", args=[world.b.actor.pk])
    response = client_a.get(b_space)
    # Wagtail sends a member outside its space back to what it may explore.
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] != b_space
    followed = client_a.get(b_space, follow=True)
    _assert_no_b_drafts(followed)
    assert "Projet public de Bêta" not in followed.content.decode()


def test_13_page_chooser_browse_and_search_never_list_b_drafts(world, client_a):
    for url in (
        reverse("wagtailadmin_choose_page"),
        reverse("wagtailadmin_choose_page_child", args=[world.directory.pk]),
        reverse("wagtailadmin_choose_page_child", args=[world.b.actor.pk]),
        reverse("wagtailadmin_choose_page_search") + "?q=Bêta",
        reverse("wagtailadmin_choose_page_search") + "?q=brouillon",
    ):
        response = client_a.get(url)
        assert response.status_code == HTTPStatus.OK, url
        _assert_no_b_drafts(response)
    # A's own drafts stay choosable.
    own = client_a.get(reverse("wagtailadmin_choose_page_child", args=[world.a.actor.pk]))
    assert "Projet public d&#x27;Alpha" in own.content.decode() or "Projet public d'Alpha" in (
        own.content.decode()
    )


def test_13_admin_search_never_lists_b_pages(world, client_a):
    for query in ("Bêta", "brouillon", "secret", "confidentiel"):
        response = client_a.get(reverse("wagtailadmin_pages:search") + f"?q={query}")
        assert response.status_code == HTTPStatus.OK
        _assert_no_b_drafts(response)


def test_13_project_form_never_lists_other_actors_drafts(world, client_a):
    ActorPageFactory(parent=world.directory, title="Acteur en attente", live=False)
    url = reverse("wagtailadmin_pages:add", args=["directory", "projectpage", world.a.actor.pk])
    html = client_a.get(url).content.decode()
    assert "Acteur Bêta" in html  # live actors can be chosen as partners
    assert "Acteur en attente" not in html


def test_13_reports_are_closed_to_members(world, client_a):
    world.b_live.save_revision().publish()  # something in the site history
    for name in (
        "locked_pages",
        "workflow",
        "workflow_tasks",
        "site_history",
        "aging_pages",
        "page_types_usage",
    ):
        response = client_a.get(reverse(f"wagtailadmin_reports:{name}"))
        assert_refused(response)
        _assert_no_b_drafts(response)


def test_13_admin_api_exposes_nothing_of_b(world, client_a):
    for url in (
        reverse("wagtailadmin_api:pages:listing") + f"?child_of={world.b.actor.pk}&for_explorer=1",
        reverse("wagtailadmin_api:pages:listing")
        + f"?child_of={world.directory.pk}&for_explorer=1",
        reverse("wagtailadmin_api:pages:listing") + "?search=brouillon",
        reverse("wagtailadmin_api:pages:detail", args=[world.b_draft.pk]),
    ):
        response = client_a.get(url)
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND, HTTPStatus.BAD_REQUEST)
        _assert_no_b_drafts(response)
        if response.status_code == HTTPStatus.OK and "items" in response.json():
            ids = {item["id"] for item in response.json()["items"]}
            assert world.b_draft.pk not in ids
            assert world.b.actor.pk not in ids


def test_13_image_and_document_choosers_list_only_own_and_shared(world, client_a):
    images = client_a.get(reverse("wagtailimages_chooser:choose")).content.decode()
    assert "image-alpha" in images and "image-reseau" in images
    assert "image-beta" not in images
    documents = client_a.get(reverse("wagtaildocs_chooser:choose")).content.decode()
    assert "document-alpha" in documents and "document-reseau" in documents
    assert "document-beta" not in documents


def test_13_image_and_document_listings_show_only_own(world, client_a):
    images = client_a.get(reverse("wagtailimages:index")).content.decode()
    assert "image-alpha" in images
    assert "image-beta" not in images
    documents = client_a.get(reverse("wagtaildocs:index")).content.decode()
    assert "document-alpha" in documents
    assert "document-beta" not in documents


def test_13_member_cannot_edit_or_delete_b_images_and_documents(world, client_a):
    for url in (
        reverse("wagtailimages:edit", args=[world.b_image.pk]),
        reverse("wagtailimages:delete", args=[world.b_image.pk]),
        reverse("wagtailimages:edit", args=[world.shared_image.pk]),
        reverse("wagtaildocs:edit", args=[world.b_doc.pk]),
        reverse("wagtaildocs:delete", args=[world.b_doc.pk]),
    ):
        assert_refused(client_a.get(url))
        assert_refused(client_a.post(url, {"title": "Piraté", "alt_text": "x"}))
    world.b_image.refresh_from_db()
    world.b_doc.refresh_from_db()
    assert world.b_image.title == "image-beta"
    assert world.b_doc.title == "document-beta"
    # Their own: allowed.
    own = client_a.get(reverse("wagtailimages:edit", args=[world.a_image.pk]))
    assert own.status_code == HTTPStatus.OK


def test_13_member_uploads_only_into_own_collection(world, client_a):
    response = client_a.post(
        reverse("wagtailimages:add"),
        {
            "title": "chez-beta",
            "alt_text": "x",
            "collection": world.b.space.collection.pk,
            "file": SimpleUploadedFile("x.png", _png(), content_type="image/png"),
        },
    )
    assert not CustomImage.objects.filter(
        title="chez-beta", collection=world.b.space.collection
    ).exists()
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


# --- 14. Publishing goes through the editors' workflow ---------------------------------------


def _edit_data(page: ProjectPage, **overrides) -> dict:
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary_text": page.summary_text,
            "status": page.status,
            "media": streamfield([]),
            "places": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    data.update(overrides)
    return data


def test_14_member_cannot_publish_submits_to_workflow_and_editor_publishes(
    world, client_a, client_e
):
    project = world.a_project
    url = reverse("wagtailadmin_pages:edit", args=[project.pk])
    response = client_a.post(
        url, _edit_data(project, title="Projet revu", **{"action-publish": "1"})
    )
    project.refresh_from_db()
    assert project.title == "Projet public d'Alpha"  # publishing refused: nothing went live
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)

    response = client_a.post(
        url, _edit_data(project, title="Projet revu", **{"action-submit": "1"})
    )
    assert response.status_code == HTTPStatus.FOUND
    project.refresh_from_db()
    assert project.title == "Projet public d'Alpha"
    state = WorkflowState.objects.get(
        object_id=str(project.pk), status=WorkflowState.STATUS_IN_PROGRESS
    )
    task_state = state.current_task_state

    # A cannot approve its own submission.
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[project.pk, "approve", task_state.pk]
    )
    client_a.post(approve, {})
    task_state.refresh_from_db()
    assert task_state.status == task_state.STATUS_IN_PROGRESS

    response = client_e.post(approve, {})
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    project.refresh_from_db()
    assert project.live
    assert project.title == "Projet revu"
    assert Client().get(project.url).status_code == HTTPStatus.OK


def test_14_editor_publishes_directly(world, client_e):
    project = world.a_project
    url = reverse("wagtailadmin_pages:edit", args=[project.pk])
    response = client_e.post(
        url, _edit_data(project, title="Publié par l'équipe", **{"action-publish": "1"})
    )
    assert response.status_code == HTTPStatus.FOUND
    project.refresh_from_db()
    assert project.title == "Publié par l'équipe"


def test_14_trusted_actor_pages_below_profile_skip_moderation(world, client_a):
    ActorPage.objects.filter(pk=world.a.actor.pk).update(trusted=True)
    project = world.a_project
    url = reverse("wagtailadmin_pages:edit", args=[project.pk])
    response = client_a.post(
        url, _edit_data(project, title="Publié en confiance", **{"action-submit": "1"})
    )
    assert response.status_code == HTTPStatus.FOUND
    project.refresh_from_db()
    assert project.live and project.title == "Publié en confiance"
    assert PageLogEntry.objects.filter(
        page=project, action="wagtail.publish", user=world.a.user
    ).exists()
    assert not WorkflowState.objects.filter(
        object_id=str(project.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).exists()


def test_14_trusted_actor_profile_changes_still_wait(world, client_a):
    ActorPage.objects.filter(pk=world.a.actor.pk).update(trusted=True)
    actor = ActorPage.objects.get(pk=world.a.actor.pk)
    data = _actor_data(actor, short_description="Profil revu", **{"action-submit": "1"})
    response = client_a.post(reverse("wagtailadmin_pages:edit", args=[actor.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    actor.refresh_from_db()
    assert actor.short_description != "Profil revu"  # not live yet
    assert WorkflowState.objects.filter(
        object_id=str(actor.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).exists()


# --- 15. Editor-only fields -----------------------------------------------------------------


def _actor_data(actor: ActorPage, **overrides) -> dict:
    """An actor page's edit form, as a browser sends it back."""
    data = nested_form_data(
        {
            "title": actor.title,
            "slug": actor.slug,
            "college": actor.college_id,
            "short_description": actor.short_description,
            "body": rich_text(actor.body or "<p>Présentation</p>"),
            "address": actor.address,
            "postcode": actor.postcode,
            "city": actor.city,
            "location": actor.location or "",
            "website": actor.website,
            "email": actor.email,
            "phone": actor.phone,
            "social_links": streamfield([]),
            "comments": inline_formset([]),
        }
    )
    data.update(overrides)
    return data


def test_15_member_form_has_no_editor_only_fields(world, client_a):
    response = client_a.get(reverse("wagtailadmin_pages:edit", args=[world.a.actor.pk]))
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    for name in (
        "qualification_status",
        "internal_notes",
        "private_contact_email",
        "trusted",
        "membership",
    ):
        assert name not in form.fields, name
    assert "Suivi (équipe du réseau)" not in response.content.decode()


def test_15_crafted_post_cannot_change_editor_only_fields(world, client_a, client_e):
    actor = ActorPage.objects.get(pk=world.a.actor.pk)
    url = reverse("wagtailadmin_pages:edit", args=[actor.pk])
    data = _actor_data(actor)
    data.update(
        {
            "short_description": "Présentation revue",
            "qualification_status": "archive",
            "internal_notes": "Notes falsifiées",
            "private_contact_email": "pirate@example.org",
            "trusted": "on",
            "membership": "adherent",
            "action-submit": "1",
        }
    )
    ActorPage.objects.filter(pk=actor.pk).update(membership="reference")
    assert client_a.post(url, data).status_code == HTTPStatus.FOUND
    revision = ActorPage.objects.get(pk=actor.pk).latest_revision.as_object()
    assert revision.short_description == "Présentation revue"  # the edit itself went through
    assert revision.qualification_status == "qualifie"
    assert revision.internal_notes == ""
    assert revision.private_contact_email == ""
    assert revision.trusted is False
    assert revision.membership == "reference"
    # The editor publishes the revision: still nothing of the crafted values.
    task_state = WorkflowState.objects.get(
        object_id=str(actor.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).current_task_state
    client_e.post(
        reverse("wagtailadmin_pages:workflow_action", args=[actor.pk, "approve", task_state.pk]), {}
    )
    actor.refresh_from_db()
    assert actor.short_description == "Présentation revue"
    assert (actor.qualification_status, actor.trusted, actor.membership) == (
        "qualifie",
        False,
        "reference",
    )


def test_15_editor_sees_and_sets_editor_only_fields(world, client_e):
    actor = ActorPage.objects.get(pk=world.a.actor.pk)
    url = reverse("wagtailadmin_pages:edit", args=[actor.pk])
    form = client_e.get(url).context["form"]
    assert {"qualification_status", "trusted", "membership"} <= set(form.fields)
    data = _actor_data(
        actor,
        qualification_status="qualifie",
        membership="adherent",
        trusted="on",
        internal_notes="Partenaire fiable",
        **{"action-publish": "1"},
    )
    response = client_e.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    actor.refresh_from_db()
    assert actor.trusted and actor.internal_notes == "Partenaire fiable"


# --- 16. Menus, admin areas, API ------------------------------------------------------------


HIDDEN = ("settings", "reports", "snippets", "workflows", "users", "groups")


def _menu_names(client) -> set[str]:
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    start = html.index('id="wagtail-sidebar-props"')
    props = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    names = set()

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("name"), str):
                names.add(value["name"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(props)
    return names


def test_16_member_menu_has_no_admin_areas(world, client_a, client_e):
    names = _menu_names(client_a)
    assert not names & set(HIDDEN), names & set(HIDDEN)
    assert "explorer" in names and "images" in names
    assert {"reports"} <= _menu_names(client_e)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reports/locked/",
        "/admin/reports/site-history/",
        "/admin/workflows/list/",
        "/admin/snippets/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/settings/home/siteidentitysettings/",
        "/admin/registration_requests/",
    ],
)
def test_16_member_is_refused_admin_areas_by_url(world, client_a, url):
    assert_refused(client_a.get(url))


def test_16_member_cannot_reach_b_team_or_requests(world, client_a):
    response = client_a.get(reverse("member_space_team", args=[world.b.space.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    own = client_a.get(reverse("member_space_team", args=[world.a.space.pk]))
    assert own.status_code == HTTPStatus.OK
    assert "membre_b" not in own.content.decode()


# --- Team, home panel and login ---------------------------------------------------------------


def test_member_invites_a_colleague_into_own_group_only(
    world, client_a, django_capture_on_commit_callbacks
):
    url = reverse("member_space_team", args=[world.a.space.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(url, {"full_name": "Jean Collègue", "email": "jean@alpha.example"})
    assert response.status_code == HTTPStatus.FOUND
    colleague = get_user_model().objects.get(email="jean@alpha.example")
    assert list(colleague.groups.all()) == [world.a.space.group]
    # Removing is for editors only.
    remove = reverse("member_space_remove", args=[world.a.space.pk, colleague.pk])
    assert_refused(client_a.post(remove))
    assert colleague.groups.exists()


def test_editor_removes_anyone(world, client_e):
    remove = reverse("member_space_remove", args=[world.b.space.pk, world.b.user.pk])
    assert client_e.post(remove).status_code == HTTPStatus.FOUND
    assert not world.b.user.groups.filter(pk=world.b.space.group.pk).exists()


def test_member_home_shows_votre_espace_with_what_waits(world, client_a):
    url = reverse("wagtailadmin_pages:edit", args=[world.a_project.pk])
    client_a.post(url, _edit_data(world.a_project, title="En attente", **{"action-submit": "1"}))
    html = client_a.get(reverse("wagtailadmin_home")).content.decode()
    assert "Votre espace" in html
    assert reverse("wagtailadmin_pages:edit", args=[world.a.actor.pk]) in html
    assert (
        reverse("wagtailadmin_pages:add", args=["directory", "projectpage", world.a.actor.pk])
        in html
    )
    assert "En attente" in html
    assert "Acteur Bêta" not in html


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_member_login_is_locked_after_repeated_failures(world):
    user = world.a.user
    user.set_password("cartographie-solidaire-2026")
    user.save()
    client = Client()
    for _ in range(3):
        client.post("/admin/login/", {"username": user.username, "password": "mauvais"})
    response = client.post(
        "/admin/login/", {"username": user.username, "password": "cartographie-solidaire-2026"}
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session
