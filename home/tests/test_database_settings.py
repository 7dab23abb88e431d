"""SQLite, the demo's database, holds a small crowd: write-ahead logging, a busy timeout and
transactions that take the write lock when they begin."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from config.settings.base import database_from_env


@pytest.fixture
def sqlite_file(tmp_path, monkeypatch, django_db_blocker):
    """A connection configured from a `sqlite:///` DATABASE_URL, as the settings build it."""
    path = tmp_path / "db.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    config = database_from_env("unused")
    settings_dict = {"OPTIONS": {}, **config, "TIME_ZONE": None, "AUTOCOMMIT": True}
    wrapper = DatabaseWrapper(settings_dict, alias="probe")
    with django_db_blocker.unblock():  # a separate file, not the test database
        wrapper.ensure_connection()
        yield wrapper, path
        wrapper.close()


def test_sqlite_connection_uses_wal_and_a_busy_timeout(sqlite_file):
    wrapper, _path = sqlite_file
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20_000  # milliseconds


def test_sqlite_transactions_take_the_write_lock_when_they_begin(sqlite_file):
    wrapper, path = sqlite_file
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE seat (id integer)")
    connections["probe"] = wrapper
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with transaction.atomic(using="probe"), wrapper.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM seat")  # a read first, as `register` does
            # A deferred transaction would hold no lock yet after its read: another writer
            # would get in first, and this one's write could then only fail at once.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        del connections["probe"]


def test_production_settings_configure_a_sqlite_database_url_the_same_way(tmp_path):
    from home.tests.test_security import PRODUCTION_ENV, _run_manage

    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    probe = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode'); print(cursor.fetchone()[0])\n"
        "    cursor.execute('PRAGMA busy_timeout'); print(cursor.fetchone()[0])\n"
        "print(connection.transaction_mode)\n"
    )
    result = _run_manage(env, "shell", "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["wal", "20000", "IMMEDIATE"]
