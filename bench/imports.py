"""The spreadsheet import's target: a synthetic 5,000-row CSV of actors (the shape of the
network's member-relations export) dry-run and applied in under 60 s, with a number of SQL
queries per row that stays bounded (bulk lookups, not one query per label).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_import_bench \\
        .venv/bin/python bench/imports.py [--rows 5000]

Builds a home page and the directory (the database is emptied of pages first: use a
dedicated one), then times through the import service, as `manage.py import_actors` does:
the dry run (reading, mapping, matching), the apply (drafts created in one transaction), and
the dry run of the same file again (every row unchanged), and apart, the search indexing
that a background task does once the import is committed. The dry run's queries are counted
at 50 rows and at `--rows`: they must be the same. The apply's queries per row and its CPU
time in this process are printed too (on a loaded machine, wall time is mostly waiting).

Writes `bench/results/imports-<postgres|sqlite>.json` (the contract of bench/run.py).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.report import write_suite_report  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from wagtail.models import Page  # noqa: E402

from directory.tests.factories import DirectoryPageFactory  # noqa: E402
from home.tests.factories import make_site_with_home  # noqa: E402
from opendata.imports import ACTORS, apply_plan, prepare  # noqa: E402
from opendata.tests.samples import actor_rows, csv_bytes  # noqa: E402

TARGET_SECONDS = 60


class QueryCounter:
    """Counts SQL queries without keeping them (Django's capture keeps the last 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_dry_run(data: bytes) -> tuple[object, float, int]:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        plan = prepare(data=data, filename="acteurs.csv", kind=ACTORS)
        elapsed = time.perf_counter() - started
    return plan, elapsed, counter.count


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    database = "postgres" if connection.vendor == "postgresql" else "sqlite"
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    Page.objects.filter(depth__gt=1).delete()
    DirectoryPageFactory(parent=make_site_with_home())
    user, _new = get_user_model().objects.get_or_create(
        username="bench-import", defaults={"email": "bench-import@reseau.example"}
    )

    _plan, _seconds, small_queries = timed_dry_run(csv_bytes(actor_rows(50, problems=False)))
    data = csv_bytes(actor_rows(args.rows, problems=False), delimiter=";", bom=True)
    print(f"{args.rows} rows, {len(data) // 1024} KB")
    plan, dry_seconds, dry_queries = timed_dry_run(data)
    print(f"  dry run       {dry_seconds:6.1f} s  {dry_queries} queries  {plan.counts}")

    def progress(done: int, total: int) -> None:
        if done % 1000 == 0 or done == total:
            print(f"    {done}/{total}", flush=True)

    # The search index is written by a background task once the import is committed (the
    # worker runs it in production; these settings would run it at once): kept aside here
    # and timed on its own, as the worker's work.
    from opendata.imports import indexing

    enqueued: list[tuple] = []
    real_task = indexing.index_for_search
    indexing.index_for_search = SimpleNamespace(enqueue=lambda *args: enqueued.append(args))
    counter = QueryCounter()
    try:
        with connection.execute_wrapper(counter):
            started, cpu = time.perf_counter(), time.process_time()
            applied = apply_plan(plan=plan, user=user, progress=progress)
            apply_seconds = time.perf_counter() - started
            apply_cpu = time.process_time() - cpu
    finally:
        indexing.index_for_search = real_task
    apply_queries = counter.count
    started = time.perf_counter()
    for task_args in enqueued:
        real_task.call(*task_args)
    index_seconds = time.perf_counter() - started
    print(f"  search index  {index_seconds:6.1f} s  (background task, after the commit)")
    per_row = apply_queries / max(1, len(applied.created))
    print(
        f"  apply         {apply_seconds:6.1f} s  (this process's CPU {apply_cpu:.1f} s)  "
        f"{apply_queries} queries ({per_row:.1f} a row)"
    )
    again, again_seconds, again_queries = timed_dry_run(data)
    print(f"  dry run again {again_seconds:6.1f} s  {again_queries} queries  {again.counts}")

    rows = [
        {
            "scenario": f"import dry run of {args.rows} actors",
            "p50_ms": round(dry_seconds * 1000),
            "p99_ms": round(dry_seconds * 1000),
            "queries": dry_queries,
            "note": "read, map, match; nothing written",
        },
        {
            "scenario": f"import apply of {args.rows} actors",
            "p50_ms": round(apply_seconds * 1000),
            "p99_ms": round(apply_seconds * 1000),
            "queries": apply_queries,
            "note": f"{per_row:.1f} queries a row, one transaction, CPU {apply_cpu:.1f} s",
        },
        {
            "scenario": f"import search indexing of {args.rows} actors (background task)",
            "p50_ms": round(index_seconds * 1000),
            "p99_ms": round(index_seconds * 1000),
            "queries": None,
            "note": "run by the task worker once the import is committed",
        },
        {
            "scenario": f"import dry run again of {args.rows} actors",
            "p50_ms": round(again_seconds * 1000),
            "p99_ms": round(again_seconds * 1000),
            "queries": again_queries,
            "note": "every row unchanged",
        },
    ]
    total = dry_seconds + apply_seconds
    targets = [
        (
            f"import of {args.rows} actors: dry run {dry_seconds:.1f} s + apply "
            f"{apply_seconds:.1f} s = {total:.1f} s < {TARGET_SECONDS} s",
            total < TARGET_SECONDS and len(applied.created) == args.rows,
        ),
        (
            f"dry run queries {small_queries} at 50 rows = {dry_queries} at {args.rows}",
            small_queries == dry_queries,
        ),
        (
            f"re-import of the same file: {again.counts['unchanged']} of {args.rows} unchanged",
            again.counts["unchanged"] == args.rows,
        ),
    ]
    write_suite_report("imports", database, rows, targets, rows_imported=args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
