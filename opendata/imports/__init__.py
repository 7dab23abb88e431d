"""The spreadsheet import of an existing base (actors, then projects): reading a file,
mapping its columns, matching its labels and its structures, planning (the dry run) and
applying. The admin's views and the `import_actors` / `import_projects` commands both go
through `prepare` and `apply_plan`."""

from __future__ import annotations

from .applying import Applied, ApplyError, apply_plan
from .columns import ACTORS, KINDS, PROJECTS
from .planning import STATUSES, Plan, RowPlan, plan_import
from .reading import ImportFileError, Table, read_table


def prepare(
    *, data: bytes, filename: str, kind: str, overrides: dict[str, str] | None = None
) -> Plan:
    """The dry run of a file: read, mapped, matched; nothing written."""
    return plan_import(table=read_table(data, filename), kind=kind, overrides=overrides)


__all__ = [
    "ACTORS",
    "KINDS",
    "PROJECTS",
    "STATUSES",
    "Applied",
    "ApplyError",
    "ImportFileError",
    "Plan",
    "RowPlan",
    "Table",
    "apply_plan",
    "plan_import",
    "prepare",
    "read_table",
]
