"""The editorial listings' performance targets: each index page (/actualites/,
/appels-a-projets/, /offres/, /ressources/, /groupes/) p50 under 60 ms, with the same number
of SQL queries whatever the number of items.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_editorial \\
        .venv/bin/python bench/editorial.py [--items 220] [--runs 40]

Builds a home page and the five listings (the database is emptied of pages first: use a
dedicated one) with 20 items each, measures, adds items up to `--items` each (with themes,
an SDG, a country and, for one card in two, an image), measures again. Requests go through
Django's test client with the production middleware; a `sessionid` cookie steps the anonymous
page cache aside, so every request renders the listing: with its cards as kept (as visitors
get them), and right after a publication (the content generation bumped before each request,
so the cards are rendered again). Filtered requests (`?odd=6`) are measured too.

Writes `bench/results/editorial-<postgres|sqlite>.json` (the contract of bench/run.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.report import timed_gets, write_suite_report  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

import modelsearch.signal_handlers  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.models import Page  # noqa: E402

from directory.tests.factories import countries, sdgs, themes  # noqa: E402
from home.page_cache import purge_page_cache  # noqa: E402
from home.tests.factories import CustomImageFactory, make_site_with_home  # noqa: E402
from resources.tests import factories  # noqa: E402

LISTINGS = {
    # name: (index factory, item factory, URL)
    "news": (factories.NewsIndexPageFactory, factories.NewsPageFactory, "/actualites/"),
    "calls": (
        factories.CallIndexPageFactory,
        factories.CallForProjectsPageFactory,
        "/appels-a-projets/",
    ),
    "offers": (factories.OpportunityIndexPageFactory, factories.OpportunityPageFactory, "/offres/"),
    "resources": (
        factories.ResourceIndexPageFactory,
        factories.ResourcePageFactory,
        "/ressources/",
    ),
    "groups": (factories.GroupIndexPageFactory, factories.GroupPageFactory, "/groupes/"),
}
P50_TARGET_MS = 60


def add_items(index: Page, factory, count: int, image) -> None:
    water, goal, country = themes("eau-assainissement-hygiene"), sdgs(6), countries("BF")
    for n in range(count):
        page = factory(parent=index, listing_image=image if n % 2 else None)
        page.themes.set(water)
        page.sdgs.set(goal)
        page.countries.set(country)


def measure(client: Client, url: str, runs: int, *, before=None) -> tuple[dict[str, float], int]:
    client.get(url)
    client.get(url)  # the first requests create settings rows and fill the caches
    return timed_gets(client, [url] * runs, before=before)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=220)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    database = "postgres" if connection.vendor == "postgresql" else "sqlite"
    # Building: no search index update (the listings never search).
    modelsearch.signal_handlers.insert_or_update_object_task = SimpleNamespace(
        enqueue=lambda *args, **kwargs: None
    )
    Page.objects.filter(depth__gt=1).delete()
    home = make_site_with_home()
    image = CustomImageFactory()
    indexes = {name: spec[0](parent=home) for name, spec in LISTINGS.items()}
    client = Client()
    client.cookies["sessionid"] = "bench"  # not a session: the page cache steps aside
    rows: list[dict] = []
    measured: dict[tuple[str, int, str], tuple[dict, int]] = {}
    started = time.perf_counter()
    for name, (_index, factory, _url) in LISTINGS.items():
        add_items(indexes[name], factory, 20, image)
    print(f"{database}: 5 listings of 20 items built in {time.perf_counter() - started:.0f} s")
    for size in (20, args.items):
        if size != 20:
            started = time.perf_counter()
            for name, (_index, factory, _url) in LISTINGS.items():
                add_items(indexes[name], factory, size - 20, image)
            print(f"{size} items each in {time.perf_counter() - started:.0f} s")
        cache.clear()
        for name, (_index, _factory, url) in LISTINGS.items():
            for label, path, before, note in (
                ("", url, None, "rendered, cards as kept"),
                (" ?odd=6", f"{url}?odd=6", None, "rendered, cards as kept"),
                (" after a publication", url, purge_page_cache, "cards rendered again"),
            ):
                stats, queries = measure(client, path, args.runs, before=before)
                measured[(name, size, label)] = (stats, queries)
                scenario = f"listing {url}{label} at {size} items"
                rows.append(
                    {
                        "scenario": scenario,
                        "database": database,
                        "p50_ms": stats["p50"],
                        "p99_ms": stats["p99"],
                        "queries": queries,
                        "note": f"{note} (page cache bypassed)",
                    }
                )
                print(
                    f"  {scenario:48} p50 {stats['p50']:7.1f} ms  p99 {stats['p99']:7.1f} ms"
                    f"  {queries:3} queries"
                )
    targets = []
    for name, (_index, _factory, url) in LISTINGS.items():
        for label in ("", " ?odd=6", " after a publication"):
            small_stats, small_queries = measured[(name, 20, label)]
            large_stats, large_queries = measured[(name, args.items, label)]
            targets.append(
                {
                    "target": f"{url}{label} at {args.items} items: p50 "
                    f"{large_stats['p50']} ms < {P50_TARGET_MS}; queries {small_queries} at 20 "
                    f"= {large_queries} at {args.items}",
                    "passed": large_stats["p50"] < P50_TARGET_MS
                    and small_stats["p50"] < P50_TARGET_MS
                    and small_queries == large_queries,
                }
            )
    write_suite_report("editorial", database, rows, targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
