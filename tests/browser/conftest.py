"""Browser fixtures: one Chromium for the session, one live server, a fresh demo per test.

Screenshots go to `SCREENSHOT_DIR` (default `test-artifacts/screenshots`, gitignored); the run
prints where, so a reviewer can open them.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import DESKTOP

# Long enough for a seeded page on a busy 2-core machine, short enough to fail fast.
ACTION_TIMEOUT_MS = 10_000

_screenshots_written: list[Path] = []
_overflows: list[str] = []


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-US", "timezone_id": "UTC"}


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    return page


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots"))
    if not folder.is_absolute():
        folder = pytestconfig.rootpath / folder
    folder.mkdir(parents=True, exist_ok=True)
    # A screenshot left from an earlier run must not pass for this run's. `make test` gives the
    # PostgreSQL run, which goes alongside the SQLite one, a folder of its own.
    for old in folder.glob("*.png"):
        old.unlink()
    return folder.resolve()


@pytest.fixture
def screenshot(screenshot_dir):
    """`screenshot(page, "report")` writes report-1280.png at the page's current width."""

    def take(page: Page, name: str) -> Path:
        width = page.viewport_size["width"]
        path = screenshot_dir / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        _screenshots_written.append(path)
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > width:
            _overflows.append(f"{path.name}: the page is {page_width} px wide in a {width} px viewport")
        # No page scrolls sideways, at either width: every screenshot checks it.
        assert page_width <= width, f"{path.name}: the page is {page_width} px wide in a {width} px viewport"
        return path

    return take


@pytest.fixture
def sign_in(live_server):
    """Sign in through the login form, as a person would."""

    def sign_in_as(page: Page, username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        # Django says "Username", Partner Center "User name": either is a clear label.
        page.get_by_label(re.compile(r"^user ?name$", re.IGNORECASE)).fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name=re.compile(r"sign in|log in", re.IGNORECASE)).click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    return sign_in_as


@pytest.fixture
def demo_page(page, sign_in, demo) -> Page:
    """A page signed in as `demo` (Fabrikam, admin agent) on freshly seeded demo data."""
    sign_in(page, "demo", "demo-password")
    return page


def pytest_terminal_summary(terminalreporter):
    if _screenshots_written:
        folder = _screenshots_written[0].parent
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"{len(_screenshots_written)} screenshots written to {folder}")
        for overflow in _overflows:
            terminalreporter.write_line(f"scrolls sideways: {overflow}")
