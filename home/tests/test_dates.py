"""The site's one date and time format, in French: « 1er décembre 2026 », « 9 h 30 »."""

import datetime
import zoneinfo

from django.template import Context, Template

from home import dates

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def render(source: str, **context) -> str:
    return Template("{% load dates_fr %}" + source).render(Context(context))


def test_times_are_written_the_french_way():
    assert dates.clock(datetime.time(9, 30)) == "9 h 30"
    assert dates.clock(datetime.time(9, 0)) == "9 h"
    assert dates.clock(datetime.time(14, 5)) == "14 h 05"


def test_aware_times_are_shown_at_paris_time(settings):
    settings.TIME_ZONE = "Europe/Paris"
    start = datetime.datetime(2026, 12, 1, 8, 30, tzinfo=datetime.UTC)  # 9 h 30 in Paris
    assert render("{{ start|time_fr }}", start=start) == "9 h 30"
    assert render("{{ start|datetime_fr }}", start=start) == "1er décembre 2026 à 9 h 30"


def test_dates_use_the_first_of_the_month_and_lower_case_names():
    assert render("{{ day|date_fr }}", day=datetime.date(2026, 12, 1)) == "1er décembre 2026"
    assert render("{{ day|date_fr }}", day=datetime.date(2026, 3, 14)) == "14 mars 2026"
    assert render("{{ day|weekday_date_fr }}", day=datetime.date(2026, 12, 1)) == (
        "mardi 1er décembre 2026"
    )


def test_sessions_read_as_a_sentence():
    start = datetime.datetime(2026, 11, 30, 14, 0, tzinfo=PARIS)
    end = datetime.datetime(2026, 11, 30, 16, 30, tzinfo=PARIS)
    assert render("{{ start|session_fr:end }}", start=start, end=end) == (
        "lundi 30 novembre 2026, de 14 h à 16 h 30"
    )


def test_empty_values_render_nothing_instead_of_failing():
    assert (
        render("[{{ none|date_fr }}{{ none|time_fr }}{{ none|session_fr:none }}]", none=None)
        == "[]"
    )
