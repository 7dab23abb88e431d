"""`make bench`: requests per second and SQL queries of the main pages, under gunicorn.

For each database (a temporary SQLite file, then PostgreSQL `portail_bench` with persistent
connections), the script migrates, loads the demo content, starts gunicorn with the
bench settings, `config.settings.bench` (the production settings plus the ceiling view of
`bench/urls.py`), 2 workers, and loads it with wrk, one scenario at a time:

- ceiling: `/bench/ceiling/`, a bare view behind the same middleware (the most a page can do);
- home rendered / standard page rendered: the page built on every request (the request
  carries a `sessionid` cookie, so the page cache steps aside; the id is invalid, so Django
  still sees an anonymous visitor and the session costs no query);
- home cache hit: an anonymous visitor served from the page cache (warmed first).

SQL queries per request are counted in-process with Django's test client against the same
database and cache.

Then the apps' suites run, each in its own process on a dedicated database it fills with
synthetic data (`bench/<suite>.py`, see SUITES): the directory at 10,000 actors, the agenda at
5,000 events, the search at 10,000 and 40,000 pages (PostgreSQL) and 5,000 (SQLite). A suite
writes `bench/results/<suite>-<database>.json` holding `results` (rows with scenario, database,
p50_ms, p99_ms, queries, note) and `targets` (target, passed); they are gathered here.

Results: tables on stdout and `bench/results/latest.json`.

    .venv/bin/python bench/run.py [--duration 10s] [--threads 2] [--connections 8]
                                  [--databases sqlite,postgres] [--parts pages,directory,...]
                                  [--strict]

Targets are printed PASS/FAIL; only `--strict` turns a missed target into a failing exit.
A broken run (server not starting, errors under load) always fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "portail_bench"
COMMAND_TIMEOUT = 600
STARTED = time.monotonic()

# Targets: every rendered page type (home, detail, listing, filtered listing, feed, search)
# keeps at least this share of the ceiling measured in the same run, within this many
# queries (on PostgreSQL, the production database); a cache hit nearly matches the ceiling.
RENDERED_MIN_SHARE = 0.08
RENDERED_MAX_QUERIES = 12
RENDERED_SCENARIOS = frozenset(
    {
        "home rendered",
        "standard page rendered",
        "news listing rendered",
        "calls listing rendered",
        "resources filtered rendered",
        "news feed rendered",
        "search eau with facets",
    }
)
CACHE_HIT_MIN_SHARE = 0.70


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    session_cookie: bool  # carried to bypass the page cache


SCENARIOS = [
    Scenario("ceiling", "/bench/ceiling/", session_cookie=False),
    Scenario("home rendered", "/", session_cookie=True),
    Scenario("standard page rendered", "/le-reseau/", session_cookie=True),
    Scenario("home cache hit", "/", session_cookie=False),
    # Editorial listings and the site search (resources and search apps).
    Scenario("news listing rendered", "/actualites/", session_cookie=True),
    Scenario("calls listing rendered", "/appels-a-projets/", session_cookie=True),
    Scenario("resources filtered rendered", "/ressources/?annee=2020", session_cookie=True),
    Scenario("news feed rendered", "/actualites/rss/", session_cookie=True),
    Scenario("search eau with facets", "/recherche/?q=eau", session_cookie=True),
    Scenario("autocomplete secu", "/recherche/autocomplete/?q=secu", session_cookie=True),
]
BYPASS_COOKIE = "sessionid=bench"


@dataclass(frozen=True)
class Suite:
    part: str  # the name given to --parts
    script: str  # bench/<script>.py
    database: str  # sqlite or postgres
    args: tuple[str, ...] = ()


SUITES = [
    Suite("directory", "directory", "postgres"),
    Suite("agenda", "agenda", "postgres"),
    Suite("search", "search_scale", "postgres", ("--sizes", "10000,40000")),
    Suite("search", "search_scale", "sqlite", ("--sizes", "5000")),
    Suite("search", "editorial", "postgres"),
    Suite("admin", "admin", "postgres"),
    # The newsletter: a letter to 5,000 subscribers through the task worker.
    Suite("newsletter", "newsletter", "postgres"),
    # The observatory: indicators, downloads and barometer at the directory's and agenda's sizes.
    Suite("observatory", "observatory", "postgres"),
    Suite("imports", "imports", "postgres"),
]
PARTS = ("pages", *dict.fromkeys(suite.part for suite in SUITES))
SUITE_TIMEOUT = 1800


@dataclass
class Result:
    scenario: str
    database: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    queries: int | None
    share_of_ceiling: float | None = None


# Runs in a child process with the bench's environment: Django's test client on the same
# database and cache as gunicorn. Each path is requested once to warm caches (and, for the
# cache-hit scenario, to fill the page cache), then counted.
QUERY_COUNTER = """
import json, os, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

