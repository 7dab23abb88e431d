"""The test database is migrated once per test run, not once per pytest-xdist worker.

`migrate` on an empty database costs about forty seconds of CPU (some 250 migrations, most
of it spent by Django rebuilding the models' state between two migrations), and each worker
used to migrate its own test database. Now the first worker that sets up its database
migrates it as before, then keeps a copy as a template; the others copy the template instead
of migrating: `CREATE DATABASE ... TEMPLATE` on PostgreSQL, sqlite3's backup API into the
worker's in-memory database on SQLite. A file lock makes them wait for the template.
Whatever Django does after `migrate` (the cache table, the serialized copy for
`serialized_rollback`) still runs on each worker's own database.

The templates live in a folder the pytest-xdist controller creates for the run and removes
at its end (with the PostgreSQL templates). `TEST_DB_TEMPLATES` may name a folder shared by
several runs of one checkout instead (`.ci/run` gives one to the SQLite suite and to the
browser tests, which then do not migrate at all): whoever sets it removes it, and drops
the PostgreSQL templates, named `test_<database>_template`.

Without pytest-xdist and without `TEST_DB_TEMPLATES`, nothing changes: Django migrates.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

try:
    import fcntl
except ImportError:  # not on Windows: each worker migrates, as Django does
    fcntl = None

FOLDER_VARIABLE = "TEST_DB_TEMPLATES"
# The key of the controller's folder in each worker's `workerinput`.
WORKER_INPUT = "migrated_template_folder"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def template_name(settings_dict: dict) -> str:
    """The PostgreSQL template's name: `test_<database>_template`."""
    return f"test_{settings_dict['NAME']}_template"


class MigratedTemplate:
    """`create_test_db` of one connection, migrating only when no template exists yet."""

    def __init__(self, folder: Path, creation, original) -> None:
        self.folder = folder
        self.creation = creation
        self.connection = creation.connection
        self.original = original

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        connection = self.connection
        if (
            keepdb
            or connection.vendor not in ("postgresql", "sqlite")
            or connection.settings_dict["TEST"].get("MIGRATE") is False
        ):
            return self.original(verbosity, autoclobber, serialize, keepdb)
        key = f"{connection.alias}-{connection.vendor}-{connection.settings_dict['NAME']}"
        self.key = key = "".join(c if c.isalnum() or c in "-_" else "_" for c in key)
        marker = self.folder / f"{key}.json"
        with _locked(self.folder / f"{key}.lock"):
            if marker.exists():
                return self._copy(json.loads(marker.read_text()), verbosity, serialize)
            source_settings = dict(connection.settings_dict)
            name = self.original(verbosity, autoclobber, serialize, keepdb)
            template = self._save(source_settings)
            marker.write_text(json.dumps(template))
            return name

    def _save(self, source_settings: dict) -> dict:
        """A copy of the freshly migrated test database, for the next workers."""
        connection = self.connection
        if connection.vendor == "sqlite":
            path = self.folder / f"{self.key}.sqlite3"
            target = sqlite3.connect(path)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            return {"vendor": "sqlite", "path": str(path)}
        name = template_name(source_settings)
        # PostgreSQL copies a database nobody is connected to.
        test_name = connection.settings_dict["NAME"]
        connection.close()
        connection.close_pool()
        quote = connection.ops.quote_name
        with self.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} WITH TEMPLATE {quote(test_name)}")
        connection.ensure_connection()
        return {"vendor": "postgresql", "alias": connection.alias, "name": name}

    def _copy(self, template: dict, verbosity: int, serialize: bool) -> str:
        """As Django's `create_test_db`, with a copy of the template instead of `migrate`."""
        from django.conf import settings
        from django.core.management import call_command

        connection, creation = self.connection, self.creation
        test_name = creation._get_test_db_name()
        if verbosity >= 1:
            creation.log(
                f"Creating test database for alias "
                f"{creation._get_database_display_str(verbosity, test_name)} "
                f"from the migrated template..."
            )
        if template["vendor"] == "postgresql":
            quote = connection.ops.quote_name
            connection.close()
            with creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)}")
                cursor.execute(
                    f"CREATE DATABASE {quote(test_name)} WITH TEMPLATE {quote(template['name'])}"
                )
        else:
            creation._create_test_db(verbosity, autoclobber=True, keepdb=False)
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = test_name
        connection.settings_dict["NAME"] = test_name
        connection.ensure_connection()
        if template["vendor"] == "sqlite":
            source = sqlite3.connect(template["path"])
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        if serialize:
            connection._test_serialized_contents = creation.serialize_db_to_string()
        call_command("createcachetable", database=connection.alias)
        return test_name


def _folder(config: pytest.Config) -> Path | None:
    shared = os.environ.get(FOLDER_VARIABLE, "").strip()
    if shared:
        path = Path(shared)
        path.mkdir(parents=True, exist_ok=True)
        return path
    run = getattr(config, "workerinput", {}).get(WORKER_INPUT)
    return Path(run) if run else None


@pytest.fixture(scope="session")
def _migrate_once(request: pytest.FixtureRequest) -> Iterator[None]:
    folder = _folder(request.config)
    if folder is None or fcntl is None:
        yield
        return
    from django.db import connections

    with pytest.MonkeyPatch.context() as monkeypatch:
        for connection in connections.all():
            creation = connection.creation
            shared = MigratedTemplate(folder, creation, creation.create_test_db)
            monkeypatch.setattr(creation, "create_test_db", shared.create_test_db)
        yield


@pytest.fixture(scope="session")
def django_db_setup(_migrate_once, django_db_setup) -> None:
    """pytest-django's, with `_migrate_once` in force while it creates the databases."""
    return django_db_setup


class RunFolder:
    """The pytest-xdist controller's folder of templates, given to each worker."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="pytest-migrated-"))

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node) -> None:
        node.workerinput[WORKER_INPUT] = str(self.path)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        try:
            templates = [json.loads(marker.read_text()) for marker in self.path.glob("*.json")]
            templates = [t for t in templates if t["vendor"] == "postgresql"]
            if templates:
                from django.db import connections
                from pytest_django.plugin import blocking_manager_key

                with session.config.stash[blocking_manager_key].unblock():
                    for template in templates:
                        creation = connections[template["alias"]].creation
                        quote = creation.connection.ops.quote_name
                        with creation._nodb_cursor() as cursor:
                            cursor.execute(f"DROP DATABASE IF EXISTS {quote(template['name'])}")
        finally:
            shutil.rmtree(self.path, ignore_errors=True)


def pytest_configure(config: pytest.Config) -> None:
    is_controller = not hasattr(config, "workerinput")
    if (
        is_controller
        and config.pluginmanager.hasplugin("xdist")
        and fcntl is not None
        and not os.environ.get(FOLDER_VARIABLE, "").strip()
    ):
        config.pluginmanager.register(RunFolder(), "migrated_template_run_folder")
