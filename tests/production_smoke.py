"""Production smoke run: the production settings deploy, migrate and serve through gunicorn.

Run by `.ci/run` (step "production smoke") as `.venv/bin/python tests/production_smoke.py`;
the name does not start with `test_`, so pytest never collects it. Needs PostgreSQL at
127.0.0.1:5432 (user postgres, trust auth) and Redis at 127.0.0.1:6379.

Every check prints one line; the script goes on after a failed check where it can and exits 1
at the end if any failed. gunicorn is always stopped.
"""

from __future__ import annotations

import argparse
import json
import os
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
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
COMMAND_TIMEOUT = 300

# The shell code that makes `/` a real page: a home page served by the default site.
CREATE_HOME_PAGE = """
from wagtail.models import Page, Site
from home.models import HomePage
root = Page.get_first_root_node()
home = root.add_child(instance=HomePage(
    title="Accueil", slug="accueil",
    hero_title="Agir ensemble pour la solidarité internationale",
))
home.save_revision().publish()
Site.objects.update_or_create(
    is_default_site=True,
    defaults={"hostname": "localhost", "port": 80, "root_page": home,
              "site_name": "SO Coopération"},
)
Page.objects.filter(depth=2).exclude(pk=home.pk).delete()
"""


def say(line: str) -> None:
    """A progress line, flushed at once so CI's log keeps the order."""
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


class Smoke:
    def __init__(self) -> None:
        self.failures: list[str] = []

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        say(f"  [{'ok' if ok else 'FAIL'}] {what}")
        if detail and not ok:
            say("\n".join(f"         {line}" for line in detail.splitlines()))
        if not ok:
            self.failures.append(what)
        return ok


