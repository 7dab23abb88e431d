"""Backups of the whole site: one archive with the database and the media files.

An archive (`portail-YYYYMMDD-HHMMSS.tar.gz`) holds:

- `database.dump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3` (SQLite, a
  copy made with SQLite's online backup API, consistent while the site runs);
- `media/<name>` for every file of the default storage (walked through the storage API, so a
  non-filesystem storage is backed up the same way);
- `manifest.json`: format and version, date, database engine, applied migrations, row count of
  every model and the media tally, read back before anything is restored.

On PostgreSQL the counts and the dump come from the same snapshot (`pg_export_snapshot()`
handed to `pg_dump --snapshot`), so the manifest describes exactly what the dump holds.

Restoring checks and extracts the whole archive to a temporary directory first: a missing,
truncated or foreign file, or one made on another engine, stops with a message before
anything stored is touched. The database is then restored in one transaction
(`pg_restore --single-transaction`, or SQLite's backup API into the live database), then
the media files.

The commands `backup` and `restore` (home/management/commands) call these functions and
print the progress they report.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
import wagtail
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "portail-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
SUPPORTED_ENGINES = tuple(DATABASE_FILES)
# Media progress is reported every this many files.
PROGRESS_EVERY = 200

Progress = Callable[[str], None]


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why, in French."""


@dataclass
class BackupResult:
    path: Path
    size: int
    seconds: float
    manifest: dict


@dataclass
class RestoreResult:
    manifest: dict
    seconds: float
    media_files: int
    media_bytes: int
    # Models whose row count after the restore differs from the manifest's.
    count_mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Migrations the code has and the restored database has not applied yet.
    pending_migrations: list[str] = field(default_factory=list)
    cache_cleared: bool = True


def _quiet(_message: str) -> None:
    return None


# --- Shared helpers -------------------------------------------------------------------------


def database_engine(alias: str = "default") -> str:
    """'postgresql' or 'sqlite' for the configured database; anything else is refused."""
    vendor = connections[alias].vendor
    if vendor not in SUPPORTED_ENGINES:
        raise BackupError(
            _("Moteur de base de données non pris en charge : %(vendor)s.") % {"vendor": vendor}
        )
    return vendor


def model_tables() -> dict[str, str]:
    """Every concrete model's table, keyed by `app_label.ModelName` (many-to-many tables
    included), in a stable order."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        tables[meta.label] = meta.db_table
    return dict(sorted(tables.items()))


def count_rows(cursor, tables: dict[str, str]) -> dict[str, int]:
    """Rows of each table, through a DB-API cursor (Django's or a bare sqlite3 one)."""
    counts = {}
    for label, table in tables.items():
        # Table names come from the models' metadata, never from input.
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
        counts[label] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor) -> list[str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def human_size(size: float) -> str:
    for unit in ("o", "Ko", "Mo", "Go"):
        if size < 1024 or unit == "Go":
            return f"{size:.0f} {unit}" if unit == "o" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} Go"  # pragma: no cover - the loop always returns


