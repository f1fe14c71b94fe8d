"""Dead ends a partner meets in Chromium, answered: a second tab on a subscription the first tab
just upgraded, the upgraded-away row on the customer page, and the upgrade page on a phone with
the net and Submit in reach (docs/domain.md §4)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from subscriptions.models import Operation, Subscription
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    at_both_widths,
    choose_target,
    go_to_upgrade_page,
    open_customer,
    submit_and_wait_for_report,
)
from tests.offer_names import E3, PREMIUM

pytestmark = pytest.mark.browser

# The header's budget at 375 px: the page starts right under it.
PHONE_HEADER_MAX_PX = 80


def demo_name() -> str:
    user = get_user_model().objects.get(username="demo")
    return user.get_full_name() or user.get_username()


def current_card(page: Page):
    return page.locator("#current-subscription")


@pytest.mark.both_databases
def test_the_second_tab_says_what_the_first_did_and_the_old_row_only_its_state(
    demo_page, live_server, screenshot
):
    first = demo_page
    source = go_to_upgrade_page(first, live_server.url, "Contoso Ltd")
    second = first.context.new_page()
    second.goto(first.url)
    expect(current_card(second)).to_contain_text("Active")

    choose_target(first, E3)
    submit_and_wait_for_report(first)
    upgrade = Operation.objects.get(subscription=source, result=Operation.Result.SUCCEEDED)

    # The second tab, still drawn as before, chooses an offer: the answer says what happened.
    second.get_by_role("radio", name=re.compile(rf"^{PREMIUM}\b(?! India)")).check()
    done = second.locator("#upgrade-done")
    expect(done).to_be_visible()
    at = date_format(upgrade.created_at, "TIME_FORMAT")  # the browser's zone is UTC
    expect(done).to_have_text(
        f"Already upgraded to {E3} by {demo_name()} at {at} UTC – view the upgrade report"
    )
    expect(current_card(second)).to_contain_text("Cancelled")
    expect(current_card(second)).not_to_contain_text("Active")
    # Submit there anyway: the same answer, never a refusal that contradicts the card.
    second.get_by_role("button", name="Submit", exact=True).click()
    expect(second.locator("#upgrade-form #upgrade-done")).to_be_visible()
    expect(second.get_by_text("Nothing was changed")).to_have_count(0)
    at_both_widths(second, screenshot, "second-tab-already-upgraded")
    second.get_by_role("link", name="view the upgrade report").click()
    expect(second.get_by_role("heading", name="Upgrade result", exact=True)).to_be_visible()
    assert Operation.objects.filter(subscription=source, result=Operation.Result.SUCCEEDED).count() == 1

    # The customer page: the old row says what it became, and nothing else; it comes last.
    open_customer(second, live_server.url, "Contoso Ltd")
    old_row = second.locator(f"#subscription-{source.pk}")
    expect(old_row).to_contain_text(f"Upgraded to {E3} on ")
    expect(old_row).to_contain_text(f"by {demo_name()} – see the report")
    expect(old_row.get_by_role("button")).to_have_count(0)
    expect(old_row.get_by_text("Add licenses")).to_have_count(0)
    rows = second.locator("table.subscriptions tbody tr")
    expect(rows.last).to_have_id(f"subscription-{source.pk}")
    old_row.get_by_role("link", name="see the report").click()
    expect(second).to_have_url(re.compile(rf"/operations/{upgrade.pk}/$"))
    open_customer(second, live_server.url, "Contoso Ltd")
    at_both_widths(second, screenshot, "customer-page-upgraded-row")
    assert Subscription.objects.get(pk=source.pk).status == Subscription.Status.DELETED


def header_height(page: Page) -> float:
    return page.locator("header.topbar").bounding_box()["height"]


def assert_in_view(page: Page, locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"], box


def test_on_a_phone_the_net_and_submit_stay_in_reach_under_a_short_header(demo_page, live_server, screenshot):
    page = demo_page
    page.set_viewport_size(PHONE)
    source = go_to_upgrade_page(page, live_server.url, "Contoso Ltd")
    bar = page.locator(".sticky-summary")
    expect(bar).to_have_count(0)

    preview = choose_target(page, E3)

    expect(bar).to_be_visible()
    net = page.locator("#billing-preview tfoot td").first.inner_text()
    expect(bar).to_contain_text(net)
    # Back up to the offers, as a partner comparing them does: the bar stays at the bottom.
    page.evaluate("window.scrollTo(0, 0)")
    assert_in_view(page, bar)
    assert_in_view(page, bar.get_by_text("Submit", exact=True))
    assert header_height(page) <= PHONE_HEADER_MAX_PX, header_height(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    at_both_widths(page, screenshot, "upgrade-phone-sticky-summary")
    page.set_viewport_size(DESKTOP)
    expect(bar).to_be_hidden()
    page.set_viewport_size(PHONE)
    assert net in preview

    bar.get_by_text("Submit", exact=True).click()
    expect(page.get_by_role("heading", name="Upgrade result", exact=True)).to_be_visible()
    assert Operation.objects.filter(subscription=source, result=Operation.Result.SUCCEEDED).count() == 1


@pytest.mark.parametrize("language", ["English", "Français"])
def test_the_header_takes_at_most_80_px_at_375_px_in_both_languages(demo_page, live_server, language):
    page = demo_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/customers/")
    if language != "English":
        page.get_by_label("Language", exact=True).select_option(label=language)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
    for path in ("/customers/", "/subscriptions/activity/", "/accounts/settings/"):
        page.goto(f"{live_server.url}{path}")
        assert header_height(page) <= PHONE_HEADER_MAX_PX, (path, header_height(page))
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
