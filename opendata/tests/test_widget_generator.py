"""The widgets' snippet generator: on an actor's admin page (editors, and the actor's own
members only) and in the open-data page's "Widgets" section (the `open_data_page_sections`
hook)."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from wagtail import hooks

from directory.tests.factories import ActorPageFactory, DirectoryPageFactory
from directory.tests.registration_helpers import make_editor, make_member
from home.tests.factories import make_site_with_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    return {
        "a": ActorPageFactory(parent=directory, title="Acteur Alpha", slug="acteur-alpha"),
        "b": ActorPageFactory(parent=directory, title="Acteur Bêta", slug="acteur-beta"),
    }


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def iframe_of(html: str):
    """The <iframe> written in the generator's read-only textarea."""
    soup = BeautifulSoup(html, "html.parser")
    textarea = soup.select_one("textarea[data-generator-code]")
    assert textarea is not None and textarea.has_attr("readonly")
    code = BeautifulSoup(textarea.decode_contents(), "html.parser")
    return code.find("iframe")


def test_a_member_gets_its_own_actor_snippet_and_not_another(actors):
    member = make_member(actors["a"], "membre_a")
    client = logged_in(member.user)
    response = client.get(f"/admin/widgets/acteur/{actors['a'].pk}/")
    assert response.status_code == HTTPStatus.OK
    iframe = iframe_of(response.content.decode())
    assert iframe["src"] == "http://localhost/widgets/acteur/acteur-alpha/"
    # The frame's title names the actor for the screen readers of the member's site.
    assert iframe["title"] == "Acteur Alpha : événements et projets – SO Coopération"
    assert iframe["loading"] == "lazy"
    assert iframe["width"] and iframe["height"]
    # The preview shows the same widget; the copy button is there for the script.
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.select_one("iframe[data-generator-preview]")["src"] == iframe["src"]
    assert soup.select_one("button[data-generator-copy]") is not None
    # Another member's actor: refused, and nothing of it shown.
    refused = client.get(f"/admin/widgets/acteur/{actors['b'].pk}/")
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "acteur-beta" not in refused.content.decode()


def test_the_member_cannot_swap_the_actor_through_the_query_string(actors):
    member = make_member(actors["a"], "membre_a")
    response = logged_in(member.user).get(
        f"/admin/widgets/acteur/{actors['a'].pk}/?widget=acteur&actor=acteur-beta"
    )
    assert iframe_of(response.content.decode())["src"].endswith("/widgets/acteur/acteur-alpha/")


def test_an_editor_gets_any_actor_and_any_widget_with_its_filters(actors):
    editor = make_editor()
    client = logged_in(editor)
    url = f"/admin/widgets/acteur/{actors['b'].pk}/"
    assert iframe_of(client.get(url).content.decode())["src"].endswith("/acteur-beta/")
    # The form's GET (without JavaScript) gives the chosen widget with its own filters only.
    response = client.get(f"{url}?widget=carte&odd=6&departement=33&type=formation&height=600")
    iframe = iframe_of(response.content.decode())
    assert iframe["src"] == "http://localhost/widgets/carte/?odd=6&departement=33"
    assert iframe["height"] == "600"
    # Bad values fall back to the defaults, never a 500.
    response = client.get(f"{url}?widget=carte&odd=99&height=abc")
    assert response.status_code == HTTPStatus.OK
    assert iframe_of(response.content.decode())["src"] == "http://localhost/widgets/carte/"


def test_actor_page_header_links_to_the_generator_for_whoever_may_edit(actors):
    member = make_member(actors["a"], "membre_a")
    response = logged_in(member.user).get(f"/admin/pages/{actors['a'].pk}/edit/")
    assert response.status_code == HTTPStatus.OK
    assert f"/admin/widgets/acteur/{actors['a'].pk}/" in response.content.decode()


def test_a_members_dashboard_links_to_its_own_actors_widgets_only(actors):
    member = make_member(actors["a"], "membre_a")
    html = logged_in(member.user).get("/admin/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    panel = soup.select_one("#votre-espace-section")
    links = [a["href"] for a in panel.select(".member-widgets a")]
    assert links == [f"/admin/widgets/acteur/{actors['a'].pk}/"]
    assert "Obtenir le code du widget" in panel.get_text()
    assert f"/admin/widgets/acteur/{actors['b'].pk}/" not in html


def test_open_data_page_section_offers_every_widget(actors, rf):
    request = rf.get("/donnees-ouvertes/")
    sections = [fn(request) for fn in hooks.get_hooks("open_data_page_sections")]
    section = next(s for s in sections if getattr(s, "id", None) == "widgets")
    assert section["title"] == section.title == "Widgets pour votre site"
    soup = BeautifulSoup(str(section.html), "html.parser")
    choices = [option["value"] for option in soup.select("select[name=widget] option")]
    assert choices == ["acteur", "carte", "agenda", "appels"]
    assert soup.select_one("label[for=widget-actor]") is not None
    assert iframe_of(str(section.html))["src"] == "http://localhost/widgets/agenda/"


def test_a_hostile_actor_value_gives_no_code(actors, rf):
    from opendata.widgets_admin import open_data_widgets_section

    request = rf.get("/donnees-ouvertes/", {"widget": "acteur", "actor": '"><script>x</script>'})
    html = str(open_data_widgets_section(request).html)
    assert "<script>x" not in html
    assert iframe_of(html) is None


def test_a_hostile_actor_name_stays_text_in_the_code_and_the_scripts_titles(actors):
    hostile = '"><script>alert(1)</script>'
    actor = ActorPageFactory(
        parent=actors["a"].get_parent(), title=f"Acteur {hostile}", slug="acteur-hostile"
    )
    response = logged_in(make_editor()).get(f"/admin/widgets/acteur/{actor.pk}/")
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert iframe_of(html)["title"] == f"Acteur {hostile} : événements et projets – SO Coopération"
    soup = BeautifulSoup(html, "html.parser")
    titles = json.loads(soup.find(id="widget-titles").string)
    assert titles["acteur"] == iframe_of(html)["title"]
    assert titles["carte"] == "Carte des acteurs – SO Coopération"
