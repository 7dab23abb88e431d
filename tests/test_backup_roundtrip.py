"""`manage.py backup` then `restore` on the test database (SQLite; PostgreSQL when CI runs the
suite there) brings back the rows and the media files, after a refusal without --yes.

It needs committed rows (pg_dump and SQLite's backup API read them from outside the test's
transaction), hence a transactional test. Such a test empties the database when it ends, so it
lives here, collected after the apps' tests, and builds its own rows (users and groups) rather
than rely on the ones migrations create.
"""

from __future__ import annotations

import json
import tarfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import CommandError

from home.backups import DATABASE_FILES, FORMAT, FORMAT_VERSION, database_engine
from home.tests.backup_helpers import MEDIA_BYTES, MEDIA_NAME, put_media, run_backup, run_restore


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_back_rows_and_media(tmp_path):
    User = get_user_model()
    editors = Group.objects.create(name="Éditeurs du rapport")
    author = User.objects.create_user(username="redaction", email="redaction@reseau.example")
    author.groups.add(editors)
    put_media(MEDIA_BYTES)
    users_before = User.objects.count()

    try:
        archive, output = run_backup(tmp_path)
        assert "Sauvegarde terminée" in output and str(archive) in output
        assert "[1/3]" in output and "[2/3]" in output  # progress shown
        assert oct(archive.stat().st_mode & 0o777) == oct(0o600)
        engine = database_engine()
        with tarfile.open(archive) as tar:
            names = tar.getnames()
            manifest = json.load(tar.extractfile("manifest.json"))
        assert DATABASE_FILES[engine] in names and f"media/{MEDIA_NAME}" in names
        assert manifest["format"] == FORMAT and manifest["format_version"] == FORMAT_VERSION
        assert manifest["database"]["engine"] == engine
        assert manifest["counts"][User._meta.label] == users_before
        assert manifest["counts"]["auth.User_groups"] == 1
        assert "home.0001_initial" in manifest["migrations"]
        assert manifest["media"]["files"] >= 1

        # What happens after the backup and must be undone by the restore.
        author.delete()
        editors.name = "Renommé"
        editors.save()
        put_media(b"abime")

        # Without --yes and without a terminal (pytest's standard input), nothing is restored.
        with pytest.raises(CommandError, match="--yes"):
            run_restore(archive)
        assert not User.objects.filter(username="redaction").exists()
        with default_storage.open(MEDIA_NAME) as handle:
            assert handle.read() == b"abime"

        cache.set("pagecache:1:ancienne-page", (200, {}, b"page d'avant la restauration"))
        output = run_restore(archive, "--yes")
        assert "Restauration terminée" in output
        assert "comptes identiques au manifeste" in output
        # Pages cached from the replaced database are gone.
        assert cache.get("pagecache:1:ancienne-page") is None
        restored = User.objects.get(username="redaction")
        assert restored.email == "redaction@reseau.example"
        assert list(restored.groups.values_list("name", flat=True)) == ["Éditeurs du rapport"]
        assert User.objects.count() == users_before
        with default_storage.open(MEDIA_NAME) as handle:
            assert handle.read() == MEDIA_BYTES
    finally:
        default_storage.delete(MEDIA_NAME)
