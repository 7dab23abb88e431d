"""Event dates in French: « du 30 novembre au 4 décembre 2020, 3 séances ». The day, time and
range formats are the site's, from `home.dates`."""

from __future__ import annotations

import datetime

from django.utils.translation import ngettext

from home.dates import (  # noqa: F401 (re-exported for the agenda's modules)
    MONTH_NAMES,
    clock,
    date_range,
    day,
    day_month,
    full_date,
    local,
    session_line,
)


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
