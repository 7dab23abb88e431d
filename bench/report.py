"""How every app suite of `make bench` ends: its targets printed PASS/FAIL and
`bench/results/<suite>-<database>.json` written in the shape `bench/run.py` gathers:

    {"results": [{"scenario", "database", "p50_ms", "p99_ms", "queries", "note"}, ...],
     "targets": [{"target": "label with the measured value", "passed": bool}, ...]}

plus whatever the suite adds (its sizes, the date)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
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
