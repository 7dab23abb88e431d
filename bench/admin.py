"""The admin's targets: the edit view of an actor page and of an event p50 under 250 ms, as
an editor, with the same number of SQL queries whatever the number of actors; publishing
either p50 under 500 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_admin_bench \\
        .venv/bin/python bench/admin.py [--actors 1000] [--runs 30]

Builds a home page, the directory and the agenda (the database is emptied of pages first:
use a dedicated one), 20 actors and an event, measures, adds actors up to `--actors`,
measures again. Requests go through Django's test client, logged in as a member of the
editors' group. Publishing is measured in-process as the admin's publish action does it (a
revision saved, then published), without the form round trip.

Writes `bench/results/admin-<postgres|sqlite>.json` (the contract of bench/run.py).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from functools import partial
from pathlib import Path
from types import SimpleNamespace

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.report import summarise, timed_gets, write_suite_report  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

import modelsearch.signal_handlers  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.models import Page  # noqa: E402

from directory.models import ActorPage  # noqa: E402
from directory.services.workflow import EDITORS_GROUP, editors_group  # noqa: E402
from directory.tests.factories import (  # noqa: E402
    ActorPageFactory,
    DirectoryPageFactory,
    countries,
    themes,
)
from events.models import EventPage  # noqa: E402
from events.tests.factories import EventIndexPageFactory, make_event  # noqa: E402
from home.demo_content import editors_group as demo_editors_group  # noqa: E402
from home.tests.factories import make_site_with_home  # noqa: E402

EDIT_P50_TARGET_MS = 250
PUBLISH_P50_TARGET_MS = 500


def add_actors(directory: Page, count: int, start: int) -> None:
    water, burkina = themes("eau-assainissement-hygiene"), countries("BF")
    for number in range(start, start + count):
        actor = ActorPageFactory(
            parent=directory,
            title=f"Association solidaire {number}",
            website=f"https://asso-{number}.example.org",
            postcode="33000",
            city="Bordeaux",
        )
        actor.themes.set(water)
        actor.countries.set(burkina)


def timed_publishes(page: Page, user, runs: int, _url=None) -> tuple[dict[str, float], int]:
    from django.test.utils import CaptureQueriesContext

    samples, queries = [], 0
    for number in range(runs):
        page = page.specific_class.objects.get(pk=page.pk)
        page.title = f"{page.title.split(' ·')[0]} · {number}"
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            page.save_revision(user=user, log_action=True).publish(user=user)
            samples.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return summarise(samples), queries


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actors", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    database = "postgres" if connection.vendor == "postgresql" else "sqlite"
    # Building: no search index update (the admin's edit views never search).
    modelsearch.signal_handlers.insert_or_update_object_task = SimpleNamespace(
        enqueue=lambda *args, **kwargs: None
    )
    Page.objects.filter(depth__gt=1).delete()
    home = make_site_with_home()
    directory = DirectoryPageFactory(parent=home)
    agenda = EventIndexPageFactory(parent=home)
    event = make_event(
        parent=agenda,
        title="Formation au montage de projet",
        registration_mode=EventPage.RegistrationMode.BUILT_IN,
        capacity=30,
    )
    editors_group()
    group, _created, _added = demo_editors_group(home)
    editor, _new = get_user_model().objects.get_or_create(
        username="bench-editeur", defaults={"email": "bench@reseau.example"}
    )
    editor.groups.add(group, Group.objects.get(name=EDITORS_GROUP))
    client = Client()
    client.force_login(editor)
    logging.getLogger("wagtail").setLevel(logging.WARNING)

    rows: list[dict] = []
    measured: dict[tuple[str, int], tuple[dict, int]] = {}
    add_actors(directory, 20, 0)
    # Both pages have a published revision, as edited pages do: the edit view then shows
    # their history, at every size alike.
    first_actor = ActorPage.objects.order_by("pk").first()
    for page in (first_actor, event):
        page.save_revision(user=editor).publish(user=editor)
    sizes = (20, args.actors)
    for size in sizes:
        if size != 20:
            started = time.perf_counter()
            add_actors(directory, size - 20, 20)
            print(f"{size} actors in {time.perf_counter() - started:.0f} s")
        actor = ActorPage.objects.order_by("pk").first()
        for name, url, measure in (
            (
                "actor page edit view",
                f"/admin/pages/{actor.pk}/edit/",
                lambda url: timed_gets(client, [url] * args.runs),
            ),
            (
                "event edit view",
                f"/admin/pages/{event.pk}/edit/",
                lambda url: timed_gets(client, [url] * args.runs),
            ),
            ("actor page publish", None, partial(timed_publishes, actor, editor, args.runs)),
            ("event publish", None, partial(timed_publishes, event, editor, args.runs)),
        ):
            if url:
                client.get(url)  # caches warmed
            stats, queries = measure(url)
            measured[(name, size)] = (stats, queries)
            scenario = f"admin {name} at {size} actors"
            rows.append(
                {
                    "scenario": scenario,
                    "database": database,
                    "p50_ms": stats["p50"],
                    "p99_ms": stats["p99"],
                    "queries": queries,
                    "note": "as an editor"
                    if url
                    else "save_revision + publish, in-process (no form round trip)",
                }
            )
            print(
                f"  {scenario:44} p50 {stats['p50']:7.1f} ms  p99 {stats['p99']:7.1f} ms"
                f"  {queries:3} queries"
            )
    targets = []
    for name in ("actor page edit view", "event edit view"):
        small_stats, small_queries = measured[(name, 20)]
        large_stats, large_queries = measured[(name, args.actors)]
        targets.append(
            {
                "target": f"{name} at {args.actors} actors: p50 {large_stats['p50']} ms < "
                f"{EDIT_P50_TARGET_MS}; queries {small_queries} at 20 = {large_queries} at "
                f"{args.actors}",
                "passed": large_stats["p50"] < EDIT_P50_TARGET_MS
                and small_queries == large_queries,
            }
        )
    for name in ("actor page publish", "event publish"):
        stats, _queries = measured[(name, args.actors)]
        targets.append(
            {
                "target": f"{name} at {args.actors} actors: p50 {stats['p50']} ms < "
                f"{PUBLISH_P50_TARGET_MS}",
                "passed": stats["p50"] < PUBLISH_P50_TARGET_MS,
            }
        )
    write_suite_report("admin", database, rows, targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
