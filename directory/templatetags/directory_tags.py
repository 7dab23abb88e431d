"""Template tags: the home page's key figures, and the sections other apps add to an actor's
page."""

from django import template

from home.sections import collect_sections

from ..sections import ACTOR_PAGE_SECTIONS_HOOK
from ..selectors import key_figures

register = template.Library()


@register.inclusion_tag("directory/blocks/key_figures.html")
def directory_key_figures(title: str = "", groups: str = "totals") -> dict:
    """`{% directory_key_figures "Le réseau en chiffres" "totals,college" %}`: figures computed
    live from the published actor and project pages (cached until the next publication)."""
    return {
        "value": {"title": title},
        "figures": key_figures(),
        "groups": {group.strip() for group in groups.split(",") if group.strip()},
    }


@register.simple_tag(takes_context=True)
def actor_page_sections(context, actor):
    """What other apps show on an actor's page (`actor_page_sections` hook)."""
    return collect_sections(ACTOR_PAGE_SECTIONS_HOOK, actor=actor, request=context.get("request"))
