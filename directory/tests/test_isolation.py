"""Member isolation in the admin: two members A and B, an editor E.

A refusal is exactly a 403 (the admin's French "Accès refusé" page, answered by
`directory.middleware` before Wagtail's view runs) or a 404, never Wagtail's redirect to the
dashboard. Each test also checks that nothing of B's changed or leaked. There is no public
page API (no `/api/`): the admin API is the only one, tested below."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.models import Page, PageLogEntry, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from directory.models import ActorPage, ProjectPage
from directory.services.member_spaces import shared_collection
from directory.services.workflow import ensure_moderation_workflow
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


SECRETS = ("Brouillon secret de Bêta", "Titre brouillon confidentiel de Bêta")


def text_of(response) -> str:
    """What a person could read in the answer: JSON answers (choosers, API) are decoded,
    or their escaped accents would hide a leaked title from a plain substring test."""
    content = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(content), ensure_ascii=False)
    return content


def assert_refused(response) -> None:
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND), (
        response.status_code,
        response.get("Location"),
    )
    content = text_of(response)
    for secret in SECRETS:
        assert secret not in content, secret


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
    # Previewing a new page under B's actor, editing pages above A's space: refused too.
    preview = reverse(
        "wagtailadmin_pages:preview_on_add", args=["directory", "projectpage", world.b.actor.pk]
    )
    assert_refused(client_a.post(preview, {"title": "Intrus", "slug": "intrus"}))
    for page in (world.directory, world.directory.get_parent()):
        before = _snapshot(page)
        assert_refused(client_a.get(reverse("wagtailadmin_pages:edit", args=[page.pk])))
        assert_refused(
            client_a.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), {"title": "X"})
        )
        assert _snapshot(page) == before
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
        ("unlock", reverse("wagtailadmin_pages:unlock", args=[page.pk])),
        ("revert", reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, revision])),
        ("add subpage", reverse("wagtailadmin_pages:add_subpage", args=[world.b.actor.pk])),
        ("set position", reverse("wagtailadmin_pages:set_page_position", args=[page.pk])),
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
    "revisions",
    "revision compare",
    "revision view",
    "preview",
    "view draft",
    "copy",
    "move",
    "delete",
    "unpublish",
    "lock",
    "unlock",
    "revert",
    "add subpage",
    "set position",
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


def test_11_refusal_is_the_admin_french_403_page(world, client_a):
    response = client_a.get(reverse("wagtailadmin_pages:edit", args=[world.b_live.pk]))
    assert response.status_code == HTTPStatus.FORBIDDEN
    html = text_of(response)
    assert "Accès refusé" in html
    assert reverse("wagtailadmin_home") in html  # a way back to the dashboard


def test_11_workflow_action_on_b_page_is_refused(world, client_a):
    b_client = Client()
    b_client.force_login(world.b.user)
    page = world.b_live
    response = b_client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        _edit_data(page, title="Soumis par Bêta", **{"action-submit": "1"}),
    )
    assert response.status_code == HTTPStatus.FOUND
    task_state = WorkflowState.objects.get(
        object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).current_task_state
    for name in ("workflow_action", "collect_workflow_action_data"):
        for action in ("approve", "reject"):
            url = reverse(f"wagtailadmin_pages:{name}", args=[page.pk, action, task_state.pk])
            assert_refused(client_a.get(url))
            assert_refused(client_a.post(url, {"comment": "ok"}))
    assert_refused(
        client_a.get(reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[page.pk]))
    )
    task_state.refresh_from_db()
    assert task_state.status == task_state.STATUS_IN_PROGRESS


@pytest.mark.parametrize("action", ["delete", "unpublish", "move", "publish"])
def test_11_bulk_actions_on_b_pages_are_refused(world, client_a, action):
    before = Page.objects.count(), _snapshot(world.b_live), _snapshot(world.b_draft)
    bulk = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    for query in (
        f"?id={world.b_live.pk}",
        f"?id={world.a_project.pk}&id={world.b_draft.pk}",
        f"?id=all&childOf={world.b.actor.pk}",
        f"?id=all&childOf={world.directory.pk}",
    ):
        assert_refused(client_a.get(bulk + query))
        assert_refused(
            client_a.post(bulk + query, {"move_applicable": "on", "chooser": world.a.actor.pk})
        )
    assert (Page.objects.count(), _snapshot(world.b_live), _snapshot(world.b_draft)) == before


def test_11_editor_can_open_the_same_views(world, client_e):
    for view in ("edit", "history", "revision compare", "copy", "move"):
        url = dict(_page_views(world))[view]
        assert client_e.get(url).status_code == HTTPStatus.OK, view


# --- 12. Copy or move into B's subtree ------------------------------------------------------


def _copy_data(parent, slug: str) -> dict:
    return {"new_title": "Copie", "new_slug": slug, "new_parent_page": parent}


def test_12_member_cannot_copy_own_page_into_b_subtree(world, client_a):
    url = reverse("wagtailadmin_pages:copy", args=[world.a_project.pk])
    assert client_a.get(url).status_code == HTTPStatus.OK
    before = Page.objects.count()
    for destination in (world.b.actor.pk, world.b_live.pk, world.b_draft.pk, world.directory.pk):
        assert_refused(client_a.post(url, _copy_data(destination, "copie-chez-beta")))
    # A hand-made POST without a destination, or with nonsense: refused, never a 500.
    for destination in ("", "abc", None):
        data = _copy_data(destination, "copie-chez-beta")
        if destination is None:
            del data["new_parent_page"]
        assert_refused(client_a.post(url, data))
    assert Page.objects.count() == before
    assert not Page.objects.filter(slug="copie-chez-beta").exists()
    # Copying within A's own space works (the same form, an allowed destination).
    response = client_a.post(url, _copy_data(world.a.actor.pk, "copie-chez-alpha"))
    assert response.status_code == HTTPStatus.FOUND
    copy = Page.objects.get(slug="copie-chez-alpha")
    assert copy.get_parent().pk == world.a.actor.pk and not copy.live


def test_12_member_cannot_move_own_page_into_b_subtree(world, client_a):
    confirm = reverse(
        "wagtailadmin_pages:move_confirm", args=[world.a_project.pk, world.b.actor.pk]
    )
    assert_refused(client_a.get(confirm))
    assert_refused(client_a.post(confirm))
    choose = reverse("wagtailadmin_pages:move", args=[world.a_project.pk])
    assert_refused(client_a.post(choose, {"new_parent_page": world.b.actor.pk}))
    world.a_project.refresh_from_db()
    assert world.a_project.get_parent().pk == world.a.actor.pk
    assert world.b.actor.get_children().count() == 2


def test_12_destination_chooser_offers_only_own_space(world, client_a, client_e):
    browse = reverse("wagtailadmin_choose_page_child", args=[world.directory.pk])
    for perms in ("copy_to", "move_to"):
        html = text_of(client_a.get(browse + f"?user_perms={perms}"))
        assert "Acteur Alpha" in html
        assert "Acteur Bêta" not in html
        b_actor = reverse("wagtailadmin_choose_page_child", args=[world.b.actor.pk])
        assert_refused(client_a.get(b_actor + f"?user_perms={perms}"))
        search = reverse("wagtailadmin_choose_page_search") + f"?q=Bêta&user_perms={perms}"
        response = client_a.get(search)
        assert response.status_code == HTTPStatus.OK
        assert "Bêta" not in text_of(response)
    # The same chooser offers B's space to the editor.
    assert "Acteur Bêta" in text_of(client_e.get(browse + "?user_perms=copy_to"))


# --- 13. Listings, choosers and search never show B's drafts --------------------------------


def _assert_no_b_drafts(response) -> None:
    content = text_of(response)
    for secret in SECRETS:
        assert secret not in content, secret


def test_13_explorer_lists_only_own_space(world, client_a):
    # Above its space, Wagtail sends the member to its own actor page.
    response = client_a.get(reverse("wagtailadmin_explore", args=[world.directory.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("wagtailadmin_explore", args=[world.a.actor.pk])
    html = text_of(client_a.get(response["Location"]))
    assert "Projet public d" in html
    assert "Bêta" not in html
    # B's space, B's pages: refused.
    for page in (world.b.actor, world.b_live, world.b_draft):
        assert_refused(client_a.get(reverse("wagtailadmin_explore", args=[page.pk])))


def test_13_page_chooser_browse_and_search_never_list_b_drafts(world, client_a):
    for url in (
        reverse("wagtailadmin_choose_page"),
        reverse("wagtailadmin_choose_page_child", args=[world.directory.pk]),
        reverse("wagtailadmin_choose_page_child", args=[world.b.actor.pk]),
        reverse("wagtailadmin_choose_page_search") + "?q=Bêta",
        reverse("wagtailadmin_choose_page_search") + "?q=brouillon",
        reverse("wagtailadmin_choose_page_search") + "?q=confidentiel",
    ):
        response = client_a.get(url)
        assert response.status_code == HTTPStatus.OK, url
        _assert_no_b_drafts(response)
    # Browsing into B's draft, or a page of B's with a pending draft (the chooser shows its
    # parent's draft title): refused.
    for page in (world.b_draft, world.b_live):
        assert_refused(client_a.get(reverse("wagtailadmin_choose_page_child", args=[page.pk])))
    # Asking the chooser to "choose" B's draft by its id (its answer names the draft title).
    chosen = reverse("wagtailadmin_choose_page_chosen_multiple")
    for page in (world.b_draft, world.b_live):
        assert_refused(client_a.get(chosen + f"?id={world.a_project.pk}&id={page.pk}"))
    assert client_a.get(chosen + f"?id={world.b.actor.pk}").status_code == HTTPStatus.OK
    # B's public pages stay choosable as link targets.
    public = client_a.get(reverse("wagtailadmin_choose_page_child", args=[world.directory.pk]))
    assert "Acteur Bêta" in text_of(public)
    # A's own drafts stay choosable.
    own = client_a.get(reverse("wagtailadmin_choose_page_child", args=[world.a.actor.pk]))
    assert "Projet public d&#x27;Alpha" in text_of(own) or "Projet public d'Alpha" in (text_of(own))


def test_13_admin_search_never_lists_b_drafts(world, client_a, client_e):
    for query in ("Bêta", "brouillon", "secret", "confidentiel"):
        response = client_a.get(reverse("wagtailadmin_pages:search") + f"?q={query}")
        assert response.status_code == HTTPStatus.OK
        _assert_no_b_drafts(response)
    # The editor's search finds them (the test can see a leak).
    editor = text_of(client_e.get(reverse("wagtailadmin_pages:search") + "?q=secret"))
    assert "Brouillon secret de Bêta" in editor


def test_13_project_form_never_lists_other_actors_drafts(world, client_a):
    ActorPageFactory(parent=world.directory, title="Acteur en attente", live=False)
    url = reverse("wagtailadmin_pages:add", args=["directory", "projectpage", world.a.actor.pk])
    html = text_of(client_a.get(url))
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
        assert response.status_code == HTTPStatus.FORBIDDEN, name
        _assert_no_b_drafts(response)


def test_16_admin_api_exposes_nothing_of_b(world, client_a, client_e):
    api = reverse("wagtailadmin_api:pages:listing")
    refused = [
        api + f"?child_of={world.b.actor.pk}&for_explorer=1",
        api + f"?descendant_of={world.b.actor.pk}",
        reverse("wagtailadmin_api:pages:detail", args=[world.b_draft.pk]),
        reverse("wagtailadmin_api:pages:detail", args=[world.b_live.pk]),
        reverse("wagtailadmin_api:pages:detail", args=[world.b.actor.pk]),
        reverse("wagtailadmin_api:images:listing"),
        reverse("wagtailadmin_api:images:detail", args=[world.b_image.pk]),
        reverse("wagtailadmin_api:documents:listing"),
        reverse("wagtailadmin_api:documents:detail", args=[world.b_doc.pk]),
    ]
    for url in refused:
        assert_refused(client_a.get(url))
    for url in (
        api + f"?child_of={world.directory.pk}&for_explorer=1",
        api + "?search=brouillon",
        api + "?search=confidentiel",
        api,
    ):
        response = client_a.get(url)
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST), url
        _assert_no_b_drafts(response)
        if response.status_code == HTTPStatus.OK:
            ids = {item["id"] for item in response.json()["items"]}
            assert not ids & {world.b_draft.pk, world.b_live.pk}, url
    # The API's page actions: nothing into B's space, nothing on B's pages.
    before = Page.objects.count(), _snapshot(world.a_project), _snapshot(world.b_live)
    for page, action, body in (
        (world.a_project, "copy", {"destination_page_id": world.b.actor.pk, "slug": "api"}),
        (world.a_project, "move", {"destination_page_id": world.b.actor.pk}),
        (world.b_live, "copy", {"destination_page_id": world.a.actor.pk, "slug": "api"}),
        (world.b_live, "unpublish", {}),
        (world.b_live, "revert_to_page_revision", {"revision_id": world.b_live.latest_revision_id}),
    ):
        url = reverse("wagtailadmin_api:pages:action", args=[page.pk, action])
        response = client_a.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == HTTPStatus.FORBIDDEN, (action, response.content)
    assert (Page.objects.count(), _snapshot(world.a_project), _snapshot(world.b_live)) == before
    own = client_a.get(reverse("wagtailadmin_api:pages:detail", args=[world.a_project.pk]))
    assert own.status_code == HTTPStatus.OK
    # The editor reaches B's draft through the same API.
    detail = reverse("wagtailadmin_api:pages:detail", args=[world.b_draft.pk])
    assert client_e.get(detail).status_code == HTTPStatus.OK


def test_13_image_and_document_choosers_list_only_own_and_shared(world, client_a):
    images = text_of(client_a.get(reverse("wagtailimages_chooser:choose")))
    assert "image-alpha" in images and "image-reseau" in images
    assert "image-beta" not in images
    documents = text_of(client_a.get(reverse("wagtaildocs_chooser:choose")))
    assert "document-alpha" in documents and "document-reseau" in documents
    assert "document-beta" not in documents
    for url in (
        reverse("wagtailimages_chooser:choose_results") + "?q=image",
        reverse("wagtailimages_chooser:choose") + f"?collection_id={world.b.space.collection.pk}",
        reverse("wagtaildocs_chooser:choose_results") + "?q=document",
    ):
        html = text_of(client_a.get(url))
        assert "image-beta" not in html and "document-beta" not in html, url
    # Choosing B's items by their id: refused; the shared ones: allowed.
    for url in (
        reverse("wagtailimages_chooser:chosen", args=[world.b_image.pk]),
        reverse("wagtailimages_chooser:select_format", args=[world.b_image.pk]),
        reverse("wagtaildocs_chooser:chosen", args=[world.b_doc.pk]),
        reverse("wagtailimages_chooser:chosen_multiple") + f"?id={world.b_image.pk}",
        reverse("wagtaildocs_chooser:chosen_multiple") + f"?id={world.b_doc.pk}",
    ):
        assert_refused(client_a.get(url))
    for url in (
        reverse("wagtailimages_chooser:chosen", args=[world.shared_image.pk]),
        reverse("wagtaildocs_chooser:chosen", args=[world.shared_doc.pk]),
    ):
        assert client_a.get(url).status_code == HTTPStatus.OK, url


def test_13_image_and_document_listings_show_only_own(world, client_a):
    images = text_of(client_a.get(reverse("wagtailimages:index")))
    assert "image-alpha" in images
    assert "image-beta" not in images
    documents = text_of(client_a.get(reverse("wagtaildocs:index")))
    assert "document-alpha" in documents
    assert "document-beta" not in documents
    b_collection = f"?collection_id={world.b.space.collection.pk}"
    assert "image-beta" not in text_of(client_a.get(reverse("wagtailimages:index") + b_collection))
    assert "document-beta" not in text_of(client_a.get(reverse("wagtaildocs:index") + b_collection))


def test_13_member_cannot_edit_or_delete_b_images_and_documents(world, client_a, client_e):
    for url in (
        reverse("wagtailimages:edit", args=[world.b_image.pk]),
        reverse("wagtailimages:delete", args=[world.b_image.pk]),
        reverse("wagtailimages:url_generator", args=[world.b_image.pk]),
        reverse("wagtailimages:image_usage", args=[world.b_image.pk]),
        reverse("wagtailimages:edit_multiple", args=[world.b_image.pk]),
        reverse("wagtailimages:delete_multiple", args=[world.b_image.pk]),
        reverse("wagtailimages:edit", args=[world.shared_image.pk]),
        reverse("wagtailimages:delete", args=[world.shared_image.pk]),
        reverse("wagtaildocs:edit", args=[world.b_doc.pk]),
        reverse("wagtaildocs:delete", args=[world.b_doc.pk]),
        reverse("wagtaildocs:document_usage", args=[world.b_doc.pk]),
        reverse("wagtaildocs:edit_multiple", args=[world.b_doc.pk]),
        reverse("wagtaildocs:delete_multiple", args=[world.b_doc.pk]),
        reverse("wagtaildocs:edit", args=[world.shared_doc.pk]),
        reverse("wagtail_bulk_action", args=["home", "customimage", "delete"])
        + f"?id={world.b_image.pk}",
        reverse("wagtail_bulk_action", args=["home", "customimage", "add_tags"])
        + f"?id={world.a_image.pk}&id={world.b_image.pk}",
        reverse("wagtail_bulk_action", args=["wagtaildocs", "document", "delete"])
        + f"?id={world.b_doc.pk}",
        reverse("wagtail_bulk_action", args=["wagtaildocs", "document", "delete"]) + "?id=all",
    ):
        assert_refused(client_a.get(url))
        assert_refused(client_a.post(url, {"title": "Piraté", "alt_text": "x"}))
    for item, title in (
        (world.b_image, "image-beta"),
        (world.shared_image, "image-reseau"),
        (world.b_doc, "document-beta"),
        (world.shared_doc, "document-reseau"),
    ):
        item.refresh_from_db()
        assert item.title == title
    # Their own: allowed.
    own = client_a.get(reverse("wagtailimages:edit", args=[world.a_image.pk]))
    assert own.status_code == HTTPStatus.OK
    bulk = reverse("wagtail_bulk_action", args=["home", "customimage", "add_tags"])
    assert client_a.get(bulk + f"?id={world.a_image.pk}").status_code == HTTPStatus.OK
    # The editor edits B's (the same URL is not refused to everyone).
    assert client_e.get(reverse("wagtailimages:edit", args=[world.b_image.pk])).status_code == 200


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
    # With one collection to add to, the form has no collection field: the crafted value is
    # ignored and the image lands in A's own collection.
    assert response.status_code == HTTPStatus.FOUND
    assert not CustomImage.objects.filter(collection=world.b.space.collection, title="chez-beta")
    assert CustomImage.objects.get(title="chez-beta").collection == world.a.space.collection


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
    assert "Suivi (équipe du réseau)" not in text_of(response)


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
    html = text_of(response)
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
        "/admin/collections/",
        "/admin/actor_pages/",
        "/admin/annuaire/acteurs/export.csv",
    ],
)
def test_16_member_is_refused_admin_areas_by_url(world, client_a, url):
    response = client_a.get(url)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Accès refusé" in text_of(response)


def test_16_member_cannot_reach_b_team_or_requests(world, client_a):
    response = client_a.get(reverse("member_space_team", args=[world.b.space.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    own = client_a.get(reverse("member_space_team", args=[world.a.space.pk]))
    assert own.status_code == HTTPStatus.OK
    assert "membre_b" not in text_of(own)


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
    assert not colleague.has_usable_password()
    invitation = [m for m in mail.outbox if m.to == ["jean@alpha.example"]]
    assert len(invitation) == 1
    assert "/admin/password_reset/confirm/" in invitation[0].body
    # Removing is for editors only.
    remove = reverse("member_space_remove", args=[world.a.space.pk, colleague.pk])
    assert_refused(client_a.post(remove))
    assert colleague.groups.exists()


NEUTRAL_REFUSAL = "Cette adresse ne peut pas être ajoutée depuis votre espace."


def _invite(client, world, email: str):
    url = reverse("member_space_team", args=[world.a.space.pk])
    return client.post(url, {"full_name": "Quelqu'un", "email": email})


def test_member_cannot_pull_other_accounts_into_its_team(world, client_a):
    """B's member, the editor, a superuser, a staff account, an account in another group:
    one neutral message next to the field, the account untouched, no e-mail."""
    User = get_user_model()
    admin = User.objects.create_superuser("admin", "admin@reseau.example", "x" * 16)
    staff = User.objects.create_user("staff", "staff@reseau.example", "x" * 16, is_staff=True)
    other = User.objects.create_user("autre", "autre@example.org", "x" * 16)
    other.groups.add(Group.objects.create(name="Comité de lecture"))
    targets = [world.b.user, world.editor, admin, staff, other]
    before = {user.pk: set(user.groups.values_list("pk", flat=True)) for user in targets}
    messages_seen = set()
    for user in targets:
        for email in (user.email, user.email.upper()):
            response = _invite(client_a, world, email)
            assert response.status_code == HTTPStatus.OK
            errors = response.context["form"].errors["email"]
            assert errors == [errors[0]] and errors[0].startswith(NEUTRAL_REFUSAL)
            messages_seen.add(errors[0])
            html = text_of(response)
            assert "Acteur Bêta" not in html and "Comité" not in html
    assert len(messages_seen) == 1  # the same words whatever the reason
    for user in targets:
        assert set(user.groups.values_list("pk", flat=True)) == before[user.pk]
    assert mail.outbox == []
    assert not User.objects.filter(groups=world.a.space.group).exclude(pk=world.a.user.pk)


def test_member_may_bring_back_an_account_in_no_group(world, client_a):
    former = get_user_model().objects.create_user("ancien", "ancien@alpha.example", "x" * 16)
    response = _invite(client_a, world, "Ancien@Alpha.example")
    assert response.status_code == HTTPStatus.FOUND
    assert list(former.groups.all()) == [world.a.space.group]
    # Inviting someone already in the team changes nothing.
    assert _invite(client_a, world, "ancien@alpha.example").status_code == HTTPStatus.FOUND
    assert former.groups.count() == 1


def test_editor_adds_an_existing_account_to_any_team(world, client_e):
    response = _invite(client_e, world, world.b.user.email)
    assert response.status_code == HTTPStatus.FOUND
    assert world.b.user.groups.filter(pk=world.a.space.group.pk).exists()
    assert world.b.user.groups.filter(pk=world.b.space.group.pk).exists()


def test_editor_removes_anyone(world, client_e):
    remove = reverse("member_space_remove", args=[world.b.space.pk, world.b.user.pk])
    assert client_e.post(remove).status_code == HTTPStatus.FOUND
    assert not world.b.user.groups.filter(pk=world.b.space.group.pk).exists()


def test_member_home_shows_votre_espace_with_what_waits(world, client_a):
    url = reverse("wagtailadmin_pages:edit", args=[world.a_project.pk])
    client_a.post(url, _edit_data(world.a_project, title="En attente", **{"action-submit": "1"}))
    html = text_of(client_a.get(reverse("wagtailadmin_home")))
    assert "Votre espace" in html
    assert reverse("wagtailadmin_pages:edit", args=[world.a.actor.pk]) in html
    for app, model in (
        ("directory", "projectpage"),
        ("events", "eventpage"),
        ("resources", "newspage"),
    ):
        assert reverse("wagtailadmin_pages:add", args=[app, model, world.a.actor.pk]) in html
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
