from http import HTTPStatus

import pytest

from home.tests.factories import StandardPageFactory, make_site_with_home


@pytest.mark.django_db
def test_home_and_standard_page_render(client):
    home = make_site_with_home()
    page = StandardPageFactory(parent=home, title="Le réseau", slug="le-reseau")
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert "<h1>Agir ensemble" in response.content.decode()
    response = client.get(page.url)
    assert response.status_code == HTTPStatus.OK
    assert "<h1>Le réseau</h1>" in response.content.decode()
