"""The site's one export helper: formulas neutralised, illegal characters dropped, French
spreadsheet CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from home.exports import RFC4180, SPREADSHEET, clean_text, csv_cell, csv_text, xlsx_cell


@pytest.mark.parametrize(
    "hostile",
    [
        '=HYPERLINK("http://x","clic")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "\uff1d1+1",  # fullwidth =
        "\uff0b1+1",  # fullwidth +
        "\uff0d1+1",  # fullwidth -
        "\uff20SUM(A1)",  # fullwidth @
    ],
)
def test_formulas_get_a_leading_apostrophe(hostile):
    assert clean_text(hostile) == "'" + hostile


def test_a_formula_behind_a_control_character_is_neutralised_too():
    assert clean_text("\x01=1+1") == "'=1+1"


def test_characters_xlsx_cannot_hold_are_dropped_and_line_breaks_kept():
    assert clean_text("Fauteuil\x00 rou\x0blant\x1f\ufffe\nà l'étage\tB") == (
        "Fauteuil roulant\nà l'étage\tB"
    )


def test_plain_text_and_numbers_are_left_alone():
    assert clean_text("Eau Vive – Sahel") == "Eau Vive – Sahel"
    assert csv_cell(-0.5) == -0.5
    assert csv_cell(Decimal("-44.83")) == Decimal("-44.83")  # a number, not a formula
    assert csv_cell(True) == "Oui"
    assert csv_cell(None) == ""


def test_aware_datetimes_are_written_in_the_site_time_zone():
    moment = datetime.datetime(2026, 7, 1, 8, 30, tzinfo=datetime.UTC)
    assert csv_cell(moment) == "2026-07-01 10:30:00"  # Paris, summer time
    assert xlsx_cell(moment) == datetime.datetime(2026, 7, 1, 10, 30)
    assert timezone.is_naive(xlsx_cell(moment))


def test_spreadsheet_csv_has_a_byte_order_mark_and_semicolons():
    text = csv_text([["nom", "ville"], ["=1+1", "Pau; Béarn"]], dialect=SPREADSHEET)
    assert text.startswith("\ufeffnom;ville\r\n")
    assert list(csv.reader(io.StringIO(text[1:]), delimiter=";")) == [
        ["nom", "ville"],
        ["'=1+1", "Pau; Béarn"],
    ]


def test_rfc4180_csv_has_commas_and_no_byte_order_mark():
    assert csv_text([["a", "b"], ["@x", "1"]], dialect=RFC4180) == "a,b\r\n'@x,1\r\n"
