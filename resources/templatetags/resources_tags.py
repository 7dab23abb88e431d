"""Home page sections of the editorial content: `{% load resources_tags %}` then
`{% latest_news %}`, `{% open_calls %}`, `{% latest_offers %}`, `{% featured_resources %}`.
The home app never imports this one: its template loads these tags.

Each section is rendered once and kept in the cache (resources/caches.py) under the page
cache's generation (which every publication bumps) and the day (a call's status and an
offer's expiry change with it), so a rendered home page costs no query for them; when the
cache is cold, the four sections share one lookup of their listing pages and skip the items
of a listing that does not exist."""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from .. import caches, selectors
from ..models import CallIndexPage, NewsIndexPage, OpportunityIndexPage, ResourceIndexPage

register = template.Library()

SECTION_TEMPLATE = "resources/includes/home_section.html"

SECTIONS: dict[str, tuple] = {
    # key: (listing page model, title, "more" link, items)
    "news": (
        NewsIndexPage,
        _("Dernières actualités"),
        _("Toutes les actualités"),
        selectors.latest_news,
    ),
    "calls": (
        CallIndexPage,
        _("Appels à projets ouverts"),
        _("Tous les appels à projets"),
        selectors.open_calls,
    ),
    "offers": (
        OpportunityIndexPage,
        _("Dernières offres"),
        _("Toutes les offres"),
        selectors.latest_offers,
    ),
    "resources": (
        ResourceIndexPage,
        _("Ressources à la une"),
        _("Toutes les ressources"),
        selectors.featured_resources,
    ),
}


def _index_urls() -> dict[str, str]:
    """The URL of each listing page, in one query for the four sections."""
    return caches.HOME_INDEXES.get_or_build(build=_build_index_urls)


def _build_index_urls() -> dict[str, str]:
    models = {spec[0]: name for name, spec in SECTIONS.items()}
    urls: dict[str, str] = {}
    for page in Page.objects.live().public().type(*models).specific():
        name = models.get(type(page))
        if name and name not in urls:
            urls[name] = page.url or ""
    return urls


def _section(name: str, count: int) -> SafeString:
    html = caches.HOME_SECTIONS.get_or_build(
        name, count, timezone.localdate(), build=lambda: _render_section(name, count)
    )
    return mark_safe(html)  # noqa: S308 - rendered by our template, autoescaped


def _render_section(name: str, count: int) -> str:
    _model, title, more_label, items_of = SECTIONS[name]
    more_url = _index_urls().get(name, "")
    items: list = items_of(limit=count) if more_url else []
    return render_to_string(
        SECTION_TEMPLATE,
        {
            "section_id": f"home-{name}",
            "title": title,
            "items": items,
            "more_url": more_url,
            "more_label": more_label,
        },
    )


def _tag(name: str) -> Callable[..., SafeString]:
    def section(count: int = 3) -> SafeString:
        return _section(name, max(1, min(int(count), 12)))

    section.__name__ = {
        "news": "latest_news",
        "calls": "open_calls",
        "offers": "latest_offers",
        "resources": "featured_resources",
    }[name]
    return section


latest_news = register.simple_tag(_tag("news"), name="latest_news")
open_calls = register.simple_tag(_tag("calls"), name="open_calls")
latest_offers = register.simple_tag(_tag("offers"), name="latest_offers")
featured_resources = register.simple_tag(_tag("resources"), name="featured_resources")


@register.inclusion_tag("resources/includes/actor_publications.html")
def actor_publications(actor) -> dict:
    """An actor page's own news and offers (the pages under it), for the directory's actor
    template: `{% load resources_tags %}{% actor_publications actor=page %}`."""
    return {"actor": actor, **selectors.actor_news_and_offers(actor=actor)}
