"""The directory's performance targets, measured in-process on a dedicated database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_dir \\
        .venv/bin/python bench/directory.py [--actors 10000] [--projects 20000] [--requests 30]
                                            [--no-browser | --only-map] [--map-runs 3]

`make bench` runs it on a fresh PostgreSQL database (see SUITES in `bench/run.py`). The script
migrates, adds a home page and the directory page when missing, then fills the directory with
`--actors` published actor pages (about 5 % without a place) and `--projects` published
projects under them (a quarter with a precise place abroad, the others drawn at their
countries' centroids), written in bulk: pages by `bulk_create` on treebeard's materialised
paths, the specific rows and the many-to-many rows in multi-row INSERTs. Directory pages
already there with the same counts are kept.

Then, with Django's test client (no network, the whole middleware stack):

- `actors.geojson` unfiltered: built cold (the cache emptied before each request, so the
  taxonomy maps are rebuilt too), served from the cache that holds it gzip-compressed, its
  gzipped size, and the memory of the process before and after 200 requests (tracemalloc's
  live allocations, and the resident set size);
- `projects.geojson`, likewise (reported);
- the map's light feed `actors.map.json` (id, coordinates, name, SDGs, college), likewise, and
  its gzipped size;
- `/annuaire/?departement=33&odd=6` rendered (the page cache bypassed with a session cookie,
  as the agenda's bench does), with the filters' option counts cached as visitors get them
  and cold, and its SQL queries;
- the map in headless Chromium (Debian's chromium through Playwright) against gunicorn on the
  same database: time from navigation to the first cluster drawn, and until every marker is
  in a cluster or drawn on its own (the clusters' counts plus the lone markers equal the
  points loaded), both timed in the page.

Results: a table on stdout and `bench/results/directory-<database>.json` (`results` rows with
scenario, database, p50_ms, p99_ms, queries, note; `targets` with target and passed).

`--only-map` fills the database as above but measures the map alone (`--map-runs` page loads,
3 by default, the median reported), into `bench/results/directory-map-<database>.json`: a
quick check of the map's target that leaves the full report as it was.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.report import percentile, write_suite_report  # noqa: E402
from bench.synthetic import live_page  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

TWO_FILTERS = "/annuaire/?departement=33&odd=6"
GEOJSON_COLD_MAX_MS = 60
GEOJSON_CACHED_MAX_MS = 10
# The map reads its light feed (150 KB at most); the full `actors.geojson` is open data whose
# documented properties matter more than its size, which the table reports without a target.
MAP_FEED_MAX_GZIP_BYTES = 150 * 1024
MAP_FIRST_CLUSTER_MAX_MS = 400
MEMORY_MAX_GROWTH_BYTES = 256 * 1024
LIST_MAX_P50_MS = 80
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# No internet here: every host but this one fails to resolve at once (the map's tiles). Done by
# Chromium itself; intercepting requests with Playwright's `route` would send each of the
# page's requests through this process and back, a delay no visitor has.
OFFLINE_ARG = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"

# Real towns of the region (latitude, longitude, postcode), weighted roughly as the report
# counts actors: Gironde the most, then Vienne, Deux-Sèvres...
TOWNS = [
    ("Bordeaux", 44.8378, -0.5792, "33000", 18),
    ("Mérignac", 44.8386, -0.6436, "33700", 4),
    ("Pessac", 44.8067, -0.6311, "33600", 3),
    ("Libourne", 44.9153, -0.2439, "33500", 2),
    ("Arcachon", 44.6586, -1.1689, "33120", 1),
    ("Poitiers", 46.5802, 0.3404, "86000", 8),
    ("Châtellerault", 46.8178, 0.5461, "86100", 2),
    ("Niort", 46.3237, -0.4597, "79000", 6),
    ("Bressuire", 46.8406, -0.4886, "79300", 2),
    ("Limoges", 45.8336, 1.2611, "87000", 5),
    ("La Rochelle", 46.1603, -1.1511, "17000", 5),
    ("Saintes", 45.7464, -0.6333, "17100", 2),
    ("Angoulême", 45.6484, 0.1562, "16000", 4),
    ("Cognac", 45.6958, -0.3292, "16100", 1),
    ("Pau", 43.2951, -0.3708, "64000", 4),
    ("Bayonne", 43.4929, -1.4748, "64100", 3),
    ("Mont-de-Marsan", 43.8902, -0.4999, "40000", 2),
    ("Dax", 43.7102, -1.0536, "40100", 1),
    ("Agen", 44.2033, 0.6163, "47000", 3),
    ("Périgueux", 45.1847, 0.7214, "24000", 3),
    ("Bergerac", 44.8533, 0.4833, "24100", 1),
    ("Tulle", 45.2670, 1.7720, "19000", 2),
    ("Brive-la-Gaillarde", 45.1589, 1.5321, "19100", 2),
    ("Guéret", 46.1710, 1.8715, "23000", 1),
]
KINDS = [
    "Association",
    "Collectif",
    "Comité de jumelage",
    "Coordination",
    "Amicale",
    "Fondation",
    "Coopérative",
    "Maison",
]
WORDS = [
    "Solidarité",
    "Eau Vive",
    "Terre d'Échanges",
    "Sahel Avenir",
    "Horizons Partagés",
    "Semences",
    "Santé Sud",
    "Écoles du Monde",
    "Femmes Actrices",
    "Jeunesse Engagée",
    "Ponts Nord-Sud",
    "Énergies Solidaires",
]
PROJECT_WORDS = [
    "Forages et latrines",
    "Jardins scolaires",
    "Santé maternelle",
    "Formation d'animateurs",
    "Coopérative de femmes",
    "Échanges de jeunes",
    "Électrification solaire",
    "Appui aux communes",
    "Bibliothèques rurales",
    "Filière karité",
]
# Most actors work in a few countries (the report's), on one or two themes and goals: drawn
# from Zipf-like weights, most frequent first.
COUNTRIES = ["BF", "SN", "MG", "TG", "BJ", "MA", "ML", "CM", "TN", "NE", "HT", "DZ", "CI", "VN"]
SDG_ORDER = [4, 6, 5, 2, 3, 17, 13, 1, 8, 10, 11, 16, 7, 12, 15, 14, 9]
COLLEGE_WEIGHTS = {
    "associations": 55,
    "collectivites": 20,
    "universites": 10,
    "acteurs-economiques": 8,
    "autres-acteurs": 7,
}


def zipf_sample(rng: random.Random, values: list, count: int) -> list:
    """`count` distinct values, the k-th drawn about 1/k as often as the first."""
    weights = [1 / (rank + 1) for rank in range(len(values))]
    chosen: list = []
    while len(chosen) < min(count, len(values)):
        value = rng.choices(values, weights)[0]
        if value not in chosen:
            chosen.append(value)
    return chosen


def say(line: str) -> None:
    sys.stdout.write(f"[directory bench] {line}\n")
    sys.stdout.flush()


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    say("migrate")
    call_command("migrate", verbosity=0)


def _insert_rows(model, instances: list, batch_size: int = 2000) -> None:
    """Multi-row INSERTs of a page model's own table (`bulk_create` refuses multi-table
    inheritance); the `wagtailcore_page` rows exist already."""
    fields = model._meta.local_concrete_fields
    for start in range(0, len(instances), batch_size):
        model._base_manager._insert(instances[start : start + batch_size], fields=fields, raw=True)


def site_tree():
    """The home page and the directory page, created when missing."""
    from django.utils import timezone

    from directory.models import DirectoryPage
    from home.models import HomePage
    from home.tests.factories import make_site_with_home

    home = HomePage.objects.first() or make_site_with_home()
    directory = DirectoryPage.objects.first()
    if directory is None:
        now = timezone.now()
        directory = home.add_child(
            instance=DirectoryPage(
                title="Annuaire",
                slug="annuaire",
                introduction="Les acteurs de la coopération internationale.",
                first_published_at=now,
                last_published_at=now,
            )
        )
    return directory


def fill(actors: int, projects: int, seed: int = 3) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from directory.models import (
        ActorPage,
        College,
        Country,
        Departement,
        DirectoryPage,
        ProjectPage,
        ProjectPlace,
        SustainableDevelopmentGoal,
        Theme,
    )
    from directory.selectors import country_centroid
    from directory.services.map_properties import refresh_map_properties

    directory = site_tree()
    if ActorPage.objects.count() == actors and ProjectPage.objects.count() == projects:
        say(f"{actors} actors and {projects} projects already there")
        return
    started = time.monotonic()
    rng = random.Random(seed)
    actor_type = ContentType.objects.get_for_model(ActorPage)
    project_type = ContentType.objects.get_for_model(ProjectPage)
    locale = Locale.get_default()
    now = timezone.now()
    college_ids = dict(College.objects.values_list("slug", "pk"))
    colleges = [college_ids[slug] for slug in COLLEGE_WEIGHTS if slug in college_ids]
    college_weights = [COLLEGE_WEIGHTS[slug] for slug in COLLEGE_WEIGHTS if slug in college_ids]
    departements = dict(Departement.objects.values_list("code", "pk"))
    theme_ids = list(Theme.objects.values_list("pk", flat=True))
    sdg_by_number = dict(SustainableDevelopmentGoal.objects.values_list("number", "pk"))
    sdg_ids = [sdg_by_number[number] for number in SDG_ORDER if number in sdg_by_number]
    country_ids = dict(Country.objects.filter(code__in=COUNTRIES).values_list("code", "pk"))
    codes = [code for code in COUNTRIES if code in country_ids]
    towns = [town for town in TOWNS for _ in range(town[4])]

    with transaction.atomic():
        if ActorPage.objects.exists() or ProjectPage.objects.exists():
            say("emptying the directory of earlier actors and projects (raw deletes)")
            directory_pages = Page.objects.filter(content_type__in=[actor_type, project_type])
            owned = directory_pages.values("pk")
            for queryset in (
                ProjectPlace.objects.all(),
                *(
                    getattr(ProjectPage, name).through.objects.all()
                    for name in ("themes", "sdgs", "countries", "partner_actors")
                ),
                *(
                    getattr(ActorPage, name).through.objects.all()
                    for name in ("themes", "sdgs", "countries")
                ),
                ActorPage.tags.through.objects.all(),
                ProjectPage.objects.all(),
                ActorPage.objects.all(),
                Page.objects.filter(pk__in=owned),
            ):
                queryset._raw_delete(queryset.db)
        directory = DirectoryPage.objects.get(pk=directory.pk)

        say(f"{actors} actor pages (bulk)")
        seats = []
        for number in range(actors):
            city, lat, lng, postcode, _weight = rng.choice(towns)
            # Around the town (a few km), 5 decimals as a geocoder gives; 5 % without a place.
            placed = number % 20 != 7
            lat = round(lat + rng.uniform(-0.08, 0.08), 5)
            lng = round(lng + rng.uniform(-0.08, 0.08), 5)
            name = f"{rng.choice(KINDS)} {rng.choice(WORDS)} {city} {number}"
            seats.append((name, city, postcode, (lat, lng) if placed else None))
        actor_pages = Page.objects.bulk_create(
            [
                live_page(
                    directory,
                    number + 1,
                    title=name,
                    slug=slug_of(name),
                    content_type=actor_type,
                    locale=locale,
                    when=now,
                )
                for number, (name, _city, _postcode, _point) in enumerate(seats)
            ],
            batch_size=2000,
        )
        _insert_rows(
            ActorPage,
            [
                ActorPage(
                    page_ptr_id=page.pk,
                    location=f"SRID=4326;POINT({point[1]} {point[0]})" if point else "",
                    latitude=point[0] if point else None,
                    longitude=point[1] if point else None,
                    college_id=rng.choices(colleges, college_weights)[0],
                    short_description="Une structure engagée dans la coopération internationale.",
                    address=f"{number % 90 + 1} rue de la République",
                    postcode=postcode,
                    city=city,
                    departement_id=departements.get(postcode[:2]),
                    membership=rng.choice(list(ActorPage.Membership.values)),
                    qualification_status=ActorPage.Qualification.QUALIFIED,
                    internal_notes="Note interne de mesure.",
                    private_contact_email="contact-prive@example.org",
                )
                for number, (page, (_name, city, postcode, point)) in enumerate(
                    zip(actor_pages, seats, strict=True)
                )
            ],
        )

        say(f"{projects} project pages (bulk)")
        per_actor = [0] * actors
        for index in range(projects):
            per_actor[(index * 7919) % actors] += 1
        project_pages = []
        owners = []
        for actor_index, actor in enumerate(actor_pages):
            for child in range(per_actor[actor_index]):
                title = f"{rng.choice(PROJECT_WORDS)} {actor_index}-{child}"
                slug = slug_of(title)
                project_pages.append(
                    live_page(
                        actor,
                        child + 1,
                        title=title,
                        slug=slug,
                        content_type=project_type,
                        locale=locale,
                        when=now,
                    )
                )
                owners.append(actor.pk)
        project_pages = Page.objects.bulk_create(project_pages, batch_size=2000)
        for actor_index, actor in enumerate(actor_pages):
            actor.numchild = per_actor[actor_index]
        Page.objects.bulk_update(actor_pages, ["numchild"], 2000)
        Page.objects.filter(pk=directory.pk).update(numchild=actors)
        statuses = list(ProjectPage.Status.values)
        _insert_rows(
            ProjectPage,
            [
                ProjectPage(
                    page_ptr_id=page.pk,
                    actor_id=owner,
                    summary_text="Un projet de coopération pour la mesure des performances.",
                    status=rng.choice(statuses),
                    start_year=2010 + rng.randrange(15),
                )
                for page, owner in zip(project_pages, owners, strict=True)
            ],
        )

        say("themes, SDGs, countries and places (bulk)")
        for model, owner_column, pages_of_kind in (
            (ActorPage, "actorpage_id", actor_pages),
            (ProjectPage, "projectpage_id", project_pages),
        ):
            project_kind = model is ProjectPage
            links = {"themes": [], "sdgs": [], "countries": []}
            for page in pages_of_kind:
                for name, choices, low, high in (
                    ("themes", theme_ids, 1, 2),
                    ("sdgs", sdg_ids, 1, 3),
                    ("countries", [country_ids[c] for c in codes], 1 if project_kind else 0, 2),
                ):
                    for value in zipf_sample(rng, choices, rng.randint(low, high)):
                        links[name].append((page.pk, value))
            for name, pairs in links.items():
                through = getattr(model, name).through
                column = next(
                    f.attname
                    for f in through._meta.fields
                    if f.is_relation and f.attname != owner_column
                )
                through.objects.bulk_create(
                    [through(**{owner_column: pk, column: value}) for pk, value in pairs],
                    batch_size=5000,
                )
        centroids = {code: country_centroid(code) for code in codes}
        places = []
        for index, page in enumerate(project_pages):
            if index % 4:
                continue
            code = zipf_sample(rng, codes, 1)[0]
            centroid = centroids[code]
            if centroid is None:
                continue
            lat = round(centroid[0] + rng.uniform(-2, 2), 5)
            lng = round(centroid[1] + rng.uniform(-2, 2), 5)
            places.append(
                ProjectPlace(
                    project_id=page.pk,
                    name=f"Lieu {index}",
                    country_id=country_ids[code],
                    location=f"SRID=4326;POINT({lng} {lat})",
                    latitude=lat,
                    longitude=lng,
                    sort_order=0,
                )
            )
        ProjectPlace.objects.bulk_create(places, batch_size=5000)
        say("map properties of the actors (as `save()` keeps them)")
        refresh_map_properties()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The map properties were written by a second pass: the table is compacted, as
            # autovacuum would leave it, before anything is measured.
            cursor.execute("VACUUM FULL directory_actorpage")
            cursor.execute("VACUUM ANALYZE")
    say(
        f"filled {actors} actors / {projects} projects / {len(places)} places "
        f"in {time.monotonic() - started:.1f} s"
    )


def slug_of(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:80]


# --- Measures ---------------------------------------------------------------------------------


def _row(scenario: str, timings: list[float], queries: int | None, note: str = "") -> dict:
    return {
        "scenario": scenario,
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
        "queries": queries,
        "note": note,
    }


def _count_queries(client, path: str, **headers) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path, **headers)
    return len(captured)


def rss_bytes() -> int:
    """The process's resident set size now (Linux), else its peak."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure_export(path: str, requests: int) -> dict:
    """Cold (cache emptied) and cached timings of an export, its size and memory growth."""
    import gzip

    from django.core.cache import cache
    from django.test import Client

    client = Client()
    gzip_header = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
    response = client.get(path, **gzip_header)  # warm: site root paths, content types
    if response.status_code != 200 or response.get("Content-Encoding") != "gzip":
        raise SystemExit(f"{path} answered {response.status_code} without gzip")
    cold = []
    for _ in range(requests):
        cache.clear()
        begin = time.perf_counter()
        response = client.get(path, **gzip_header)
        cold.append((time.perf_counter() - begin) * 1000)
    compressed = response.content
    raw = gzip.decompress(compressed)
    data = json.loads(raw)
    features = len(data["features"]) if "features" in data else data.get("count", 0)
    cache.clear()
    cold_queries = _count_queries(client, path, **gzip_header)
    cached = []
    for _ in range(max(requests, 200)):
        begin = time.perf_counter()
        response = client.get(path, **gzip_header)
        cached.append((time.perf_counter() - begin) * 1000)
    cached_queries = _count_queries(client, path, **gzip_header)
    plain = client.get(path)  # a client without gzip gets the same data decompressed
    if plain.get("Content-Encoding") or plain.content != raw:
        raise SystemExit(f"{path} without Accept-Encoding differs from the gzip body")

    # Memory: 200 cached requests and 20 cold builds, after a first round that fills what
    # is meant to stay (caches of the ORM, templates, compiled queries).
    def calls(cached_calls: int, cold_calls: int) -> None:
        for _ in range(cached_calls):
            client.get(path, **gzip_header)
        for _ in range(cold_calls):
            cache.clear()
            client.get(path, **gzip_header)

    calls(200, 10)
    gc.collect()
    rss_before = rss_bytes()
    tracemalloc.start()
    calls(20, 1)
    gc.collect()
    traced_before = tracemalloc.get_traced_memory()[0]
    calls(200, 10)
    gc.collect()
    traced_after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    rss_after = rss_bytes()
    return {
        "path": path,
        "features": features,
        "cold": cold,
        "cached": cached,
        "cold_queries": cold_queries,
        "cached_queries": cached_queries,
        "gzip_bytes": len(compressed),
        "raw_bytes": len(raw),
        "traced_growth": traced_after - traced_before,
        "rss_growth": rss_after - rss_before,
    }


