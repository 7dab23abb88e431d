"""Security headers: the same on a page served from the page cache as on a fresh one, a
Permissions-Policy on every response, and the admin's own Content-Security-Policy."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from directory.tests.registration_helpers import make_editor
from home.models import NavigationSettings, SiteIdentitySettings
from home.page_cache import HEADER
from home.tests.factories import StandardPageFactory, make_site_with_home

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture
def page():
    home = make_site_with_home()
    SiteIdentitySettings.for_site(home.get_site())
    NavigationSettings.for_site(home.get_site())
    return StandardPageFactory(parent=home, title="Le réseau", slug="le-reseau")


def security_headers(response) -> dict[str, str]:
    return {name: response.headers.get(name) for name in SECURITY_HEADERS}


@pytest.mark.parametrize("url", ["/", "/le-reseau/"])
def test_a_page_from_the_cache_has_the_headers_of_a_fresh_one(client, page, url):
    fresh = client.get(url)
    cached = client.get(url)
    assert (fresh[HEADER], cached[HEADER]) == ("miss", "hit")
    assert None not in security_headers(fresh).values(), security_headers(fresh)
    assert security_headers(cached) == security_headers(fresh)
    assert cached["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/", "/healthz", "/page-qui-n-existe-pas/", "/admin/login/"])
def test_every_response_has_a_permissions_policy(client, page, url):
    policy = client.get(url)["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"):
        assert f"{feature}=()" in policy


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


def _assert_admin_policy(response) -> None:
    enforced = _directives(response["Content-Security-Policy"])
    assert enforced["object-src"] == ["'none'"]
    assert enforced["frame-ancestors"] == ["'self'"]  # previews frame the admin's own pages
    assert enforced["default-src"] == ["'self'"]
    assert "'unsafe-eval'" not in enforced["script-src"]
    assert set(enforced["img-src"]) >= {"data:", "blob:"}
    report_only = _directives(response["Content-Security-Policy-Report-Only"])
    assert "'unsafe-inline'" not in report_only["script-src"]


def test_the_admin_login_has_its_own_policy(client, page):
    response = client.get("/admin/login/")
    assert response.status_code == HTTPStatus.OK
    _assert_admin_policy(response)
    # Not the public policy, which forbids any framing and inline scripts.
    assert "frame-ancestors 'none'" not in response["Content-Security-Policy"]


def test_an_editor_works_in_the_admin_under_its_policy(client, page):
    client.force_login(make_editor())
    for url in ("/admin/", f"/admin/pages/{page.pk}/edit/", f"/admin/pages/{page.pk}/"):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        _assert_admin_policy(response)


def test_public_pages_keep_the_public_policy(client, page):
    policy = _directives(client.get(page.url)["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
