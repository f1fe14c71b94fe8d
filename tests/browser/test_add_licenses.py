"""Add licenses in Chromium: add licenses, hit the offer's limit, read the activity log.

As `demo` on freshly seeded data: 5 licenses added to Contoso's subscription (25 -> 30) after
reading the prorated preview; 301 seats refused on Litware's Business Premium with the limit and
the upgrade to take; both attempts in the activity log with their results. Screenshots of the
form, the subscription page and the log at 1280 and 375 px. The database is checked after.
"""

import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.urls import reverse
from playwright.sync_api import Page, expect

from subscriptions import billing
from subscriptions.models import Operation, Subscription
from tests.browser.languages import french_catalog, new_page  # noqa: F401 (fixture)
from tests.browser.pages import (
    at_both_widths,
    body_text,
    fabrikam_subscription,
    money,
    open_customer,
    type_quantity,
)
from tests.offer_names import PREMIUM

pytestmark = pytest.mark.browser

CONTOSO = "Contoso Ltd"
LITWARE = "Litware, Inc."


def open_add_licenses(
    page: Page, base_url: str, customer_name: str, subscription: Subscription, *, screenshot=None
) -> None:
    open_customer(page, base_url, customer_name)
    if screenshot:
        at_both_widths(page, screenshot, "customer-add-licenses")
    page.get_by_role("link", name=f"Add licenses to {subscription.friendly_name}", exact=True).click()
    expect(page.get_by_role("heading", name="Add licenses", exact=True)).to_be_visible()


def shown_times(page: Page, text: str) -> int:
    """How many times `text` is on the page for the eye (the screen reader's live region aside)."""
    return body_text(page).count(text) - page.locator("#quantity-status").inner_text().count(text)


def test_partner_adds_licenses_hits_the_business_limit_and_finds_both_in_the_activity_log(
    demo_page, live_server, screenshot
):
    page = demo_page
    contoso = fabrikam_subscription(CONTOSO)
    assert contoso.quantity == 25

    # Contoso: 25 -> 30, the prorated charge read before Submit.
    open_add_licenses(page, live_server.url, CONTOSO, contoso, screenshot=screenshot)
    expect(page.get_by_label("New quantity")).to_have_value("25")
    preview = type_quantity(page, 30)
    impact = billing.quantity_change_billing_impact(subscription=contoso, new_quantity=30)
    assert impact.net > 0
    assert money(impact.net) in preview, preview
    assert "5 licenses" in preview
    at_both_widths(page, screenshot, "add-licenses")

    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page).to_have_url(re.compile(rf"{reverse('subscriptions:detail', args=[contoso.pk])}$"))
    expect(page.get_by_role("status").filter(has_text="now has 30 licenses (was 25)")).to_be_visible()
    expect(page.get_by_role("heading", name=contoso.friendly_name, level=1)).to_be_visible()
    licenses = page.get_by_role("region", name="Licenses")
    expect(licenses).to_contain_text("30 licenses")
    expect(licenses).to_contain_text("20 assigned")
    expect(page.get_by_label("Licenses assigned")).to_have_attribute("max", "30")
    expect(page.get_by_role("region", name="History")).to_contain_text("Licenses: 25 → 30")
    at_both_widths(page, screenshot, "subscription-page")
    contoso.refresh_from_db()
    assert contoso.quantity == 30
    added = Operation.objects.get(subscription=contoso)
    assert (added.result, added.previous_quantity, added.quantity) == ("succeeded", 25, 30)
    assert [line.amount for line in added.billing_lines.all()] == [impact.net]

    # Litware's Business Premium stops at 300 seats: say so, and point to the upgrade.
    litware = fabrikam_subscription(LITWARE, PREMIUM)
    open_add_licenses(page, live_server.url, LITWARE, litware)
    type_quantity(page, 301)
    # As the partner types: said once, under the field, with the way on.
    feedback = page.locator("#quantity-feedback")
    expect(feedback).to_contain_text("limited to 300 licenses")
    expect(feedback.get_by_role("link", name="Upgrade now", exact=True)).to_be_visible()
    assert shown_times(page, "limited to 300 licenses") == 1

    page.get_by_role("button", name="Submit", exact=True).click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The quantity was not changed.")
    expect(feedback).to_contain_text(
        "Office 365 Business Premium is limited to 300 licenses. For more, upgrade the subscription to "
        "one of: Office 365 Enterprise E3, Office 365 Enterprise E5."
    )
    assert shown_times(page, "limited to 300 licenses") == 1
    expect(page.get_by_label("New quantity")).to_have_attribute("aria-invalid", "true")
    # The Submit spinner has faded out (a 150 ms transition) before the screenshot.
    page.wait_for_function(
        "() => getComputedStyle(document.getElementById('submit-indicator')).opacity === '0'"
    )
    upgrade_link = feedback.get_by_role("link", name="Upgrade now", exact=True)
    expect(upgrade_link).to_have_attribute("href", reverse("subscriptions:upgrade", args=[litware.pk]))
    at_both_widths(page, screenshot, "add-licenses-limit")
    litware.refresh_from_db()
    assert litware.quantity == 40
    refused = Operation.objects.get(subscription=litware)
    assert (refused.result, refused.reason_code) == ("refused", "quantity_above_maximum")

    # The activity log, from the header: both attempts, with their results.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Activity log").click()
    expect(page.get_by_role("heading", name="Activity log", level=1)).to_be_visible()
    log = page.get_by_role("table", name="Activity log")
    contoso_row = log.get_by_role("row").filter(has_text=CONTOSO)
    litware_row = log.get_by_role("row").filter(has_text=LITWARE)
    expect(contoso_row).to_have_count(1)
    expect(litware_row).to_have_count(1)
    expect(contoso_row).to_contain_text("Licenses: 25 → 30")
    expect(contoso_row).to_contain_text("Succeeded")
    expect(litware_row).to_contain_text("Licenses: 40 → 301")
    expect(litware_row).to_contain_text("Refused")
    expect(litware_row).to_contain_text("limited to 300 licenses")
    at_both_widths(page, screenshot, "activity-log")

    # The filters work as a plain form too: only the refused attempt is left.
    page.get_by_label("Result").select_option("refused")
    expect(log.get_by_role("row").filter(has_text=CONTOSO)).to_have_count(0)
    expect(litware_row).to_have_count(1)
    expect(page).to_have_url(re.compile(r"result=refused"))


