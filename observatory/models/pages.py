"""The observatory's page (`/observatoire/`): live indicators, their downloads and the
yearly barometer. Its routes' views live in `observatory.views`."""

from __future__ import annotations

from django.db import models
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.search import index

from home import routing
from home.blocks import RICH_TEXT_FEATURES
from home.models import BasePage
from home.page_cache import public_page_cache


# RoutablePageMixin.serve comes first in the MRO: wrap it so every route gets the public
# cache headers (the downloads and the barometer are cached like the page).
@method_decorator(public_page_cache, name="serve")
class ObservatoryPage(RoutablePageMixin, BasePage):
    """The network's observatory: indicators on the actors, their projects, the agenda and
    the accompaniments, as tables and charts, CSV and JSON, and a yearly PDF barometer."""

    introduction = models.TextField(_("chapô"), blank=True, max_length=600)
    methodology = RichTextField(
        _("méthodologie"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Sources, définitions, limites : affichée sous les indicateurs."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("introduction"),
        FieldPanel("methodology"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("observatoire")
        verbose_name_plural = _("observatoires")

    @property
    def cache_query_params(self) -> frozenset[str]:
        from directory.filters import DirectoryFilterForm

        return frozenset({*DirectoryFilterForm.base_fields, "annee", "sep"})

    @path("")
    def indicators(self, request):
        return routing.serve("observatory.observatory", request, page=self)

    @path("donnees/<slug:slug>/csv/", name="indicator_csv")
    def indicator_csv(self, request, slug: str):
        return routing.serve(
            "observatory.indicator_download", request, page=self, slug=slug, fmt="csv"
        )

    @path("donnees/<slug:slug>/json/", name="indicator_json")
    def indicator_json(self, request, slug: str):
        return routing.serve(
            "observatory.indicator_download", request, page=self, slug=slug, fmt="json"
        )

    @path("barometre/<int:year>/", name="barometer")
    def barometer(self, request, year: int):
        return routing.serve("observatory.barometer", request, page=self, year=year)

    def route_url(self, name: str, **kwargs) -> str:
        return self.url + self.reverse_subpage(name, kwargs=kwargs)