counts = {}
for name, path, cookie in json.loads(os.environ["BENCH_SCENARIOS"]):
    client = Client(HTTP_HOST="localhost")
    if cookie:
        client.cookies["sessionid"] = "bench"
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    counts[name] = {
        "status": response.status_code,
        "queries": len(captured),
        "page_cache": response.get("X-Page-Cache", ""),
    }
sys.stdout.write("BENCH_QUERIES " + json.dumps(counts) + "\\n")
"""

FALLBACK_CONTENT = """
from wagtail.models import Page, Site
from home.models import HomePage, StandardPage
root = Page.get_first_root_node()
home = root.add_child(instance=HomePage(
    title="Accueil", slug="accueil",
    hero_title="Agir ensemble pour la solidarité internationale",
    hero_text="Le réseau des acteurs de la coopération internationale en Nouvelle-Aquitaine.",
    introduction="<p>Associations, collectivités, universités et entreprises engagées.</p>",
))
home.save_revision().publish()
Site.objects.update_or_create(
    is_default_site=True,
    defaults={"hostname": "localhost", "port": 80, "root_page": home,
              "site_name": "SO Coopération"},
)
Page.objects.filter(depth=2).exclude(pk=home.pk).delete()
network = home.add_child(instance=StandardPage(
    title="Le réseau", slug="le-reseau",
    introduction="Un réseau régional multi-acteurs.",
    body=[("heading", {"text": "Nos missions", "level": "h2"}),
          ("paragraph", "<p>Accompagner, informer, mettre en réseau.</p>")],
))
network.save_revision().publish()
for slug, title in (("equipe", "L'équipe"), ("partenaires", "Les partenaires")):
    child = network.add_child(instance=StandardPage(title=title, slug=slug, introduction=title))
    child.save_revision().publish()
