"""Home page sections of the editorial content: `{% load resources_tags %}` then
`{% latest_news %}`, `{% open_calls %}`, `{% latest_offers %}`, `{% featured_resources %}`.
The home app never imports this one: its template loads these tags."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..models import CallIndexPage, NewsIndexPage, OpportunityIndexPage, ResourceIndexPage

register = template.Library()

SECTION_TEMPLATE = "resources/includes/home_section.html"


def _section(*, key: str, title, items: list, index_model, more_label) -> dict:
    index = index_model.objects.live().public().only("url_path", "title").first()
    return {
        "section_id": f"home-{key}",
        "title": title,
        "items": items,
        "more_url": index.url if index else "",
        "more_label": more_label,
    }


@register.inclusion_tag(SECTION_TEMPLATE)
def latest_news(count: int = 3) -> dict:
    return _section(
        key="news",
        title=_("Dernières actualités"),
        items=selectors.latest_news(limit=count),
        index_model=NewsIndexPage,
        more_label=_("Toutes les actualités"),
    )


@register.inclusion_tag(SECTION_TEMPLATE)
def open_calls(count: int = 3) -> dict:
    return _section(
        key="calls",
        title=_("Appels à projets ouverts"),
        items=selectors.open_calls(limit=count),
        index_model=CallIndexPage,
        more_label=_("Tous les appels à projets"),
    )


@register.inclusion_tag(SECTION_TEMPLATE)
def latest_offers(count: int = 3) -> dict:
    return _section(
        key="offers",
        title=_("Dernières offres"),
        items=selectors.latest_offers(limit=count),
        index_model=OpportunityIndexPage,
        more_label=_("Toutes les offres"),
    )


@register.inclusion_tag(SECTION_TEMPLATE)
def featured_resources(count: int = 3) -> dict:
    return _section(
        key="resources",
        title=_("Ressources à la une"),
        items=selectors.featured_resources(limit=count),
        index_model=ResourceIndexPage,
        more_label=_("Toutes les ressources"),
    )
