"""The five listing pages (`/actualites/`, `/appels-a-projets/`, `/offres/`, `/ressources/`,
`/groupes/`): filters, pagination and an RSS feed that keeps the filters."""

from __future__ import annotations

from django.db import models
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.search import index

from home import routing
from home.models import BasePage
from home.page_cache import public_page_cache


# RoutablePageMixin.serve comes first in the MRO: wrap it so every route gets the public
# cache headers (as DirectoryPage does).
@method_decorator(public_page_cache, name="serve")
class ListingIndexPage(RoutablePageMixin, BasePage):
    """What the five listings share. `listing` names the selectors' entry."""

    @property
    def cache_query_params(self) -> frozenset[str]:
        from ..filters import ListingFilterForm

        return frozenset({*ListingFilterForm.base_fields, "page"})

    introduction = models.TextField(_("chapô"), blank=True, max_length=600)

    content_panels = [*BasePage.content_panels, FieldPanel("introduction")]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]

    parent_page_types = ["home.HomePage"]
    max_count = 1
    listing = ""
    feed_title = ""

    class Meta:
        abstract = True

    @path("")
    def listing_view(self, request):
        return routing.serve("resources.listing", request, index=self)

    @path("rss/", name="rss")
    def rss_view(self, request):
        return routing.serve("resources.listing_feed", request, index=self)

    @property
    def rss_url(self) -> str:
        return self.url + self.reverse_subpage("rss")


class NewsIndexPage(ListingIndexPage):
    subpage_types = ["resources.NewsPage"]
    listing = "news"

    class Meta:
        verbose_name = _("liste des actualités")
        verbose_name_plural = _("listes des actualités")


class CallIndexPage(ListingIndexPage):
    subpage_types = ["resources.CallForProjectsPage"]
    listing = "calls"

    class Meta:
        verbose_name = _("liste des appels à projets")
        verbose_name_plural = _("listes des appels à projets")

    @path("archives/", name="archives")
    def archive_view(self, request):
        return routing.serve("resources.listing", request, index=self, archive=True)

    @property
    def archive_url(self) -> str:
        return self.url + self.reverse_subpage("archives")


class OpportunityIndexPage(ListingIndexPage):
    subpage_types = ["resources.OpportunityPage"]
    listing = "offers"

    class Meta:
        verbose_name = _("liste des offres")
        verbose_name_plural = _("listes des offres")


class ResourceIndexPage(ListingIndexPage):
    subpage_types = ["resources.ResourcePage"]
    listing = "resources"

    class Meta:
        verbose_name = _("liste des ressources")
        verbose_name_plural = _("listes des ressources")


class GroupIndexPage(ListingIndexPage):
    subpage_types = ["working_groups.GroupPage"]
    listing = "groups"

    class Meta:
        verbose_name = _("liste des groupes de travail")
        verbose_name_plural = _("listes des groupes de travail")
