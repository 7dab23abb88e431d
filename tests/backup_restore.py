"""Backup and restore round trip on PostgreSQL with the demo content.

Run by `.ci/run` (step "backup and restore") as `.venv/bin/python tests/backup_restore.py`;
the name does not start with `test_`, so pytest never collects it. Needs PostgreSQL at
127.0.0.1:5432 (user postgres, trust auth) and its client tools (pg_dump, pg_restore).

It puts the demo into a fresh database (a copy of the CI run's demo, see `tests/ci_demo.py`,
or built by `load_demo_content`), takes a snapshot (row count of every model, the rendered
home page, directory and an actor page, a hash of every media file), runs `manage.py backup`,
drops the database and the media, creates the database empty, runs `manage.py restore --yes`,
and checks that the snapshot is identical. Every check prints one line; the script exits 1 if
any failed.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ci_demo import provide_demo  # noqa: E402 - the sibling script's helpers
from production_smoke import (  # noqa: E402
    POSTGRES_SERVER,
    Smoke,
    manage,
    recreate_database,
    say,
)

# The demo takes about a minute on an idle machine; a busy one may need several.
LONG_COMMAND_TIMEOUT = 1200

# Printed by `manage.py shell`: what must survive the round trip, as one JSON line.
SNAPSHOT = r"""
import hashlib, json
from pathlib import Path
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
from directory.models import ActorPage, DirectoryPage

setup_test_environment()
urls = ["/", DirectoryPage.objects.live().first().url,
        ActorPage.objects.live().order_by("pk").first().url]
pages = {}
client = Client()
for url in urls:
    response = client.get(url)
    pages[url] = [response.status_code, response.content.decode()]
# Counted after rendering: the first render of a page creates its image renditions.
counts = {}
for model in apps.get_models(include_auto_created=True):
    if model._meta.proxy or not model._meta.managed:
        continue
    counts[model._meta.label] = model._base_manager.count()
media_root = Path(settings.MEDIA_ROOT)
media = {
    path.relative_to(media_root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
    for path in sorted(media_root.rglob("*")) if path.is_file()
}
print("SNAPSHOT " + json.dumps({"counts": counts, "pages": pages, "media": media}))
"""


def snapshot(env: dict[str, str]) -> dict:
    result = manage(env, "shell", "-c", SNAPSHOT, timeout=LONG_COMMAND_TIMEOUT)
    for line in result.stdout.splitlines():
        if line.startswith("SNAPSHOT "):
            return json.loads(line.removeprefix("SNAPSHOT "))
    raise RuntimeError(f"no snapshot printed: {result.stderr[-2000:]}")


def drop_and_create_empty(name: str) -> None:
    recreate_database(name)


def timed(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = manage(env, *args, timeout=LONG_COMMAND_TIMEOUT)
    return result, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="portail_ci_backup", help="PostgreSQL database")
    args = parser.parse_args()

    smoke = Smoke()
    workdir = Path(tempfile.mkdtemp(prefix="portail-backup-ci-"))
    media_root = workdir / "media"
    backups = workdir / "backups"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=f"{POSTGRES_SERVER}/{args.database}",
        MEDIA_ROOT=str(media_root),
        DEMO_PASSWORD="demo-" + os.urandom(8).hex(),
        PYTHONUNBUFFERED="1",
    )
    try:
        say(f"Backup and restore: database {args.database}, media {media_root}")
        say(f"pg_dump: {shutil.which('pg_dump')}")
        demo = provide_demo(env, database=args.database)
        if not smoke.check(demo.ok, f"the demo is in place: {demo.what}", demo.detail):
            return 1

        before = snapshot(env)
        # A second pass: the first one created the renditions the pages show.
        before = snapshot(env)
        smoke.check(
            all(status == 200 for status, _ in before["pages"].values()),
            f"the pages render before the backup: {', '.join(before['pages'])}",
            json.dumps({url: status for url, (status, _) in before["pages"].items()}),
        )
        smoke.check(
            len(before["media"]) > 0 and sum(before["counts"].values()) > 0,
            f"the demo has rows ({sum(before['counts'].values())}) and media files "
            f"({len(before['media'])})",
        )

        result, backup_seconds = timed(env, "backup", "--output", str(backups))
        archives = sorted(backups.glob("portail-*.tar.gz"))
        if not smoke.check(
            result.returncode == 0 and len(archives) == 1,
            f"manage.py backup writes one archive ({backup_seconds:.1f} s)",
            result.stdout[-2000:] + result.stderr[-2000:],
        ):
            return 1
        archive = archives[0]
        say(result.stdout.strip())
        size = archive.stat().st_size
        smoke.check(
            oct(archive.stat().st_mode & 0o777) == oct(0o600),
            "the archive is readable by its owner only (it holds personal data)",
            oct(archive.stat().st_mode & 0o777),
        )

        say("DROP DATABASE, CREATE DATABASE (empty), media removed")
        drop_and_create_empty(args.database)
        shutil.rmtree(media_root)

        result = manage(env, "restore", str(archive), check=False)
        smoke.check(
            result.returncode != 0 and "--yes" in result.stderr,
            "manage.py restore without --yes (no terminal) refuses and names --yes",
            result.stderr[-1000:],
        )
        result, restore_seconds = timed(env, "restore", str(archive), "--yes")
        if not smoke.check(
            result.returncode == 0,
            f"manage.py restore --yes succeeds ({restore_seconds:.1f} s)",
            result.stdout[-2000:] + result.stderr[-2000:],
        ):
            return 1
        say(result.stdout.strip())

        after = snapshot(env)
        differing = {
            label: (count, after["counts"].get(label))
            for label, count in before["counts"].items()
            if after["counts"].get(label) != count
        }
        smoke.check(
            not differing and before["counts"].keys() == after["counts"].keys(),
            f"the row count of every model is identical ({len(before['counts'])} models, "
            f"{sum(before['counts'].values())} rows)",
            json.dumps(differing),
        )
        for url, (status, html) in before["pages"].items():
            after_status, after_html = after["pages"].get(url, (None, ""))
            diff = difflib.unified_diff(
                html.splitlines(), after_html.splitlines(), "before", "after", lineterm="", n=1
            )
            smoke.check(
                (after_status, after_html) == (status, html),
                f"GET {url} renders the same page ({status}, {len(html)} characters)",
                f"status {status} then {after_status}\n" + "\n".join(list(diff)[:40]),
            )
        smoke.check(
            after["media"] == before["media"],
            f"the {len(before['media'])} media files are back, byte for byte",
            f"missing {sorted(set(before['media']) - set(after['media']))[:5]}",
        )
        say(
            f"Figures: archive {size / 1024:.0f} KiB, backup {backup_seconds:.1f} s, "
            f"restore {restore_seconds:.1f} s (each including the command's start-up)"
        )
    except Exception as exc:  # any crash is reported as one more failed check
        smoke.check(False, "the backup and restore run completes", f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        try:
            import psycopg

            with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
        except Exception as exc:  # noqa: BLE001 - cleanup only
            say(f"  (could not drop {args.database}: {exc})")

    if smoke.failures:
        say(f"Backup and restore: {len(smoke.failures)} check(s) failed:")
        for failure in smoke.failures:
            say(f"  - {failure.splitlines()[0]}")
        return 1
    say("Backup and restore: every check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
