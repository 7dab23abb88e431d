"""Redis outage run: the production site keeps serving when Redis stops, and recovers.

Run by `.ci/run` (step "Redis outage") as `.venv/bin/python tests/redis_outage.py`; the name
does not start with `test_`, so pytest never collects it. Needs PostgreSQL at 127.0.0.1:5432
(user postgres, trust auth) and `redis-server` on the PATH: it starts a Redis of its own on a
spare port, serves the demo site (a copy of the CI run's, see `tests/ci_demo.py`, or built
here) through gunicorn with the production settings, requests a set of URLs, stops that Redis,
requests them again (no 500, /healthz says the cache is down), starts it again and checks that
the site uses it again (cache ok, pages cached).

Every check prints one line; the script exits 1 at the end if any failed. gunicorn and Redis
are always stopped and the database dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.ci_demo import provide_demo, shared_static_root  # noqa: E402
from tests.production_smoke import (  # noqa: E402
    POSTGRES_SERVER,
    Smoke,
    fetch,
    free_port,
    gunicorn,
    manage,
    random_secret_key,
    say,
    stop_process,
    wait_until_up,
)

# The URLs of the demo to request: pages, listings with filters, feeds, forms, the admin.
FIND_URLS = """
import json
from directory.models import ActorPage, DirectoryPage
from events.models import EventIndexPage, EventPage
from resources.models import NewsIndexPage
directory = DirectoryPage.objects.live().first()
agenda = EventIndexPage.objects.live().first()
news = NewsIndexPage.objects.live().first()
event = EventPage.objects.live().filter(
    registration_mode=EventPage.RegistrationMode.BUILT_IN
).order_by("-start_at").first()
actor = ActorPage.objects.live().first()
print(json.dumps({
    "directory": directory.url, "agenda": agenda.url, "news": news.url,
    "event": event.url, "actor": actor.url,
}))
"""


def start_redis(port: int, log_path: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--maxmemory",
            "64mb",
            "--maxmemory-policy",
            "allkeys-lru",
        ],
        stdout=log_path.open("a"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ping = subprocess.run(
            ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False
        )
        if ping.stdout.strip() == "PONG":
            return process
        time.sleep(0.2)
    stop_process(process)
    raise RuntimeError(f"redis-server did not answer on port {port}")


def urls_of(pages: dict[str, str]) -> list[str]:
    directory, agenda, news, event = (pages[k] for k in ("directory", "agenda", "news", "event"))
    return [
        "/",
        news,
        f"{news}rss/",
        pages["actor"],
        directory,
        f"{directory}?theme=eau-assainissement-hygiene&page=1",
        f"{directory}actors.geojson",
        agenda,
        f"{agenda}?passes=1",
        f"{agenda}agenda.ics",
        event,
        "/recherche/?q=eau",
        "/sitemap.xml",
        "/admin/login/",
        f"{directory}referencement/",
        f"{event}inscription/",
    ]


def health(base: str, path: str = "/healthz") -> tuple[int, dict]:
    status, _, body = fetch(f"{base}{path}")
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {}


def request_all(smoke: Smoke, base: str, urls: list[str], phase: str) -> None:
    """Every URL answers 200 (or a redirect); reports the slowest."""
    failures, slowest = [], (0.0, "")
    for url in urls:
        began = time.perf_counter()
        status, _, _ = fetch(f"{base}{url}", timeout=30)
        took = time.perf_counter() - began
        slowest = max(slowest, (took, url))
        if status >= 400:
            failures.append(f"{status} {url}")
    smoke.check(
        not failures,
        f"{phase}: {len(urls)} URLs answer 200 (slowest {slowest[0] * 1000:.0f} ms, {slowest[1]})",
        "\n".join(failures),
    )


def page_cached(base: str) -> bool:
    fetch(f"{base}/")
    _, headers, _ = fetch(f"{base}/")
    return headers.get("X-Page-Cache") == "hit"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="portail_ci_outage", help="PostgreSQL database")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: spare)")
    parser.add_argument("--redis-port", type=int, default=0, help="Redis port (default: spare)")
    args = parser.parse_args()

    smoke = Smoke()
    workdir = Path(tempfile.mkdtemp(prefix="portail-outage-"))
    redis_port = args.redis_port or free_port()
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    # The CI run's collected static files when it has them (collectstatic takes a minute).
    static_root = shared_static_root()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        WAGTAILADMIN_BASE_URL="https://portail.example.org",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"{POSTGRES_SERVER}/{args.database}",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        STATIC_ROOT=static_root or str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        SECURE_SSL_REDIRECT="false",
        PYTHONUNBUFFERED="1",
    )
    redis_log = workdir / "redis.log"
    redis = None
    try:
        say(f"Redis outage: database {args.database}, Redis on port {redis_port}")
        redis = start_redis(redis_port, redis_log)
        if static_root is None:
            result = manage(env, "collectstatic", "--no-input")
            if not smoke.check(result.returncode == 0, "manage.py collectstatic --no-input"):
                return 1
        demo = provide_demo(env, database=args.database)
        if not smoke.check(demo.ok, f"the demo is in place: {demo.what}", demo.detail):
            return 1
        result = manage(env, "shell", "-c", FIND_URLS)
        pages = json.loads(result.stdout.strip().splitlines()[-1])
        urls = urls_of(pages)

        log_path = workdir / "gunicorn.log"
        with gunicorn(env, port, log_path) as process:
            if not smoke.check(wait_until_up(f"{base}/healthz", process), "gunicorn starts"):
                return 1

            say("Redis up")
            request_all(smoke, base, urls, "Redis up")
            status, body = health(base)
            smoke.check(status == 200 and body.get("cache") == "ok", "/healthz: cache ok")
            smoke.check(page_cached(base), "the home page is served from the page cache")

            say("Redis stopped")
            stop_process(redis)
            redis = None
            request_all(smoke, base, urls, "Redis down")
            for path in ("/healthz", "/readyz"):
                status, body = health(base, path)
                smoke.check(
                    status == 200 and body.get("cache") == "down",
                    f"{path}: 200 with cache down",
                    f"{status} {body}",
                )
            smoke.check(not page_cached(base), "pages are rendered from the database")

            say("Redis started again")
            redis = start_redis(redis_port, redis_log)
            # Each worker leaves Redis aside for 5 s after its last failure: wait until
            # several answers in a row (from both workers) say ok.
            deadline, in_a_row = time.monotonic() + 30, 0
            while in_a_row < 6 and time.monotonic() < deadline:
                in_a_row = in_a_row + 1 if health(base)[1].get("cache") == "ok" else 0
                time.sleep(0.3)
            smoke.check(in_a_row >= 6, "/healthz: cache ok again on every worker")
            # A worker whose breaker opened just before Redis came back serves from the
            # database for up to retry_after seconds: the page must be cached again within a
            # few of them, whichever worker answers.
            deadline = time.monotonic() + 20
            cached_again = page_cached(base)
            while not cached_again and time.monotonic() < deadline:
                time.sleep(1)
                cached_again = page_cached(base)
            smoke.check(cached_again, "the home page is cached again")
            request_all(smoke, base, urls, "Redis back")
            smoke.check(process.poll() is None, "gunicorn is still running")
        log = log_path.read_text(errors="replace")
        smoke.check("Traceback" not in log, "gunicorn's log holds no traceback", log[-3000:])
        smoke.check(
            "Cache unreachable" in log,
            "gunicorn's log warns that the cache was unreachable",
            log[-3000:],
        )
    except Exception as exc:  # any crash is reported as one more failed check
        smoke.check(False, "the outage run completes", f"{type(exc).__name__}: {exc}")
    finally:
        if redis is not None:
            stop_process(redis)
        try:
            import psycopg

            with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
        except Exception as exc:  # noqa: BLE001
            say(f"  could not drop {args.database}: {exc}")
        shutil.rmtree(workdir, ignore_errors=True)

    if smoke.failures:
        say(f"Redis outage: {len(smoke.failures)} check(s) failed:")
        for failure in smoke.failures:
            say(f"  - {failure.splitlines()[0]}")
        return 1
    say("Redis outage: every check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
