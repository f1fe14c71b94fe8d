"""A live server with one database connection per request thread, on PostgreSQL and on SQLite.

PostgreSQL: pytest-django's `live_server` (each request thread opens its own connection).

SQLite: pytest-django hands its in-memory test database to the live server as ONE connection
shared by every request thread, which would make concurrent requests share one transaction.
So for these tests the database moves to a file (a copy of the test database, made with
SQLite's backup API), and a live server thread of our own serves it without that override:
each request opens its own connection with the project's settings (IMMEDIATE transactions,
WAL, busy timeout), as `make run` does. The in-memory test database is put back afterwards.
"""

import sqlite3
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from tests.concurrency.webclient import Browser


@dataclass(frozen=True)
class Server:
    url: str
    vendor: str

    def browser(self) -> Browser:
        return Browser(self.url)


@pytest.fixture
def sqlite_file_database(transactional_db, tmp_path):
    """On SQLite: the default database is a file for this test, one connection per thread."""
    in_memory = connections["default"]
    shared_settings = connections.settings["default"]  # what every thread's new connection reads
    assert in_memory.settings_dict is shared_settings
    path = tmp_path / "db.sqlite3"
    in_memory.ensure_connection()
    with sqlite3.connect(path) as copy:
        in_memory.connection.backup(copy)
    copy.close()
    # The in-memory wrapper keeps its own copy of the settings, so closing it later still knows
    # it is in memory (and keeps the database alive); every new connection opens the file.
    in_memory.settings_dict = dict(shared_settings)
    original_name = shared_settings["NAME"]
    shared_settings["NAME"] = str(path)
    del connections["default"]
    try:
        yield path
    finally:
        connections["default"].close()
        shared_settings["NAME"] = original_name
        in_memory.settings_dict = shared_settings
        connections["default"] = in_memory


@pytest.fixture
def concurrent_server(request, transactional_db) -> Server:
    if connection.vendor != "sqlite":
        live_server = request.getfixturevalue("live_server")
        yield Server(live_server.url, connection.vendor)
        return
    request.getfixturevalue("sqlite_file_database")
    thread = LiveServerThread("127.0.0.1", _StaticFilesHandler, connections_override=None, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield Server(f"http://127.0.0.1:{thread.port}", "sqlite")
    finally:
        thread.terminate()


@pytest.fixture
def racing_demo(concurrent_server):
    """The seeded demo (docs/domain.md §9), in the database the server serves."""
    from subscriptions.demo import demo_data

    call_command("seed_demo", allow_demo_passwords=True, stdout=StringIO())
    return demo_data()


@pytest.fixture
def signed_in(concurrent_server, racing_demo):
    """`signed_in(n)`: n browsers, each with its own session from a real sign-in as `demo`."""

    def sign_in(count: int, username: str = "demo") -> list[Browser]:
        password = racing_demo.passwords[username]
        return [concurrent_server.browser().sign_in(username, password) for _ in range(count)]

    return sign_in
