"""The demo content for the CI scripts: built once per CI run, copied into each script's
database, or built by the script itself when run on its own.

`manage.py load_demo_content` takes one to two minutes and `migrate` half a minute more; five
scripts need the demo. `.ci/run` builds it once (`python tests/ci_demo.py build ...`, the
step "demo database") into a PostgreSQL database and a media folder, and names them in the
environment of the later steps:

- `CI_DEMO_DATABASE`: the database, used as the template of `CREATE DATABASE ... TEMPLATE`;
- `CI_DEMO_MEDIA`: the folder of its images and documents, copied into the script's
  MEDIA_ROOT (a database without its files would serve broken images);
- `CI_DEMO_STATIC`: the production settings' `collectstatic` output (a minute of CPU), read
  by the gunicorn servers of the scripts instead of a copy of their own.

The database as it was once migrated, before the demo, is kept too (`<database>_migrated`,
`migrated_template()`): a script that needs an empty site copies it instead of migrating.

Without them (a developer's shell), `provide_demo` migrates and loads the demo as before.
The name does not start with `test_`: pytest never collects it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from production_smoke import (  # noqa: E402 - the sibling script's helpers
    POSTGRES_SERVER,
    manage,
    random_secret_key,
    recreate_database,
    say,
)

TEMPLATE_VARIABLE = "CI_DEMO_DATABASE"
MEDIA_VARIABLE = "CI_DEMO_MEDIA"
STATIC_VARIABLE = "CI_DEMO_STATIC"
# The demo takes one to two minutes on an idle machine; much longer on a shared one.
DEMO_TIMEOUT = 1800


@dataclass(frozen=True)
class DemoOutcome:
    """How a script got its demo: `what` is its check's line, `detail` the output on failure."""

    ok: bool
    what: str
    detail: str = ""


def migrated_name(database: str) -> str:
    return f"{database}_migrated"


def migrated_template() -> str | None:
    """The CI run's database as migrated, before the demo, when there is one."""
    source = template()
    return migrated_name(source) if source else None


def template() -> str | None:
    """The prepared demo database of this CI run, when there is one (with its media)."""
    name = os.environ.get(TEMPLATE_VARIABLE, "").strip()
    media = os.environ.get(MEDIA_VARIABLE, "").strip()
    return name if name and media and Path(media).is_dir() else None


def shared_static_root() -> str | None:
    """The CI run's collected static files, when there are some."""
    path = os.environ.get(STATIC_VARIABLE, "").strip()
    return path if path and (Path(path) / "staticfiles.json").is_file() else None


def _safe(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"unsafe database name {name!r}")
    return name


