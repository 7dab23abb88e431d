"""Admin registrations: the directory's vocabularies as snippets, the editors' actor
listing and its full export."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .admin_views import ActorListingViewSet, CountryIndexView, export_all_actors_csv
from .models import (
    College,
    Country,
    Departement,
    StructureType,
    SustainableDevelopmentGoal,
    Theme,
    WorldRegion,
)


class SdgViewSet(SnippetViewSet):
    model = SustainableDevelopmentGoal
    icon = "globe"
    menu_label = _("ODD")
    list_display = ["number", "name", "colour"]
    ordering = ["number"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


class CollegeViewSet(SnippetViewSet):
    model = College
    icon = "group"
    list_display = ["name", "short_name", "sort_order"]


class StructureTypeViewSet(SnippetViewSet):
    model = StructureType
    icon = "list-ul"
    list_display = ["name", "college"]
    list_filter = ["college"]


class DepartementViewSet(SnippetViewSet):
    model = Departement
    icon = "site"
    list_display = ["code", "name", "in_region"]


class WorldRegionViewSet(SnippetViewSet):
    model = WorldRegion
    icon = "globe"
    list_display = ["name", "slug"]


class CountryViewSet(SnippetViewSet):
    model = Country
    index_view_class = CountryIndexView
    icon = "globe"
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    list_per_page = 50


class DirectoryTaxonomiesGroup(SnippetViewSetGroup):
    menu_label = _("Vocabulaires de l'annuaire")
    menu_icon = "tag"
    menu_name = "directory-taxonomies"
    menu_order = 160
    items = (
        ThemeViewSet,
        SdgViewSet,
        CollegeViewSet,
        StructureTypeViewSet,
        DepartementViewSet,
        WorldRegionViewSet,
        CountryViewSet,
    )


register_snippet(DirectoryTaxonomiesGroup)


@hooks.register("register_admin_viewset")
def register_actor_listing():
    return ActorListingViewSet()


@hooks.register("register_admin_urls")
def register_export_url():
    return [
        path(
            "annuaire/acteurs/export.csv",
            export_all_actors_csv,
            name="directory_admin_actors_csv",
        )
    ]


# Member spaces and référencement moderation live in their own module.
from . import member_hooks  # noqa: E402, F401
