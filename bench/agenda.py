"""The agenda's performance targets, measured in-process on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_evt \\
        .venv/bin/python bench/agenda.py [--events 5000] [--sessions 12000] [--requests 50]

Fills the database (migrated, emptied of events first) with `--events` published events
spread over the coming and past months and `--sessions` sessions, then measures with Django's
test client (no network, the production middleware stack, the page cache bypassed):

- `/agenda/` rendered: p50/p99 in ms and SQL queries (target p50 < 80 ms, flat queries),
  with its results fragment cached (as visitors get it within five minutes) and cold
  (the whole cache emptied before each request);
- `/agenda/?type=formation&mois=...` filtered;
- `/agenda/agenda.ics` (1,000 events, the feed's cap) cold and cached (target < 400 ms cold).

The query counts of `/agenda/` and `agenda.ics` are taken at 10 events first: they must be
the same at 5,000. Results: a table on stdout and `bench/results/agenda-<database>.json`
(`results` and `targets`, the contract of `bench/run.py`).
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
from bench.synthetic import live_page  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(events: int, sessions: int) -> None:
    """Bulk rows (page, event, sessions, themes), then the derived dates in one UPDATE:
    creating 5,000 pages one by one through Wagtail takes most of an hour."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from directory.models import Theme
    from events.models import EventIndexPage, EventPage, EventSession
    from home.models import HomePage
    from home.tests.factories import make_site_with_home

    home = HomePage.objects.first() or make_site_with_home()
    agenda = EventIndexPage.objects.first()
    if agenda is None:
        agenda = EventIndexPage(title="Agenda", slug="agenda")
        home.add_child(instance=agenda)
    if EventPage.objects.count() == events and EventSession.objects.count() == sessions:
        print(f"{events} events already there")
        return
    started = time.monotonic()
    content_type = ContentType.objects.get_for_model(EventPage)
    locale = Locale.get_default()
    themes = list(Theme.objects.all())
    kinds = [k for k, _label in EventPage.Kind.choices]
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    per_event = [1] * events
    for index in range(sessions - events):
        per_event[index % events] += 1
    with transaction.atomic():
        Page.objects.filter(content_type=content_type).delete()
        agenda = EventIndexPage.objects.get(pk=agenda.pk)
        pages = Page.objects.bulk_create(
            [
                live_page(
                    agenda,
                    number + 1,
                    title=f"Événement de démonstration {number}",
                    slug=f"evenement-{number}",
                    content_type=content_type,
                    locale=locale,
                    when=now,
                )
                for number in range(events)
            ],
            batch_size=1000,
        )
        Page.objects.filter(pk=agenda.pk).update(numchild=events)
        for number, page in enumerate(pages):
            event = EventPage(
                page_ptr_id=page.pk,
                kind=kinds[number % len(kinds)],
                summary_text="Une rencontre du réseau pour la mesure des performances.",
                format=EventPage.Format.ONLINE,
            )
            event.save_base(raw=True)
        rows = []
        for number, page in enumerate(pages):
            day = (number * 37) % 730 - 180  # two years, a quarter of them past
            start = now + datetime.timedelta(days=day, hours=(number % 8) - 4)
            rows += [
                EventSession(
                    event_id=page.pk,
                    start_at=start + datetime.timedelta(days=7 * position),
                    end_at=start + datetime.timedelta(days=7 * position, hours=2),
                    sort_order=position,
                )
                for position in range(per_event[number])
            ]
        EventSession.objects.bulk_create(rows, batch_size=2000)
        through = EventPage.themes.through
        through.objects.bulk_create(
            [
                through(eventpage_id=page.pk, theme_id=themes[number % len(themes)].pk)
                for number, page in enumerate(pages)
            ],
            batch_size=2000,
        )
        active = EventSession.objects.filter(event=OuterRef("pk"), cancelled=False)
        EventPage.objects.update(
            start_at=Subquery(active.values("event").annotate(v=Min("start_at")).values("v")[:1]),
            end_at=Subquery(active.values("event").annotate(v=Max("end_at")).values("v")[:1]),
            session_count=Subquery(
                active.values("event").annotate(v=Count("pk", filter=Q())).values("v")[:1]
            ),
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"filled {events} events / {sessions} sessions in {time.monotonic() - started:.0f} s")


NOTES = {
    "rendered": "results stored (as within five minutes of the last change)",
    "results rebuilt": "results rebuilt on each request",
    "cold": "whole cache emptied before each request",
}


