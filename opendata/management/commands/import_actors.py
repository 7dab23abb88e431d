"""`manage.py import_actors FILE [--dry-run]`: actors from a spreadsheet, as drafts « à
qualifier » under the directory (or updates of the pages they match)."""

from opendata.imports import ACTORS

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Importe des acteurs depuis un tableur (CSV, XLSX, ODS) ; --dry-run pour un essai."
    kind = ACTORS
