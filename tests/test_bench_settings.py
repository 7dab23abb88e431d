"""The ceiling view `make bench` compares pages to exists under the bench settings only."""

from http import HTTPStatus

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_the_site_does_not_serve_the_bench_ceiling(client):
    assert client.get("/bench/ceiling/").status_code == HTTPStatus.NOT_FOUND


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_bench_urls_add_the_ceiling_to_the_site(client):
    response = client.get("/bench/ceiling/")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok"
    # The project's own routes are still there.
    assert client.get("/robots.txt").status_code == HTTPStatus.OK
