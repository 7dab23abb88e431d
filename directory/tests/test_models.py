from http import HTTPStatus

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from directory.models import (
    ActorPage,
    College,
    Departement,
    DirectoryPage,
    ProjectPage,
    StructureType,
    SustainableDevelopmentGoal,
    Theme,
    WorldRegion,
    parse_location,
)
from home.models import HomePage
from home.tests.factories import make_site_with_home

from .factories import ActorPageFactory, DirectoryPageFactory, ProjectPageFactory, college


@pytest.mark.django_db
def test_seeded_taxonomies():
    assert SustainableDevelopmentGoal.objects.count() == 17
    sdg6 = SustainableDevelopmentGoal.objects.get(number=6)
    assert sdg6.name == "Eau propre et assainissement"
    assert sdg6.colour == "#26BDE2"
    assert College.objects.count() == 5
    assert StructureType.objects.filter(college__slug="collectivites").count() >= 4
    codes = set(Departement.objects.filter(in_region=True).values_list("code", flat=True))
    assert codes == {"16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"}
    assert Departement.objects.filter(code="HR", in_region=False).exists()
    assert Theme.objects.filter(slug="eau-assainissement-hygiene").exists()
    maghreb = WorldRegion.objects.get(slug="maghreb")
    assert {"DZ", "MA", "TN"} <= {c.code.code for c in maghreb.countries.all()}
    assert str(maghreb.countries.get(code="MA")) == "Maroc"


def test_parse_location_gives_latitude_and_longitude():
    assert parse_location("SRID=4326;POINT(4.84 45.76)") == (45.76, 4.84)
    assert parse_location("") is None


@pytest.mark.parametrize(
    "value",
    [
        "SRID=4326;POINT(4.84 95.0)",
        "SRID=4326;POINT(184.0 45.0)",
        "SRID=3857;POINT(4.84 45.76)",
        "POINT(4.84)",
        "45.76,4.84",
        "SRID=4326;POINT(abc def)",
    ],
)
def test_parse_location_refuses_bad_places(value):
    with pytest.raises(ValidationError):
        parse_location(value)


@pytest.mark.django_db
def test_place_from_widget_gives_numeric_coordinates(directory):
    actor = ActorPageFactory(parent=directory, location="SRID=4326;POINT(4.84 45.76)")
    actor.refresh_from_db()
    assert actor.latitude == 45.76
    assert actor.longitude == 4.84
    assert ActorPage.objects.filter(latitude__gt=45, longitude__lt=5).count() == 1


@pytest.mark.django_db
def test_out_of_range_place_is_refused_by_clean(directory):
    actor = ActorPageFactory(parent=directory)
    actor.location = "SRID=4326;POINT(4.84 91)"
    with pytest.raises(ValidationError) as error:
        actor.full_clean()
    assert "location" in error.value.message_dict
    with pytest.raises(ValidationError):
        actor.save()
    actor.refresh_from_db()
    assert actor.latitude == pytest.approx(44.8378)


@pytest.mark.django_db
def test_departement_derived_from_postcode(directory):
    actor = ActorPageFactory(parent=directory, postcode="86000", city="Poitiers")
    assert actor.departement.code == "86"
    outside = ActorPageFactory(parent=directory, postcode="75011", city="Paris")
    assert outside.departement.code == "HR"


@pytest.mark.django_db
def test_structure_type_must_match_college(directory):
    actor = ActorPageFactory(parent=directory, college=college("associations"))
    actor.structure_type = StructureType.objects.get(slug="commune")
    with pytest.raises(ValidationError) as error:
        actor.full_clean()
    assert "structure_type" in error.value.message_dict


@pytest.mark.django_db
def test_project_keeps_its_actor_and_checks_years(directory):
    actor = ActorPageFactory(parent=directory)
    project = ProjectPageFactory(parent=actor)
    assert project.actor_id == actor.pk
    project.start_year, project.end_year = 2022, 2020
    with pytest.raises(ValidationError):
        project.full_clean()


class PageTypeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = make_site_with_home()
        cls.directory = DirectoryPageFactory(parent=cls.home)
        cls.actor = ActorPageFactory(parent=cls.directory)
        cls.project = ProjectPageFactory(parent=cls.actor)

    def setUp(self):
        self.user = self.login()

    def test_parent_and_subpage_types(self):
        self.assertAllowedParentPageTypes(DirectoryPage, {HomePage})
        self.assertAllowedParentPageTypes(ActorPage, {DirectoryPage})
        self.assertAllowedParentPageTypes(ProjectPage, {ActorPage})
        # A member's space also holds its events, news and offers (`events`, `resources`:
        # higher apps, named through the app registry, never imported here).
        self.assertAllowedSubpageTypes(
            ActorPage,
            {
                ProjectPage,
                apps.get_model("events", "EventPage"),
                apps.get_model("resources", "NewsPage"),
                apps.get_model("resources", "OpportunityPage"),
            },
        )

    def test_can_create_directory_page(self):
        self.directory.delete()
        self.assertCanCreate(
            self.home,
            DirectoryPage,
            nested_form_data(
                {
                    "title": "Annuaire",
                    "slug": "annuaire",
                    "body": streamfield([]),
                    "projects_title": "Projets",
                }
            ),
        )

    def test_can_create_actor_page(self):
        self.assertCanCreate(
            self.directory,
            ActorPage,
            nested_form_data(
                {
                    "title": "Eau Vive Gironde",
                    "slug": "eau-vive-gironde",
                    "college": College.objects.get(slug="associations").pk,
                    "body": rich_text("<p>Une association.</p>"),
                    "location": "SRID=4326;POINT(-0.57 44.84)",
                    "membership": "adherent",
                    "social_links": streamfield([]),
                    "sdgs": [SustainableDevelopmentGoal.objects.get(number=6).pk],
                    "qualification_status": "a_qualifier",
                }
            ),
        )
        created = ActorPage.objects.get(slug="eau-vive-gironde")
        assert created.latitude == 44.84
        assert created.longitude == -0.57

    def test_can_create_project_page(self):
        self.assertCanCreate(
            self.actor,
            ProjectPage,
            nested_form_data(
                {
                    "title": "Puits au Burkina Faso",
                    "slug": "puits-burkina",
                    "status": "en_cours",
                    "body": rich_text("<p>Un projet.</p>"),
                    "media": streamfield([]),
                    "places": inline_formset(
                        [{"name": "Koudougou", "location": "SRID=4326;POINT(-2.36 12.25)"}]
                    ),
                }
            ),
        )
        project = ProjectPage.objects.get(slug="puits-burkina")
        assert project.actor_id == self.actor.pk
        assert project.places.get().latitude == 12.25

    def test_admin_refuses_out_of_range_place(self):
        response = self.client.post(
            f"/admin/pages/add/directory/actorpage/{self.directory.pk}/",
            nested_form_data(
                {
                    "title": "Hors carte",
                    "slug": "hors-carte",
                    "college": College.objects.get(slug="associations").pk,
                    "body": rich_text(""),
                    "location": "SRID=4326;POINT(-0.57 144.84)",
                    "membership": "adherent",
                    "social_links": streamfield([]),
                    "qualification_status": "a_qualifier",
                }
            ),
        )
        assert response.status_code == HTTPStatus.OK
        assert "latitude doit être comprise entre -90 et 90" in response.content.decode()
        assert not ActorPage.objects.filter(slug="hors-carte").exists()

    def test_admin_edit_views_with_map_panel_render(self):
        for page in (self.directory, self.actor, self.project):
            response = self.client.get(f"/admin/pages/{page.pk}/edit/")
            assert response.status_code == HTTPStatus.OK, page
        content = self.client.get(f"/admin/pages/{self.actor.pk}/edit/").content.decode()
        assert 'data-controller="leaflet-field"' in content
        assert "vendor/leaflet/leaflet.js" in content
        assert "unpkg.com" not in content
        content = self.client.get(f"/admin/pages/{self.project.pk}/edit/").content.decode()
        assert "vendor/leaflet/leaflet.js" in content
        assert "unpkg.com" not in content