def random_secret_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!#%+-_=.:@^~"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(name: str) -> None:
    """Drop and create a PostgreSQL database (psycopg comes with the project)."""
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"unsafe database name {name!r}")
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def manage(
    env: dict[str, str], *args: str, check: bool = True, timeout: float = COMMAND_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        sys.stdout.write(result.stdout[-4000:])
        sys.stdout.write(result.stderr[-4000:])
    return result


def fetch(
    url: str, headers: dict[str, str] | None = None, timeout: float = 10
) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects: (status, headers, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (local http)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read()


@contextmanager
def gunicorn(env: dict[str, str], port: int, log_path: Path) -> Iterator[subprocess.Popen]:
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi:application",
            "--workers",
            "2",
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
        yield process
    finally:
        stop_process(process)
        log.close()


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            status, _, _ = fetch(url, timeout=2)
            if status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def check_configuration_errors(smoke: Smoke, base_env: dict[str, str]) -> None:
    """Each required variable missing or malformed stops the start with one line naming it."""
    cases = [
        ("SECRET_KEY missing", "SECRET_KEY", None),
        ("DATABASE_URL missing", "DATABASE_URL", None),
        ("DATABASE_URL malformed (notaurl)", "DATABASE_URL", "notaurl"),
        ("ALLOWED_HOSTS missing", "ALLOWED_HOSTS", None),
        ("WAGTAILADMIN_BASE_URL missing", "WAGTAILADMIN_BASE_URL", None),
        ("WAGTAILADMIN_BASE_URL not absolute", "WAGTAILADMIN_BASE_URL", "portail.example.org"),
    ]
    for label, name, value in cases:
        env = dict(base_env)
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
        result = manage(env, "check", check=False)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        ok = (
            result.returncode != 0
            and len(lines) == 1
            and lines[0].startswith("Configuration error:")
            and name in lines[0]
        )
        smoke.check(
            ok,
            f"{label}: manage.py exits non-zero with one line naming {name}",
            f"exit {result.returncode}, stderr {result.stderr.strip()[-500:]!r}",
        )
    # gunicorn imports config.wsgi: it must stop the same way, not serve with a blank key.
    env = dict(base_env)
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [PYTHON, "-c", "import config.wsgi"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=COMMAND_TIMEOUT,
    )
    last_line = (result.stderr.strip().splitlines() or [""])[-1]
    smoke.check(
        result.returncode != 0 and "SECRET_KEY" in last_line,
        "SECRET_KEY missing: config.wsgi (gunicorn's entry point) stops, naming SECRET_KEY",
        f"exit {result.returncode}, stderr {result.stderr.strip()[-500:]!r}",
    )


def check_served_site(smoke: Smoke, base: str) -> None:
    status, headers, body = fetch(f"{base}/healthz")
    try:
        payload = json.loads(body)
    except ValueError:
        payload = {}
    smoke.check(
        status == 200 and payload.get("status") == "ok",
        "GET /healthz answers 200 with JSON status ok",
        f"{status} {body[:200]!r}",
    )

    status, headers, body = fetch(f"{base}/")
    html = body.decode("utf-8", "replace")
    smoke.check(
        status == 200 and "<h1>Agir ensemble pour la solidarité internationale</h1>" in html,
        "GET / answers 200 with the home page's h1",
        f"got {status}",
    )
    for name, expected in (
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", None),
    ):
        value = headers.get(name)
        smoke.check(
            value is not None and (expected is None or value == expected),
            f"GET / carries {name}: {expected or value or '<any>'}",
            f"got {value!r}",
        )
    policy = headers.get("Content-Security-Policy", "")
    smoke.check(
        "script-src 'self'" in policy and "object-src 'none'" in policy,
        "GET / carries a Content-Security-Policy limiting scripts to the site",
        f"got {policy!r}",
    )
    smoke.check(
        "Strict-Transport-Security" not in headers,
        "plain-HTTP GET / carries no Strict-Transport-Security (HTTPS only)",
        f"got {headers.get('Strict-Transport-Security')!r}",
    )

    status, https_headers, _ = fetch(f"{base}/", headers={"X-Forwarded-Proto": "https"})
    hsts = https_headers.get("Strict-Transport-Security", "")
    smoke.check(
        status == 200 and re.search(r"max-age=\d{6,}", hsts) is not None,
        "GET / with X-Forwarded-Proto: https carries Strict-Transport-Security",
        f"status {status}, header {hsts!r}",
    )

    match = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
    if smoke.check(match is not None, "the page links its CSS under a hashed name"):
        status, headers, _ = fetch(f"{base}{match.group(1)}")
        smoke.check(
            status == 200 and "text/css" in headers.get("Content-Type", ""),
            f"GET {match.group(1)} answers 200 text/css",
            f"{status} {headers.get('Content-Type')!r}",
        )
        smoke.check(
            "immutable" in headers.get("Cache-Control", ""),
            "the hashed static file is served with a far-future immutable Cache-Control",
            f"got {headers.get('Cache-Control')!r}",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="portail_smoke", help="PostgreSQL database name")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: any free)")
    args = parser.parse_args()

    smoke = Smoke()
    workdir = Path(tempfile.mkdtemp(prefix="portail-smoke-"))
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    base_env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        WAGTAILADMIN_BASE_URL="https://portail.example.org",
        DATABASE_URL=f"{POSTGRES_SERVER}/{args.database}",
        REDIS_URL=args.redis_url,
        CACHE_KEY_PREFIX=f"smoke-{os.getpid()}",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        PYTHONUNBUFFERED="1",
    )
    # The CI run collects the static files once, with these settings (`tests/ci_demo.py`):
    # a minute of CPU. Run alone, the script collects its own. (Imported here: `ci_demo`
    # imports this module's helpers.)
    from ci_demo import shared_static_root

    shared_static = shared_static_root()
    if shared_static:
        base_env["STATIC_ROOT"] = shared_static
    # Over plain HTTP on loopback, the app must not redirect to https; the deploy check
    # below runs without this override, as production does.
    serve_env = {**base_env, "SECURE_SSL_REDIRECT": "false"}

    try:
        say(f"Production smoke: database {args.database}, cache {args.redis_url}")
        recreate_database(args.database)

        say("manage.py check --deploy --fail-level WARNING (production variables)")
        result = manage(base_env, "check", "--deploy", "--fail-level", "WARNING", check=False)
        smoke.check(
            result.returncode == 0,
            "check --deploy reports no warning",
            (result.stderr or result.stdout).strip()[-2000:],
        )

        result = manage(
            {**base_env, "WAGTAILADMIN_BASE_URL": "http://127.0.0.1:8000"},
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            check=False,
        )
        smoke.check(
            result.returncode != 0 and "home.W001" in result.stderr,
            "check --deploy warns when WAGTAILADMIN_BASE_URL points to this machine",
            (result.stderr or result.stdout).strip()[-2000:],
        )

        say("Configuration errors")
        check_configuration_errors(smoke, base_env)

        say("collectstatic, migrate, home page")
        if shared_static:
            say(f"  collectstatic ran once for the CI run, with these settings: {shared_static}")
        else:
            result = manage(serve_env, "collectstatic", "--no-input")
            smoke.check(result.returncode == 0, "collectstatic --no-input succeeds")
        manifest = Path(base_env["STATIC_ROOT"]) / "staticfiles.json"
        smoke.check(manifest.exists(), "collectstatic wrote the hashed-name manifest")
        result = manage(serve_env, "migrate", "--no-input")
        if not smoke.check(result.returncode == 0, "migrate succeeds on a fresh database"):
            return 1
        result = manage(serve_env, "shell", "-c", CREATE_HOME_PAGE)
        smoke.check(result.returncode == 0, "a HomePage is created and served by the site")

        port = args.port or free_port()
        base = f"http://127.0.0.1:{port}"
        say(f"gunicorn config.wsgi:application --workers 2 --bind 127.0.0.1:{port}")
        log_path = workdir / "gunicorn.log"
        with gunicorn(serve_env, port, log_path) as process:
            up = wait_until_up(f"{base}/healthz", process)
            if smoke.check(up, "gunicorn starts and answers /healthz within 30 s"):
                check_served_site(smoke, base)
            alive = process.poll() is None
            smoke.check(alive, "gunicorn is still running after the requests")
        log = log_path.read_text(errors="replace")
        smoke.check(
            "Traceback" not in log,
            "gunicorn's log holds no traceback",
            log[-3000:],
        )
    except Exception as exc:  # any crash is reported as one more failed check
        smoke.check(False, "the smoke run completes", f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    if smoke.failures:
        say(f"Production smoke: {len(smoke.failures)} check(s) failed:")
        for failure in smoke.failures:
            say(f"  - {failure.splitlines()[0]}")
        return 1
    say("Production smoke: every check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
