"""Dates and times in French, written once for the whole site: templates (through the filters
of `home.templatetags.dates_fr`), feeds and e-mails.

French typography: « 1er décembre 2026 », « 9 h », « 9 h 30 », « du 3 au 10 décembre 2026 ».
Aware date-times are shown at Paris time (the site's time zone).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext as _

# `MONTHS` is translated by Django (« janvier »...), indexed 1 to 12.
MONTH_NAMES = MONTHS


def local(value: datetime.datetime) -> datetime.datetime:
    """At Paris time (the site's time zone); a naive value is taken as already local."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return local(value).date() if isinstance(value, datetime.datetime) else value


def day(value: datetime.date) -> str:
    return "1er" if value.day == 1 else str(value.day)


def day_month(value: datetime.date) -> str:
    return f"{day(value)} {MONTH_NAMES[value.month]}"


def full_date(value: datetime.date | datetime.datetime) -> str:
    """« 1er décembre 2026 »."""
    value = _as_date(value)
    return f"{day_month(value)} {value.year}"


def weekday_date(value: datetime.date | datetime.datetime) -> str:
    """« mardi 1er décembre 2026 »."""
    value = _as_date(value)
    return f"{WEEKDAYS[value.weekday()]} {full_date(value)}"


def clock(value: datetime.datetime | datetime.time) -> str:
    """« 9 h », « 14 h 30 »."""
    if isinstance(value, datetime.datetime):
        value = local(value)
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def date_time(value: datetime.datetime) -> str:
    """« 1er décembre 2026 à 9 h 30 »."""
    return _("%(date)s à %(time)s") % {"date": full_date(value), "time": clock(value)}


def date_range(start: datetime.datetime, end: datetime.datetime) -> str:
    """« le 16 octobre 2020 », « du 3 au 10 décembre 2020 », « du 30 novembre au
    4 décembre 2020 », « du 30 décembre 2020 au 2 janvier 2021 »."""
    start, end = _as_date(start), _as_date(end)
    if start == end:
        return _("le %(date)s") % {"date": full_date(start)}
    if (start.year, start.month) == (end.year, end.month):
        first = day(start)
    elif start.year == end.year:
        first = day_month(start)
    else:
        first = full_date(start)
    return _("du %(start)s au %(end)s") % {"start": first, "end": full_date(end)}


def session_line(start: datetime.datetime, end: datetime.datetime) -> str:
    """« lundi 30 novembre 2020, de 14 h à 16 h »."""
    start, end = local(start), local(end)
    if start.date() == end.date():
        return _("%(weekday)s %(date)s, de %(start)s à %(end)s") % {
            "weekday": str(WEEKDAYS[start.weekday()]),
            "date": full_date(start),
            "start": clock(start),
            "end": clock(end),
        }
    return _("du %(start)s à %(start_time)s au %(end)s à %(end_time)s") % {
        "start": full_date(start),
        "start_time": clock(start),
        "end": full_date(end),
        "end_time": clock(end),
    }
