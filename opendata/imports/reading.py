"""Reading an uploaded spreadsheet into a header and rows of text.

CSV (`,` or `;`, sniffed; UTF-8 with or without a byte-order mark, else Windows-1252 with a
warning), XLSX (openpyxl, read-only) and ODS (tablib). Every refusal is an `ImportFileError`
whose message names the problem; nothing here raises anything else for a bad file."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = b"PK\x03\x04"
# An XLSX or ODS is a zip: refuse one that would expand past this many bytes (or at a
# ratio no real spreadsheet has) before reading it.
MAX_UNCOMPRESSED_RATIO = 100
FORMATS = ("csv", "xlsx", "ods")


class ImportFileError(Exception):
    """A file the import cannot read; the message says why, in French."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    format: str
    warnings: list[str] = field(default_factory=list)


def max_bytes() -> int:
    return settings.OPENDATA_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.OPENDATA_IMPORT_MAX_ROWS


def cell_text(value: object) -> str:
    """A cell as text: numbers without a trailing ".0" (a SIRET read as a number), dates
    in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def detect_format(data: bytes, filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower().lstrip(".")
    if data.startswith(ZIP_MAGIC):
        if suffix in ("xlsx", "ods"):
            return suffix
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as error:
            raise ImportFileError(_("Le fichier est une archive abîmée.")) from error
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise ImportFileError(
            _("Ce fichier compressé n'est pas un tableur (formats acceptés : CSV, XLSX, ODS).")
        )
    if suffix in ("xlsx", "ods"):
        raise ImportFileError(
            _("Le fichier « %(name)s » ne contient pas un classeur %(format)s lisible.")
            % {"name": filename, "format": suffix.upper()}
        )
    if suffix in ("xls",) or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "Les classeurs Excel 97-2003 (.xls) ne sont pas acceptés : enregistrez le "
                "fichier au format XLSX, ODS ou CSV."
            )
        )
    if suffix in ("", "csv", "txt", "tsv"):
        return "csv"
    raise ImportFileError(
        _("Format « .%(suffix)s » non accepté : choisissez un fichier CSV, XLSX ou ODS.")
        % {"suffix": suffix}
    )


def _check_archive(data: bytes) -> None:
    """Refuse a zip that expands far beyond its size (a "zip bomb") before any parser
    inflates it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError(_("Le classeur est abîmé ou n'est pas un tableur.")) from error
    if total > max(max_bytes() * 20, len(data) * MAX_UNCOMPRESSED_RATIO):
        raise ImportFileError(
            _(
                "Ce classeur se décompresse en %(size)s Mo : bien plus qu'un tableur de cette "
                "taille. Il est refusé."
            )
            % {"size": total // (1024 * 1024)}
        )


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    warning = _(
        "Le fichier n'est pas encodé en UTF-8 : il a été lu en Windows-1252 (Latin-1). "
        "Vérifiez les accents dans le rapport, ou enregistrez-le en « CSV UTF-8 »."
    )
    return text, [warning]


def _read_csv(data: bytes) -> tuple[list[list[str]], list[str]]:
    if b"\x00" in data[:4096]:
        raise ImportFileError(
            _(
                "Le fichier contient des caractères nuls : ce n'est pas un CSV (un CSV "
                "enregistré en UTF-16 ? Enregistrez-le en « CSV UTF-8 »)."
            )
        )
    text, warnings = _decode(data)
    sample = text[:20_000]
    first_line = sample.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        # One column, or a header line only: the separator that appears in the header.
        delimiter = max(",;\t", key=first_line.count)
    # The sniffer can be fooled by commas inside text; the header decides between the two.
    if first_line.count(";") > first_line.count(",") and delimiter == ",":
        delimiter = ";"
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = []
        for row in reader:
            rows.append([cell.strip() for cell in row])
            if len(rows) > max_rows() + 1:
                break
    except csv.Error as error:
        raise ImportFileError(
            _("Le fichier CSV est mal formé (ligne %(line)s) : %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from error
    return rows, warnings


def _read_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(_("Le classeur XLSX est abîmé ou illisible.")) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return []
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([cell_text(value) for value in row])
            if len(rows) > max_rows() + 1:
                break
        return rows
    except Exception as error:  # noqa: BLE001 - any parser failure is a bad file
        raise ImportFileError(_("Le classeur XLSX est abîmé ou illisible.")) from error
    finally:
        workbook.close()


def _read_ods(data: bytes) -> list[list[str]]:
    import tablib

    try:
        dataset = tablib.Dataset().load(data, format="ods", headers=False)
    except Exception as error:  # noqa: BLE001 - odfpy raises many kinds on a bad file
        raise ImportFileError(_("Le classeur ODS est abîmé ou illisible.")) from error
    return [[cell_text(value) for value in row] for row in dataset]


def read_table(data: bytes, filename: str) -> Table:
    """The first sheet of the file as a header and rows (blank rows dropped)."""
    if not data:
        raise ImportFileError(_("Le fichier est vide."))
    if len(data) > max_bytes():
        raise ImportFileError(
            _("Le fichier pèse %(size)s Ko : la limite est de %(limit)s Ko.")
            % {"size": len(data) // 1024, "limit": max_bytes() // 1024}
        )
    kind = detect_format(data, filename)
    warnings: list[str] = []
    if kind == "csv":
        rows, warnings = _read_csv(data)
    else:
        _check_archive(data)
        rows = _read_xlsx(data) if kind == "xlsx" else _read_ods(data)
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ImportFileError(_("Le fichier ne contient aucune ligne."))
    headers = [cell.strip() for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ImportFileError(
            _("La première ligne doit porter le nom des colonnes ; elle est vide.")
        )
    body = rows[1:]
    if not body:
        raise ImportFileError(_("Le fichier ne contient que la ligne des en-têtes, aucune donnée."))
    if len(body) > max_rows():
        raise ImportFileError(
            _("Le fichier compte plus de %(limit)s lignes : découpez-le en plusieurs fichiers.")
            % {"limit": max_rows()}
        )
    width = len(headers)
    body = [(row + [""] * width)[:width] for row in body]
    return Table(headers=headers, rows=body, format=kind, warnings=warnings)
