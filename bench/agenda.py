"""The agenda's targets (issue 5), measured in-process on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_evt \\
        .venv/bin/python bench/agenda.py [--events 5000] [--sessions 12000] [--requests 50]

Fills the database (migrated, emptied of events first) with `--events` published events
spread over the coming and past months and `--sessions` sessions, then measures with Django's
test client (no network, the production middleware stack, the page cache bypassed):

- `/agenda/` rendered: p50/p95 in ms and SQL queries (target p50 < 80 ms, flat queries),
  with its results fragment cached (as visitors get it within five minutes) and cold
  (the whole cache emptied before each request);
- `/agenda/?type=formation&mois=...` filtered;
- `/agenda/agenda.ics` (1,000 events, the feed's cap) cold and cached (target < 400 ms cold).

Results: a table on stdout and `bench/results/agenda-latest.json`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _path(parent_path: str, number: int) -> str:
    """Treebeard's materialised path of the `number`-th child (steps of 4, base 36)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    step = ""
    while number:
        number, digit = divmod(number, 36)
        step = alphabet[digit] + step
    return parent_path + step.rjust(4, "0")


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
                Page(
                    title=f"Événement de démonstration {number}",
                    draft_title=f"Événement de démonstration {number}",
                    slug=f"evenement-{number}",
                    content_type=content_type,
                    locale=locale,
                    path=_path(agenda.path, number + 1),
                    depth=agenda.depth + 1,
                    numchild=0,
                    url_path=f"{agenda.url_path}evenement-{number}/",
                    live=True,
                    first_published_at=now,
                    last_published_at=now,
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


def measure(path: str, requests: int, *, bypass: bool = True, cold: bool = False) -> dict:
    """`cold`: the cache is emptied before each request (no stored results, choices...)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    headers = {"HTTP_COOKIE": "sessionid=bench"} if bypass else {}
    response = client.get(path, **headers)  # warm: site root paths, templates
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    timings = []
    for _ in range(requests):
        if cold:
            cache.clear()
        begin = time.perf_counter()
        response = client.get(path, **headers)
        timings.append((time.perf_counter() - begin) * 1000)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(path, **headers)
    timings.sort()
    return {
        "path": path + (" (cold)" if cold else ""),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "queries": len(captured),
    }


def measure_feed(path: str) -> dict:
    from django.core.cache import cache
    from django.test import Client
    from icalendar import Calendar

    client = Client()
    client.get("/agenda/")  # warm the site root paths
    cold = []
    for _ in range(3):
        cache.clear()
        begin = time.perf_counter()
        response = client.get(path)
        cold.append((time.perf_counter() - begin) * 1000)
    begin = time.perf_counter()
    response = client.get(path)
    warm = (time.perf_counter() - begin) * 1000
    calendar = Calendar.from_ical(response.content)
    events = {str(c["URL"]) for c in calendar.walk("VEVENT")}
    return {
        "path": path,
        "cold_ms": round(statistics.median(cold), 1),
        "cached_ms": round(warm, 1),
        "events": len(events),
        "vevents": len(calendar.walk("VEVENT")),
        "bytes": len(response.content),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=12000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    setup()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    fill(args.events, args.sessions)
    from django.utils import timezone

    month = (timezone.localdate() + datetime.timedelta(days=40)).strftime("%Y-%m")
    pages = [
        measure("/agenda/", args.requests),
        measure("/agenda/", args.requests, cold=True),
        measure("/agenda/?page=5", args.requests),
        measure(f"/agenda/?type=formation&mois={month}", args.requests),
        measure("/agenda/?passes=1", args.requests),
        measure("/agenda/rss/", args.requests),
        measure("/", args.requests),
    ]
    feeds = [measure_feed("/agenda/agenda.ics"), measure_feed("/agenda/agenda.ics?type=webinaire")]
    print(f"\n{'page':45} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for row in pages:
        print(f"{row['path']:45} {row['p50_ms']:8} {row['p95_ms']:8} {row['queries']:8}")
    print(f"\n{'feed':45} {'cold ms':>8} {'cached':>8} {'events':>7} {'VEVENTs':>8}")
    for row in feeds:
        print(
            f"{row['path']:45} {row['cold_ms']:8} {row['cached_ms']:8} "
            f"{row['events']:7} {row['vevents']:8}"
        )
    agenda = pages[0]
    feed = feeds[0]
    targets = [
        ("/agenda/ p50 < 80 ms", agenda["p50_ms"] < 80),
        ("agenda.ics of 1,000 events cold < 400 ms", feed["cold_ms"] < 400),
    ]
    print()
    for label, ok in targets:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    results = BASE_DIR / "bench" / "results" / "agenda-latest.json"
    results.write_text(
        json.dumps(
            {
                "events": args.events,
                "sessions": args.sessions,
                "database": connection.vendor,
                "pages": pages,
                "feeds": feeds,
                "targets": dict(targets),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
