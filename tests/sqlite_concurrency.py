"""SQLite under a small crowd: 20 people register to one event at the same moment.

Run as `.venv/bin/python tests/sqlite_concurrency.py` (the name does not start with `test_`,
so pytest never collects it). It builds a SQLite database in a temporary directory with the
development settings (the demo's), serves it with gunicorn (threads), has 20 clients load
the registration form, then send their registrations together, and counts the answers.
Every registration must succeed (a redirect to the confirmation) and be stored: SQLite's
"database is locked" must never reach anyone as a 500.

Exits 1 when one registration failed or was not stored. gunicorn is always stopped.
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

# An open event with more places than people, under a home page served by the default site.
CREATE_EVENT = """
from events.models import EventPage
from events.tests.factories import EventIndexPageFactory, make_event
from home.tests.factories import make_site_with_home
home = make_site_with_home()
agenda = EventIndexPageFactory(parent=home)
event = make_event(parent=agenda, title="Rencontre régionale",
                   registration_mode=EventPage.RegistrationMode.BUILT_IN, capacity=100)
print("URL", event.url + "inscription/")
"""
COUNT_REGISTRATIONS = """
from events.models import Registration
print("COUNT", Registration.objects.count())
"""


def say(line: str) -> None:
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def free_port(start: int) -> int:
    for port in range(start, start + 100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("no free port")


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def wait_until_up(base: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=30)  # noqa: S310 - local URL
            return
        except OSError:  # refused while starting, or a timeout
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer")


def one_person(
    number: int, url: str, start: threading.Barrier, answers: list, bodies: list
) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    form = opener.open(url, timeout=120).read().decode()  # noqa: S310 - local URL

    def hidden(name: str) -> str:
        found = re.search(rf'name="{name}" value="([^"]*)"', form)
        return html.unescape(found.group(1)) if found else ""

    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": hidden("csrfmiddlewaretoken"),
            "started": hidden("started"),
            "first_name": "Personne",
            "last_name": f"Numéro {number}",
            "email": f"personne{number}@exemple.org",
            "organisation": "Association solidaire",
            "consent": "on",
        }
    ).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310
    start.wait()
    try:
        with opener.open(request, timeout=60) as response:  # noqa: S310 - local URL
            answers[number] = response.status
    except urllib.error.HTTPError as error:
        answers[number] = error.code
        bodies[number] = error.read().decode(errors="replace")[:200]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PROBE_PORT", 8000)))
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="portail-sqlite-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        # One address sends every registration, at once: no rate limit, no minimum time.
        "REGISTRATION_RATE_LIMIT": "1000",
        "REGISTRATION_MIN_FILL_SECONDS": "0",
        "PAGE_CACHE_SECONDS": "0",
    }
    server = None
    try:
        manage(env, "migrate", "--no-input")
        url_path = re.search(r"URL (\S+)", manage(env, "shell", "-c", CREATE_EVENT)).group(1)
        port = free_port(arguments.port)
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn
            [
                GUNICORN,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(arguments.workers),
                "--threads",
                str(arguments.threads),
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(workdir / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the process
            start_new_session=True,
        )
        wait_until_up(base)
        url = f"{base}{url_path}"
        started = time.monotonic()
        urllib.request.urlopen(url, timeout=120).read()  # noqa: S310 - warm the server up
        say(f"first form served in {time.monotonic() - started:.1f} s")
        people = arguments.people
        answers: list = [None] * people
        bodies: list = [""] * people
        start = threading.Barrier(people)
        threads = [
            threading.Thread(target=one_person, args=(n, url, start, answers, bodies))
            for n in range(people)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stored = int(re.search(r"COUNT (\d+)", manage(env, "shell", "-c", COUNT_REGISTRATIONS))[1])
        succeeded = sum(1 for answer in answers if answer == 302)
        say(
            f"{people} parallel registrations ({arguments.workers} worker(s) x "
            f"{arguments.threads} threads): {succeeded} succeeded, answers "
            f"{dict(sorted(Counter(answers).items()))}, {stored} stored"
        )
        log = (workdir / "gunicorn.log").read_text()
        locked = log.count("database is locked")
        if locked:
            say(f'"database is locked" in the server log: {locked} time(s)')
        return 0 if succeeded == people and stored == people else 1
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
