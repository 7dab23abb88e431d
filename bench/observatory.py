"""The observatory's performance targets, measured in-process on a dedicated database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_obs \\
        .venv/bin/python bench/observatory.py [--actors 10000] [--projects 20000]
                                              [--events 5000] [--accompaniments 2000]
                                              [--requests 20]

Fills the database with the directory's and the agenda's synthetic data (their suites'
`fill`), accompaniments over three years in bulk, and the observatory page, then measures
with Django's test client (the page cache bypassed with a session cookie):

- `/observatoire/` cold: the observatory's layers emptied before each request (as after a
  publication; the taxonomies stay cached) — target p50 < 150 ms;
- `/observatoire/` cached: the indicators and their rendered tables from the cache — target
  p50 < 15 ms;
- the SQL queries of both, at 10 actors first and at full size: they must be the same;
- one indicator's CSV, cold — target p50 < 50 ms;
- the current year's barometer PDF, cold — target < 10 s.

Results: a table on stdout and `bench/results/observatory-<database>.json`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.report import percentile, write_suite_report  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

PAGE_COLD_MAX_MS = 150
PAGE_CACHED_MAX_MS = 15
CSV_COLD_MAX_MS = 50
PDF_MAX_S = 10
PAGE = "/observatoire/"
CSV = "/observatoire/donnees/acteurs-odd/csv/"
JSON = "/observatoire/donnees/acteurs-odd/json/"
HEADERS = {"HTTP_COOKIE": "sessionid=bench"}


def say(line: str) -> None:
    print(f"[observatory] {line}", flush=True)


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill_accompaniments(count: int) -> None:
    """Accompaniments over the last three years, spread over départements, themes, SDGs."""
    from directory.models import ActorPage, Departement, SustainableDevelopmentGoal, Theme
    from observatory.models import Accompaniment

    if Accompaniment.objects.count() == count:
        return
    Accompaniment.objects.all().delete()
    departements = list(Departement.objects.all())
    themes = list(Theme.objects.all())
    goals = list(SustainableDevelopmentGoal.objects.all())
    actor_ids = list(ActorPage.objects.values_list("pk", flat=True)[:2000])
    year = datetime.date.today().year
    rows = [
        Accompaniment(
            actor_id=actor_ids[index % len(actor_ids)] if actor_ids and index % 3 else None,
            structure_name="" if actor_ids and index % 3 else f"Structure {index % 400}",
            departement=departements[index % len(departements)],
            date=datetime.date(year - index % 3, 1 + index % 12, 1 + index % 28),
            format="visio",
            duration_minutes=60,
        )
        for index in range(count)
    ]
    created = Accompaniment.objects.bulk_create(rows, batch_size=1000)
    Accompaniment.themes.through.objects.bulk_create(
        [
            Accompaniment.themes.through(
                accompaniment_id=item.pk, theme_id=themes[i % len(themes)].pk
            )
            for i, item in enumerate(created)
        ],
        batch_size=2000,
    )
    Accompaniment.sdgs.through.objects.bulk_create(
        [
            Accompaniment.sdgs.through(
                accompaniment_id=item.pk, sustainabledevelopmentgoal_id=goals[i % len(goals)].pk
            )
            for i, item in enumerate(created)
        ],
        batch_size=2000,
    )


def observatory_page() -> None:
    from home.models import HomePage
    from observatory.models import ObservatoryPage

    if ObservatoryPage.objects.exists():
        return
    home = HomePage.objects.first()
    page = ObservatoryPage(title="Observatoire", slug="observatoire")
    home.add_child(instance=page)
    page.save_revision().publish()


def measure(path: str, requests: int, *, cold: str = "", anonymous: bool = False) -> dict:
    """p50/p99 in ms and SQL queries; `cold`: "layers" empties the observatory's layers before
    each request, "all" the whole cache; `anonymous`: without the session cookie (the page
    cache answers)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from observatory.caches import OBSERVATORY

    client = Client()
    headers = {} if anonymous else HEADERS

    def reset() -> None:
        if cold == "all":
            cache.clear()
        elif cold == "layers":
            OBSERVATORY.bump()

    response = client.get(path, **headers)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    timings = []
    for _ in range(requests):
        reset()
        begin = time.perf_counter()
        client.get(path, **headers)
        timings.append((time.perf_counter() - begin) * 1000)
    reset()
    with CaptureQueriesContext(connection) as captured:
        client.get(path, **headers)
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
        "queries": len(captured),
    }


