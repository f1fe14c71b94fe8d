"""SQLite as the embedded default: two writers never get "database is locked" in normal use.

The connections are made from the project's own settings, evaluated in a fresh process with
`DATABASE_URL=sqlite:///<file>` (so this runs the same on a PostgreSQL run of the suite), on a
file database: WAL does not apply to an in-memory one.
"""

import sqlite3
import threading
import time

import pytest
from django.db import connections, transaction

from tests.security.processes import settings_under

pytestmark = pytest.mark.slow

ALIAS = "embedded_sqlite"


@pytest.fixture(scope="module")
def configured_sqlite() -> dict:
    """The project's settings for an SQLite DATABASE_URL (the file name is replaced per test)."""
    environment = {"DATABASE_URL": "sqlite:///placeholder.sqlite3"}
    return settings_under(environment, ["DATABASES"])["DATABASES"]["default"]


@pytest.fixture
def project_sqlite(tmp_path, django_db_blocker, configured_sqlite):
    """`project_sqlite(**options)`: an alias on a file database with the project's SQLite settings.

    Not the test database, so no `db` fixture (whose test case forbids other aliases in threads):
    pytest-django's blocker is lifted for this alias's own file only.
    """
    path = tmp_path / "embedded.sqlite3"
    opened = []

    def open_with(**options) -> str:
        options = {**configured_sqlite["OPTIONS"], **options}
        settings = {**configured_sqlite, "NAME": str(path), "OPTIONS": options}
        # configure_settings fills in Django's defaults (it wants the alias called "default").
        connections.settings[ALIAS] = connections.configure_settings({"default": settings})["default"]
        opened.append(ALIAS)
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS ledger (id INTEGER PRIMARY KEY, writer TEXT, seen INTEGER)"
            )
        return ALIAS

    with django_db_blocker.unblock():
        yield open_with
    if opened:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]


def two_writers(alias: str) -> list[BaseException]:
    """Two threads start a read-then-write transaction at the same instant; the errors they got."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT count(*) FROM ledger")
                (seen,) = cursor.fetchone()
                time.sleep(0.3)  # both would hold a read snapshot now, if nothing queued them
                cursor.execute("INSERT INTO ledger (writer, seen) VALUES (%s, %s)", [name, seen])
        except BaseException as error:  # noqa: BLE001 - the test reports it
            errors.append(error)
        finally:
            connections[alias].close()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_the_project_opens_sqlite_in_wal_mode_with_immediate_transactions_and_a_busy_timeout(project_sqlite):
    alias = project_sqlite()
    connection = connections[alias]

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone() == (20_000,)
    assert connection.transaction_mode == "IMMEDIATE"
    # Immediate: the write lock is taken when the transaction starts, before any write.
    outsider = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ledger")
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            outsider.execute("BEGIN IMMEDIATE")
    outsider.execute("BEGIN IMMEDIATE")
    outsider.rollback()
    outsider.close()


def test_two_concurrent_writers_both_succeed_one_after_the_other(project_sqlite):
    alias = project_sqlite()

    errors = two_writers(alias)

    assert errors == []
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT writer, seen FROM ledger ORDER BY id")
        rows = cursor.fetchall()
    # Serialised: the second read what the first wrote.
    assert sorted(writer for writer, _ in rows) == ["first", "second"]
    assert [seen for _, seen in rows] == [0, 1]


def test_without_immediate_transactions_the_same_writers_get_database_is_locked(project_sqlite):
    # The control: the test above would catch a return to SQLite's default (deferred) mode.
    alias = project_sqlite(transaction_mode="DEFERRED")

    errors = two_writers(alias)

    assert len(errors) == 1
    assert "database is locked" in str(errors[0])
