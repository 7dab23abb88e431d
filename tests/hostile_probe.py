"""Hostile requests against the production settings: nothing a visitor sends answers 500.

Run by `.ci/run` (step "hostile requests") as `.venv/bin/python tests/hostile_probe.py`; the
name does not start with `test_`, so pytest never collects it. Needs PostgreSQL at
127.0.0.1:5432 (user postgres, trust auth) and Redis at 127.0.0.1:6379.

It puts the demo into a fresh database (a copy of the CI run's, see `tests/ci_demo.py`, or
built here), serves it with gunicorn under `config.settings.production` and the Redis cache,
reads the site's pages from its `sitemap.xml`, then sends each page, feed and form a batch of
bad input: malformed and oversized query strings, unknown filters, tracking parameters, NUL
bytes and odd Unicode, other HTTP methods, bad `Host` and `X-Forwarded-For` headers, path
tricks, form posts with missing, oversized or forged fields. Then a short load from 8 threads.
It prints a table of answers by status and exits 1 when any answer is a 5xx or gunicorn logged
a traceback.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import itertools
import os
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ci_demo import (  # noqa: E402 - the sibling scripts' helpers
    drop_database,
    provide_demo,
    shared_static_root,
)
from production_smoke import (  # noqa: E402
    POSTGRES_SERVER,
    Smoke,
    free_port,
    gunicorn,
    manage,
    random_secret_key,
    say,
    wait_until_up,
)

MAX_PAGES = 60
LOAD_THREADS = 8
LOAD_REQUESTS = 800

BAD_QUERIES = [
    "page=abc",
    "page=-1",
    "page=0",
    "page=99999999999999999999999",
    "page=1e9",
    "page=%00",
    "q=" + "eau%20" * 900,
    "q=%00%01%02",
    "q=%F0%9F%92%A9%E2%80%AE%EF%BB%BF",
    "q=%27%20OR%201%3D1%20--",
    "q=<script>alert(1)</script>",
    "theme=abc&theme=999999999&theme=-1",
    "odd=1e10&odd=18&odd=%00",
    "departement=../../etc/passwd",
    "pays=ZZ&pays=fr&pays=" + "X" * 500,
    "type=inconnu&annee=99999&annee=-5",
    "college=%FF%FE",
    "groupe=%2F%2E%2E",
    "debut=2026-13-45&fin=pas-une-date",
    "format=xlsx&export=csv&sort=-pk",
    "utm_source=probe&utm_medium=x&fbclid=abc&gclid=def",
    "inconnu=" + "a" * 3000,
    "&".join(f"theme={n}" for n in range(300)),
    "%E0%A4%A",
    "page=2&page=3&page=abc",
]
METHODS = ["HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "TRACE"]
BAD_PATHS = [
    "/static/../../etc/passwd",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/media/../config/settings/base.py",
    "/documents/999999/rien.pdf",
    "/documents/abc/",
    "/documents/1/../../../etc/passwd",
    "/annuaire/acteurs.geojson.bak",
    "/annuaire/%00/",
    "/" + "a/" * 200,
    "/%FF%FE/",
    "/admin/pages/99999999/edit/",
    "/admin/../../etc/passwd",
    "/recherche/autocomplete/?q=" + "e" * 2000,
    "/healthz?x=%00",
    "/readyz",
    "/robots.txt?page=abc",
    "/sitemap.xml?p=99999",
]
BAD_HEADERS = [
    {"Host": "evil.example"},
    {"Host": "127.0.0.1:8000@evil.example"},
    {"Host": "a" * 300},
    {"X-Forwarded-For": "not-an-address, 999.1.1.1, " + "1.2.3.4, " * 50},
    {"X-Forwarded-Host": "evil.example"},
    {"X-Forwarded-Proto": "gopher"},
    {"Accept-Language": "xx-YY;q=abc, *;q=" + "9" * 100},
    {"Cookie": "sessionid=" + "x" * 3000 + "; csrftoken=%00"},
    {"Range": "bytes=999999999-1"},
    {"If-None-Match": '"' + "z" * 1000 + '"'},
    {"X-Request-ID": "../../" + "r" * 500},
    {"Content-Type": "application/json"},
]


class Tally:
    """Answers by status, and the requests that answered 5xx."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_status: collections.Counter[int] = collections.Counter()
        self.server_errors: list[str] = []
        self.sent = 0

    def record(self, status: int, what: str) -> None:
        with self.lock:
            self.sent += 1
            self.by_status[status] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {what}")


