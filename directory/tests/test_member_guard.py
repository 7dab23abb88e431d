"""The members' admin guard is default-deny, and every admin URL is classified."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from directory.middleware import MEMBER_VIEWS, classify, member_may_open

from .factories import ActorPageFactory, ProjectPageFactory
from .registration_helpers import make_member


def _admin_view_names() -> set[str]:
    """The URL name of every view below /admin/, with its namespaces."""
    names: set[str] = set()

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and prefix.startswith("admin/"):
                name = pattern.name or ""
                names.add(f"{namespace}:{name}" if namespace and name else name)

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_admin_view_is_classified_for_members():
    """A view that a Wagtail upgrade (or a new hook) adds is refused to members by default;
    this test then asks someone to decide whether members may open it, and with what check."""
    names = _admin_view_names()
    assert "wagtailadmin_pages:edit" in names  # the walk found Wagtail's admin
    unclassified = sorted(name for name in names if classify(name) is None)
    assert unclassified == [], f"admin views nobody classified for members: {unclassified}"


def test_allowed_views_exist():
    """No stale entry: every view members may open is still a real admin view."""
    stale = sorted(set(MEMBER_VIEWS) - _admin_view_names())
    assert stale == []


def test_an_unknown_admin_view_is_refused_to_members(rf: RequestFactory):
    request = rf.get("/admin/nouvelle-vue/")
    assert member_may_open(request, "wagtailadmin_pages:nouvelle_vue_inconnue", {}) is False
    assert member_may_open(request, "", {}) is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/rapports/recherches-frequentes/",
        "/admin/forms/",
        "/admin/inscriptions/",
        "/admin/pages/usage/directory/actorpage/",
        "/admin/failwhale/",
        "/admin/une-adresse-qui-n-existe-pas/",
    ],
)
def test_views_outside_the_member_space_answer_403(directory, url):
    member = make_member(ActorPageFactory(parent=directory, title="Acteur Alpha"), "membre_a")
    client = Client()
    client.force_login(member.user)
    response = client.get(url)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Accès refusé" in response.text


@pytest.mark.django_db
def test_a_member_still_reaches_its_own_space(directory):
    actor = ActorPageFactory(parent=directory, title="Acteur Alpha")
    project = ProjectPageFactory(parent=actor, title="Projet d'Alpha")
    member = make_member(actor, "membre_a")
    client = Client()
    client.force_login(member.user)
    for url in (
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[actor.pk]),
        reverse("wagtailadmin_pages:edit", args=[project.pk]),
        reverse("wagtailadmin_pages:history", args=[project.pk]),
        reverse("wagtailimages:index"),
        reverse("wagtaildocs:index"),
        reverse("wagtailadmin_account"),
    ):
        assert client.get(url).status_code == HTTPStatus.OK, url
