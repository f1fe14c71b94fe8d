"""Browser helpers for the French pages: a browser that asks for French, French sign-in, French money, and
the keyboard and layout checks the French and accessibility tests share."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import focused_description
from tests.i18n.support import compile_french_catalog_if_stale

NNBSP = "\u202f"  # French thousands separator (CLDR, through Babel)
NBSP = "\u00a0"  # between a French amount and its currency
LOCALES = {"en": "en-US", "fr": "fr-FR"}
# As tests/browser/conftest.py: long enough for a busy 2-core machine, short enough to fail fast.
ACTION_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def french_catalog():
    """Use with `pytest.mark.usefixtures("french_catalog")`: French words, however pytest was run."""
    compile_french_catalog_if_stale()


def new_page(browser, browser_context_args, language: str) -> Page:
    """A page in a fresh context whose browser sends Accept-Language for `language`."""
    context = browser.new_context(**{**browser_context_args, "locale": LOCALES[language]})
    page = context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    return page


def sign_in_in_french(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    expect(page.get_by_role("heading", name="Se connecter à l’Espace partenaires")).to_be_visible()
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_role("heading", name="Clients", exact=True)).to_be_visible()


def french_money(amount: Decimal, symbol: str = "$US") -> str:
    """An amount as a French reader sees it: 1 234,50 $US (Babel's spacing, written out by hand)."""
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,.2f}".replace(",", NNBSP).replace(".", ",")
    return f"{sign}{digits}{NBSP}{symbol}"


def assert_focus_is_visible(page: Page) -> None:
    """The focused element draws a focus indicator (an outline or a box shadow)."""
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }"""
    )
    visible = (style["outline"] != "none" and style["width"] >= 1) or style["shadow"] != "none"
    assert visible, f"no visible focus on {focused_description(page)}: {style}"


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.viewport_size["width"]
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, f"{page.url} is {page_width} px wide in a {width} px viewport"