def measure(path: str, requests: int, *, cold: bool = False, rebuild: bool = False) -> dict:
    """`path` rendered (the page cache bypassed with a session cookie, as a logged-in visitor
    would); `rebuild`: the agenda's stored results made stale before each request (as a
    publication or a registration does); `cold`: the whole cache emptied before each request
    (no stored results, no taxonomy choices, no settings)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    headers = {"HTTP_COOKIE": "sessionid=bench"}
    response = client.get(path, **headers)  # warm: site root paths, templates
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    timings = []
    from events.caches import AGENDA

    for _ in range(requests):
        if cold:
            cache.clear()
        if rebuild:
            AGENDA.bump()
        begin = time.perf_counter()
        client.get(path, **headers)
        timings.append((time.perf_counter() - begin) * 1000)
    if cold:
        cache.clear()
    if rebuild:
        AGENDA.bump()
    with CaptureQueriesContext(connection) as captured:
        client.get(path, **headers)
    return {
        "path": path,
        "mode": "cold" if cold else "results rebuilt" if rebuild else "rendered",
        "p50_ms": round(statistics.median(timings), 1),
        "p99_ms": round(percentile(timings, 0.99), 1),
        "queries": len(captured),
    }


def measure_feed(path: str, runs: int = 5) -> dict:
    """The feed built from an empty cache (`runs` times), then served from the cache."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from icalendar import Calendar

    client = Client()
    client.get("/agenda/")  # warm the site root paths
    cold = []
    for _ in range(runs):
        cache.clear()
        begin = time.perf_counter()
        response = client.get(path)
        cold.append((time.perf_counter() - begin) * 1000)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    cold_queries = len(captured)
    cached = []
    for _ in range(runs):
        begin = time.perf_counter()
        response = client.get(path)
        cached.append((time.perf_counter() - begin) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    # Served from the cache: no query reads the events or their sessions.
    rebuilt = any("events_eventsession" in q["sql"] for q in captured.captured_queries)
    calendar = Calendar.from_ical(response.content)
    return {
        "path": path,
        "cold_p50_ms": round(statistics.median(cold), 1),
        "cold_p99_ms": round(percentile(cold, 0.99), 1),
        "cold_queries": cold_queries,
        "cached_p50_ms": round(statistics.median(cached), 1),
        "cached_p99_ms": round(percentile(cached, 0.99), 1),
        "cached_queries": len(captured),
        "cached_rebuilt": rebuilt,
        "events": len({str(c["URL"]) for c in calendar.walk("VEVENT")}),
        "vevents": len(calendar.walk("VEVENT")),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=12000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    database = "postgres" if connection.vendor == "postgresql" else connection.vendor
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    # The same pages at 10 events first: their query counts must not grow with the rows.
    fill(10, 24)
    small = {
        "/agenda/": measure("/agenda/", 3, rebuild=True)["queries"],
        "/agenda/agenda.ics": measure_feed("/agenda/agenda.ics", runs=1)["cold_queries"],
    }
    fill(args.events, args.sessions)
    month = (timezone.localdate() + datetime.timedelta(days=40)).strftime("%Y-%m")
    pages = [
        measure("/agenda/", args.requests),
        measure("/agenda/", args.requests, rebuild=True),
        measure("/agenda/", args.requests, cold=True),
        measure("/agenda/?page=5", args.requests),
        measure(f"/agenda/?type=formation&mois={month}", args.requests),
        measure("/agenda/?passes=1", args.requests),
        measure("/agenda/rss/", args.requests),
        measure("/", args.requests),
    ]
    feeds = [measure_feed("/agenda/agenda.ics"), measure_feed("/agenda/agenda.ics?type=webinaire")]

    size = f"{args.events} events / {args.sessions} sessions"
    results = []
    for row in pages:
        results.append(
            {
                "scenario": f"{row['path']} {row['mode']}",
                "database": database,
                "p50_ms": row["p50_ms"],
                "p99_ms": row["p99_ms"],
                "queries": row["queries"],
                "note": f"{size}, {NOTES[row['mode']]}",
            }
        )
    for row in feeds:
        note = f"{row['events']} events, {row['vevents']} VEVENTs"
        results.append(
            {
                "scenario": f"{row['path']} cold",
                "database": database,
                "p50_ms": row["cold_p50_ms"],
                "p99_ms": row["cold_p99_ms"],
                "queries": row["cold_queries"],
                "note": f"{note}, built from an empty cache",
            }
        )
        results.append(
            {
                "scenario": f"{row['path']} cached",
                "database": database,
                "p50_ms": row["cached_p50_ms"],
                "p99_ms": row["cached_p99_ms"],
                "queries": row["cached_queries"],
                "note": f"{note}, served from the cache",
            }
        )

    agenda, agenda_rebuilt = pages[0], pages[1]
    feed = feeds[0]
    cap = settings.EVENTS_FEED_MAX_EVENTS
    targets = [
        (
            f"agenda: /agenda/ p50 < 80 ms at {args.events} events ({agenda['p50_ms']} ms with "
            f"its results stored, {agenda_rebuilt['p50_ms']} ms rebuilding them)",
            agenda["p50_ms"] < 80 and agenda_rebuilt["p50_ms"] < 80,
        ),
        (
            f"agenda: /agenda/ SQL queries constant ({small['/agenda/']} at 10 events, "
            f"{agenda_rebuilt['queries']} at {args.events}, results rebuilt)",
            agenda_rebuilt["queries"] == small["/agenda/"],
        ),
        (
            f"agenda: agenda.ics of {feed['events']} events built cold < 400 ms "
            f"({feed['cold_p50_ms']} ms)",
            feed["cold_p50_ms"] < 400 and feed["events"] == cap,
        ),
        (
            f"agenda: agenda.ics cached afterwards ({feed['cached_p50_ms']} ms, "
            f"{feed['cached_queries']} queries, none reading the sessions)",
            not feed["cached_rebuilt"] and feed["cached_p50_ms"] < feed["cold_p50_ms"],
        ),
        (
            f"agenda: agenda.ics SQL queries constant ({small['/agenda/agenda.ics']} at 10 "
            f"events, {feed['cold_queries']} at {args.events})",
            feed["cold_queries"] == small["/agenda/agenda.ics"],
        ),
    ]
    print(f"\n{'scenario':48} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8}  note")
    for row in results:
        print(
            f"{row['scenario']:48} {row['p50_ms']:8} {row['p99_ms']:8} {row['queries']:8}  "
            f"{row['note']}"
        )
    write_suite_report("agenda", database, results, targets, events=args.events)
    return 0


if __name__ == "__main__":
    sys.exit(main())
