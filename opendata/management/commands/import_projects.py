"""`manage.py import_projects FILE [--dry-run]`: projects from a spreadsheet, as drafts
under the actor each row names (by SIRET or name)."""

from opendata.imports import PROJECTS

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Importe des projets depuis un tableur (CSV, XLSX, ODS) ; --dry-run pour un essai."
    kind = PROJECTS
