import csv
import io
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from directory.blocks import DirectoryKeyFiguresBlock
from directory.models import ActorPage
from home.tests.visible_text import table_rows, texts_of

from .factories import ActorPageFactory, ProjectPageFactory, college, countries, sdgs

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors(directory):
    return [
        ActorPageFactory(
            parent=directory,
            title="=Formule",
            qualification_status=ActorPage.Qualification.TO_QUALIFY,
            internal_notes="NOTE-SECRETE",
            private_contact_email="prive@example.org",
            sdgs=sdgs(6),
            countries=countries("BF"),
        ),
        ActorPageFactory(
            parent=directory,
            title="Commune exemple",
            college=college("collectivites"),
            postcode="86000",
        ),
        ActorPageFactory(parent=directory, title="Brouillon", live=False),
    ]


@pytest.fixture
def member(django_user_model, directory):
    """An admin user who may edit pages but is not one of the network's editors."""
    user = django_user_model.objects.create_user("membre", "membre@example.org", "x" * 14)
    group = Group.objects.create(name="Membres")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(group=group, page=directory, permission_type="change")
    user.groups.add(group)
    return user


def test_editors_actor_listing_with_filters(admin_client, actors):
    response = admin_client.get("/admin/actor_pages/")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Commune exemple" in content and "Brouillon" in content
    assert "Qualification" in content and "À qualifier" in content
    response = admin_client.get("/admin/actor_pages/?qualification_status=a_qualifier")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "=Formule" in content
    assert "Commune exemple" not in content
    response = admin_client.get(f"/admin/actor_pages/?college={college('collectivites').pk}")
    assert "Commune exemple" in response.content.decode()
    assert (
        "/admin/annuaire/acteurs/export.csv"
        in admin_client.get("/admin/actor_pages/").content.decode()
    )


def test_full_export_for_editors_only(admin_client, client, member, actors):
    response = admin_client.get("/admin/annuaire/acteurs/export.csv")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert content.startswith("\ufeff")  # UTF-8 with a byte-order mark, `;` separated
    rows = list(csv.DictReader(io.StringIO(content[1:]), delimiter=";"))
    assert len(rows) == 3  # drafts included
    formula = next(row for row in rows if row["nom"] == "'=Formule")
    assert formula["notes_internes"] == "NOTE-SECRETE"
    assert formula["contact_email"] == "prive@example.org"
    assert formula["qualification"] == "À qualifier"  # the label, not the code
    client.force_login(member)
    refused = client.get("/admin/annuaire/acteurs/export.csv")
    # Wagtail's admin answers a refused permission with a redirect to the dashboard.
    assert refused.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert b"NOTE-SECRETE" not in refused.content
    assert client.get("/admin/actor_pages/").status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


def test_editor_only_fields_hidden_from_members(client, member, actors):
    client.force_login(member)
    actor = actors[0]
    response = client.get(f"/admin/pages/{actor.pk}/edit/")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert 'name="internal_notes"' not in content
    assert 'name="qualification_status"' not in content
    assert "NOTE-SECRETE" not in content


def test_taxonomy_snippets_render(admin_client):
    for model in (
        "theme",
        "sustainabledevelopmentgoal",
        "college",
        "structuretype",
        "departement",
        "worldregion",
        "country",
    ):
        response = admin_client.get(f"/admin/snippets/directory/{model}/")
        assert response.status_code == HTTPStatus.OK, model
    content = admin_client.get("/admin/snippets/directory/sustainabledevelopmentgoal/").content
    assert "Eau propre et assainissement" in content.decode()


def test_key_figures_block_counts_published_pages(directory, actors):
    ProjectPageFactory(parent=actors[0], countries=countries("MA"))
    block = DirectoryKeyFiguresBlock()
    value = block.to_python(
        {"title": "Chiffres", "groups": ["totals", "college", "sdg", "countries"]}
    )
    html = block.render(value)
    assert "Chiffres" in html
    assert '<span class="key-figure__value">2</span><span class="key-figure__label">acteurs' in html
    assert "Burkina Faso, Maroc" in html
    assert ["Collectivités territoriales", "1"] in table_rows(html)


def test_key_figures_template_tag(directory, actors):
    from django.template import Context, Template

    html = Template(
        '{% load directory_tags %}{% directory_key_figures "En chiffres" "totals,departement" %}'
    ).render(Context({}))
    assert "En chiffres" in texts_of(html, "h2")
    assert "Vienne (86)" in html or "Vienne" in html


def test_admin_country_choices_are_sorted_by_french_name(admin_client, directory):
    """Page forms, the requests' edit form and the approval form list countries by name."""
    from directory.forms import french_sort_key
    from directory.tests.registration_helpers import make_request

    actor = ActorPageFactory(parent=directory, title="Eau Vive")
    request = make_request()
    for url in (
        f"/admin/pages/{actor.pk}/edit/",
        f"/admin/registration_requests/edit/{request.pk}/",
        f"/admin/registration_requests/approve/{request.pk}/",
    ):
        form = admin_client.get(url).context["form"]
        names = [str(label) for _value, label in form.fields["countries"].choices]
        assert len(names) > 100, url
        assert names == sorted(names, key=french_sort_key), url
        # French names, French order: Allemagne before Espagne, Égypte among the E's.
        assert (
            names.index("Allemagne")
            < names.index("Égypte")
            < names.index("Espagne")
            < (names.index("Zimbabwe"))
        ), url


def test_country_snippets_are_listed_by_french_name_and_searchable(admin_client):
    response = admin_client.get("/admin/snippets/directory/country/")
    assert response.status_code == HTTPStatus.OK
    # Listed by French name, not by code (AD Andorre, AE Émirats...): Afghanistan first.
    objects = list(response.context["object_list"])
    names = [country.name for country in objects]
    assert names[:3] == ["Afghanistan", "Afrique du Sud", "Albanie"]

    # A search by French name, accents ignored, and by ISO code.
    found = admin_client.get("/admin/snippets/directory/country/?q=egypte")
    assert [country.name for country in found.context["object_list"]] == ["Égypte"]
    found = admin_client.get("/admin/snippets/directory/country/?q=BF")
    assert [country.name for country in found.context["object_list"]] == ["Burkina Faso"]