def measure_pdf(runs: int = 2) -> list[float]:
    from observatory.barometer import render_pdf
    from observatory.caches import OBSERVATORY

    timings = []
    for _ in range(runs):
        OBSERVATORY.bump()
        begin = time.perf_counter()
        pdf = render_pdf(year=datetime.date.today().year)
        timings.append(time.perf_counter() - begin)
        if not pdf.startswith(b"%PDF"):
            raise SystemExit("the barometer is not a PDF")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=12000)
    parser.add_argument("--accompaniments", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from bench import agenda, directory

    database = "postgres" if connection.vendor == "postgresql" else connection.vendor
    say(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

    from observatory.models import Accompaniment

    # The directory's fill deletes its pages with raw SQL: the accompaniments pointing at
    # them go first (each step writes them again).
    say("10 actors: query counts")
    Accompaniment.objects.all().delete()
    directory.fill(10, 20)
    agenda.fill(10, 24)
    fill_accompaniments(30)
    observatory_page()
    small = {
        "cold": measure(PAGE, 2, cold="layers")["queries"],
        "cached": measure(PAGE, 2)["queries"],
        "csv": measure(CSV, 2, cold="layers")["queries"],
        "json": measure(JSON, 2, cold="layers")["queries"],
    }

    say(f"{args.actors} actors, {args.projects} projects, {args.events} events")
    Accompaniment.objects.all().delete()
    directory.fill(args.actors, args.projects)
    agenda.fill(args.events, args.sessions)
    fill_accompaniments(args.accompaniments)
    observatory_page()
    size = (
        f"{args.actors} actors, {args.projects} projects, {args.events} events, "
        f"{args.accompaniments} accompaniments"
    )
    say("/observatoire/ cold, cached; CSV; PDF")
    cold = measure(PAGE, args.requests, cold="layers")
    all_cold = measure(PAGE, max(3, args.requests // 4), cold="all")
    cached = measure(PAGE, args.requests * 5)
    filtered = measure(PAGE + "?odd=6&departement=33", args.requests, cold="layers")
    page_cache_hit = measure(PAGE, args.requests * 5, anonymous=True)
    csv_cold = measure(CSV, args.requests, cold="layers")
    json_cold = measure(JSON, args.requests, cold="layers")
    pdf = measure_pdf()

    rows = [
        {"scenario": "/observatoire/ cold", **cold, "note": f"{size}; layers emptied"},
        {"scenario": "/observatoire/ whole cache empty", **all_cold, "note": "taxonomies too"},
        {"scenario": "/observatoire/ cached", **cached, "note": "indicators and tables cached"},
        {"scenario": "/observatoire/?odd=6&departement=33 cold", **filtered, "note": size},
        {
            "scenario": "/observatoire/ page cache hit",
            **page_cache_hit,
            "note": "anonymous visitor, whole page from the page cache",
        },
        {"scenario": "acteurs-odd CSV cold", **csv_cold, "note": size},
        {"scenario": "acteurs-odd JSON cold", **json_cold, "note": size},
        {
            "scenario": "barometer PDF (current year) cold",
            "p50_ms": round(statistics.median(pdf) * 1000, 1),
            "p99_ms": round(max(pdf) * 1000, 1),
            "queries": None,
            "note": "WeasyPrint, tagged PDF",
        },
    ]
    for row in rows:
        print(
            f"{row['scenario']:<45} p50 {row['p50_ms']:>9} ms  p99 {row['p99_ms']:>9} ms  "
            f"queries {row['queries']}"
        )
    targets = [
        (
            f"/observatoire/ cold < {PAGE_COLD_MAX_MS} ms (got {cold['p50_ms']} ms)",
            cold["p50_ms"] < PAGE_COLD_MAX_MS,
        ),
        (
            f"/observatoire/ cached < {PAGE_CACHED_MAX_MS} ms (got {cached['p50_ms']} ms)",
            cached["p50_ms"] < PAGE_CACHED_MAX_MS,
        ),
        (
            f"/observatoire/ queries flat: cold {small['cold']} → {cold['queries']}, cached "
            f"{small['cached']} → {cached['queries']}",
            small["cold"] == cold["queries"] and small["cached"] == cached["queries"],
        ),
        (
            f"one indicator's CSV cold < {CSV_COLD_MAX_MS} ms (got {csv_cold['p50_ms']} ms; "
            f"queries {small['csv']} → {csv_cold['queries']})",
            csv_cold["p50_ms"] < CSV_COLD_MAX_MS and small["csv"] == csv_cold["queries"],
        ),
        (
            f"one indicator's JSON queries flat: {small['json']} → {json_cold['queries']}",
            small["json"] == json_cold["queries"],
        ),
        (f"barometer PDF < {PDF_MAX_S} s (got {max(pdf):.1f} s)", max(pdf) < PDF_MAX_S),
    ]
    write_suite_report("observatory", database, rows, targets, size=size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
