"""Shared fixtures. The demo is seeded once per test session (docs/decisions/0006): every database
test starts from it, inside its own rolled-back transaction. Browser fixtures point Playwright
at Debian's Chromium."""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Real password hashing costs ~0.3 s a user, to hash and again to sign in; tests create many users.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _seed_demo() -> None:
    """`seed_demo`, quietly. pytest-django turns DEBUG off, hence the flag."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", allow_demo_passwords=True, stdout=StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated, with the demo seeded once for the whole session.

    Each `db` test runs inside a transaction rolled back at its end, so it starts from this
    demo and leaves it as it was. Transactional and live-server tests flush the database when
    they end; the `demo` and `catalog` fixtures put back what they need.
    """
    with django_db_blocker.unblock():
        _seed_demo()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # The manifest storage needs collectstatic first ("Missing staticfiles manifest entry").
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Sign-in lockouts (django-axes) only where a test is about them: tests/security/test_sign_in.py.
    settings.AXES_ENABLED = False
    # API throttling only where a test is about it: tests/api/test_throttling.py.
    settings.API_REQUESTS_PER_MINUTE = settings.API_WRITES_PER_MINUTE = 10**9
    settings.API_TOKEN_FAILURES_PER_MINUTE = 10**9


@pytest.fixture(autouse=True)
def _cold_catalog_cache():
    # Every test starts from a process that keeps no catalog: its query counts do not depend on
    # the tests before it. (The stamp alone keeps a rolled-back test's catalog from being served.)
    from subscriptions import catalog_cache

    catalog_cache.forget()
    yield
    catalog_cache.forget()


@pytest.fixture(autouse=True)
def _default_language():
    # LocaleMiddleware leaves a French request's language active in the test thread; without
    # this, the tests that follow a French one would read French.
    yield
    translation.deactivate()


def pytest_collection_modifyitems(config, items):
    """Browser tests run once, on SQLite (the database `make run` serves), unless marked
    `both_databases`: those whose behaviour depends on the database (concurrency, two tabs,
    stale pages). Deselected, not skipped: they run in the SQLite run of `make test`."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return
    kept, deselected = [], []
    for item in items:
        once = item.get_closest_marker("browser") and not item.get_closest_marker("both_databases")
        (deselected if once else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_terminal_summary(terminalreporter):
    # The hardening figures (tests/security/figures.py), when hardening tests ran.
    from tests.security.figures import summary_lines

    for line in summary_lines():
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def catalog(db):
    """The catalog of docs/domain.md §2, as offers by name.

    Migration 0002 loads it, but transactional and live-server tests flush the database when
    they end, which removes it: this reloads it then (a no-op when it is there).
    """
    from subscriptions.catalog import OFFERS, load_catalog
    from subscriptions.models import Offer

    offers = Offer.objects.in_bulk([offer.name for offer in OFFERS], field_name="name")
    return offers if len(offers) == len(OFFERS) else load_catalog()


@pytest.fixture
def demo(db):
    """The seeded demo of docs/domain.md §9, as a `subscriptions.demo.DemoData`.

    `demo.fabrikam`, `demo.northwind`, `demo.users["demo"]`, `demo.customers["Litware, Inc."]`,
    `demo.passwords["demo"]`. Seeded once per session; seeded again here where a transactional
    or live-server test flushed it.
    """
    from customers.models import Partner
    from subscriptions.demo import demo_data
    from subscriptions.demo_data import FABRIKAM

    if not Partner.objects.filter(name=FABRIKAM).exists():
        _seed_demo()
    return demo_data()
