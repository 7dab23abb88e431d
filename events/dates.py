"""Event dates in French: « du 30 novembre au 4 décembre 2020, 3 séances »."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# `MONTHS` is translated by Django (« janvier »...), indexed 1 to 12.
MONTH_NAMES = MONTHS


def local(value: datetime.datetime) -> datetime.datetime:
    """At Paris time (the site's time zone)."""
    return timezone.localtime(value)


def day(value: datetime.date) -> str:
    return "1er" if value.day == 1 else str(value.day)


def day_month(value: datetime.date) -> str:
    return f"{day(value)} {MONTH_NAMES[value.month]}"


def full_date(value: datetime.date) -> str:
    return f"{day_month(value)} {value.year}"


def clock(value: datetime.datetime) -> str:
    """« 9 h », « 14 h 30 »."""
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def date_range(start: datetime.datetime, end: datetime.datetime) -> str:
    """« le 16 octobre 2020 », « du 3 au 10 décembre 2020 », « du 30 novembre au
    4 décembre 2020 », « du 30 décembre 2020 au 2 janvier 2021 »."""
    start, end = local(start).date(), local(end).date()
    if start == end:
        return _("le %(date)s") % {"date": full_date(start)}
    if (start.year, start.month) == (end.year, end.month):
        first = day(start)
    elif start.year == end.year:
        first = day_month(start)
    else:
        first = full_date(start)
    return _("du %(start)s au %(end)s") % {"start": first, "end": full_date(end)}


def event_dates(
    start: datetime.datetime | None, end: datetime.datetime | None, sessions: int
) -> str:
    """The dates of an event with its number of sessions when more than one."""
    if start is None or end is None:
        return ""
    text = date_range(start, end)
    if sessions > 1:
        text += ", " + ngettext("%(n)d séance", "%(n)d séances", sessions) % {"n": sessions}
    return text


def session_line(start: datetime.datetime, end: datetime.datetime) -> str:
    """« lundi 30 novembre 2020, de 14 h à 16 h »."""
    start, end = local(start), local(end)
    weekday = str(WEEKDAYS[start.weekday()])
    if start.date() == end.date():
        return _("%(weekday)s %(date)s, de %(start)s à %(end)s") % {
            "weekday": weekday,
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