def measure_build(kind: str, requests: int) -> list[float]:
    """The export built and serialised alone, the cache emptied before each build (no gzip,
    no request)."""
    from django.core.cache import cache

    from directory import selectors
    from directory.filters import DirectoryFilters
    from directory.models import DirectoryPage

    directory = DirectoryPage.objects.get()
    build = {
        "actors.geojson": selectors.actors_geojson,
        "projects.geojson": selectors.projects_geojson,
    }[kind]
    filters = DirectoryFilters()
    timings = []
    for _ in range(requests):
        cache.clear()
        begin = time.perf_counter()
        build(directory=directory, filters=filters)
        timings.append((time.perf_counter() - begin) * 1000)
    return timings


def measure_page(path: str, requests: int, *, cold: bool = False) -> dict:
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    headers = {"HTTP_COOKIE": "sessionid=bench"}  # the page cache steps aside
    response = client.get(path, **headers)
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
    queries = _count_queries(client, path, **headers)
    html = response.content.decode()
    found = re.search(r'class="results-count"[^>]*>\s*([\d\u202f\xa0 ]+)', html)
    count = int(re.sub(r"\D", "", found.group(1))) if found else None
    return {"timings": timings, "queries": queries, "count": count}


# --- The map in Chromium -------------------------------------------------------------------