"""


def say(line: str) -> None:
    elapsed = time.monotonic() - STARTED
    sys.stdout.write(f"[bench {int(elapsed) // 60:02d}:{int(elapsed) % 60:02d}] {line}\n")
    sys.stdout.flush()


class BenchError(Exception):
    """The run itself is broken (not a missed target)."""


def random_secret_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!#%+-_=.:@^~"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() != 0:
        raise BenchError("wrk is missing: install Debian's package (apt-get install wrk).")
    say("wrk is missing: installing Debian's package")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk"]
    if subprocess.run(install, env=env, stdin=subprocess.DEVNULL, check=False).returncode:
        subprocess.run(["apt-get", "update", "-q"], env=env, stdin=subprocess.DEVNULL, check=False)
        subprocess.run(install, env=env, stdin=subprocess.DEVNULL, check=False)
    path = shutil.which("wrk")
    if not path:
        raise BenchError("wrk could not be installed (apt-get install wrk).")
    return path


def redis_available(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # any failure means: run without Redis
        return False
    return True


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()


def recreate_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def run(env: dict[str, str], *args: str, timeout: int = COMMAND_TIMEOUT) -> str:
    result = subprocess.run(
        list(args),
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(
            f"`{' '.join(args[:4])}` failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return result.stdout


def manage(env: dict[str, str], *args: str) -> str:
    return run(env, PYTHON, "manage.py", *args)


def load_content(env: dict[str, str]) -> str:
    """The demo content when its command exists, else a home page and a few standard pages."""
    has_command = (
        subprocess.run(
            [PYTHON, "manage.py", "help", "load_demo_content"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=COMMAND_TIMEOUT,
            check=False,
        ).returncode
        == 0
    )
    if has_command:
        manage({**env, "DEMO_PASSWORD": secrets.token_urlsafe(18)}, "load_demo_content")
        return "load_demo_content"
    manage(env, "shell", "-c", FALLBACK_CONTENT)
    return "fallback (home page + standard pages)"


def fetch(
    url: str, headers: dict[str, str] | None = None, timeout: float = 10
) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status, dict(response.headers.items())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items())


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, log_path: Path) -> Iterator[None]:
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "5",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start:\n{log_path.read_text()[-3000:]}")
            try:
                if fetch(f"http://127.0.0.1:{port}/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BenchError(
                    f"gunicorn did not answer in 30 s:\n{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.3)
        yield
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        log.close()


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise BenchError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> dict[str, float]:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"(\d+) requests in", output)
    if not (rps and p50 and p99 and total):
        raise BenchError(f"could not read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if sockets:
        errors += sum(int(value) for value in sockets.groups())
    return {
        "requests_per_second": float(rps.group(1)),
        "p50_ms": _duration_ms(p50.group(1)),
        "p99_ms": _duration_ms(p99.group(1)),
        "requests": int(total.group(1)),
        "errors": errors,
    }


def run_wrk(wrk: str, url: str, cookie: bool, args: argparse.Namespace) -> dict[str, float]:
    command = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}",
        "--timeout",
        "10s",
        "--latency",
    ]
    if cookie:
        command += ["-H", f"Cookie: {BYPASS_COOKIE}"]
    seconds = _duration_ms(args.duration) / 1000
    result = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=seconds + 60,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"wrk failed:\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)


def bench_database(
    database: str, wrk: str, args: argparse.Namespace, workdir: Path, static_root: Path
) -> list[Result]:
    if database == "sqlite":
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        recreate_postgres_database(POSTGRES_DATABASE)
        database_url = f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    }
    env.update(
        # Production settings plus the ceiling view (`bench/urls.py`).
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        WAGTAILADMIN_BASE_URL="http://127.0.0.1",
        DATABASE_URL=database_url,
        CONN_MAX_AGE="600",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(workdir / "media"),
        CACHE_KEY_PREFIX=f"bench-{database}",
        LOG_LEVEL="WARNING",
        # wrk sends every request from one address: the search's rate limit steps aside.
        SEARCH_RATE_LIMIT="100000000",
        AUTOCOMPLETE_RATE_LIMIT="100000000",
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
        flush_redis(args.redis_url)

    say(f"{database}: migrate")
    manage(env, "migrate", "--no-input")
    say(f"{database}: content")
    source = load_content(env)
    say(f"{database}: content from {source}")

    say(f"{database}: counting SQL queries in-process (Django test client)")
    scenarios = [(s.name, s.path, s.session_cookie) for s in SCENARIOS]
    output = run({**env, "BENCH_SCENARIOS": json.dumps(scenarios)}, PYTHON, "-c", QUERY_COUNTER)
    line = next((line for line in output.splitlines() if line.startswith("BENCH_QUERIES ")), None)
    if line is None:
        raise BenchError(f"the query counter printed nothing:\n{output[-3000:]}")
    counts = json.loads(line.removeprefix("BENCH_QUERIES "))
    for name, count in counts.items():
        if count["status"] != 200:
            raise BenchError(f"{database}: {name} answered {count['status']} in-process")
    if counts["home cache hit"]["page_cache"] != "hit":
        raise BenchError(f"{database}: the home page was not served from the page cache")
    if args.redis_url:
        flush_redis(args.redis_url)  # gunicorn starts on a cold cache, like a deployment

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    results = []
    say(f"{database}: gunicorn, {args.workers} workers, on {base}")
    with gunicorn(env, port, args.workers, workdir / f"gunicorn-{database}.log"):
        for scenario in SCENARIOS:
            headers = {"Cookie": BYPASS_COOKIE} if scenario.session_cookie else {}
            # Warm up: every worker's first requests fill its caches and the page cache.
            for _ in range(2 * args.workers + 2):
                status, response_headers = fetch(f"{base}{scenario.path}", headers=headers)
                if status != 200:
                    raise BenchError(f"{database}: {scenario.path} answered {status}")
            if scenario.name == "home cache hit" and response_headers.get("X-Page-Cache") != "hit":
                raise BenchError(f"{database}: {scenario.path} is not served from the page cache")
            say(
                f"{database}: wrk {scenario.name} ({scenario.path}"
                f"{', session cookie' if scenario.session_cookie else ''}) for {args.duration}"
            )
            numbers = run_wrk(wrk, f"{base}{scenario.path}", scenario.session_cookie, args)
            result = Result(
                scenario=scenario.name,
                database=database,
                path=scenario.path,
                queries=counts[scenario.name]["queries"],
                **numbers,
            )
            say(
                f"{database}: {scenario.name}: {result.requests_per_second:.0f} req/s, "
                f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, "
                f"{result.queries} queries"
            )
            if result.errors:
                raise BenchError(f"{database}: {scenario.name}: {result.errors} errors under load")
            results.append(result)
    ceiling = next(r.requests_per_second for r in results if r.scenario == "ceiling")
    for result in results:
        result.share_of_ceiling = result.requests_per_second / ceiling if ceiling else None
    return results


def run_suite(suite: Suite, workdir: Path) -> dict:
    """Run one app's suite on a fresh database; its progress goes straight to our stdout."""
    if suite.database == "postgres":
        name = f"{POSTGRES_DATABASE}_{suite.script}"
        recreate_postgres_database(name)
        database_url = f"{POSTGRES_SERVER}/{name}"
    else:
        database_url = f"sqlite:///{workdir / f'{suite.script}.sqlite3'}"
    output = RESULTS_DIR / f"{suite.script}-{suite.database}.json"
    output.unlink(missing_ok=True)
    say(f"suite {suite.script} on {suite.database} {' '.join(suite.args)}".rstrip())
    completed = subprocess.run(
        [PYTHON, str(BASE_DIR / "bench" / f"{suite.script}.py"), *suite.args],
        env={**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"},
        cwd=BASE_DIR,
        stdin=subprocess.DEVNULL,
        timeout=SUITE_TIMEOUT,
        check=False,
    )
    if completed.returncode != 0 or not output.exists():
        raise BenchError(f"suite {suite.script} on {suite.database} failed")
    return json.loads(output.read_text())


def print_suite_table(rows: list[dict]) -> None:
    header = ("suite scenario", "database", "p50 ms", "p99 ms", "SQL queries", "note")

    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    cells = [
        (
            str(row["scenario"]),
            str(row["database"]),
            number(row.get("p50_ms")),
            number(row.get("p99_ms")),
            "-" if row.get("queries") is None else str(row["queries"]),
            str(row.get("note", "")),
        )
        for row in rows
    ]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(width) if i in (0, 1, 5) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *cells]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    sys.stdout.write("\n" + "\n".join(lines) + "\n\n")


