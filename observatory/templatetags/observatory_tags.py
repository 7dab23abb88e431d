"""How the observatory's published values read: thin spaces between thousands, "%" for
rates, "—" where there is no figure (the tables' cells, differences included, are written by
`Indicator.display_rows`)."""

from __future__ import annotations

from django import template

from ..indicators import Published, display

register = template.Library()


@register.filter
def figure(value: Published, unit: str = "") -> str:
    return display(value, unit)
