"""The anonymous page cache: served to visitors, never to editors, purged on publication."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model

from home.models import NavigationSettings, SiteIdentitySettings
from home.page_cache import HEADER
from home.tests.factories import StandardPageFactory, make_site_with_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    home = make_site_with_home()
    # Settings exist before the first visit (creating them purges the cache, as any change).
    SiteIdentitySettings.for_site(home.get_site())
    NavigationSettings.for_site(home.get_site())
    return StandardPageFactory(parent=home, title="Le réseau", slug="le-reseau")


def test_second_anonymous_visit_is_served_from_the_cache(client, page, django_assert_num_queries):
    first = client.get(page.url)
    assert first[HEADER] == "miss"
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        second = client.get(page.url)
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_publishing_a_change_purges_the_cache(client, page):
    client.get(page.url)
    page.title = "Le réseau régional"
    page.save_revision().publish()
    response = client.get(page.url)
    assert response[HEADER] == "miss"
    assert "Le réseau régional" in response.content.decode()


def test_unpublishing_purges_the_cache(client, page):
    client.get(page.url)
    page.unpublish()
    assert client.get(page.url).status_code == HTTPStatus.NOT_FOUND


def test_moving_a_page_purges_the_cache(client, page):
    other = StandardPageFactory(parent=page.get_parent(), title="Autre rubrique", slug="autre")
    client.get(page.url)
    page.move(other, pos="last-child")
    # Wagtail leaves a redirect from the old address.
    old = client.get("/le-reseau/")
    assert old.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert old["Location"] == "/autre/le-reseau/"
    assert client.get("/autre/le-reseau/").status_code == HTTPStatus.OK


def test_logged_in_editors_are_never_served_or_stored(client, page):
    client.get(page.url)  # stored for anonymous visitors
    user = get_user_model().objects.create_superuser("editrice", "e@example.org", "x" * 16)
    client.force_login(user)
    response = client.get(page.url)
    assert HEADER not in response
    assert "private" in response["Cache-Control"]
    # The editor's page (with the user bar) did not replace the anonymous copy.
    client.logout()
    anonymous = client.get(page.url)
    assert anonymous[HEADER] == "hit"
    assert "wagtail-userbar" not in anonymous.content.decode()


def test_pages_setting_a_cookie_are_not_stored(client, page, settings):
    # A page holding a form sets the CSRF cookie: it must never be shared.
    from django.test import RequestFactory

    from home.page_cache import PageCacheMiddleware

    def view_with_cookie(request):
        from django.http import HttpResponse

        response = HttpResponse("formulaire")
        response.page_cache_allowed = True
        response.set_cookie("csrftoken", "abc")
        return response

    middleware = PageCacheMiddleware(view_with_cookie)
    request = RequestFactory().get("/formulaire/")
    assert HEADER not in middleware(request)
    assert HEADER not in middleware(request)


def test_query_strings_are_part_of_the_key(client, page, monkeypatch):
    # As a listing declares the parameters it reads.
    monkeypatch.setattr(type(page), "cache_query_params", frozenset({"page"}), raising=False)
    client.get(page.url)
    assert client.get(f"{page.url}?page=2")[HEADER] == "miss"
    assert client.get(f"{page.url}?page=2")[HEADER] == "hit"


def test_previews_and_posts_bypass_the_cache(client, page):
    client.get(page.url)
    assert HEADER not in client.get(f"{page.url}?preview=1")
    assert client.post(page.url).status_code in (HTTPStatus.OK, HTTPStatus.METHOD_NOT_ALLOWED)


def test_pages_from_the_cache_carry_the_content_security_policy(client, page):
    first = client.get(page.url)
    second = client.get(page.url)
    assert second[HEADER] == "hit"
    for response in (first, second):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "object-src 'none'" in policy
        assert "https://tile.openstreetmap.org" in policy  # the map's tiles stay allowed


def test_pages_stored_before_the_publication_commits_are_dropped_after_it(
    client, page, django_capture_on_commit_callbacks
):
    """Another worker may render the page between the publication and its commit (reading the
    old rows) and store it under the new generation: the commit purges again."""
    with django_capture_on_commit_callbacks() as callbacks:
        page.title = "Le réseau régional"
        page.save_revision().publish()
        assert client.get(page.url)[HEADER] == "miss"  # stored before the commit
        assert client.get(page.url)[HEADER] == "hit"
    for callback in callbacks:
        callback()  # the transaction commits
    assert client.get(page.url)[HEADER] == "miss"
