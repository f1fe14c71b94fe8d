"""The benchmark's throwaway database and the processes it runs on it.

A SQLite file in a temporary folder, or, when DATABASE_URL names a PostgreSQL database, a
sibling database `<name>_bench` created here and dropped at the end (the database DATABASE_URL
names is never touched; the role needs CREATEDB).
"""

import os
import secrets
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "psql"}


class BenchError(Exception):
    pass


@dataclass
class Database:
    url: str
    vendor: str
    drop: object = None  # callable, for PostgreSQL

    def close(self) -> None:
        if self.drop is not None:
            self.drop()


def _postgres_admin(config: dict):
    import psycopg

    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "autocommit": True,
    }
    # The maintenance database, or the one the URL names when the role may not reach it.
    try:
        return psycopg.connect(dbname="postgres", **params)
    except psycopg.OperationalError:
        return psycopg.connect(dbname=config["NAME"], **params)


def throwaway_database(url: str | None, folder: Path, suffix: str) -> Database:
    if not url:
        return Database(url=f"sqlite:///{folder / 'bench.sqlite3'}", vendor="sqlite")
    import environ
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise BenchError(f"DATABASE_URL must be PostgreSQL (or unset for SQLite), not {parts.scheme}")
    config = environ.Env.db_url_config(url)
    name = f"{config['NAME']}_{suffix}"
    drop_sql = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with _postgres_admin(config) as admin:
        admin.execute(drop_sql)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop():
        with _postgres_admin(config) as admin:
            admin.execute(drop_sql)

    return Database(url=with_query(url, path=f"/{name}", conn_max_age=None), vendor="postgresql", drop=drop)


def with_query(url: str, *, path: str | None = None, **values) -> str:
    """`url` with its query's `values` set (or removed, for None), and another path if given."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    for key, value in values.items():
        query.pop(key, None)
        if value is not None:
            query[key] = [str(value)]
    return urllib.parse.urlunsplit(
        parts._replace(path=path or parts.path, query=urllib.parse.urlencode(query, doseq=True))
    )


def with_persistent_connections(url: str) -> str:
    """Connections kept for 60 s, as `make serve` keeps them (scripts/serve)."""
    return with_query(url, conn_max_age=60)


def environment(database: Database, folder: Path) -> dict:
    """Production settings over plain HTTP, on the throwaway database and static folder."""
    return {
        **os.environ,
        "DATABASE_URL": with_persistent_connections(database.url),
        "DEBUG": "False",
        "HTTPS": "False",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "STATIC_ROOT": str(folder / "static"),
        "STATICFILES_BACKEND": "partnercenter.static_files.StaticFilesStorage",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "partnercenter.settings",
        # Playwright's sync API runs an event loop in this thread; the ORM is not used meanwhile.
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    }


def manage(*args: str, env: dict) -> float:
    """Run a management command in its own process, as a person would; returns seconds taken."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def analyze(connection) -> None:
    """Refresh the planner's statistics after the bulk load, as autovacuum soon would.

    Without them PostgreSQL plans for the empty tables it last saw: the activity log of 5,000
    entries took a second (a nested loop over a subquery it thought had one row) instead of 2 ms.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in connection.introspection.django_table_names(only_existing=True):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        else:
            cursor.execute("ANALYZE")