def clone_database(source: str, name: str) -> None:
    """`name`, dropped if it exists, becomes a copy of `source` (which must have no open
    connection: PostgreSQL copies its files)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {_safe(name)} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {_safe(name)} TEMPLATE {_safe(source)}")


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {_safe(name)} WITH (FORCE)")


def point_site_at(name: str, env: dict[str, str]) -> None:
    """The default site answers at the address the script's demo would have been built
    with (DEMO_HOST and DEMO_PORT, read as `home.demo_content.demo_address` reads them): the
    sitemap, canonical links and feeds of the copy name the same host and port."""
    import psycopg

    host = env.get("DEMO_HOST", "").strip() or "127.0.0.1"
    try:
        port = int(env.get("DEMO_PORT", "8000"))
    except ValueError:
        port = 8000
    port = port if 0 < port < 65536 else 8000
    with psycopg.connect(f"{POSTGRES_SERVER}/{_safe(name)}", autocommit=True) as conn:
        conn.execute(
            "UPDATE wagtailcore_site SET hostname = %s, port = %s WHERE is_default_site",
            (host, port),
        )


def _tail(result) -> str:
    return ((result.stdout or "") + (result.stderr or ""))[-3000:]


def _copy(env: dict[str, str], database: str, source: str) -> DemoOutcome:
    began = time.monotonic()
    clone_database(source, database)
    cloned = time.monotonic() - began
    point_site_at(database, env)
    media_root = Path(env["MEDIA_ROOT"])
    shutil.copytree(os.environ[MEDIA_VARIABLE], media_root, dirs_exist_ok=True)
    files = sum(1 for path in media_root.rglob("*") if path.is_file())
    copied = time.monotonic() - began - cloned
    # Nothing to apply (same checkout): proves the copy opens under the script's settings.
    result = manage(env, "migrate", "--no-input", timeout=DEMO_TIMEOUT)
    took = time.monotonic() - began
    say(
        f"  demo: {database} = CREATE DATABASE ... TEMPLATE {source} ({cloned:.1f} s), "
        f"{files} media files copied to {media_root} ({copied:.1f} s), "
        f"migrate {took - cloned - copied:.1f} s"
    )
    return DemoOutcome(
        result.returncode == 0,
        f"the demo is a copy of the CI run's ({source}, {took:.0f} s)",
        _tail(result),
    )


def _build(env: dict[str, str], *, keep_migrated: str | None = None) -> DemoOutcome:
    """Migrate and load the demo; with `keep_migrated`, the database as migrated is first
    copied under that name."""
    began = time.monotonic()
    result = manage(env, "migrate", "--no-input", timeout=DEMO_TIMEOUT)
    if result.returncode != 0:
        return DemoOutcome(False, "manage.py migrate succeeds", _tail(result))
    if keep_migrated:
        database = env["DATABASE_URL"].rsplit("/", 1)[-1]
        clone_database(database, keep_migrated)
        say(f"  demo: migrated database kept as {keep_migrated}")
    migrated = time.monotonic() - began
    say(f"  demo: migrated in {migrated:.0f} s; loading the demo")
    result = manage(env, "load_demo_content", timeout=DEMO_TIMEOUT)
    took = time.monotonic() - began
    say(f"  demo: load_demo_content {took - migrated:.0f} s")
    return DemoOutcome(
        result.returncode == 0,
        f"migrate and load_demo_content ({migrated:.0f} s + {took - migrated:.0f} s)",
        _tail(result),
    )


def provide_demo(env: dict[str, str], *, database: str | None = None) -> DemoOutcome:
    """The demo in the database of env's DATABASE_URL and in env's MEDIA_ROOT.

    `database` names that database when it is PostgreSQL: it is (re)created, as a copy of
    the CI run's demo when there is one, empty then migrated and loaded otherwise. Without
    `database` (SQLite), the demo is built in place.
    """
    source = template()
    if database is not None and source is not None:
        try:
            return _copy(env, database, source)
        except Exception as exc:  # noqa: BLE001 - the demo can still be built
            say(f"  demo: could not copy {source} ({type(exc).__name__}: {exc}); building it")
    if database is not None:
        recreate_database(database)
    return _build(env)


def production_env(database: str, media_root: Path, static_root: Path) -> dict[str, str]:
    """The production settings the gunicorn scripts use, on a local-memory cache."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
        and not key.startswith("CI_DEMO_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        WAGTAILADMIN_BASE_URL="https://portail.example.org",
        DATABASE_URL=f"{POSTGRES_SERVER}/{database}",
        MEDIA_ROOT=str(media_root),
        STATIC_ROOT=str(static_root),
        SECURE_SSL_REDIRECT="false",
        DEMO_PASSWORD="demo-" + os.urandom(8).hex(),
        PYTHONUNBUFFERED="1",
    )
    return env


def build(database: str, media_root: Path, static_root: Path) -> int:
    """The CI run's demo: `database` and `media_root` with the demo, `static_root` with the
    collected static files. Exits 1 when any command fails."""
    began = time.monotonic()
    for folder in (media_root, static_root):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    env = production_env(database, media_root, static_root)
    say(f"Demo for the CI scripts: database {database}, media {media_root}")
    recreate_database(database)
    outcome = _build(env, keep_migrated=migrated_name(database))
    if not outcome.ok:
        say(outcome.detail)
        say("Demo for the CI scripts: FAILED (each script will build its own)")
        return 1
    say("  collectstatic (production settings)")
    started = time.monotonic()
    result = manage(env, "collectstatic", "--no-input", timeout=DEMO_TIMEOUT)
    if result.returncode != 0:
        say(_tail(result))
        shutil.rmtree(static_root, ignore_errors=True)
        say("  collectstatic failed: each script collects its own")
    else:
        say(f"  collectstatic {time.monotonic() - started:.0f} s")
    files = sum(1 for path in media_root.rglob("*") if path.is_file())
    say(f"Demo for the CI scripts: ready in {time.monotonic() - began:.0f} s ({files} media files)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("build", help="build the demo the CI scripts copy")
    command.add_argument("--database", required=True, help="PostgreSQL database to create")
    command.add_argument("--media", type=Path, required=True, help="its media folder")
    command.add_argument("--static", type=Path, required=True, help="collectstatic's folder")
    args = parser.parse_args()
    return build(_safe(args.database), args.media, args.static)


if __name__ == "__main__":
    sys.exit(main())