def storage_files(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file name of a storage, walked through its API (works for any backend)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from storage_files(storage, f"{directory}/{sub}" if directory else sub)


# --- PostgreSQL client tools ----------------------------------------------------------------


def _pg_environment(alias: str = "default") -> dict[str, str]:
    """libpq variables for pg_dump/pg_restore: the password never appears in a command line."""
    config = connections[alias].settings_dict
    env = dict(os.environ)
    mapping = {
        "PGHOST": config.get("HOST"),
        "PGPORT": config.get("PORT"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGDATABASE": config.get("NAME"),
    }
    options = config.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        mapping[variable] = options.get(option)
    for variable, value in mapping.items():
        if value:
            env[variable] = str(value)
    return env


def _pg_tool(name: str, alias: str = "default") -> str:
    """The path of pg_dump/pg_restore, checked against the server's major version (an older
    client refuses a newer server's database)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "La commande %(tool)s est introuvable : installez le paquet Debian "
                "postgresql-client (même version majeure que le serveur)."
            )
            % {"tool": name}
        )
    output = subprocess.run(  # noqa: S603 - fixed arguments
        [path, "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    client_major = int(match.group(1)) if match else 0
    conn = connections[alias]
    conn.ensure_connection()
    server_major = conn.pg_version // 10000
    if client_major < server_major:
        raise BackupError(
            _(
                "%(tool)s %(client)s ne peut pas traiter une base PostgreSQL %(server)s : "
                "installez postgresql-client %(server)s."
            )
            % {"tool": name, "client": client_major, "server": server_major}
        )
    return path


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(  # noqa: S603 - arguments built here, no shell
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(
            _("%(what)s a échoué (code %(code)s) : %(detail)s")
            % {"what": what, "code": result.returncode, "detail": detail}
        )


# --- Backup ---------------------------------------------------------------------------------


def _dump_postgresql(target: Path) -> tuple[dict[str, int], list[str]]:
    """pg_dump into `target`; counts and migrations read from the very snapshot it dumps."""
    pg_dump = _pg_tool("pg_dump")
    tables = model_tables()
    with transaction.atomic(), connection.cursor() as cursor:
        # The first statement of the transaction: every read below sees one snapshot.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = count_rows(cursor, tables)
        migrations = applied_migrations(cursor)
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            _pg_environment(),
            "pg_dump",
        )
    return counts, migrations


def _dump_sqlite(target: Path) -> tuple[dict[str, int], list[str]]:
    """A consistent copy through SQLite's backup API, then counts read from the copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        counts = count_rows(cursor, model_tables())
        migrations = applied_migrations(cursor)
    finally:
        copy.close()
    return counts, migrations


def _archive_name(directory: Path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"portail-{stamp}.tar.gz"
    number = 1
    while path.exists():
        number += 1
        path = directory / f"portail-{stamp}-{number}.tar.gz"
    return path


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def create_backup(*, output_dir: Path, progress: Progress = _quiet) -> BackupResult:
    """Write one archive of the database and the media into `output_dir`."""
    started = time.monotonic()
    engine = database_engine()
    output_dir.mkdir(parents=True, exist_ok=True)
    final_path = _archive_name(output_dir)
    storage = default_storage

    with tempfile.TemporaryDirectory(prefix="portail-backup-") as workdir:
        dump_path = Path(workdir) / DATABASE_FILES[engine]
        progress(_("[1/3] Base de données (%(engine)s)…") % {"engine": engine})
        if engine == "postgresql":
            counts, migrations = _dump_postgresql(dump_path)
        else:
            counts, migrations = _dump_sqlite(dump_path)
        progress(
            _("      %(size)s, %(rows)s lignes dans %(models)s modèles")
            % {
                "size": human_size(dump_path.stat().st_size),
                "rows": sum(counts.values()),
                "models": len(counts),
            }
        )

        # Written beside the final name, then renamed: a failed backup leaves no half archive.
        partial = final_path.with_name(final_path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                archive.add(dump_path, arcname=dump_path.name)
                progress(_("[2/3] Fichiers médias…"))
                media_files, media_bytes = _add_media(archive, storage, progress)
                progress(
                    _("      %(files)s fichiers, %(size)s")
                    % {"files": media_files, "size": human_size(media_bytes)}
                )
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": timezone.now().isoformat(),
                    "database": {"engine": engine, "file": dump_path.name},
                    "versions": {"django": django.__version__, "wagtail": wagtail.__version__},
                    "migrations": migrations,
                    "counts": counts,
                    "media": {"files": media_files, "bytes": media_bytes},
                }
                progress(_("[3/3] Manifeste et archive…"))
                _add_bytes(
                    archive,
                    MANIFEST_NAME,
                    json.dumps(manifest, indent=2, ensure_ascii=False).encode(),
                )
            os.replace(partial, final_path)
        finally:
            partial.unlink(missing_ok=True)

    return BackupResult(
        path=final_path,
        size=final_path.stat().st_size,
        seconds=time.monotonic() - started,
        manifest=manifest,
    )


def _add_media(archive: tarfile.TarFile, storage: Storage, progress: Progress) -> tuple[int, int]:
    files = total = 0
    for name in storage_files(storage):
        try:
            size = storage.size(name)
            handle = storage.open(name, "rb")
        except FileNotFoundError:
            continue  # deleted while the backup ran
        with handle:
            info = tarfile.TarInfo(f"{MEDIA_PREFIX}/{name}")
            info.size = size
            info.mtime = int(time.time())
            info.mode = 0o600
            archive.addfile(info, handle)
        files += 1
        total += size
        if files % PROGRESS_EVERY == 0:
            progress(
                _("      … %(files)s fichiers, %(size)s")
                % {"files": files, "size": human_size(total)}
            )
    return files, total


# --- Restore --------------------------------------------------------------------------------


@dataclass
class CheckedArchive:
    """An archive fully extracted to `workdir` and checked: safe to restore from."""

    workdir: Path
    manifest: dict

    @property
    def database_file(self) -> Path:
        return self.workdir / self.manifest["database"]["file"]

    @property
    def media_dir(self) -> Path:
        return self.workdir / MEDIA_PREFIX


def extract_and_check(*, archive_path: Path, workdir: Path) -> CheckedArchive:
    """Extract the whole archive into `workdir` and check it against the manifest and the
    configured database. Raises BackupError with a French message on any problem."""
    if not archive_path.is_file():
        raise BackupError(_("Archive introuvable : %(path)s") % {"path": archive_path})
    not_an_archive = _(
        "%(path)s n'est pas une archive de sauvegarde du portail (tar.gz illisible)."
    ) % {"path": archive_path}
    truncated = _(
        "L'archive %(path)s est incomplète ou abîmée (%(error)s) : elle ne peut pas être "
        "restaurée. Rien n'a été modifié."
    )
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            # The "data" filter refuses absolute paths, links out of the directory and
            # device files; every member is read, so a truncated file fails here.
            archive.extractall(workdir, filter="data")
    except (tarfile.ReadError, tarfile.CompressionError, gzip.BadGzipFile) as error:
        if _looks_truncated(error):
            raise BackupError(truncated % {"path": archive_path, "error": error}) from error
        raise BackupError(not_an_archive) from error
    except (EOFError, zlib.error, tarfile.TarError) as error:
        raise BackupError(truncated % {"path": archive_path, "error": error}) from error

    manifest_path = workdir / MANIFEST_NAME
    if not manifest_path.is_file():
        raise BackupError(
            _("%(path)s ne contient pas de manifeste : ce n'est pas une sauvegarde du portail.")
            % {"path": archive_path}
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(
            _("Le manifeste de %(path)s est illisible.") % {"path": archive_path}
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            _("%(path)s n'est pas une sauvegarde du portail (format inconnu).")
            % {"path": archive_path}
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _(
                "Version de format %(found)s non prise en charge (attendue : %(expected)s) : "
                "restaurez avec la version du portail qui a fait la sauvegarde."
            )
            % {"found": manifest.get("format_version"), "expected": FORMAT_VERSION}
        )
    archive_engine = (manifest.get("database") or {}).get("engine")
    engine = database_engine()
    if archive_engine != engine:
        raise BackupError(
            _(
                "Cette sauvegarde vient d'une base %(archive)s ; la base configurée est "
                "%(configured)s. Restaurez-la sur le même moteur."
            )
            % {"archive": archive_engine, "configured": engine}
        )
    checked = CheckedArchive(workdir=workdir, manifest=manifest)
    if PurePosixPath(manifest["database"].get("file", "")).name != DATABASE_FILES[engine] or (
        not checked.database_file.is_file()
    ):
        raise BackupError(
            _("L'archive %(path)s ne contient pas la base de données annoncée.")
            % {"path": archive_path}
        )
    media = manifest.get("media") or {}
    found = sum(1 for path in checked.media_dir.rglob("*") if path.is_file())
    if found != media.get("files", 0):
        raise BackupError(
            _("L'archive contient %(found)s fichiers médias au lieu des %(expected)s annoncés.")
            % {"found": found, "expected": media.get("files", 0)}
        )
    _check_database_file(checked, archive_path)
    unknown = sorted(set(manifest.get("migrations", [])) - known_migrations())
    if unknown:
        raise BackupError(
            _(
                "La sauvegarde vient d'une version plus récente du portail (migrations "
                "inconnues : %(names)s) : mettez le code à jour avant de restaurer."
            )
            % {"names": ", ".join(unknown[:5])}
        )
    return checked


def _check_database_file(checked: CheckedArchive, archive_path: Path) -> None:
    """Read the database file before anything is dropped: pg_restore lists the dump's
    contents; a SQLite copy passes SQLite's quick check and holds the manifest's counts."""
    unreadable = _("La base de données de l'archive %(path)s est illisible : %(error)s")
    if checked.manifest["database"]["engine"] == "postgresql":
        try:
            _run(
                [_pg_tool("pg_restore"), "--list", str(checked.database_file)],
                dict(os.environ),
                "pg_restore --list",
            )
        except BackupError as error:
            raise BackupError(unreadable % {"path": archive_path, "error": error}) from error
        return
    try:
        copy = sqlite3.connect(f"file:{checked.database_file}?mode=ro", uri=True)
        try:
            cursor = copy.cursor()
            if cursor.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check")
            expected = checked.manifest.get("counts", {})
            tables = {label: t for label, t in model_tables().items() if label in expected}
            counts = count_rows(cursor, tables)
        finally:
            copy.close()
    except sqlite3.Error as error:
        raise BackupError(unreadable % {"path": archive_path, "error": error}) from error
    if any(counts[label] != expected[label] for label in counts):
        raise BackupError(
            _("La base de données de l'archive %(path)s ne correspond pas à son manifeste.")
            % {"path": archive_path}
        )


def _looks_truncated(error: Exception) -> bool:
    text = str(error).lower()
    return "unexpected end" in text or "ended before" in text or "truncated" in text


def known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def restore_backup(*, checked: CheckedArchive, progress: Progress = _quiet) -> RestoreResult:
    """Replace the database and write the media files from an extracted, checked archive."""
    started = time.monotonic()
    engine = checked.manifest["database"]["engine"]
    progress(_("[1/3] Base de données (%(engine)s)…") % {"engine": engine})
    if engine == "postgresql":
        _restore_postgresql(checked.database_file)
    else:
        _restore_sqlite(checked.database_file)

    progress(_("[2/3] Fichiers médias…"))
    media_files, media_bytes = _restore_media(checked.media_dir, default_storage, progress)

    progress(_("[3/3] Caches…"))
    cache_cleared = _clear_caches()

    with connection.cursor() as cursor:
        counts = count_rows(
            cursor,
            {
                label: table
                for label, table in model_tables().items()
                if label in checked.manifest.get("counts", {})
            },
        )
        applied = set(applied_migrations(cursor))
    mismatches = {
        label: (expected, counts[label])
        for label, expected in checked.manifest.get("counts", {}).items()
        if label in counts and counts[label] != expected
    }
    pending = sorted(known_migrations() - applied)
    return RestoreResult(
        manifest=checked.manifest,
        seconds=time.monotonic() - started,
        media_files=media_files,
        media_bytes=media_bytes,
        count_mismatches=mismatches,
        pending_migrations=pending,
        cache_cleared=cache_cleared,
    )


def _clear_caches() -> bool:
    """Empty every configured cache: pages, search results, facets and exports cached from
    the replaced database would otherwise be served until they expire (their generation
    counters live in the cache too). False when a cache cannot be reached."""
    cleared = True
    for alias in settings.CACHES:
        try:
            caches[alias].clear()
        except Exception:  # noqa: BLE001 - any backend error: the restore itself is done
            cleared = False
    return cleared


def _restore_postgresql(dump: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    env = _pg_environment()
    # Django's connection would hold locks pg_restore waits for.
    connections.close_all()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            # All or nothing: an error rolls the whole restore back.
            "--single-transaction",
            f"--dbname={env['PGDATABASE']}",
            str(dump),
        ],
        env,
        "pg_restore",
    )


def _restore_sqlite(copy_path: Path) -> None:
    """Copy the archived database over the live one with SQLite's backup API: one write
    transaction (other connections see the old or the new database, never a mix), and the
    journal or WAL files stay consistent, unlike a file replaced underneath them."""
    connection.ensure_connection()
    source = sqlite3.connect(copy_path)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(
            _("La copie de la base SQLite a échoué : %(error)s") % {"error": error}
        ) from error
    finally:
        source.close()
    connection.close()


def _restore_media(media_dir: Path, storage: Storage, progress: Progress) -> tuple[int, int]:
    files = total = 0
    if not media_dir.is_dir():
        return files, total
    for path in sorted(p for p in media_dir.rglob("*") if p.is_file()):
        name = path.relative_to(media_dir).as_posix()
        if storage.exists(name):
            storage.delete(name)
        with path.open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(
                _("Le fichier %(name)s a été enregistré sous %(saved)s.")
                % {"name": name, "saved": saved}
            )
        files += 1
        total += path.stat().st_size
        if files % PROGRESS_EVERY == 0:
            progress(
                _("      … %(files)s fichiers, %(size)s")
                % {"files": files, "size": human_size(total)}
            )
    return files, total
