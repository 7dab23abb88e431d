from http import HTTPStatus

import pytest

from home.tests.factories import StandardPageFactory, make_site_with_home
from home.tests.visible_text import texts_of


@pytest.mark.django_db
def test_home_and_standard_page_render(client):
    home = make_site_with_home()
    page = StandardPageFactory(parent=home, title="Le réseau", slug="le-reseau")
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    [title] = texts_of(response.content.decode(), "h1")
    assert title.startswith("Agir ensemble")
    response = client.get(page.url)
    assert response.status_code == HTTPStatus.OK
    assert texts_of(response.content.decode(), "h1") == ["Le réseau"]
