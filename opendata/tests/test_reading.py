"""Reading spreadsheets: each format gives the same table; every bad file gets a message
that names the problem."""

from __future__ import annotations

import io
import zipfile

import pytest

from opendata.imports.reading import ImportFileError, read_table

from .samples import actor_rows, csv_bytes, ods_bytes, xlsx_bytes

ROWS = actor_rows(5, problems=False)


@pytest.mark.parametrize(
    ("data", "filename", "format"),
    [
        (csv_bytes(ROWS, delimiter=","), "acteurs.csv", "csv"),
        (csv_bytes(ROWS, delimiter=";", bom=True), "acteurs.csv", "csv"),
        (xlsx_bytes(ROWS), "acteurs.xlsx", "xlsx"),
        (ods_bytes(ROWS), "acteurs.ods", "ods"),
    ],
    ids=["csv-comma", "csv-semicolon-bom", "xlsx", "ods"],
)
def test_every_format_reads_the_same_table(data, filename, format):
    table = read_table(data, filename)
    assert table.format == format
    assert table.headers == ROWS[0]
    assert table.rows == ROWS[1:]
    assert table.warnings == []


def test_a_zip_spreadsheet_is_recognised_whatever_its_name():
    assert read_table(xlsx_bytes(ROWS), "export").format == "xlsx"


def test_a_windows_1252_csv_is_read_with_a_warning():
    text = "Structure;Commune\r\nAssociation Épi;Périgueux\r\n"
    table = read_table(text.encode("cp1252"), "ancien.csv")
    assert table.rows == [["Association Épi", "Périgueux"]]
    assert "Windows-1252" in table.warnings[0]


def test_numbers_read_from_a_workbook_lose_their_trailing_zero():
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Structure", "SIRET", "Code postal"])
    workbook.active.append(["Épi", 73282932000074, 33000.0])
    output = io.BytesIO()
    workbook.save(output)
    table = read_table(output.getvalue(), "nombres.xlsx")
    assert table.rows == [["Épi", "73282932000074", "33000"]]


def _zip_bomb() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (150 * 1024 * 1024))
    return output.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "vide.csv", "vide"),
        (b"\n\n;;\n", "blanc.csv", "aucune ligne"),
        (b"Structure;Commune\r\n", "entetes.csv", "que la ligne des en-"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.csv", "caract\u00e8res nuls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "vieux.xls", "97-2003"),
        (b"PK\x03\x04 not really a zip", "abime.xlsx", "abîmé"),
        (b"not a workbook at all", "faux.xlsx", "classeur XLSX lisible"),
        (b"not a workbook at all", "faux.ods", "classeur ODS lisible"),
        (b"%PDF-1.7", "document.pdf", "non accept"),
    ],
    ids=[
        "empty",
        "blank-rows",
        "header-only",
        "binary",
        "xls",
        "broken-zip",
        "fake-xlsx",
        "fake-ods",
        "pdf",
    ],
)
def test_bad_files_are_refused_with_a_message(data, filename, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(data, filename)


def test_a_zip_that_is_no_spreadsheet_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("photo.txt", "rien")
    with pytest.raises(ImportFileError, match="pas un tableur"):
        read_table(output.getvalue(), "archive")


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    with pytest.raises(ImportFileError, match="décompresse"):
        read_table(_zip_bomb(), "bombe.xlsx")


def test_limits_on_size_and_rows(settings):
    settings.OPENDATA_IMPORT_MAX_ROWS = 3
    with pytest.raises(ImportFileError, match="plus de 3 lignes"):
        read_table(csv_bytes(actor_rows(4, problems=False)), "long.csv")
    settings.OPENDATA_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="la limite est de 0 Ko"):
        read_table(csv_bytes(ROWS), "lourd.csv")


def test_the_committed_example_is_the_generated_sample():
    from pathlib import Path

    folder = Path(__file__).parent / "data"
    committed = (folder / "acteurs-exemple.csv").read_bytes()
    assert committed == csv_bytes(actor_rows(150), delimiter=";", bom=True)
    table = read_table(committed, "acteurs-exemple.csv")
    assert len(table.rows) == 150
