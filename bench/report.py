"""How every app suite of `make bench` ends: its targets printed PASS/FAIL and
`bench/results/<suite>-<database>.json` written in the shape `bench/run.py` gathers:

    {"results": [{"scenario", "database", "p50_ms", "p99_ms", "queries", "note"}, ...],
     "targets": [{"target": "label with the measured value", "passed": bool}, ...]}

plus whatever the suite adds (its sizes, the date)."""

from __future__ import annotations

import datetime
import json
import math
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"


def write_suite_report(
    suite: str,
    database: str,
    rows: list[dict],
    targets: Iterable[dict | tuple[str, bool]],
    **extra: object,
) -> Path:
    """Targets are {"target", "passed"} dicts or (label, passed) pairs."""
    checked = [
        target if isinstance(target, dict) else {"target": target[0], "passed": bool(target[1])}
        for target in targets
    ]
    for row in rows:
        row.setdefault("database", database)
    print()
    for target in checked:
        print(f"{'PASS' if target['passed'] else 'FAIL'}  {target['target']}")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    output = RESULTS_DIR / f"{suite}-{database}.json"
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": database,
        **extra,
        "results": rows,
        "targets": checked,
    }
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"written {output.relative_to(BASE_DIR)}")
    return output


def percentile(values: Iterable[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of them at or below."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def summarise(samples: list[float]) -> dict[str, float]:
    """p50, p99 and max of timings in milliseconds, rounded as the reports print them."""
    return {
        "p50": round(statistics.median(samples), 1),
        "p99": round(percentile(samples, 0.99), 1),
        "max": round(max(samples), 1),
    }


def timed_gets(
    client, urls: Iterable[str], *, before: Callable[[], None] | None = None
) -> tuple[dict[str, float], int]:
    """GET each URL through Django's test client, timed (after `before`, untimed); the
    summary of the timings and the SQL queries of the last request. A non-200 answer stops
    the suite."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    samples, queries = [], 0
    for url in urls:
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(captured)
        reset_queries()
    return summarise(samples), queries
