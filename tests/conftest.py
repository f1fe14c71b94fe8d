"""Shared fixtures. Browser fixtures point Playwright at Debian's Chromium (TOOLING.md)."""

import os

import pytest
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Real password hashing costs ~0.3 s a user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The manifest storage needs collectstatic first ("Missing staticfiles manifest entry").
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Sign-in lockouts (django-axes) only where a test is about them: tests/security/test_sign_in.py.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _default_language():
    # LocaleMiddleware leaves a French request's language active in the test thread; without
    # this, the tests that follow a French one would read French.
    yield
    translation.deactivate()


def pytest_terminal_summary(terminalreporter):
    # The figures issue 8 asks for (tests/security/figures.py), when hardening tests ran.
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
    """The catalog of DOMAIN.md section 2, as offers by name.

    Migration 0002 loads it, but transactional and live-server tests flush the database between
    tests, which removes it: this reloads it (a no-op when it is already there).
    """
    from subscriptions.catalog import load_catalog

    return load_catalog()


@pytest.fixture
def demo(db):
    """`seed_demo` run quietly: DOMAIN.md section 7, as a `subscriptions.demo.DemoData`.

    `demo.fabrikam`, `demo.northwind`, `demo.users["demo"]`, `demo.customers["Litware, Inc."]`,
    `demo.passwords["demo"]`. Works in transactional and live-server tests too (it reloads the
    catalog). pytest-django turns DEBUG off, hence the flag.
    """
    from io import StringIO

    from django.core.management import call_command

    from subscriptions.demo import demo_data

    call_command("seed_demo", allow_demo_passwords=True, stdout=StringIO())
    return demo_data()
