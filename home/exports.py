"""Every CSV and XLSX file the site produces goes through here.

A cell a spreadsheet would run as a formula gets a leading apostrophe; characters an XLSX
file cannot hold (XML-illegal control characters: openpyxl refuses them) are dropped from
both formats; choices, booleans and dates are written as a person reads them.

CSV comes in two dialects. By default the spreadsheet one: `;` between columns and UTF-8
with a byte-order mark, which is what Excel and LibreOffice set to French read as columns
and accents when the file is opened with a double click (a comma-separated file opens in
one column there). `?sep=comma` gives plain RFC 4180 (`,`, no byte-order mark) for
programs that read the file.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.http import QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import gettext as _

# What a spreadsheet may take as the start of a formula, fullwidth forms included (some
# spreadsheets fold them to their ASCII form).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Characters XML 1.0 cannot hold (so neither can XLSX): C0 controls but tab, line feed and
# carriage return, lone surrogates, U+FFFE and U+FFFF.
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    byte_order_mark: bool


SPREADSHEET = CsvDialect(delimiter=";", byte_order_mark=True)
RFC4180 = CsvDialect(delimiter=",", byte_order_mark=False)


def csv_dialect(query: QueryDict | Mapping[str, str]) -> CsvDialect:
    """The dialect a request asks for: `?sep=comma` for programs, else the spreadsheet one."""
    return RFC4180 if query.get("sep") in {"comma", "virgule", ","} else SPREADSHEET


def clean_text(value: str) -> str:
    """Text safe in any spreadsheet cell: illegal characters dropped, then a formula
    neutralised with a leading apostrophe."""
    value = ILLEGAL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell_value(value: Any) -> Any:
    """A value as a cell shows it: text cleaned, numbers kept as numbers, booleans as
    Oui/Non, nothing as an empty cell, aware datetimes in the site's time zone, lists
    joined with « ; »."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date | datetime.time):
        return value
    if isinstance(value, list | tuple | set):
        return clean_text(" ; ".join(force_str(item) for item in value))
    if isinstance(value, Promise):
        value = force_str(value)
    return clean_text(force_str(value))


def csv_cell(value: Any) -> Any:
    """`cell_value` with dates written the ISO way (sortable, unambiguous; spreadsheets read
    them as dates)."""
    value = cell_value(value)
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def xlsx_cell(value: Any) -> Any:
    """`cell_value` as openpyxl takes it: datetimes naive (XLSX has no time zones)."""
    value = cell_value(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


def choice_label(model: type[Model], field_name: str, value: Any) -> Any:
    """The display value of a choices field's stored code (the code itself if unknown)."""
    field = model._meta.get_field(field_name)
    return dict(field.flatchoices).get(value, value) if field.choices else value


def csv_lines(rows: Iterable[Sequence[Any]], *, dialect: CsvDialect = SPREADSHEET) -> Iterator[str]:
    """The CSV text, line by line (the first carries the byte-order mark when the dialect
    has one); every cell goes through `csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    prefix = BOM if dialect.byte_order_mark else ""
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        line = prefix + buffer.getvalue()
        prefix = ""
        buffer.seek(0)
        buffer.truncate()
        yield line


def csv_text(rows: Iterable[Sequence[Any]], *, dialect: CsvDialect = SPREADSHEET) -> str:
    return "".join(csv_lines(rows, dialect=dialect))


class SpreadsheetExportMixin:
    """For Wagtail's admin listings and reports (their `SpreadsheetExportMixin`): cells go
    through this module, choices show their labels, the CSV is in the requested dialect.

    Put it before Wagtail's view in the bases. Only the value hooks and the CSV writer's
    setup are replaced; Wagtail still builds the rows, headings and responses."""

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        model = type(item)
        for field in row:
            if "." in field or "__" in field:
                continue
            try:
                model_field = model._meta.get_field(field)
            except FieldDoesNotExist:  # a property or a method
                continue
            if getattr(model_field, "choices", None):
                row[field] = getattr(item, f"get_{field}_display")()
        return row

    def preprocess_field_value(self, field, value, export_format):
        if export_format in self.custom_field_preprocess.get(field, {}):
            value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_XLSX:
            return xlsx_cell(value)
        return csv_cell(value)

    def stream_csv(self, queryset):
        """Wagtail's, in the requested dialect (separator, byte-order mark)."""
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        rows = (
            [
                self.preprocess_field_value(field, value, self.FORMAT_CSV)
                for field, value in self.to_row_dict(item).items()
            ]
            for item in queryset
        )
        dialect = csv_dialect(self.request.GET)
        for line in csv_lines(chain([headings], rows), dialect=dialect):
            yield line.encode("utf-8")

    def write_csv_response(self, queryset):
        response = StreamingHttpResponse(self.stream_csv(queryset), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
        return response
