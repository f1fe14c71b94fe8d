"""No silent loss of seats, as a partner meets it in Chromium: a second tab that added licenses
makes the first tab's upgrade page stale; a quantity below the licensed users has to be
confirmed, on a phone too; the pre-flight says before Submit what the report says after it."""

import re

import pytest
from playwright.sync_api import Page, expect

from subscriptions import reasons
from subscriptions.models import Operation, Subscription
from tests.browser.pages import (
    PHONE,
    at_both_widths,
    billing_preview,
    choose_target,
    go_to_upgrade_page,
    submit_and_wait_for_report,
    wait_for_preview_change,
)
from tests.offer_names import E3

pytestmark = pytest.mark.browser


def type_quantity(page: Page, quantity: int) -> str:
    """Type a quantity as a person does and return the preview once it followed."""
    before = billing_preview(page).inner_text()
    field = page.get_by_label(re.compile(r"^Quantity"))
    field.fill(str(quantity))
    field.press("Tab")
    return wait_for_preview_change(page, before)


@pytest.mark.both_databases
def test_a_tab_left_open_while_another_adds_licenses_is_refused_and_shows_the_new_figures(
    demo_page, live_server, screenshot
):
    tab_a = demo_page
    adatum = go_to_upgrade_page(tab_a, live_server.url, "Adatum Corporation")
    first_preview = choose_target(tab_a, E3)

    tab_b = tab_a.context.new_page()
    tab_b.goto(f"{live_server.url}/subscriptions/{adatum.pk}/licenses/")
    tab_b.get_by_label("New quantity").fill("14")
    tab_b.get_by_role("button", name="Submit", exact=True).click()
    expect(tab_b.get_by_text("now has 14 licenses (was 10)")).to_be_visible()
    tab_b.close()

    tab_a.get_by_role("button", name="Submit", exact=True).click()

    alert = tab_a.get_by_role("alert")
    expect(alert).to_contain_text("The subscription changed meanwhile: it now has 14 licenses.")
    expect(tab_a.get_by_label(re.compile(r"^Quantity"))).to_have_value("14")
    expect(billing_preview(tab_a)).not_to_have_text(first_preview)
    expect(tab_a.locator("#upgrade-statement")).to_contain_text(
        "creates Office 365 Enterprise E3 (14 licenses)"
    )
    adatum.refresh_from_db()
    assert (adatum.status, adatum.quantity) == (Subscription.Status.ACTIVE, 14)
    refused = Operation.objects.get(subscription=adatum, kind=Operation.Kind.UPGRADE)
    assert refused.reason_code == reasons.SUBSCRIPTION_CHANGED_MEANWHILE
    at_both_widths(tab_a, screenshot, "upgrade-stale-page")

    # The fresh page goes through with the seats just bought.
    submit_and_wait_for_report(tab_a)
    upgrade = Operation.objects.get(subscription=adatum, result=Operation.Result.SUCCEEDED, kind="upgrade")
    assert upgrade.target_subscription.quantity == 14


def test_on_a_phone_a_quantity_below_the_licensed_users_must_be_confirmed(
    browser, browser_context_args, sign_in, demo, live_server, screenshot
):
    page = browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()
    sign_in(page, "demo", "demo-password")
    adatum = go_to_upgrade_page(page, live_server.url, "Adatum Corporation")
    choose_target(page, E3)

    preview = type_quantity(page, 5)

    assert "5 accounts will be left without a license: 5 licenses for 10 licensed users." in preview
    last_five = sorted(adatum.licenses.values_list("user__user_principal_name", flat=True))[5:]
    for name in last_five:
        assert name in preview
    confirm = page.get_by_label("Leave 5 accounts without a license")
    expect(confirm).not_to_be_checked()
    expect(page.locator("#billing-status")).to_contain_text("5 accounts will be left without a license")
    screenshot(page, "upgrade-unlicensed-confirmation")

    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("5 accounts would be left without a license")
    adatum.refresh_from_db()
    assert adatum.status == Subscription.Status.ACTIVE

    page.get_by_label("Leave 5 accounts without a license").check()
    submit_and_wait_for_report(page)
    expect(page.locator("#attention")).to_contain_text("5 accounts need your attention")
    screenshot(page, "report-with-accounts-left-out")
    upgrade = Operation.objects.get(subscription=adatum, result=Operation.Result.SUCCEEDED)
    assert upgrade.affected_accounts.filter(error_code=reasons.COUNT_VIOLATION).count() == 5


def test_the_pre_flight_lists_what_happens_to_each_account_before_submit_as_the_report_does_after(
    demo_page, live_server, screenshot
):
    page = demo_page
    litware = go_to_upgrade_page(page, live_server.url, "Litware, Inc.", "Office 365 Business Premium")

    choose_target(page, E3)

    summary = page.locator(".preflight__summary")
    expect(summary).to_have_text(
        "35 accounts will move; 3 need attention: 2 Exchange Online conflicts, 1 without usage location."
    )
    page.get_by_role("link", name="Show the 3 accounts that need attention").click()
    listed = page.locator("#preflight-accounts li")
    expect(listed).to_have_count(3)
    before_submit = sorted(listed.locator(".account-list__name").all_inner_texts())
    statement = page.locator("#upgrade-statement")
    expect(statement).to_contain_text("moves 35 accounts; 3 need attention.")
    at_both_widths(page, screenshot, "upgrade-pre-flight")

    submit_and_wait_for_report(page)

    upgrade = Operation.objects.get(subscription=litware, result=Operation.Result.SUCCEEDED)
    after_submit = sorted(
        upgrade.affected_accounts.exclude(outcome="moved").values_list("user_principal_name", flat=True)
    )
    assert before_submit == after_submit
    expect(page.locator("#attention")).to_contain_text("3 accounts need your attention")


def test_from_the_report_the_partner_licenses_an_account_left_behind(demo_page, live_server, screenshot):
    page = demo_page
    litware = go_to_upgrade_page(page, live_server.url, "Litware, Inc.", "Office 365 Business Premium")
    choose_target(page, E3)
    submit_and_wait_for_report(page)
    upgrade = Operation.objects.get(subscription=litware, result=Operation.Result.SUCCEEDED)
    no_location = upgrade.affected_accounts.get(error_code=reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION)
    section = page.locator("#left-behind")
    expect(section).to_contain_text("5 licenses of Office 365 Enterprise E3 are left for them.")
    at_both_widths(page, screenshot, "report-left-behind")

    row = section.locator(f"#account-{no_location.pk}")
    row.get_by_label("Usage location").fill("US")
    row.get_by_role("button", name="Set", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        f"The usage location of {no_location.user_principal_name} was set to US."
    )
    row = page.locator(f"#account-{no_location.pk}")
    row.get_by_role("button", name=f"Assign a license to {no_location.user_principal_name}").click()

    expect(page.locator(".messages")).to_contain_text(
        f"{no_location.user_principal_name} got a license of {E3}."
    )
    expect(page.locator(f"#account-{no_location.pk}")).to_contain_text("Licensed now")
    expect(page.locator(".changes-since li")).to_have_count(2)
    assert upgrade.target_subscription.licenses.filter(user_id=no_location.user_id).exists()

    # A still-conflicting account is refused with its reason.
    conflicting = upgrade.affected_accounts.filter(error_code=reasons.MUTUALLY_EXCLUSIVE_VIOLATION).first()
    page.get_by_role("button", name=f"Assign a license to {conflicting.user_principal_name}").click()
    expect(page.locator(".messages")).to_contain_text("cannot be combined with Exchange Online (Plan 2)")
    screenshot(page, "report-left-behind-acted")