def send(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, bytes, dict[str, str]]:
    """One raw request (no URL normalisation, any header): (status, body, headers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        wanted = {"Host": "127.0.0.1", **(headers or {})}
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in wanted.items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def pages_from_sitemap(port: int) -> list[str]:
    status, body, _ = send(port, "GET", "/sitemap.xml")
    if status != 200:
        return ["/"]
    urls = re.findall(r"<loc>([^<]+)</loc>", body.decode())
    paths = sorted({urllib.parse.urlsplit(url).path for url in urls})
    # Every page type, not 60 news items: keep the first few of each parent folder.
    by_parent: dict[str, list[str]] = collections.defaultdict(list)
    for path in paths:
        by_parent[path.rstrip("/").rsplit("/", 1)[0]].append(path)
    chosen = list(itertools.chain.from_iterable(group[:4] for group in by_parent.values()))
    return chosen[:MAX_PAGES]


def form_page(port: int, path: str) -> tuple[str, str]:
    """The CSRF cookie and token of a page that holds a form ("" when it has none)."""
    status, body, headers = send(port, "GET", path)
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not cookie or not token:
        return "", ""
    return cookie.group(1), token.group(1).decode()


def form_posts(port: int, path: str) -> list[tuple[str, dict[str, str], bytes]]:
    """Bad posts of one form: no token, a forged token, missing fields, oversized and odd
    values, a wrong content type."""
    cookie, token = form_page(port, path)
    posts: list[tuple[str, dict[str, str], bytes]] = [
        ("no CSRF token", {"Content-Type": "application/x-www-form-urlencoded"}, b"a=b"),
    ]
    if not token:
        return posts
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
    bodies = {
        "only the token": {"csrfmiddlewaretoken": token},
        "forged token": {"csrfmiddlewaretoken": "x" * 64, "email": "a@b.c"},
        "bad values": {
            "csrfmiddlewaretoken": token,
            "email": "pas-une-adresse",
            "postcode": "ABCDE",
            "siret": "123",
            "name": "<script>alert(1)</script>",
            "first_name": '=HYPERLINK("http://evil")',
            "last_name": "\x00\x01\x02",
            "website": "javascript:alert(1)",
            "countries": "ZZ",
            "themes": "999999",
            "sdgs": "-1",
            "started": "pas-un-jeton",
            "actor": "abc",
        },
        "oversized values": {
            "csrfmiddlewaretoken": token,
            "name": "N" * 100_000,
            "description": "D" * 500_000,
            "email": "e" * 1000 + "@exemple.org",
        },
    }
    for name, fields in bodies.items():
        posts.append((name, form, urllib.parse.urlencode(fields).encode()))
    posts.append(
        (
            "JSON body",
            {"Content-Type": "application/json", "Cookie": f"csrftoken={cookie}"},
            b'{"csrfmiddlewaretoken": "%s"}' % token.encode(),
        )
    )
    posts.append(
        (
            "broken multipart",
            {
                "Content-Type": "multipart/form-data; boundary=zz",
                "Cookie": f"csrftoken={cookie}",
                "X-CSRFToken": token,
            },
            b'--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--z',
        )
    )
    return posts


def probe(port: int, tally: Tally) -> None:
    pages = pages_from_sitemap(port)
    say(f"  {len(pages)} pages from sitemap.xml")
    extra = [
        "/recherche/",
        "/recherche/autocomplete/",
        "/plan-du-site/",
        "/annuaire/actors.geojson",
        "/annuaire/actors.csv",
        "/annuaire/projects.geojson",
        "/annuaire/projets/",
        "/agenda/rss/",
        "/agenda/agenda.ics",
    ]
    targets = list(dict.fromkeys([*pages, *extra]))
    jobs: list[tuple[str, str, dict[str, str], bytes | None]] = []
    for path in targets:
        jobs += [("GET", f"{path}?{query}", {}, None) for query in BAD_QUERIES]
    for path in targets[:20]:
        jobs += [(method, path, {}, None) for method in METHODS]
        jobs += [("GET", path, headers, None) for headers in BAD_HEADERS]
    jobs += [("GET", path, {}, None) for path in BAD_PATHS]
    form_paths = ["/annuaire/referencement/"] + [
        f"{path}inscription/"
        for path in pages
        if path.startswith("/agenda/") and path != "/agenda/"
    ][:3]
    for path in form_paths:
        jobs += [("POST", path, headers, body) for _, headers, body in form_posts(port, path)]
    jobs += [
        (
            "POST",
            "/admin/login/",
            {"Content-Type": "application/x-www-form-urlencoded"},
            b"username=%00&password=" + b"p" * 5000,
        ),
        ("POST", "/admin/password_reset/", {"Content-Type": "text/plain"}, b"\xff\xfe"),
    ]

    def run(job: tuple[str, str, dict[str, str], bytes | None]) -> None:
        method, path, headers, body = job
        try:
            status, _, _ = send(port, method, path, headers=headers, body=body)
        except (OSError, http.client.HTTPException) as exc:
            tally.record(599, f"{method} {path[:120]} ({type(exc).__name__})")
            return
        tally.record(status, f"{method} {path[:120]} {str(headers)[:80]}")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(run, jobs))
    say(f"  {len(jobs)} hostile requests in {time.monotonic() - started:.1f} s")


def load(port: int, pages: list[str], tally: Tally) -> float:
    paths = list(itertools.islice(itertools.cycle(pages), LOAD_REQUESTS))
    started = time.monotonic()

    def run(path: str) -> None:
        try:
            status, _, _ = send(port, "GET", path)
        except (OSError, http.client.HTTPException) as exc:
            tally.record(599, f"GET {path} ({type(exc).__name__})")
            return
        tally.record(status, f"GET {path} (load)")

    with ThreadPoolExecutor(max_workers=LOAD_THREADS) as pool:
        list(pool.map(run, paths))
    return LOAD_REQUESTS / (time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="portail_ci_probe")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    smoke = Smoke()
    port = args.port or free_port()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="probe-")))
        # The CI run's collected static files when it has them (collectstatic takes a minute).
        static_root = shared_static_root()
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            SECRET_KEY=random_secret_key(),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=f"{POSTGRES_SERVER}/{args.database}",
            REDIS_URL=args.redis_url,
            CACHE_KEY_PREFIX=f"probe-{os.getpid()}",
            WAGTAILADMIN_BASE_URL="https://portail.example.org",
            STATIC_ROOT=static_root or str(workdir / "static"),
            MEDIA_ROOT=str(workdir / "media"),
            SECURE_SSL_REDIRECT="false",
            DEMO_HOST="127.0.0.1",
            DEMO_PORT="80",
            PYTHONUNBUFFERED="1",
        )
        say(f"Hostile requests: database {args.database}, gunicorn on port {port}")
        stack.callback(drop_database, args.database)
        if static_root is None:
            result = manage(env, "collectstatic", "--no-input")
            if not smoke.check(result.returncode == 0, "manage.py collectstatic"):
                return 1
        demo = provide_demo(env, database=args.database)
        if not smoke.check(demo.ok, f"the demo is in place: {demo.what}", demo.detail):
            return 1
        log_path = workdir / "gunicorn.log"
        process = stack.enter_context(gunicorn(env, port, log_path))
        if not smoke.check(wait_until_up(f"http://127.0.0.1:{port}/healthz", process), "up"):
            return 1
        tally = Tally()
        probe(port, tally)
        rate = load(port, pages_from_sitemap(port), tally)
        say(f"  load: {LOAD_REQUESTS} requests from {LOAD_THREADS} threads, {rate:.0f} req/s")
        say(f"  {tally.sent} requests in all; answers by status:")
        for status, count in sorted(tally.by_status.items()):
            say(f"    {status}: {count}")
        smoke.check(
            not tally.server_errors,
            f"no 5xx answer ({len(tally.server_errors)} seen)",
            "\n".join(tally.server_errors[:30]),
        )
        traceback_lines = log_path.read_text(errors="replace").count("Traceback")
        smoke.check(traceback_lines == 0, f"gunicorn's log holds no traceback ({traceback_lines})")
    if smoke.failures:
        say(f"Hostile requests: {len(smoke.failures)} check(s) failed")
        return 1
    say("Hostile requests: every check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
