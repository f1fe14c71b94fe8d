"""New commerce in Chromium: terms, prices per license, the partner's cost and margin, as a partner
reads them (docs/domain.md §2, §8, §9).

As `demo` (an admin agent) on freshly seeded data, by mouse in English: Bellows College's
customer page and Business Standard page, Add licenses 30 -> 35 with its margin column, Submit,
the stored lines with their margin, the activity log and its billing-lines CSV. By keyboard in
French: Lucerne Publishing's yearly price in euros and the upgrade preview's margin. A sales agent
sees the same pages without a cost. Screenshots at 1280 and 375 px; axe on every page.
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.models import PartnerUser
from subscriptions import billing
from subscriptions.models import Operation, Subscription
from tests.browser.languages import NBSP, french_catalog, new_page, sign_in_in_french  # noqa: F401 (fixture)
from tests.browser.pages import at_both_widths, fabrikam_subscription, money, open_customer, type_quantity
from tests.browser.test_accessibility import Scanner, sign_in
from tests.factories import PartnerUserFactory

pytestmark = pytest.mark.browser

BELLOWS, LUCERNE = "Bellows College", "Lucerne Publishing"
STANDARD, PREMIUM = "Microsoft 365 Business Standard", "Microsoft 365 Business Premium"


def test_partner_reads_a_new_commerce_subscription_adds_licenses_and_reads_the_margin_everywhere(
    demo_page, live_server, screenshot
):
    page, base = demo_page, live_server.url
    standard = fabrikam_subscription(BELLOWS, STANDARD)

    # The customer page: each new-commerce row says its term and billing cycle.
    open_customer(page, base, BELLOWS)
    row = page.get_by_role("row").filter(has_text=STANDARD)
    expect(row).to_contain_text("1 year, billed monthly · $13.13 a month (cost $11.16, margin $1.97)")
    copilot_row = page.get_by_role("row").filter(has_text="Microsoft 365 Copilot")
    expect(copilot_row).to_contain_text("1 year, billed annually")
    at_both_widths(page, screenshot, "nce-customer")

    # The subscription page: price per license with the cost and margin, the catalog item id.
    page.get_by_role("link", name=STANDARD, exact=True).first.click()
    expect(page.get_by_role("heading", name=STANDARD, level=1)).to_be_visible()
    details = page.locator("main")
    expect(details).to_contain_text("New commerce")
    expect(details).to_contain_text("$13.13 a month (cost $11.16, margin $1.97)")
    expect(details).to_contain_text("DEMO0STANDARD:0001:DEMO0P1Y01")
    # Django's DATE_FORMAT in English, "N j, Y": the term's first day.
    locked = standard.price_locked_on
    expect(details).to_contain_text(
        re.compile(rf"Price locked on\s*{locked:%b}\.? {locked.day}, {locked.year}")
    )
    at_both_widths(page, screenshot, "nce-subscription")

    # Add licenses: the preview has the cost and margin of the line, as billing.py computes it.
    page.get_by_role("link", name=re.compile(r"^Add licenses")).first.click()
    expect(page.get_by_role("heading", name="Add licenses", exact=True)).to_be_visible()
    preview = type_quantity(page, 35)
    impact = billing.quantity_change_billing_impact(subscription=standard, new_quantity=35)
    (line,) = impact.lines
    assert line.cost is not None and line.margin == line.amount - line.cost
    # The preview's narrow column has the margin; the result page and the CSV have the cost too.
    for figure in (line.amount, line.margin):
        assert money(figure) in preview, (figure, preview)
    expect(page.locator("#quantity-preview").get_by_role("columnheader", name="Margin")).to_be_visible()
    at_both_widths(page, screenshot, "nce-add-licenses")

    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_role("status").filter(has_text="now has 35 licenses (was 30)")).to_be_visible()
    added = Operation.objects.get(subscription=standard)
    (stored,) = added.billing_lines.all()
    assert (stored.amount, stored.cost, stored.margin) == (line.amount, line.cost, line.margin)
    expect(page.locator("main")).to_contain_text(money(stored.margin))

    # The activity log: the margin column, and the billing lines as CSV.
    page.goto(f"{base}/subscriptions/activity/")
    log = page.get_by_role("table").first
    expect(log.get_by_role("columnheader", name="Margin")).to_be_visible()
    expect(log).to_contain_text(money(stored.margin))
    at_both_widths(page, screenshot, "nce-activity")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Billing lines (CSV)").click()
    text = download_info.value.path().read_text(encoding="utf-8").removeprefix("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text)))
    (row,) = rows
    assert header[-3:] == ["Partner's cost per license", "Partner's cost", "Margin"]
    assert row[header.index("Customer")] == BELLOWS
    assert (Decimal(row[-2]), Decimal(row[-1])) == (stored.cost, stored.margin)


@pytest.mark.usefixtures("french_catalog")
def test_partner_reads_a_yearly_price_in_euros_and_previews_an_upgrade_with_the_keyboard_in_french(
    browser, browser_context_args, demo, live_server, screenshot
):
    page, base = new_page(browser, browser_context_args, "fr"), live_server.url
    lucerne = fabrikam_subscription(LUCERNE, PREMIUM)
    sign_in_in_french(page, base, "demo", "demo-password")

    # The subscription list: the term, the year's price, the cost and margin.
    page.goto(f"{base}/customers/{lucerne.customer_id}/")
    row = page.get_by_role("row").filter(has_text=PREMIUM)
    expect(row).to_contain_text(f"1 an, facturé annuellement · 247,20{NBSP}€ par an")
    expect(row).to_contain_text("marge 37,08")
    at_both_widths(page, screenshot, "nce-customer-fr")

    page.goto(f"{base}/subscriptions/{lucerne.pk}/")
    details = page.locator("main")
    # 20.60 × 12 = 247.20 a year; cost 85 % = 210.12; margin 37.08.
    expect(details).to_contain_text(f"247,20{NBSP}€ par an")
    expect(details).to_contain_text("1 an, facturé annuellement")
    expect(details).to_contain_text(f"(coût 210,12{NBSP}€, marge 37,08{NBSP}€)")
    at_both_widths(page, screenshot, "nce-subscription-fr")

    # The upgrade form, by keyboard: focus the quantity, change it, and read the preview.
    page.goto(f"{base}/subscriptions/{lucerne.pk}/upgrade/")
    target = page.get_by_role("radio", name=re.compile(r"^Microsoft 365 E3 "))
    target.focus()
    page.keyboard.press("Space")
    expect(target).to_be_checked()
    preview = page.locator("#billing-preview")
    expect(preview.get_by_role("columnheader", name="Marge")).to_be_visible()
    expect(preview).to_contain_text("Avoir pour l’abonnement actuel")
    expect(page.locator("main")).to_contain_text("Votre marge")
    # Billed annually: the statement above Submit says the year's cost, not a month's.
    expect(page.locator("#upgrade-statement")).to_contain_text(
        re.compile(r"par an \(au lieu de [\d\u202f]+,\d\d")
    )
    expect(page.locator("#upgrade-statement")).not_to_contain_text("par mois")
    at_both_widths(page, screenshot, "nce-upgrade-fr")
    page.context.close()


def test_a_sales_agent_sees_the_prices_and_never_the_cost(browser, browser_context_args, demo, live_server):
    agent = PartnerUserFactory(partner=demo.fabrikam, role=PartnerUser.Role.SALES_AGENT).user
    agent.set_password("sales-password")
    agent.save()
    page, base = new_page(browser, browser_context_args, "en"), live_server.url
    scanner = Scanner(page, "en")
    sign_in(scanner, base, agent.username, "sales-password")
    standard = fabrikam_subscription(BELLOWS, STANDARD)

    page.goto(f"{base}/subscriptions/{standard.pk}/")
    expect(page.locator("main")).to_contain_text("$13.13 a month")
    expect(page.locator("main")).not_to_contain_text("margin")
    page.goto(f"{base}/subscriptions/{standard.pk}/licenses/")
    preview = type_quantity(page, 33)
    assert "Margin" not in preview and "cost" not in preview
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_new_commerce_pages_have_no_serious_accessibility_violation(
    browser, browser_context_args, demo, live_server, language
):
    page, base = new_page(browser, browser_context_args, language), live_server.url
    scanner = Scanner(page, language)
    sign_in(scanner, base, "demo", "demo-password")
    bellows = Subscription.objects.get(customer__name=BELLOWS, offer__name=STANDARD)
    woodgrove = Subscription.objects.get(customer__name="Woodgrove Bank")

    page.goto(f"{base}/customers/{bellows.customer_id}/")
    scanner.scan("new-commerce customer")
    page.goto(f"{base}/subscriptions/{bellows.pk}/")
    scanner.scan("new-commerce subscription")
    page.goto(f"{base}/subscriptions/{woodgrove.pk}/licenses/?quantity=130")
    scanner.scan("add licenses to a three-year term, with the margin")
    page.goto(f"{base}/subscriptions/{bellows.pk}/upgrade/")
    page.locator("input[name=target_offer]").first.check()
    expect(page.locator("#billing-preview")).to_contain_text(
        {"en": "Charge for the new subscription", "fr": "Facturation du nouvel abonnement"}[language]
    )
    scanner.scan("new-commerce upgrade preview")
    page.goto(f"{base}/subscriptions/activity/")
    scanner.scan("activity log with the billing-lines link")
    scanner.finish(f"{language}-new-commerce")
    page.context.close()
