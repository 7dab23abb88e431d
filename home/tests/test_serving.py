"""Pages served with their site, route, settings and privacy kept in the worker's memory:
fewer queries, and never a page at an address it left, nor a private page shown."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from home.caches import PAGES
from home.caching import Generation, ProcessMemo, RequestScopeMiddleware
from home.models import NavigationSettings, SiteIdentitySettings
from home.tests.factories import StandardPageFactory, make_site_with_home

pytestmark = pytest.mark.django_db

# Carried by every request below: a session cookie keeps the anonymous page cache aside, so
# each request renders the page.
SESSION = {"sessionid": "visiteur"}


@pytest.fixture
def section(client):
    home = make_site_with_home()
    SiteIdentitySettings.for_site(home.get_site())
    NavigationSettings.for_site(home.get_site())
    client.cookies.load(SESSION)
    return StandardPageFactory(parent=home, title="Le réseau", slug="le-reseau")


def test_a_page_served_again_is_found_with_fewer_queries(client, section):
    with CaptureQueriesContext(connection) as first:
        assert client.get("/le-reseau/").status_code == HTTPStatus.OK
    with CaptureQueriesContext(connection) as second:
        response = client.get("/le-reseau/")
    assert response.status_code == HTTPStatus.OK
    assert "Le réseau" in response.content.decode()
    # The site, its settings, the route (slug then specific row at each level) and the view
    # restrictions came from the database the first time only.
    assert len(second) <= len(first) - 5
    tables = " ".join(query["sql"] for query in second.captured_queries)
    assert "wagtailcore_site" not in tables
    assert "wagtailcore_pageviewrestriction" not in tables
    assert "home_navigationsettings" not in tables


def test_a_view_outside_the_page_tree_finds_the_site_in_memory_before_any_page(client, section):
    # The search is a Django view: only its site settings (the page's title, the footer)
    # need the site, and no page view has remembered it yet.
    assert client.get("/recherche/", {"q": "réseau"}).status_code == HTTPStatus.OK
    with CaptureQueriesContext(connection) as second:
        response = client.get("/recherche/", {"q": "réseau"})
    assert response.status_code == HTTPStatus.OK
    tables = " ".join(query["sql"] for query in second.captured_queries)
    assert "wagtailcore_site" not in tables


def test_a_page_renamed_and_published_leaves_its_old_address(client, section):
    client.get("/le-reseau/")
    section.slug = "notre-reseau"
    section.save_revision().publish()
    assert client.get("/notre-reseau/").status_code == HTTPStatus.OK
    assert client.get("/le-reseau/").status_code != HTTPStatus.OK


def test_a_slug_changed_without_publication_is_not_served_at_the_old_address(client, section):
    client.get("/le-reseau/")
    # A script saving the live row directly: no publication signal empties the memory.
    type(section).objects.filter(pk=section.pk).update(
        slug="ailleurs", url_path=section.url_path.replace("le-reseau", "ailleurs")
    )
    assert client.get("/le-reseau/").status_code == HTTPStatus.NOT_FOUND


def test_an_unpublished_page_is_gone_at_once(client, section):
    client.get("/le-reseau/")
    section.unpublish()
    assert client.get("/le-reseau/").status_code == HTTPStatus.NOT_FOUND


def test_a_page_made_private_after_a_visit_asks_for_a_login(client, section):
    assert client.get("/le-reseau/").status_code == HTTPStatus.OK
    restriction = PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Adhérents"))
    response = client.get("/le-reseau/")
    assert response.status_code == HTTPStatus.FOUND
    assert "next=/le-reseau/" in response["Location"]
    # Nor does it stay in the section's list of public pages.
    listing = client.get(section.get_parent().url)
    assert "/le-reseau/" not in listing.content.decode()


def test_a_password_protected_page_is_protected_when_served_from_memory(client, section):
    client.get("/le-reseau/")
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="secret-de-test"
    )
    response = client.get("/le-reseau/")
    # Wagtail's password form, not the page.
    assert response.context["form"].fields["password"]
    assert response.context["action_url"].startswith("/_util/authenticate_with_password/")


def test_a_saved_setting_shows_on_the_next_page(client, section):
    client.get("/le-reseau/")
    identity = SiteIdentitySettings.for_site(section.get_site())
    identity.organisation_name = "Réseau régional de test"
    identity.save()
    assert "Réseau régional de test" in client.get("/le-reseau/").content.decode()


def test_a_site_given_a_new_host_name_answers_under_it(client, section):
    client.get("/le-reseau/")
    site = Site.objects.get(is_default_site=True)
    site.hostname = "portail.example.org"
    site.is_default_site = False
    site.save()
    assert client.get("/le-reseau/", HTTP_HOST="testserver").status_code == HTTPStatus.NOT_FOUND


def test_each_generation_is_read_once_per_request(rf):
    generation = Generation("test-serving")
    generation.get()  # stored before the request
    reads = []

    def view(request):
        original = cache.get

        def counting_get(key, *args, **kwargs):
            reads.append(key)
            return original(key, *args, **kwargs)

        cache.get = counting_get
        try:
            first = generation.get()
            assert generation.get() == first
            generation.bump()  # the request that bumps reads the new value
            assert generation.get() == first + 1
        finally:
            del cache.get
        return None

    RequestScopeMiddleware(view)(rf.get("/"))
    assert reads.count(generation.key) == 2  # once, then once after its own bump


def test_a_process_memo_forgets_on_a_bump_and_holds_a_bounded_number_of_values():
    generation = Generation("test-serving-memo")
    memo = ProcessMemo(generation, max_entries=2)
    builds = []

    def build(value):
        def run():
            builds.append(value)
            return value

        return run

    assert memo.get_or_build("a", build("A")) == "A"
    assert memo.get_or_build("a", build("other")) == "A"  # kept
    generation.bump()
    assert memo.get_or_build("a", build("A2")) == "A2"  # forgotten after the bump
    memo.get_or_build("b", build("B"))
    memo.get_or_build("c", build("C"))  # over the bound: built, not kept
    assert memo.get("c") is None
    assert builds == ["A", "A2", "B", "C"]


def test_a_process_memo_keeps_nothing_when_the_cache_does_not_answer(monkeypatch):
    memo = ProcessMemo(PAGES)
    monkeypatch.setattr(Generation, "read", lambda self: (1, False))
    builds = []
    memo.get_or_build("site", lambda: builds.append(1) or "site")
    memo.get_or_build("site", lambda: builds.append(1) or "site")
    assert len(builds) == 2
