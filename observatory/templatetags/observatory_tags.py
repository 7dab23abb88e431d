"""How the observatory's published values read: thin spaces between thousands, "%" for
rates, a sign on differences, "—" where there is no figure."""

from __future__ import annotations

from django import template

from ..indicators import Published, display

register = template.Library()


@register.filter
def figure(value: Published, unit: str = "") -> str:
    return display(value, unit)


@register.filter
def difference(value: Published, unit: str = "") -> str:
    if isinstance(value, int | float) and value > 0:
        return "+" + display(value, unit)
    if isinstance(value, int | float) and value < 0:
        return "−" + display(-value, unit)
    return display(value, unit)
