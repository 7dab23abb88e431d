"""The site's date and time filters, in French (`home.dates`): « 1er décembre 2026 »,
« 9 h 30 ». Machine-readable values (`<time datetime>`, feeds) keep Django's `date` filter."""

from __future__ import annotations

import datetime

from django import template

from home import dates

register = template.Library()


@register.filter
def date_fr(value: datetime.date | datetime.datetime | None) -> str:
    """« 1er décembre 2026 »."""
    return dates.full_date(value) if value else ""


@register.filter
def weekday_date_fr(value: datetime.date | datetime.datetime | None) -> str:
    """« mardi 1er décembre 2026 »."""
    return dates.weekday_date(value) if value else ""


@register.filter
def time_fr(value: datetime.datetime | datetime.time | None) -> str:
    """« 9 h », « 9 h 30 »."""
    return dates.clock(value) if value else ""


@register.filter
def datetime_fr(value: datetime.datetime | None) -> str:
    """« 1er décembre 2026 à 9 h 30 »."""
    return dates.date_time(value) if value else ""


@register.filter
def session_fr(start: datetime.datetime | None, end: datetime.datetime | None) -> str:
    """« lundi 30 novembre 2026, de 14 h à 16 h » (`{{ start|session_fr:end }}`)."""
    return dates.session_line(start, end) if start and end else ""
