"""No English on the admin screens editors and members use: every listing, create and edit
view of every admin model and page type, as an editor and as a member, plus the login page
and the dashboard, searched for words that Wagtail's French translation should never leave.
"""

from __future__ import annotations

import contextlib
import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Page, get_page_models

from directory.tests.factories import ActorPageFactory, DirectoryPageFactory, ProjectPageFactory
from directory.tests.registration_helpers import make_editor, make_member, make_request
from events.tests.factories import EventIndexPageFactory, RegistrationFactory, make_event
from home.demo_content import editors_group
from home.tests.factories import make_site_with_home
from home.tests.visible_text import visible_text
from resources.tests.factories import (
    CallForProjectsPageFactory,
    CallIndexPageFactory,
    GroupIndexPageFactory,
    GroupPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    OpportunityIndexPageFactory,
    OpportunityPageFactory,
    ResourceIndexPageFactory,
    ResourcePageFactory,
)

pytestmark = pytest.mark.django_db

# English a French admin must never show: Wagtail's and Django's own words when a label of
# ours or a missing translation lets them through. Matched as whole words, case-sensitive.
ENGLISH = [
    "Full name",
    "Password",
    "Username",
    "Add",
    "Edit",
    "Delete",
    "Save",
    "Search",
    "Filter",
    "Filters",
    "None",
    "Status",
    "Choose",
    "Cancel",
    "Inspect",
    "Publish",
    "Preview",
    "Draft",
    "Settings",
    "Title",
    "Name",
    "Created",
    "Updated",
    "Yes",
    "Sort by",
    "New",
    "Select",
    "Show",
    "Submit",
    "blank",
    "Log in",
    "Sign in",
    "Dashboard",
    "Country",
]
# And the gender-neutral stopgap of Wagtail's French catalogue.
AWKWARD_RE = re.compile(r"(?<!\w)un\(e\)")
ENGLISH_RE = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w-])")


def english_in(html: str) -> list[str]:
    text = visible_text(html)
    found = [match.group(0) for match in ENGLISH_RE.finditer(text)]
    found += [match.group(0) for match in AWKWARD_RE.finditer(text)]
    return sorted(set(found))


@pytest.fixture
def world():
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    actor = ActorPageFactory(parent=directory, title="Eau Vive Gironde")
    ProjectPageFactory(parent=actor, title="Puits au Sahel")
    agenda = EventIndexPageFactory(parent=home)
    event = make_event(parent=agenda, title="Formation au montage de projet")
    make_event(parent=actor, title="Atelier de l'acteur")
    RegistrationFactory(event=event)
    calls = CallIndexPageFactory(parent=home)
    CallForProjectsPageFactory(parent=calls)
    NewsPageFactory(parent=NewsIndexPageFactory(parent=home))
    NewsPageFactory(parent=actor, title="Actualité de l'acteur")
    OpportunityPageFactory(parent=OpportunityIndexPageFactory(parent=home))
    ResourcePageFactory(parent=ResourceIndexPageFactory(parent=home))
    GroupPageFactory(parent=GroupIndexPageFactory(parent=home))
    make_request()
    editor = make_editor()
    group, _created, _added = editors_group(home)
    editor.groups.add(group)
    # What the network's team manages besides pages: registrations and the taxonomies.
    for codename in ("view_registration", "change_registration", "add_registration"):
        group.permissions.add(Permission.objects.get(codename=codename))
    member = make_member(actor, "membre")
    return {"home": home, "actor": actor, "editor": editor, "member": member}


def model_urls() -> list[str]:
    """Listing, create and edit views of every admin model (snippets and model viewsets)."""
    urls = []
    for viewset in viewsets.viewsets:
        if isinstance(viewset, PageListingViewSet) and viewset.name:
            urls.append(reverse(f"{viewset.name}:index"))
        if not isinstance(viewset, ModelViewSet):
            continue
        for action in ("index", "add"):
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(viewset.get_url_name(action)))
        instance = viewset.model._default_manager.first()
        if instance is not None:
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(viewset.get_url_name("edit"), args=[instance.pk]))
    return urls


def page_urls() -> list[str]:
    """The add view of every page type under a parent that takes it, and the edit view and
    the explorer of a page of each type."""
    urls = ["/admin/pages/"]
    parents = [page.specific for page in Page.objects.filter(depth__gte=2)]
    for model in get_page_models():
        if model is Page:
            continue
        parent = next((page for page in parents if model.can_create_at(page)), None)
        if parent is not None:
            urls.append(
                reverse(
                    "wagtailadmin_pages:add",
                    args=[model._meta.app_label, model._meta.model_name, parent.pk],
                )
            )
        page = model.objects.first()
        if page is not None:
            urls.append(reverse("wagtailadmin_pages:edit", args=[page.pk]))
            urls.append(reverse("wagtailadmin_explore", args=[page.pk]))
    return urls


def in_context(html: str) -> list[str]:
    """Each English word found with the text around it, for the failure message."""
    text = visible_text(html)
    return sorted(
        {
            f"{word}: …{text[max(0, i - 40) : i + 40]}…"
            for word in english_in(html)
            for i in [text.find(word)]
        }
    )


def walk(client, urls: list[str]) -> dict[str, list[str]]:
    found = {}
    for url in dict.fromkeys(urls):
        response = client.get(url)
        if response.status_code != HTTPStatus.OK:
            continue  # refused to this role: nothing shown
        html = response.content.decode()
        if english_in(html):
            found[url] = in_context(html)
    return found


def test_login_page_is_french(client, world):
    html = client.get("/admin/login/").content.decode()
    assert english_in(html) == []
    assert "Mot de passe" in visible_text(html)


def test_no_english_on_any_admin_screen_of_an_editor(client, world):
    client.force_login(world["editor"])
    urls = ["/admin/", *model_urls(), *page_urls(), "/admin/images/", "/admin/documents/"]
    assert len(urls) > 40
    assert "/admin/actor_pages/" in urls
    assert "/admin/inscriptions/" in urls
    assert walk(client, urls) == {}


def test_no_english_on_any_admin_screen_of_a_member(client, world):
    client.force_login(world["member"].user)
    actor = world["actor"]
    urls = [
        "/admin/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/account/",
        *page_urls(),
        reverse("member_space_team", args=[world["member"].space.pk]),
    ]
    answered = [url for url in urls if client.get(url).status_code == HTTPStatus.OK]
    # The member does reach its own page, its children's add views and its dashboard.
    assert reverse("wagtailadmin_pages:edit", args=[actor.pk]) in answered
    assert len(answered) >= 8
    assert walk(client, answered) == {}


def test_add_buttons_name_the_thing_with_its_article(client, world):
    client.force_login(world["editor"])
    for url, label in (
        ("/admin/inscriptions/", "Ajouter une inscription"),
        ("/admin/actor_pages/", "Ajouter une fiche acteur"),
        ("/admin/call_pages/", "Ajouter un appel à projets"),
    ):
        assert label in client.get(url).content.decode(), url
    text = visible_text(client.get("/admin/inscriptions/").content.decode())
    assert "Nom complet" in text


def test_the_check_finds_english_when_there_is_some():
    assert english_in("<p>Full name</p><script>Delete</script>") == ["Full name"]
    assert english_in("<button>Ajouter un(e) fiche</button>") == ["un(e)"]
    assert english_in("<p>Nom complet, Supprimer</p>") == []
