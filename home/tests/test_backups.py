"""`manage.py restore` refuses bad archives with a French message and changes nothing (the
round trip is in tests/test_backup_roundtrip.py). Runs on the test database: SQLite, or
PostgreSQL when CI runs the suite there."""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError
from wagtail.models import Page

from home.backups import DATABASE_FILES, FORMAT, FORMAT_VERSION, database_engine, model_tables
from home.tests.backup_helpers import MEDIA_BYTES, MEDIA_NAME, put_media, run_restore
from home.tests.factories import StandardPageFactory, make_site_with_home

# --- Bad input: a clear message, nothing stored changed ---------------------------------------


def make_archive(path: Path, *, manifest: dict | None, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        entries = dict(files)
        if manifest is not None:
            entries["manifest.json"] = json.dumps(manifest).encode()
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def engines() -> tuple[str, str]:
    """The configured engine (SQLite, or PostgreSQL when CI runs the suite there) and the
    other one."""
    engine = database_engine()
    return engine, "postgresql" if engine == "sqlite" else "sqlite"


def manifest_for(engine: str | None = None, **overrides) -> dict:
    engine = engine or engines()[0]
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": "2026-01-01T00:00:00+00:00",
        "database": {"engine": engine, "file": DATABASE_FILES[engine]},
        "migrations": [],
        "counts": {},
        "media": {"files": 1, "bytes": 6},
    }
    manifest.update(overrides)
    return manifest


@pytest.fixture
def site_state(db):
    """A page and a media file the failed restores must leave as they are."""
    home = make_site_with_home()
    StandardPageFactory(parent=home, title="Page à garder", slug="a-garder")
    put_media(MEDIA_BYTES)
    yield
    default_storage.delete(MEDIA_NAME)


def assert_nothing_changed() -> None:
    assert Page.objects.filter(title="Page à garder").exists()
    with default_storage.open(MEDIA_NAME) as handle:
        assert handle.read() == MEDIA_BYTES


def refused(archive: Path, *args: str) -> str:
    with pytest.raises(CommandError) as error:
        run_restore(archive, *args)
    assert_nothing_changed()
    return str(error.value)


def test_missing_archive_is_refused(site_state, tmp_path):
    message = refused(tmp_path / "portail-inexistant.tar.gz", "--yes")
    assert "Archive introuvable" in message and "portail-inexistant.tar.gz" in message


def test_a_file_that_is_not_an_archive_is_refused(site_state, tmp_path):
    text = tmp_path / "notes.tar.gz"
    text.write_text("ceci n'est pas une archive")
    assert "n'est pas une archive de sauvegarde" in refused(text, "--yes")


def test_a_truncated_archive_is_refused(site_state, tmp_path):
    # Random bytes do not compress: cutting the file in half cuts inside the data.
    whole = make_archive(
        tmp_path / "entiere.tar.gz",
        manifest=manifest_for(),
        files={
            DATABASE_FILES[engines()[0]]: os.urandom(200_000),
            "media/a.bin": os.urandom(200_000),
        },
    )
    truncated = tmp_path / "tronquee.tar.gz"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    message = refused(truncated, "--yes")
    assert "incomplète ou abîmée" in message and "Rien n'a été modifié" in message


def test_an_archive_from_another_engine_is_refused(site_state, tmp_path):
    configured, other = engines()
    archive = make_archive(
        tmp_path / "autre-moteur.tar.gz",
        manifest=manifest_for(other),
        files={DATABASE_FILES[other]: b"x", "media/a.txt": b"abcdef"},
    )
    message = refused(archive, "--yes")
    assert f"base {other}" in message and f"configurée est {configured}" in message


def test_a_tar_gz_without_manifest_is_refused(site_state, tmp_path):
    archive = make_archive(tmp_path / "autre.tar.gz", manifest=None, files={"a.txt": b"x"})
    assert "ne contient pas de manifeste" in refused(archive, "--yes")


def test_an_unknown_format_version_is_refused(site_state, tmp_path):
    archive = make_archive(
        tmp_path / "future.tar.gz",
        manifest=manifest_for(format_version=FORMAT_VERSION + 1),
        files={DATABASE_FILES[engines()[0]]: b"x", "media/a.txt": b"abcdef"},
    )
    assert "Version de format" in refused(archive, "--yes")


def test_an_archive_missing_announced_media_is_refused(site_state, tmp_path):
    archive = make_archive(
        tmp_path / "incomplete.tar.gz",
        manifest=manifest_for(media={"files": 3, "bytes": 18}),
        files={DATABASE_FILES[engines()[0]]: b"x", "media/a.txt": b"abcdef"},
    )
    assert "au lieu des 3 annoncés" in refused(archive, "--yes")


def test_an_archive_with_a_path_outside_its_folder_is_refused(site_state, tmp_path):
    archive = make_archive(
        tmp_path / "evasion.tar.gz",
        manifest=manifest_for(),
        files={DATABASE_FILES[engines()[0]]: b"x", "../../evasion.txt": b"abcdef"},
    )
    refused(archive, "--yes")
    assert not (tmp_path.parent / "evasion.txt").exists()


def test_every_model_table_is_counted():
    tables = model_tables()
    assert "wagtailcore.Page" in tables
    assert "directory.RegistrationRequest" in tables
    assert all("." in label for label in tables)


def test_an_unreadable_database_file_is_refused_before_anything_changes(site_state, tmp_path):
    engine = engines()[0]
    archive = make_archive(
        tmp_path / "base-illisible.tar.gz",
        manifest=manifest_for(media={"files": 0, "bytes": 0}),
        files={DATABASE_FILES[engine]: b"ceci n'est pas une base de donnees" * 100},
    )
    assert "est illisible" in refused(archive, "--yes")
