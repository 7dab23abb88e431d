"""Template tags other apps' templates may use (the home page's key figures)."""

from django import template

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
