"""A session that ends or changes in another tab, as a partner meets it in Chromium.

Signed out elsewhere, the next live preview or search as you type takes the tab to the real
sign-in page, which brings the partner back to the page; signed in again elsewhere (a new CSRF
token), Submit says the page is out of date and offers to reload it, instead of doing nothing.
"""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    billing_preview,
    choose_target,
    fabrikam_subscription,
    submit_and_wait_for_report,
)
from tests.offer_names import E3

pytestmark = pytest.mark.browser

UPGRADE_HEADING = "Upgrade a subscription"
SIGN_IN_HEADING = "Sign in to Partner Center"


def in_another_tab(page: Page, base_url: str, *, sign_in_again: bool = False) -> None:
    """The partner signs out in a second tab of the same browser (and back in, if asked)."""
    other = page.context.new_page()
    other.goto(f"{base_url}/customers/")
    other.get_by_role("button", name="Sign out", exact=True).click()
    expect(other.get_by_role("heading", name=SIGN_IN_HEADING)).to_be_visible()
    if sign_in_again:
        other.get_by_label("User name").fill("demo")
        other.get_by_label("Password").fill("demo-password")
        other.get_by_role("button", name="Sign in", exact=True).click()
        expect(other.get_by_role("heading", name="Customers", exact=True)).to_be_visible()
    other.close()


def sign_in_form(page: Page):
    return page.get_by_role("heading", name=SIGN_IN_HEADING)


def assert_on_the_real_sign_in_page(page: Page, base_url: str, next_path: str) -> None:
    """The tab loaded the sign-in page itself: its URL, and nothing left of the page before."""
    expect(page).to_have_url(f"{base_url}/accounts/login/?next={quote(next_path, safe='/')}")
    expect(sign_in_form(page)).to_have_count(1)
    expect(page.get_by_role("heading", name=UPGRADE_HEADING)).to_have_count(0)
    expect(page.get_by_label("Search customers")).to_have_count(0)


def sign_in_here(page: Page) -> None:
    page.get_by_label("User name").fill("demo")
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign in", exact=True).click()


def htmx_answers(page: Page) -> list[tuple[int, str, str | None]]:
    """The answers to the page's htmx requests from now on: status, URL, HX-Redirect."""
    answers = []

    def on_response(response):
        if response.request.headers.get("hx-request") == "true":
            answers.append((response.status, response.url, response.headers.get("hx-redirect")))

    page.on("response", on_response)
    return answers


def assert_none_brought_a_page(answers) -> None:
    # A redirect would be followed inside the request and its sign-in page pasted in the page.
    assert answers, "the page did ask"
    assert all(status < 300 and "/accounts/login/" not in url for status, url, _ in answers), answers
    assert any(hx_redirect for *_, hx_redirect in answers), answers


def test_signed_out_in_another_tab_the_live_preview_leads_to_sign_in_and_back(
    demo_page, live_server, screenshot
):
    page = demo_page
    contoso = fabrikam_subscription("Contoso Ltd")
    upgrade_page = f"/subscriptions/{contoso.pk}/upgrade/"
    page.goto(f"{live_server.url}{upgrade_page}")
    choose_target(page, E3)

    in_another_tab(page, live_server.url)
    answers = htmx_answers(page)
    quantity = page.get_by_label(re.compile(r"^Quantity"))
    quantity.fill("30")
    quantity.press("Tab")

    assert_on_the_real_sign_in_page(page, live_server.url, upgrade_page)
    assert_none_brought_a_page(answers)
    screenshot(page, "session-expired-sign-in")
    sign_in_here(page)
    expect(page).to_have_url(f"{live_server.url}{upgrade_page}")
    expect(page.get_by_role("heading", name=UPGRADE_HEADING)).to_be_visible()
    expect(billing_preview(page)).to_be_visible()


def test_signed_out_in_another_tab_the_search_as_you_type_leads_to_sign_in_and_back(demo_page, live_server):
    page = demo_page
    page.goto(f"{live_server.url}/customers/")
    search = page.get_by_label("Search customers")
    search.press_sequentially("Con")
    expect(page).to_have_url(f"{live_server.url}/customers/?q=Con")

    in_another_tab(page, live_server.url)
    answers = htmx_answers(page)
    search.press_sequentially("to")

    # Back to the search the address bar showed; the sign-in URL was never pushed into it.
    assert_on_the_real_sign_in_page(page, live_server.url, "/customers/?q=Con")
    assert_none_brought_a_page(answers)
    sign_in_here(page)
    expect(page).to_have_url(f"{live_server.url}/customers/?q=Con")
    expect(page.get_by_label("Search customers")).to_have_value("Con")
    expect(page.get_by_role("link", name="Contoso Ltd", exact=True)).to_be_visible()


def test_signed_in_again_in_another_tab_submit_says_the_page_expired_and_reload_works(
    demo_page, live_server, screenshot
):
    page = demo_page
    contoso = fabrikam_subscription("Contoso Ltd")
    upgrade_page = f"{live_server.url}/subscriptions/{contoso.pk}/upgrade/"
    page.goto(upgrade_page)
    choose_target(page, E3)

    in_another_tab(page, live_server.url, sign_in_again=True)  # a new CSRF token
    page.get_by_role("button", name="Submit", exact=True).click()

    message = page.get_by_role("status").filter(has_text="Nothing was changed.")
    expect(message).to_be_visible()
    expect(message).to_contain_text("Your session changed after this page was loaded")
    expect(page.get_by_role("heading", name=UPGRADE_HEADING)).to_be_visible()
    expect(page.get_by_role("button", name="Submit", exact=True)).to_be_enabled()
    screenshot(page, "csrf-expired-message")

    message.get_by_role("link", name="Reload the page").click()
    expect(page).to_have_url(upgrade_page)
    expect(message).to_have_count(0)
    choose_target(page, E3)
    submit_and_wait_for_report(page)
    expect(page.get_by_role("heading", name="Upgrade result", exact=True)).to_be_visible()
