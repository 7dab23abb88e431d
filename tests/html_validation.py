"""The W3C Nu HTML checker over a sample of the demo's pages: one of each page type, every
listing, the forms and the 404 page. Run as `.venv/bin/python tests/html_validation.py`
(pytest never collects it: its name does not start with `test_`).

It builds the demo in a SQLite database of a temporary directory with the development settings
(under `.ci/run`, a PostgreSQL copy of the CI run's demo, see `tests/ci_demo.py`), renders the
pages with Django's test client (no server, no port), writes them to files and runs the checker
on them: `vnu.jar` from npm's `vnu-jar` package (installed with npm into the temporary
directory unless VNU_JAR names a jar), with `java`. Prints each error with its page and line,
and exits 1 when there is any (warnings are not counted).

`--current-database` checks the demo already in the database DATABASE_URL names (after
`make load-demo`), without building one.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ci_demo import drop_database, provide_demo, template  # noqa: E402 - the sibling's helpers
from production_smoke import POSTGRES_SERVER  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
VNU_PACKAGE = "vnu-jar@26.9.27"

# Renders the sample inside Django (the demo's database): one file a page, named by its path.
RENDER = r"""
import sys
from pathlib import Path
from django.test import Client
from wagtail.models import Page

out = Path(sys.argv[1])
paths = [
    "/", "/le-reseau/", "/annuaire/", "/annuaire/projets/", "/annuaire/referencement/",
    "/agenda/", "/actualites/", "/appels-a-projets/", "/offres/", "/ressources/", "/groupes/",
    "/recherche/?q=eau", "/plan-du-site/", "/une-page-qui-n-existe-pas/",
]
for model in ("actorpage", "projectpage", "eventpage", "newspage", "callforprojectspage",
              "opportunitypage", "resourcepage", "grouppage", "standardpage"):
    page = Page.objects.live().public().filter(content_type__model=model).first()
    if page is None:
        sys.exit(f"the demo has no live {model}")
    paths.append(page.url)
from django.utils import timezone
from events.models import EventPage
open_event = EventPage.objects.live().public().filter(
    registration_mode=EventPage.RegistrationMode.BUILT_IN, end_at__gte=timezone.now()
).order_by("start_at").first()
if open_event is None:
    sys.exit("the demo has no event open to registration")
paths.append(open_event.url + "inscription/")
# The visitors' error pages, not Django's debugging ones.
from django.conf import settings
settings.DEBUG = False
client = Client(HTTP_HOST="127.0.0.1")
for path in paths:
    response = client.get(path)
    expected = 404 if path == "/une-page-qui-n-existe-pas/" else 200
    if response.status_code != expected:
        sys.exit(f"{path} answered {response.status_code}")
    name = path.strip("/").replace("/", "__").replace("?", "_").replace("=", "-") or "accueil"
    (out / f"{name}.html").write_bytes(response.content)
    print(f"  {response.status_code} {path}")
"""


def say(line: str) -> None:
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


def run(env: dict, *args: str, timeout: int = 900) -> str:
    result = subprocess.run(  # noqa: S603 - our own commands
        list(args), cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        say(result.stdout[-3000:])
        say(result.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(args[:3])}")
    return result.stdout


def vnu_jar(workdir: Path) -> Path:
    if os.environ.get("VNU_JAR"):
        return Path(os.environ["VNU_JAR"])
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm introuvable : il installe le validateur (paquet vnu-jar)")
    say(f"installing {VNU_PACKAGE} from npm")
    run(
        dict(os.environ),
        npm,
        "install",
        "--no-save",
        "--no-audit",
        "--no-fund",
        "--prefix",
        str(workdir / "npm"),
        VNU_PACKAGE,
    )
    return workdir / "npm" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--current-database",
        action="store_true",
        help="check the demo of DATABASE_URL instead of building one",
    )
    parser.add_argument(
        "--database",
        default="portail_ci_html",
        help="PostgreSQL database of the copy of the CI run's demo (unused without one)",
    )
    arguments = parser.parse_args()
    started = time.monotonic()
    java = shutil.which("java")
    if java is None:
        say("java introuvable : apt-get install default-jre-headless")
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="portail-html-"))
    # A copy of the CI run's demo on PostgreSQL when there is one; SQLite otherwise.
    database = arguments.database if template() and not arguments.current_database else None
    try:
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
            "PAGE_CACHE_SECONDS": "0",
        }
        if not arguments.current_database:
            env["DATABASE_URL"] = (
                f"{POSTGRES_SERVER}/{database}"
                if database
                else f"sqlite:///{workdir / 'db.sqlite3'}"
            )
            env["MEDIA_ROOT"] = str(workdir / "media")
            env["DEMO_PASSWORD"] = "un-mot-de-passe-de-validation"
        jar = vnu_jar(workdir)
        if not arguments.current_database:
            say(f"the demo ({'PostgreSQL ' + database if database else 'SQLite'})")
            demo = provide_demo(env, database=database)
            if not demo.ok:
                say(demo.detail)
                raise SystemExit(f"failed: {demo.what}")
            say(f"  {demo.what}")
        pages = workdir / "pages"
        pages.mkdir()
        say("rendering the sample")
        say(
            run(
                env,
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                RENDER.replace("sys.argv[1]", repr(str(pages))),
            ).rstrip()
        )
        files = sorted(pages.glob("*.html"))
        say(f"checking {len(files)} pages with the W3C Nu HTML checker")
        result = subprocess.run(  # noqa: S603 - java and the checker's jar
            [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        messages = json.loads(result.stderr or '{"messages": []}')["messages"]
        errors = [m for m in messages if m.get("type") == "error"]
        for message in errors:
            page = Path(message.get("url", "")).name
            say(f"  {page}:{message.get('lastLine', '?')}: {message.get('message', '')}")
        took = time.monotonic() - started
        if errors:
            say(f"HTML validation: {len(errors)} error(s) on {len(files)} pages ({took:.0f} s)")
            return 1
        say(f"HTML validation: {len(files)} pages, no error ({took:.0f} s)")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if database:
            drop_database(database)


if __name__ == "__main__":
    sys.exit(main())
