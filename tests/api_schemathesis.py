"""The open-data API against its own OpenAPI document: schemathesis under gunicorn.

Run by `.ci/run` (step "open-data API") as `.venv/bin/python tests/api_schemathesis.py`; the
name does not start with `test_`, so pytest never collects it. Needs neither PostgreSQL nor
Redis: the demo goes into a fresh SQLite file of a temporary folder; under `.ci/run`, into a
PostgreSQL copy of the CI run's demo (`tests/ci_demo.py`, `--database` names it).

It migrates and loads the demo (or copies it), serves it with gunicorn under
`config.settings.production` (the API's rate limit raised: schemathesis sends hundreds of
requests from one address), then runs schemathesis on `/api/open/v1/openapi.json`: examples,
coverage and fuzzing of every operation, valid and invalid parameters, with the checks that no
answer is a 5xx and that every answer's status, content type, headers and body conform to the
document. Exits 1 when schemathesis finds a failure or gunicorn logged a traceback for a
request to the API (a traceback of another request, such as schemathesis' probes of odd paths,
is printed as a note). About a minute and a half on an idle machine when it builds the demo,
most of it the migrations and the demo.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ci_demo import drop_database, provide_demo, template  # noqa: E402 - sibling helpers
from production_smoke import (  # noqa: E402
    POSTGRES_SERVER,
    Smoke,
    fetch,
    free_port,
    gunicorn,
    random_secret_key,
    say,
    wait_until_up,
)

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)


def errors_in_log(log: str) -> tuple[list[str], list[str]]:
    """gunicorn's log entries that hold a traceback, split into those of a request to the
    API and the others. An entry starts with gunicorn's `[date]` or a JSON log line."""
    entries: list[str] = []
    for line in log.splitlines():
        if line.startswith(("[", "{")) or not entries:
            entries.append(line)
        else:
            entries[-1] += "\n" + line
    failed = [entry for entry in entries if "Traceback" in entry]
    api = [entry for entry in failed if "/api/open/" in entry.splitlines()[0]]
    return api, [entry for entry in failed if entry not in api]


def run_schemathesis(
    schema_url: str, *, max_examples: int, max_time: int, workdir: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own schemathesis
        [
            SCHEMATHESIS,
            "run",
            schema_url,
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(max_examples),
            "--max-time",
            str(max_time),
            "--workers",
            "2",
            "--seed",
            "2020",
            "--request-timeout",
            "20",
            "--generation-database",
            "none",
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(workdir / "report"),
        ],
        # Its example database and caches go to the temporary folder, not the repository.
        cwd=workdir,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=max_time + 120,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--database",
        default="portail_ci_api",
        help="PostgreSQL database of the copy of the CI run's demo (unused without one)",
    )
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--max-time", type=int, default=40, help="schemathesis' budget (s)")
    args = parser.parse_args()
    smoke = Smoke()
    port = args.port or free_port()
    started = time.monotonic()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="api-fuzz-")))
        # A copy of the CI run's demo on PostgreSQL when there is one; SQLite otherwise.
        database = args.database if template() else None
        if database:
            stack.callback(drop_database, database)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            SECRET_KEY=random_secret_key(),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=(
                f"{POSTGRES_SERVER}/{database}"
                if database
                else f"sqlite:///{workdir / 'db.sqlite3'}"
            ),
            WAGTAILADMIN_BASE_URL="https://portail.example.org",
            MEDIA_ROOT=str(workdir / "media"),
            SECURE_SSL_REDIRECT="false",
            OPEN_DATA_API_RATE_LIMIT="1000000",
            DEMO_HOST="127.0.0.1",
            DEMO_PORT="80",
            PYTHONUNBUFFERED="1",
        )
        say(
            f"Open-data API under schemathesis: "
            f"{'PostgreSQL ' + database if database else 'SQLite'} demo, gunicorn on port {port}"
        )
        # No collectstatic: the API renders no template (its docs page, which does, is
        # checked by opendata's tests and by the production smoke run).
        demo = provide_demo(env, database=database)
        if not smoke.check(demo.ok, f"the demo is in place: {demo.what}", demo.detail):
            return 1
        say(f"  demo in place at {time.monotonic() - started:.0f} s")
        log_path = workdir / "gunicorn.log"
        process = stack.enter_context(gunicorn(env, port, log_path))
        base = f"http://127.0.0.1:{port}"
        up = wait_until_up(f"{base}/healthz", process, timeout=120)
        if not smoke.check(up, "gunicorn up", log_path.read_text(errors="replace")[-3000:]):
            return 1
        status, _, body = fetch(f"{base}/api/open/v1/actors/?odd=6&departement=33")
        smoke.check(status == 200 and b'"count"' in body, "GET /api/open/v1/actors/ answers 200")
        result = run_schemathesis(
            f"{base}/api/open/v1/openapi.json",
            max_examples=args.max_examples,
            max_time=args.max_time,
            workdir=workdir,
        )
        output = result.stdout + result.stderr
        summary = [line for line in output.splitlines() if line.strip()][-25:]
        say("  schemathesis:\n    " + "\n    ".join(summary))
        smoke.check(result.returncode == 0, "schemathesis found no failure", output[-6000:])
        api_errors, other_errors = errors_in_log(log_path.read_text(errors="replace"))
        smoke.check(
            not api_errors,
            f"gunicorn's log holds no error of the API ({len(api_errors)})",
            "\n\n".join(api_errors[:2])[-4000:],
        )
        for entry in other_errors[:3]:
            # schemathesis' own probes (control characters in a path outside the API): shown
            # for whoever owns that part of the site, not this step's verdict.
            say(f"  note: an error outside the API: {entry.splitlines()[0][:200]}")
    took = time.monotonic() - started
    if smoke.failures:
        say(f"Open-data API: {len(smoke.failures)} check(s) failed in {took:.0f} s")
        return 1
    say(f"Open-data API: every check passed in {took:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
