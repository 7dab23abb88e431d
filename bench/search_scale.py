"""Search at scale, against its targets: `/recherche/?q=...` with its five facets, rendered
through Django's test client (the whole view: form, match set, facets, results, template),
on synthetic French pages with a Zipf-like word distribution, at several index sizes;
Wagtail's stock `Page.objects.search()` alongside for comparison.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_scale \\
        .venv/bin/python bench/search_scale.py --sizes 10000,40000
    DATABASE_URL=sqlite:////tmp/scale.sqlite3 .venv/bin/python bench/search_scale.py --sizes 5000

The database is emptied of pages first (use a dedicated one). Pages (half standard pages,
half news with themes and SDGs, so the facets have something to count) and their index
entries are written in bulk (SQL), not through Wagtail's signals.

Each query is measured four ways:
- after a page change: every cached search dropped, the page universe (visible pages and
  facet bitmaps) too, as on the first search after a publication: the universe is rebuilt
  (one pass over the pages and their facets) and the match set computed;
- cold: the query's cached match set dropped before every request (as for words nobody asked
  for in the last two minutes, or after a document changed), the page universe kept: the
  match set is computed, one pass over the matching index rows, linear in the number of
  matches;
- refined: the match set kept (the same words asked again within two minutes), each request
  with another facet or page (the facets and the page are computed from the match set);
- repeated: the same URL asked again (its outcome kept too).

Writes `bench/results/search_scale-<postgres|sqlite>.json` (rows and targets, the contract
of bench/run.py) and prints a table.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.report import summarise, timed_gets, write_suite_report  # noqa: E402
from bench.synthetic import live_page  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only")
# Every request comes from one address: the search's rate limit steps aside.
os.environ["SEARCH_RATE_LIMIT"] = "100000000"
os.environ["AUTOCOMPLETE_RATE_LIMIT"] = "100000000"

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.models import Locale, Page  # noqa: E402
from wagtail.search.models import IndexEntry  # noqa: E402

from directory.models import SustainableDevelopmentGoal, Theme  # noqa: E402
from home.models import StandardPage  # noqa: E402
from resources.models import NewsPage  # noqa: E402
from search import selectors as search_selectors  # noqa: E402
from search.caches import SEARCH, UNIVERSE  # noqa: E402

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
    "eau": "eau",
    "formation": "formation",
    "solidarité internationale": "solidarité internationale",
    "mot1500rare": "mot1500rare",
    "introuvablexyz": "introuvablexyz",
}


PREFIXES = ["secu", "form", "eau", "solid", "coop", "terr", "madag", "jeun", "clim", "burk"]


def matches(query: str) -> str:
    outcome = search_selectors.search(
        query=query, filters=search_selectors.SearchFilters(), with_facets=False
    )
    if outcome.capped:
        return f"{outcome.total} matches (the bound: the most recent ranked and counted)"
    return f"{outcome.total} matches"


def new_words() -> None:
    """As if nobody had asked for the words: every match set dropped, the universe kept."""
    SEARCH.bump()


def page_changed() -> None:
    UNIVERSE.bump()
    SEARCH.bump()


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, weights=WEIGHTS, k=words))


def build(size: int, rng: random.Random) -> None:
    """`size` live pages under a home page (even: standard pages; odd: news with one or two
    themes and an SDG), and their index entries."""
    Page.objects.filter(depth__gt=1).delete()
    IndexEntry.objects.all().delete()
    root = Page.get_first_root_node()
    home = root.add_child(instance=StandardPage(title="Accueil", slug="accueil"))
    locale = Locale.get_default()
    standard_type = ContentType.objects.get_for_model(StandardPage)
    news_type = ContentType.objects.get_for_model(NewsPage)
    themes = list(Theme.objects.values_list("pk", flat=True))
    sdgs = list(SustainableDevelopmentGoal.objects.values_list("pk", flat=True))
    pages, texts = [], []
    for n in range(size):
        title = text(rng, 5).capitalize()
        texts.append(text(rng, 60))
        pages.append(
            live_page(
                home,
                n + 1,
                title=title,
                slug=f"page-{n}",
                content_type=news_type if n % 2 else standard_type,
                locale=locale,
            )
        )
    with transaction.atomic():
        # Multi-table inheritance: the Page rows in bulk, then the specific rows in SQL.
        created = Page.objects.bulk_create(pages, batch_size=2000)
        standard = [
            (p.pk, t) for n, (p, t) in enumerate(zip(created, texts, strict=True)) if not n % 2
        ]
        news = [(p.pk, t) for n, (p, t) in enumerate(zip(created, texts, strict=True)) if n % 2]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO home_standardpage (page_ptr_id, listing_summary, social_text, "
                "introduction, body) VALUES (%s, '', '', %s, '[]')",
                standard,
            )
            cursor.executemany(
                "INSERT INTO resources_newspage (page_ptr_id, listing_summary, social_text, "
                "date, category, summary_text, body) VALUES (%s, '', '', '2020-06-01', "
                "'reseau', %s, '[]')",
                news,
            )
            if themes:
                cursor.executemany(
                    "INSERT INTO resources_newspage_themes (newspage_id, theme_id) VALUES (%s, %s)",
                    [
                        (pk, theme)
                        for pk, _text in news
                        for theme in rng.sample(themes, k=min(len(themes), 1 + pk % 2))
                    ],
                )
            if sdgs:
                cursor.executemany(
                    "INSERT INTO resources_newspage_sdgs "
                    "(newspage_id, sustainabledevelopmentgoal_id) VALUES (%s, %s)",
                    [(pk, rng.choice(sdgs)) for pk, _text in news],
                )
        Page.objects.filter(pk=home.pk).update(numchild=size)
        _index(standard_type.pk, news_type.pk)
    if connection.vendor == "postgresql":
        # What autovacuum does to a live database: the previous size's deleted rows out of the
        # way and the planner's statistics up to date (outside the transaction).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _rows(standard_type: int, news_type: int) -> list[tuple[int, int, str, str]]:
    standard = StandardPage.objects.values_list("pk", "title", "introduction")
    news = NewsPage.objects.values_list("pk", "title", "summary_text")
    return [(standard_type, *row) for row in standard] + [(news_type, *row) for row in news]


def _index(standard_type: int, news_type: int) -> None:
    IndexEntry.objects.all().delete()  # the home page, indexed on creation, is rebuilt too
    if connection.vendor == "postgresql":
        from django.conf import settings

        config = settings.WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"]
        with connection.cursor() as cursor:
            for table, column, ct in (
                ("home_standardpage", "introduction", standard_type),
                ("resources_newspage", "summary_text", news_type),
            ):
                cursor.execute(
                    f"""
                    INSERT INTO {IndexEntry._meta.db_table}
                        (content_type_id, object_id, title_norm, autocomplete, title, body,
                         title_text, body_text)
                    SELECT %s, p.page_ptr_id::text, 1.0,
                           to_tsvector('simple_unaccent', w.title),
                           setweight(to_tsvector(%s, w.title), 'A'),
                           to_tsvector(%s, p.{column}), w.title, p.{column}
                    FROM {table} p JOIN wagtailcore_page w ON w.id = p.page_ptr_id
                    """,  # noqa: S608
                    [ct, config, config],
                )
            cursor.execute("ANALYZE")
        return
    rows = _rows(standard_type, news_type)
    entries = [
        IndexEntry(
            content_type_id=ct, object_id=str(pk), title=title, body=body, autocomplete=title
        )
        for ct, pk, title, body in rows
    ]
    IndexEntry.objects.bulk_create(entries, batch_size=2000)
    with connection.cursor() as cursor:
        # The FTS5 table is kept by Wagtail's backend, not by triggers: rebuilt whole.
        cursor.execute(f"DELETE FROM {IndexEntry._meta.db_table}_fts")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {IndexEntry._meta.db_table}_fts (rowid, autocomplete, title, body) "  # noqa: S608
            f"SELECT id, autocomplete, title, body FROM {IndexEntry._meta.db_table}"
        )
        cursor.execute("ANALYZE")


def search_url(query: str, **params: str) -> str:
    from urllib.parse import urlencode

    return "/recherche/?" + urlencode({"q": query, **params})


def stock(query: str, runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        results = Page.objects.live().public().search(query, operator="and")
        list(results[:10])
        results.count()
        samples.append((time.perf_counter() - started) * 1000)
    return summarise(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--stock-runs", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    database = "postgres" if connection.vendor == "postgresql" else "sqlite"
    rng = random.Random(2020)
    client = Client()
    theme_slugs = list(Theme.objects.values_list("slug", flat=True)) or [""]
    rows: list[dict] = []
    measured: dict[tuple[int, str, str], dict] = {}

    def row(scenario: str, stats: dict | None, queries: int | None, note: str) -> None:
        rows.append(
            {
                "scenario": scenario,
                "database": database,
                "p50_ms": stats["p50"] if stats else None,
                "p99_ms": stats["p99"] if stats else None,
                "queries": queries,
                "note": note,
            }
        )
        p50 = f"{stats['p50']:8.1f}" if stats else "       -"
        p99 = f"{stats['p99']:8.1f}" if stats else "       -"
        print(f"  {scenario:58} p50 {p50} ms  p99 {p99} ms  {queries or '-':>3} q  {note}")

    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        started = time.perf_counter()
        build(size, rng)
        cache.clear()
        print(f"\n{database}: {size} pages built in {time.perf_counter() - started:.0f} s")
        client.get(search_url("warm"))  # content types, taxonomy choices
        for label, query in QUERIES.items():
            url = search_url(query)
            changed, changed_queries = timed_gets(client, [url] * args.runs, before=page_changed)
            cold, cold_queries = timed_gets(client, [url] * args.runs, before=new_words)
            client.get(url)
            refined_urls = [
                search_url(query, theme=theme_slugs[n % len(theme_slugs)], page=str(1 + n // 14))
                for n in range(args.runs)
            ]
            refined, refined_queries = timed_gets(client, refined_urls)
            repeated, repeated_queries = timed_gets(client, [url] * args.runs)
            measured[(size, label, "changed")] = changed
            measured[(size, label, "cold")] = cold
            measured[(size, label, "refined")] = refined
            measured[(size, label, "repeated")] = repeated
            row(
                f"search {label} after a page change, {size} pages",
                changed,
                changed_queries,
                "universe rebuilt and match set computed",
            )
            row(
                f"search {label} cold, {size} pages",
                cold,
                cold_queries,
                f"{matches(query)}; match set computed",
            )
            row(
                f"search {label} refined, {size} pages",
                refined,
                refined_queries,
                "match set kept; another facet or page each time",
            )
            row(f"search {label} repeated, {size} pages", repeated, repeated_queries, "same URL")
        prefixes = [PREFIXES[n % len(PREFIXES)] for n in range(args.runs)]
        ac_urls = [f"/recherche/autocomplete/?q={prefix}" for prefix in prefixes]
        ac, ac_queries = timed_gets(client, ac_urls, before=new_words)
        measured[(size, "autocomplete", "")] = ac
        row(f"autocomplete, {size} pages", ac, ac_queries, "secu, form, eau...: computed")
        cached, cached_queries = timed_gets(client, ac_urls)
        row(f"autocomplete again, {size} pages", cached, cached_queries, "the same prefixes: kept")
        theirs = stock("eau", args.stock_runs)
        measured[(size, "stock", "")] = theirs
        row(
            f"stock Page.search eau, {size} pages",
            theirs,
            None,
            "Wagtail's backend, 10 results and count, no facets (comparison)",
        )

    targets = []
    first = sizes[0]
    if database == "postgres":
        at = 10000 if 10000 in sizes else first
        for mode in ("repeated", "refined", "cold", "changed"):
            stats = measured[(at, "eau", mode)]
            targets.append(
                {
                    "target": f"PostgreSQL eau {mode} at {at} pages: p50 {stats['p50']} ms < 100, "
                    f"p99 {stats['p99']} ms < 300",
                    "passed": stats["p50"] < 100 and stats["p99"] < 300,
                }
            )
        if len(sizes) > 1:
            last = sizes[-1]
            for mode in ("refined", "repeated", "cold"):
                small = measured[(first, "eau", mode)]["p50"]
                large = measured[(last, "eau", mode)]["p50"]
                ratio = large / small if small else 0
                limit = 2.0
                targets.append(
                    {
                        "target": f"eau {mode} p50 {small} ms at {first} → {large} ms at {last} "
                        f"(×{ratio:.1f} for ×{last / first:.0f} pages; sublinear: < ×{limit:.0f})",
                        "passed": ratio < limit,
                    }
                )
            # Growth against the stock backend's, measured alongside: milliseconds a
            # thousand pages added.
            per_thousand = (last - first) / 1000
            ours = (
                measured[(last, "eau", "cold")]["p50"] - measured[(first, "eau", "cold")]["p50"]
            ) / per_thousand
            theirs = (
                measured[(last, "stock", "")]["p50"] - measured[(first, "stock", "")]["p50"]
            ) / per_thousand
            targets.append(
                {
                    "target": f"eau cold grows {ours:.2f} ms a thousand pages, the stock backend "
                    f"{theirs:.2f} (its facets left out): less than half",
                    "passed": ours < theirs / 2,
                }
            )
            # A selective word (one page in 200): its cost follows its few matches, not the
            # index (the stock backend's grows with the index whatever the word).
            small = measured[(first, "mot1500rare", "cold")]["p50"]
            large = measured[(last, "mot1500rare", "cold")]["p50"]
            ratio = large / small if small else 0
            targets.append(
                {
                    "target": f"selective word cold p50 {small} ms at {first} → {large} ms "
                    f"at {last} (×{ratio:.1f} for ×{last / first:.0f} pages; follows its "
                    "matches: < ×1.5)",
                    "passed": ratio < 1.5,
                }
            )
    else:
        worst = max(
            stats["max"]
            for (size, label, mode), stats in measured.items()
            if size == first and label in QUERIES
        )
        targets.append(
            {
                "target": f"SQLite, {first} pages: slowest search {worst} ms < 1000 "
                "(every query, cold included)",
                "passed": worst < 1000,
            }
        )
    for size in sizes:
        ac = measured[(size, "autocomplete", "")]
        targets.append(
            {
                "target": f"autocomplete p50 {ac['p50']} ms < 30 at {size} pages ({database})",
                "passed": ac["p50"] < 30,
            }
        )
    write_suite_report("search_scale", database, rows, targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
