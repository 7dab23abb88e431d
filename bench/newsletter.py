"""The newsletter's targets: a letter sent to 5,000 subscribers through anymail's test
backend by the task worker (django-tasks-db's worker, in this process) in under 60 s, with
the same number of SQL queries in every batch and the worker's memory reported; one letter
rendered for one subscriber in under 20 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_newsletter_bench \\
        .venv/bin/python bench/newsletter.py [--subscribers 5000] [--batch 100]

Builds a home page, the listings and the letters' archive (the database is emptied of pages
and subscribers first: use a dedicated one), a letter with an editorial, "à la une" and the
latest news, and the confirmed subscribers. Writes `bench/results/newsletter-<database>.json`
(the contract of bench/run.py).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.report import summarise, write_suite_report  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

import modelsearch.signal_handlers  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django_tasks_db.management.commands.db_worker import Worker  # noqa: E402
from wagtail.models import Page  # noqa: E402

from home.tests.factories import CustomImageFactory, make_site_with_home  # noqa: E402
from newsletter import sending  # noqa: E402
from newsletter.mailing import build_message  # noqa: E402
from newsletter.models import Subscriber, SubscriberStatus  # noqa: E402
from newsletter.rendering import personalise, render_letter  # noqa: E402
from newsletter.tests.letters_helpers import (  # noqa: E402
    LetterIndexPageFactory,
    LetterPageFactory,
)
from resources.tests.factories import NewsIndexPageFactory, NewsPageFactory  # noqa: E402

SEND_TARGET_SECONDS = 60
RENDER_TARGET_MS = 20


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_letter():
    Page.objects.filter(depth__gt=1).delete()
    Subscriber.objects.all().delete()
    home = make_site_with_home()
    news_index = NewsIndexPageFactory(parent=home)
    news = [
        NewsPageFactory(parent=news_index, title=f"Formation au montage de projets {n}")
        for n in range(6)
    ]
    image = CustomImageFactory()
    archive = LetterIndexPageFactory(parent=home)
    body = [
        {
            "type": "editorial",
            "value": {"heading": "Édito", "text": "<p>La Semaine de la solidarité approche.</p>"},
        },
        {
            "type": "featured",
            "value": {"page": news[0].pk, "heading": "", "image": image.pk, "text": ""},
        },
        {"type": "latest", "value": {"heading": "Actualités", "kind": "news", "count": 5}},
    ]
    letter = LetterPageFactory(parent=archive, body=body, title="Lettre de test du banc")
    letter.save_revision()
    return letter


def add_subscribers(count: int) -> None:
    Subscriber.objects.bulk_create(
        Subscriber(email=f"abonne{n}@exemple.org", status=SubscriberStatus.CONFIRMED)
        for n in range(count)
    )


def measure_render(letter, runs: int) -> tuple[dict[str, float], float]:
    """Per subscriber: the links personalised, the message built (styles inlined, headers)
    and serialised as the backend sends it. Once per letter: the rendering itself."""
    started = time.perf_counter()
    rendered = render_letter(letter)
    once_ms = (time.perf_counter() - started) * 1000
    people = list(Subscriber.objects.all()[:runs])
    samples = []
    for person in people:
        started = time.perf_counter()
        message = build_message(
            subscriber=person,
            subject=rendered.subject,
            html_body=personalise(rendered.email_html, person),
            text_body=personalise(rendered.email_text, person),
        )
        message.message().as_bytes()
        samples.append((time.perf_counter() - started) * 1000)
    return summarise(samples), once_ms


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    database = "postgres" if connection.vendor == "postgresql" else "sqlite"
    # Building: no search index update (nothing here searches).
    modelsearch.signal_handlers.insert_or_update_object_task = SimpleNamespace(
        enqueue=lambda *a, **k: None
    )
    letter = build_letter()
    add_subscribers(args.subscribers)
    print(f"{database}: letter and {args.subscribers} subscribers built")

    render, once_ms = measure_render(letter, runs=200)
    print(
        f"{database}: render for one subscriber p50 {render['p50']} ms "
        f"(letter once: {once_ms:.0f} ms)"
    )

    # The worker's code path: the database task backend and its worker, each batch a task.
    batch_queries: list[int] = []
    real_batch = sending.send_next_batch

    def counted_batch(**kwargs):
        calls = []
        with connection.execute_wrapper(lambda execute, *a: calls.append(1) or execute(*a)):
            report = real_batch(**kwargs)
        if report.claimed:
            batch_queries.append(len(calls))
        return report

    mail.outbox = []
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        EMAIL_BACKEND="anymail.backends.test.EmailBackend",
        NEWSLETTER_BATCH_SIZE=args.batch,
    ):
        sending.send_next_batch = counted_batch
        rss_before = peak_rss_mib()
        started = time.perf_counter()
        sending.start_sending(letter=letter)
        worker = Worker(
            queue_names=["default"],
            excluded_queue_names=[],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="bench-newsletter",
        )
        worker.run()
        elapsed = time.perf_counter() - started
        sending.send_next_batch = real_batch
    rss_after = peak_rss_mib()
    state = sending.progress(letter_id=letter.pk)
    sent = len(mail.outbox)
    mail.outbox = []
    print(
        f"{database}: {state.sent} sent ({sent} messages) in {elapsed:.1f} s, "
        f"{len(batch_queries)} batches, "
        f"queries per batch {min(batch_queries)}-{max(batch_queries)}, "
        f"peak RSS {rss_after:.0f} MiB (+{rss_after - rss_before:.0f} MiB while sending)"
    )
    rows = [
        {
            "scenario": f"newsletter send {args.subscribers} (worker)",
            "p50_ms": round(elapsed * 1000, 1),
            "p99_ms": None,
            "queries": max(batch_queries) if batch_queries else None,
            "note": (
                f"{len(batch_queries)} batches of {args.batch}, queries per batch "
                f"{min(batch_queries)}-{max(batch_queries)}; peak RSS {rss_after:.0f} MiB "
                f"(+{rss_after - rss_before:.0f} MiB while sending)"
            ),
        },
        {
            "scenario": "newsletter render one subscriber",
            "p50_ms": render["p50"],
            "p99_ms": render["p99"],
            "queries": 0,
            "note": f"letter rendered once in {once_ms:.0f} ms",
        },
    ]
    constant = bool(batch_queries) and len(set(batch_queries)) == 1
    targets = [
        (
            f"newsletter: {args.subscribers} sent once each in {elapsed:.1f} s "
            f"(< {SEND_TARGET_SECONDS} s)",
            elapsed < SEND_TARGET_SECONDS and state.sent == sent == args.subscribers,
        ),
        (
            f"newsletter: queries per batch constant ({sorted(set(batch_queries))})",
            constant,
        ),
        (
            f"newsletter: one subscriber rendered p50 {render['p50']} ms (< {RENDER_TARGET_MS} ms)",
            render["p50"] < RENDER_TARGET_MS,
        ),
    ]
    write_suite_report(
        "newsletter",
        database,
        rows,
        targets,
        subscribers=args.subscribers,
        batch=args.batch,
        peak_rss_mib=round(rss_after, 1),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