# --- Accessibility of the new pages, in English and in French -------------------------------

FAILING_IMPACTS = ("serious", "critical")


def axe_problems(page: Page, name: str) -> list[str]:
    """Serious or critical axe-core findings, plus one h1 and no skipped heading level."""
    page.wait_for_load_state("load")
    page.evaluate(AXE_SCRIPT)
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
            id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"""
    )
    problems = [
        f"{name}: {violation['id']} ({violation['impact']}) at {violation['nodes']}"
        for violation in violations
        if violation["impact"] in FAILING_IMPACTS
    ]
    levels = page.evaluate("() => [...document.querySelectorAll('h1, h2, h3, h4')].map(h => +h.tagName[1])")
    if levels.count(1) != 1 or levels[0] != 1:
        problems.append(f"{name}: headings {levels}: one h1, first")
    problems += [
        f"{name}: h{before} then h{level} skips a level"
        for before, level in zip(levels, levels[1:], strict=False)
        if level > before + 1
    ]
    return problems


@pytest.mark.usefixtures("french_catalog")
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_subscription_page_add_licenses_and_the_activity_log_pass_axe(
    browser, browser_context_args, live_server, demo, language, screenshot
):
    page = new_page(browser, browser_context_args, language)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("demo")
    page.locator("#id_password").fill(demo.passwords["demo"])
    page.locator("#id_password").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    contoso = fabrikam_subscription(CONTOSO)
    litware = fabrikam_subscription(LITWARE, PREMIUM)
    problems = []

    page.goto(live_server.url + reverse("subscriptions:change-quantity", args=[contoso.pk]))
    type_quantity(page, 30)
    problems += axe_problems(page, "add licenses with its preview")
    page.locator("form button.button--primary").click()
    expect(page.locator(".messages .message")).to_have_count(1)
    problems += axe_problems(page, "subscription page after the change")

    page.goto(live_server.url + reverse("subscriptions:change-quantity", args=[litware.pk]))
    type_quantity(page, 301)
    page.locator("form button.button--primary").click()
    expect(page.get_by_role("alert")).to_be_visible()
    problems += axe_problems(page, "add licenses refused past the maximum")

    page.goto(live_server.url + reverse("subscriptions:activity"))
    problems += axe_problems(page, "activity log")
    if language == "fr":
        expect(page.get_by_role("heading", level=1)).to_have_text("Journal d’activité")
        at_both_widths(page, screenshot, "fr-activity-log")
        page.goto(live_server.url + reverse("subscriptions:detail", args=[contoso.pk]))
        at_both_widths(page, screenshot, "fr-subscription-page")
    page.context.close()

    assert not problems, "\n".join(problems)
