"""Search at scale: the site search (`search.selectors.search`, with its five facets) against
Wagtail's stock `Page.objects.search()`, on synthetic French pages with a Zipf-like word
distribution, at several index sizes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_scale \\
        .venv/bin/python bench/search_scale.py --sizes 10000,40000
    DATABASE_URL=sqlite:////tmp/scale.sqlite3 .venv/bin/python bench/search_scale.py --sizes 5000

The database is emptied of pages first (use a dedicated one). Pages and index entries are
written in bulk (SQL), not through Wagtail's signals, so building 40,000 pages takes seconds.
Prints p50/p99 in milliseconds per query and writes `bench/results/search-scale-<db>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from wagtail.models import Locale, Page  # noqa: E402
from wagtail.search.models import IndexEntry  # noqa: E402

from home.models import StandardPage  # noqa: E402
from search import selectors  # noqa: E402

# A French vocabulary: common words first (Zipf: the k-th word is drawn ~1/k as often).
VOCABULARY = [
    "coopération",
    "solidarité",
    "internationale",
    "projet",
    "acteurs",
    "réseau",
    "formation",
    "formations",
    "eau",
    "eaux",
    "assainissement",
    "sécurité",
    "alimentaire",
    "santé",
    "éducation",
    "jeunesse",
    "engagement",
    "climat",
    "environnement",
    "énergie",
    "culture",
    "migrations",
    "développement",
    "partenariat",
    "partenaires",
    "association",
    "associations",
    "collectivité",
    "collectivités",
    "université",
    "territoire",
    "territoires",
    "agriculture",
    "souveraineté",
    "économie",
    "sociale",
    "solidaire",
    "égalité",
    "femmes",
    "hommes",
    "citoyenneté",
    "gouvernance",
    "décentralisation",
    "volontariat",
    "bénévolat",
    "stage",
    "emploi",
    "financement",
    "appel",
    "ressources",
    "guide",
    "rapport",
    "étude",
    "fiche",
    "outil",
    "vidéo",
    "compte",
    "rendu",
    "webinaire",
    "atelier",
    "rencontre",
    "burkina",
    "madagascar",
    "togo",
    "maghreb",
    "sénégal",
    "mali",
    "bénin",
    "niger",
    "cameroun",
    "haïti",
    "maroc",
    "tunisie",
    "bordeaux",
    "poitiers",
    "limoges",
    "angoulême",
    "niort",
    "pau",
    "bayonne",
    "agen",
    "périgueux",
    "guéret",
    "tulle",
]
RARE = [f"mot{n}rare" for n in range(2000)]
WORDS = VOCABULARY + RARE
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]
QUERIES = {
    "broad (eau)": "eau",
    "common (formation)": "formation",
    "two words (solidarité internationale)": "solidarité internationale",
    "selective (mot1500rare)": "mot1500rare",
    "nothing (introuvable)": "introuvablexyz",
}


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, weights=WEIGHTS, k=words))


def build(size: int, rng: random.Random) -> None:
    """`size` live StandardPage rows under a home page, and their index entries."""
    Page.objects.filter(depth__gt=1).delete()
    IndexEntry.objects.all().delete()
    root = Page.get_first_root_node()
    home = root.add_child(instance=StandardPage(title="Accueil", slug="accueil"))
    locale = Locale.get_default()
    content_type = ContentType.objects.get_for_model(StandardPage)
    pages, introductions = [], []
    for n in range(size):
        title = text(rng, 5).capitalize()
        introductions.append(text(rng, 60))
        pages.append(
            Page(
                title=title,
                draft_title=title,
                slug=f"page-{n}",
                path=home.path + _step(n + 1),
                depth=3,
                numchild=0,
                url_path=f"/accueil/page-{n}/",
                live=True,
                content_type=content_type,
                locale=locale,
                translation_key=uuid.uuid4(),
            )
        )
    with transaction.atomic():
        # Multi-table inheritance: the Page rows in bulk, then the StandardPage rows in SQL.
        created = Page.objects.bulk_create(pages, batch_size=2000)
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO home_standardpage (page_ptr_id, listing_summary, social_text, "
                "introduction, body) VALUES (%s, '', '', %s, '[]')",
                [(page.pk, intro) for page, intro in zip(created, introductions, strict=True)],
            )
        Page.objects.filter(pk=home.pk).update(numchild=size)
        _index(content_type.pk)


def _step(n: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = alphabet[r] + out
    return out


def _index(content_type_id: int) -> None:
    IndexEntry.objects.all().delete()  # the home page, indexed on creation, is rebuilt too
    rows = StandardPage.objects.values_list("pk", "title", "introduction")
    if connection.vendor == "postgresql":
        from django.conf import settings

        config = settings.WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {IndexEntry._meta.db_table}
                    (content_type_id, object_id, title_norm, autocomplete, title, body,
                     title_text, body_text)
                SELECT %s, p.page_ptr_id::text, 1.0,
                       to_tsvector('simple_unaccent', w.title),
                       setweight(to_tsvector(%s, w.title), 'A'),
                       to_tsvector(%s, p.introduction), w.title, p.introduction
                FROM home_standardpage p JOIN wagtailcore_page w ON w.id = p.page_ptr_id
                """,  # noqa: S608
                [content_type_id, config, config],
            )
            cursor.execute("ANALYZE")
        return
    entries = [
        IndexEntry(
            content_type_id=content_type_id,
            object_id=str(pk),
            title=title,
            body=body,
            autocomplete=title,
        )
        for pk, title, body in rows
    ]
    IndexEntry.objects.bulk_create(entries, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {IndexEntry._meta.db_table}_fts (rowid, autocomplete, title, body) "  # noqa: S608
            f"SELECT id, autocomplete, title, body FROM {IndexEntry._meta.db_table}"
        )
        cursor.execute("ANALYZE")


def timed(function, runs: int) -> dict[str, float]:
    function()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50": round(statistics.median(samples), 1),
        "p99": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 1),
        "max": round(samples[-1], 1),
    }


def ours(query: str):
    def run():
        outcome = selectors.search(query=query, filters=selectors.SearchFilters(), page="1")
        selectors.results_for(outcome.keys)

    return run


def stock(query: str):
    def run():
        results = Page.objects.live().public().search(query, operator="and")
        list(results[:10])
        results.count()

    return run


def autocomplete(query: str):
    return lambda: selectors.autocomplete(query=query)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--stock-runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(2020)
    report = {"database": connection.vendor, "sizes": {}}
    for size in [int(s) for s in args.sizes.split(",")]:
        started = time.perf_counter()
        build(size, rng)
        print(f"\n{connection.vendor}: {size} pages built in {time.perf_counter() - started:.0f} s")
        results = {}
        for label, query in QUERIES.items():
            mine = timed(ours(query), args.runs)
            theirs = timed(stock(query), args.stock_runs)
            results[label] = {"ours": mine, "stock": theirs}
            print(
                f"  {label:40} ours p50 {mine['p50']:7.1f} ms p99 {mine['p99']:7.1f} ms"
                f" | stock p50 {theirs['p50']:8.1f} ms max {theirs['max']:8.1f} ms"
            )
        results["autocomplete (secu)"] = {"ours": timed(autocomplete("secu"), args.runs)}
        print(f"  autocomplete (secu)                      {results['autocomplete (secu)']}")
        report["sizes"][size] = results
    out = BASE_DIR / "bench" / "results" / f"search-scale-{connection.vendor}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\n{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
