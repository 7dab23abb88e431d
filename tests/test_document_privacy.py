"""Documents follow the privacy of the pages that use them: a document only restricted
pages use is served to those who may see one of those pages, and never listed by the
search."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from home.document_privacy import private_document_ids
from home.tests.factories import make_site_with_home
from resources.models import ResourceDocument
from resources.tests.factories import ResourceIndexPageFactory, ResourcePageFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-du-groupe"


def _document(title: str, filename: str) -> Document:
    document = Document(title=title)
    document.file.save(filename, ContentFile(b"%PDF-1.4\n" + b"x" * 200), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def _page_offering(parent, title: str, *documents: Document):
    page = ResourcePageFactory(parent=parent, title=title)
    for document in documents:
        page.documents.add(ResourceDocument(document=document))
    page.save_revision().publish()
    return page


@pytest.fixture
def world(settings, tmp_path):
    # Served from disk, as in production (the suite's in-memory storage cannot be served).
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    resources = ResourceIndexPageFactory(parent=make_site_with_home())
    secret = _document("Budget interne Madagascar", "budget-interne.pdf")
    shared = _document("Charte commune Madagascar", "charte.pdf")
    public = _document("Guide public Madagascar", "guide.pdf")
    protected = _page_offering(resources, "Espace du groupe pays", secret, shared)
    restriction = PageViewRestriction.objects.create(
        page=protected, restriction_type=PageViewRestriction.PASSWORD, password=PASSWORD
    )
    _page_offering(resources, "Ressources ouvertes", shared, public)
    return {
        "secret": secret,
        "shared": shared,
        "public": public,
        "page": protected,
        "restriction": restriction,
        "resources": resources,
    }


def test_a_document_only_a_password_protected_page_uses_is_refused(client, world):
    response = client.get(world["secret"].url)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "page protégée" in response.content.decode()
    # Also used by a public page, or only by one: served as before.
    assert client.get(world["shared"].url).status_code == HTTPStatus.OK
    assert client.get(world["public"].url).status_code == HTTPStatus.OK


def test_the_page_password_opens_its_documents(client, world):
    unlock = reverse(
        "wagtailcore_authenticate_with_password",
        args=[world["restriction"].pk, world["page"].pk],
    )
    client.post(unlock, {"password": PASSWORD, "return_url": world["page"].url})
    response = client.get(world["secret"].url)
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_login_restricted_page_sends_visitors_to_log_in_first(client, world):
    world["restriction"].restriction_type = PageViewRestriction.LOGIN
    world["restriction"].save()
    response = client.get(world["secret"].url)
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]
    user = get_user_model().objects.create_user("membre", "m@example.org", "x" * 16)
    client.force_login(user)
    assert client.get(world["secret"].url).status_code == HTTPStatus.OK


def test_editors_may_always_download(client, world):
    editor = get_user_model().objects.create_superuser("admin", "a@example.org", "x" * 16)
    client.force_login(editor)
    assert client.get(world["secret"].url).status_code == HTTPStatus.OK


def test_the_search_never_lists_a_document_only_restricted_pages_use(client, world):
    assert private_document_ids() == {world["secret"].pk}
    html = client.get("/recherche/", {"q": "madagascar"}).content.decode()
    assert "Guide public Madagascar" in html
    assert "Charte commune Madagascar" in html
    assert "Budget interne Madagascar" not in html


def test_lifting_the_restriction_makes_the_document_public_again(client, world):
    world["restriction"].delete()
    assert private_document_ids() == set()
    assert client.get(world["secret"].url).status_code == HTTPStatus.OK


def test_restricting_a_page_hides_its_document_from_a_search_already_made(client, world):
    restriction = world["restriction"]
    restriction.delete()
    assert "Budget interne Madagascar" in client.get("/recherche/", {"q": "budget"}).text
    PageViewRestriction.objects.create(
        page=world["page"], restriction_type=PageViewRestriction.LOGIN
    )
    assert "Budget interne Madagascar" not in client.get("/recherche/", {"q": "budget"}).text