def check_targets(results: list[Result]) -> list[tuple[str, bool]]:
    checks = []
    for result in results:
        share = result.share_of_ceiling or 0.0
        if result.scenario in RENDERED_SCENARIOS and result.database == "postgres":
            checks.append(
                (
                    f"{result.scenario} on PostgreSQL ≥ {RENDERED_MIN_SHARE:.0%} of ceiling "
                    f"(got {share:.1%})",
                    share >= RENDERED_MIN_SHARE,
                )
            )
            checks.append(
                (
                    f"{result.scenario} on PostgreSQL ≤ {RENDERED_MAX_QUERIES} queries "
                    f"(got {result.queries})",
                    result.queries is not None and result.queries <= RENDERED_MAX_QUERIES,
                )
            )
        if result.scenario == "home cache hit":
            checks.append(
                (
                    f"home cache hit on {result.database} ≥ {CACHE_HIT_MIN_SHARE:.0%} of "
                    f"ceiling (got {share:.1%})",
                    share >= CACHE_HIT_MIN_SHARE,
                )
            )
    return checks


def print_table(results: list[Result]) -> None:
    header = ("scenario", "database", "req/s", "p50 ms", "p99 ms", "SQL queries", "% of ceiling")
    rows = [
        (
            r.scenario,
            r.database,
            f"{r.requests_per_second:.0f}",
            f"{r.p50_ms:.2f}",
            f"{r.p99_ms:.2f}",
            "-" if r.queries is None else str(r.queries),
            "-" if r.share_of_ceiling is None else f"{r.share_of_ceiling:.1%}",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    sys.stdout.write("\n" + "\n".join(lines) + "\n\n")


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except OSError:
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="10s", help="wrk duration per scenario (10s)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--port", type=int, default=0, help="gunicorn's port (default: any free port)"
    )
    parser.add_argument(
        "--databases", default="sqlite,postgres", help="comma-separated: sqlite,postgres"
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/2",
        help="shared cache for the workers, as in production; '' for per-process memory",
    )
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated, among {','.join(PARTS)} (all)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    parts = [name.strip() for name in args.parts.split(",") if name.strip()]
    if not parts or not set(parts) <= set(PARTS):
        parser.error(f"--parts takes some of {','.join(PARTS)}")
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    if not set(databases) <= {"sqlite", "postgres"} or not databases:
        parser.error("--databases takes sqlite and/or postgres")
    _duration_ms(args.duration)  # fail early on a bad value

    if args.redis_url and not redis_available(args.redis_url):
        say(f"Redis is not answering at {args.redis_url}: each worker caches in its own memory")
        args.redis_url = ""

    workdir = Path(tempfile.mkdtemp(prefix="portail-bench-"))
    results: list[Result] = []
    suite_reports: list[dict] = []
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    try:
        if "pages" in parts:
            results += bench_pages(databases, args, workdir)
        for suite in SUITES:
            if suite.part in parts and suite.database in databases:
                suite_reports.append(run_suite(suite, workdir))
    except (BenchError, subprocess.TimeoutExpired) as exc:
        say(f"FAILED: {exc}")
        return 2
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    suite_rows = [row for report in suite_reports for row in report.get("results", [])]
    if results:
        print_table(results)
    if suite_rows:
        print_suite_table(suite_rows)
    checks = check_targets(results) + [
        (target["target"], bool(target["passed"]))
        for report in suite_reports
        for target in report.get("targets", [])
    ]
    for label, passed in checks:
        sys.stdout.write(f"{'PASS' if passed else 'FAIL'}  {label}\n")

    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": {
            "duration": args.duration,
            "threads": args.threads,
            "connections": args.connections,
            "gunicorn_workers": args.workers,
            "cache": "redis" if args.redis_url else "local memory",
            "parts": parts,
        },
        "results": [asdict(result) for result in results],
        "suites": suite_rows,
        "targets": [{"target": label, "passed": passed} for label, passed in checks],
    }
    latest = RESULTS_DIR / "latest.json"
    latest.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    say(f"written {latest.relative_to(BASE_DIR)}")
    if args.strict and not all(passed for _, passed in checks):
        return 1
    return 0


def bench_pages(databases: list[str], args: argparse.Namespace, workdir: Path) -> list[Result]:
    """The wrk scenarios: the demo site under gunicorn, on each database."""
    wrk = ensure_wrk()
    static_root = workdir / "static"
    say("collectstatic (production storage: hashed names)")
    collect_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "localhost",
        "WAGTAILADMIN_BASE_URL": "http://localhost",
        "DATABASE_URL": f"sqlite:///{workdir / 'collectstatic.sqlite3'}",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
    }
    manage(collect_env, "collectstatic", "--no-input")
    results: list[Result] = []
    for database in databases:
        results += bench_database(database, wrk, args, workdir, static_root)
    return results


if __name__ == "__main__":
    sys.exit(main())