def free_port() -> int:
    """`BENCH_PORT` when set (a port of one's own on a shared machine), else any free one."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", int(os.environ.get("BENCH_PORT", 0))))
        return sock.getsockname()[1]


def start_server(port: int, log_path: Path) -> subprocess.Popen:
    """gunicorn on the same database (and the test settings: static files from the
    finders), one worker with threads, like the live server of the browser tests."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi:application",
            "--workers",
            "1",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]},
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start:\n{log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline:
                stop_server(process)
                log = log_path.read_text()[-2000:]
                raise SystemExit(f"gunicorn did not answer:\n{log}") from None
            time.sleep(0.3)
    return process


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# Every marker accounted for: the clusters' counts plus the markers drawn alone, against what
# the page loaded (`data-loaded`, the points indexed). The map draws only what its view holds;
# it opens on the bounds of every point, so they all are there, in a cluster or alone.
MARKERS_DRAWN = """() => {
    const map = document.getElementById("directory-map");
    if (!map || !map.dataset.loaded) return null;
    let total = 0;
    for (const icon of map.querySelectorAll(".leaflet-marker-pane .leaflet-marker-icon")) {
        total += icon.classList.contains("marker-cluster")
            ? parseInt(icon.textContent, 10) || 0 : 1;
    }
    return total === parseInt(map.dataset.loaded, 10) ? total : null;
}"""


# Timed in the page (no polling from here, whose delay would count): a MutationObserver set
# before the page's scripts notes the frame after the first cluster enters the DOM, and the
# frame after every marker is accounted for (`MARKERS_DRAWN`), in ms since navigation, then
# hands both to `__mapTimesReady` (a Playwright binding). Nothing else runs in the page while
# it loads: `wait_for_function` would first evaluate Playwright's own injected script there
# (about 50 ms of the page's main thread, before its first paint).
MAP_TIMES = (
    """(() => {
    const markersDrawn = """
    + MARKERS_DRAWN
    + """;
    const times = (window.__mapTimes = {});
    const observer = new MutationObserver(() => {
        if (times.first === undefined && document.querySelector("#directory-map .marker-cluster")) {
            times.first = null;
            requestAnimationFrame(() => { times.first = performance.now(); });
        }
        if (times.complete === undefined && markersDrawn() !== null) {
            times.complete = null;
            observer.disconnect();
            requestAnimationFrame(() => {
                times.complete = performance.now();
                const report = () =>
                    times.first ? window.__mapTimesReady(times) : setTimeout(report, 20);
                report();
            });
        }
    });
    observer.observe(document, { childList: true, subtree: true, attributes: true,
                                 attributeFilter: ["data-loaded"] });
})();"""
)


def measure_map(actors: int, runs: int = 3) -> dict:
    """Time to first render of the directory map with every actor, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not on PATH: apt-get install chromium")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = BASE_DIR / "bench" / "results" / "directory-gunicorn.log"
    say(f"gunicorn on {base} for the map")
    server = start_server(port, log_path)
    try:
        for path in ("/annuaire/", "/annuaire/actors.map.json"):  # warm the server's caches
            with urllib.request.urlopen(f"{base}{path}", timeout=60) as response:
                response.read()
        first, complete, loaded = [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=[*CHROMIUM_ARGS, OFFLINE_ARG]
            )
            try:
                for _ in range(runs):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    reported: list[dict] = []
                    page.expose_binding(
                        "__mapTimesReady",
                        lambda _source, times, reported=reported: reported.append(times),
                    )
                    page.add_init_script(MAP_TIMES)
                    page.goto(f"{base}/annuaire/", wait_until="commit")
                    deadline = time.monotonic() + 60
                    while not reported:
                        if time.monotonic() > deadline:
                            raise SystemExit("map: no cluster drawn within 60 s")
                        page.wait_for_timeout(20)  # waits here, runs nothing in the page
                    times = reported[0]
                    first.append(times["first"])
                    complete.append(times["complete"])
                    # Still true now: every marker in a cluster or alone, none twice.
                    drawn = page.evaluate(MARKERS_DRAWN)
                    if drawn is None:
                        raise SystemExit("map: the markers drawn do not add up to data-loaded")
                    loaded.append(drawn)
                    context.close()
            finally:
                browser.close()
    finally:
        stop_server(server)
    return {"first": first, "complete": complete, "markers": loaded[-1] if loaded else 0}


# --- Report --------------------------------------------------------------------------------


def print_table(rows: list[dict]) -> None:
    header = ("scenario", "p50 ms", "p99 ms", "queries", "note")
    cells = [
        (
            row["scenario"],
            "-" if row["p50_ms"] is None else f"{row['p50_ms']:.1f}",
            "-" if row["p99_ms"] is None else f"{row['p99_ms']:.1f}",
            "-" if row["queries"] is None else str(row["queries"]),
            row["note"],
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    print()
    for index, line in enumerate([header, *cells]):
        print(
            "  ".join(
                cell.ljust(widths[i]) if i in (0, 4) else cell.rjust(widths[i])
                for i, cell in enumerate(line)
            ).rstrip()
        )
        if index == 0:
            print("  ".join("-" * width for width in widths))
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=30)
    browser = parser.add_mutually_exclusive_group()
    browser.add_argument("--no-browser", action="store_true", help="skip the map in Chromium")
    browser.add_argument("--only-map", action="store_true", help="measure the map alone")
    parser.add_argument("--map-runs", type=int, default=3, help="page loads of the map")
    args = parser.parse_args()
    setup()
    from django.db import connection

    database = {"postgresql": "postgres"}.get(connection.vendor, connection.vendor)
    say(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    fill(args.actors, args.projects)

    if args.only_map:
        rows, targets = measure_map_rows(args.actors, args.map_runs)
        finish("directory-map", database, rows, targets, args)
        return 0

    rows: list[dict] = []
    targets: list[tuple[str, bool]] = []

    say("actors.geojson: cold, cached, memory")
    actors = measure_export("/annuaire/actors.geojson", args.requests)
    actors_build = measure_build("actors.geojson", args.requests)
    say("actors.map.json (the map's light feed): cold, cached, memory")
    feed = measure_export("/annuaire/actors.map.json", args.requests)
    rows += [
        _row(
            "actors.map.json cold (cache emptied)",
            feed["cold"],
            feed["cold_queries"],
            f"{feed['gzip_bytes'] / 1024:.0f} KB gzip ({feed['raw_bytes'] / 1024:.0f} KB raw)",
        ),
        _row("actors.map.json from the gzip cache", feed["cached"], feed["cached_queries"]),
    ]
    targets.append(
        (
            f"actors.map.json < {MAP_FEED_MAX_GZIP_BYTES // 1024} KB gzipped "
            f"(got {feed['gzip_bytes'] / 1024:.0f} KB)",
            feed["gzip_bytes"] < MAP_FEED_MAX_GZIP_BYTES,
        )
    )
    say("projects.geojson: cold, cached, memory")
    projects = measure_export("/annuaire/projects.geojson", args.requests)
    projects_build = measure_build("projects.geojson", args.requests)
    for name, export, build in (
        ("actors.geojson", actors, actors_build),
        ("projects.geojson", projects, projects_build),
    ):
        size = (
            f"{export['features']} features, {export['gzip_bytes'] / 1024:.0f} KB gzip "
            f"({export['raw_bytes'] / 1024:.0f} KB raw)"
        )
        memory = (
            f"after 210 more calls: +{export['traced_growth'] / 1024:.0f} KB traced, "
            f"RSS +{export['rss_growth'] / 1024:.0f} KB"
        )
        rows += [
            _row(f"{name} cold (cache emptied)", export["cold"], export["cold_queries"], size),
            _row(f"{name} built cold (query + JSON)", build, None, "no gzip, no request"),
            _row(f"{name} from the gzip cache", export["cached"], export["cached_queries"], memory),
        ]
    cold_ms = statistics.median(actors["cold"])
    build_ms = statistics.median(actors_build)
    cached_ms = statistics.median(actors["cached"])
    targets += [
        (
            f"actors.geojson at {actors['features']} actors built cold < {GEOJSON_COLD_MAX_MS} "
            f"ms (got {build_ms:.1f} ms; the whole cold request with gzip: {cold_ms:.1f} ms)",
            build_ms < GEOJSON_COLD_MAX_MS,
        ),
        (
            f"actors.geojson served from the gzip cache < {GEOJSON_CACHED_MAX_MS} ms "
            f"(got {cached_ms:.2f} ms)",
            cached_ms < GEOJSON_CACHED_MAX_MS,
        ),
        (
            f"actors.geojson: memory flat over 210 calls, growth < "
            f"{MEMORY_MAX_GROWTH_BYTES // 1024} KB traced "
            f"(got {actors['traced_growth'] / 1024:.0f} KB)",
            actors["traced_growth"] < MEMORY_MAX_GROWTH_BYTES,
        ),
    ]

    say(f"{TWO_FILTERS}: rendered, page cache bypassed")
    pages = [
        ("/annuaire/ rendered", "/annuaire/", False),
        (f"{TWO_FILTERS} rendered", TWO_FILTERS, False),
        (f"{TWO_FILTERS} rendered cold", TWO_FILTERS, True),
        ("/annuaire/projets/?pays=BF&odd=6 rendered", "/annuaire/projets/?pays=BF&odd=6", False),
    ]
    measured = {}
    for scenario, path, cold in pages:
        result = measure_page(path, args.requests, cold=cold)
        measured[scenario] = result
        note = "cache emptied before each request" if cold else "option counts cached"
        note = f"{result['count']} results, {note}"
        rows.append(_row(scenario, result["timings"], result["queries"], note))
    filtered = measured[f"{TWO_FILTERS} rendered"]
    p50 = statistics.median(filtered["timings"])
    targets.append(
        (
            f"{TWO_FILTERS} p50 < {LIST_MAX_P50_MS} ms at {args.actors} actors "
            f"(got {p50:.1f} ms, {filtered['queries']} queries)",
            p50 < LIST_MAX_P50_MS,
        )
    )

    if not args.no_browser:
        map_rows, map_targets = measure_map_rows(args.actors, args.map_runs)
        rows += map_rows
        targets += map_targets

    finish("directory", database, rows, targets, args)
    return 0


def measure_map_rows(actors: int, runs: int) -> tuple[list[dict], list[tuple[str, bool]]]:
    """The map's rows of the table and its target, from `runs` page loads."""
    say("the map in headless Chromium")
    drawn = measure_map(actors, runs)
    first_ms = statistics.median(drawn["first"])
    targets = [
        (
            f"map: first cluster drawn < {MAP_FIRST_CLUSTER_MAX_MS} ms in Chromium "
            f"(got {first_ms:.0f} ms, {drawn['markers']} markers)",
            first_ms < MAP_FIRST_CLUSTER_MAX_MS,
        )
    ]
    rows = [
        _row(
            "map: navigation to first cluster drawn",
            drawn["first"],
            None,
            f"Chromium, {drawn['markers']} markers, median of {len(drawn['first'])}",
        ),
        _row(
            "map: navigation to every marker clustered",
            drawn["complete"],
            None,
            "clusters' counts + lone markers = markers loaded",
        ),
    ]
    return rows, targets


def finish(suite: str, database: str, rows: list[dict], targets: list, args) -> None:
    """The machine's load added to the rows, the table printed, the suite's report written."""
    # Timings are wall-clock: on a shared machine, other processes' load stretches them.
    load = os.getloadavg()[0]
    rows.append(
        {
            "scenario": "machine load while measuring",
            "p50_ms": None,
            "p99_ms": None,
            "queries": None,
            "note": f"load average {load:.1f} on {os.cpu_count()} CPUs",
        }
    )
    for row in rows:
        row["scenario"] = f"directory: {row['scenario']}"
        row["database"] = database
    print_table(rows)
    write_suite_report(suite, database, rows, targets, actors=args.actors, projects=args.projects)


if __name__ == "__main__":
    sys.exit(main())
