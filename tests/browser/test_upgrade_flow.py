"""The seed's click-through in Chromium: customers, subscriptions, info icon, Upgrade now, Submit.

Each test starts from freshly seeded demo data (the `demo` fixture) and
checks the database after, not only the page.
"""

import csv
import re
from collections import Counter
from http import HTTPStatus

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from subscriptions.models import OfferPrice, Operation, Subscription
from tests.browser.pages import (
    UPGRADE_NOW,
    affected_table,
    any_upgrade_options_button,
    arrow_down_to,
    assert_right_after_name,
    at_both_widths,
    billing_preview,
    choose_target,
    controlled_panel,
    fabrikam_subscription,
    go_to_upgrade_page,
    is_focused,
    money,
    open_customer,
    open_upgrade_menu_by_hover,
    submit_and_wait_for_report,
    tab_until,
    target_radio,
    upgrade_now_links,
    upgrade_options_button,
    wait_for_preview_change,
)
from tests.offer_names import E3

pytestmark = pytest.mark.browser

MUTUALLY_EXCLUSIVE = "MutuallyExclusiveViolation"
NO_USAGE_LOCATION = "ProhibitedInUsageLocationViolation"
LICENSE_ERRORS = (MUTUALLY_EXCLUSIVE, NO_USAGE_LOCATION, "CountViolation")


def report_text(page: Page) -> str:
    return re.sub(r"\s+", " ", page.locator("body").inner_text())


def assert_report_shows(page: Page, operation: Operation) -> None:
    text = report_text(page)
    assert operation.subscription.offer.name in text
    assert operation.target_offer.name in text
    lines = list(operation.billing_lines.all())
    assert {line.kind for line in lines} == {"cancellation_credit", "new_subscription_charge"}
    for line in lines:
        assert money(line.amount) in text, f"billing line {line.kind} {line.amount} not in the report"
    assert money(sum(line.amount for line in lines)) in text, "the net is shown"


def only_successful_upgrade(source: Subscription) -> Operation:
    operation = Operation.objects.select_related("subscription__offer", "target_offer").get(
        subscription=source, kind=Operation.Kind.UPGRADE
    )
    assert operation.result == Operation.Result.SUCCEEDED
    return operation


def test_partner_upgrades_contoso_with_the_mouse_and_reads_the_report(demo_page, live_server, screenshot):
    page = demo_page
    source = fabrikam_subscription("Contoso Ltd")
    e3_price = OfferPrice.objects.get(offer__name=E3, currency="USD").price

    page.goto(f"{live_server.url}/customers/")
    page.get_by_label("Search customers").press_sequentially("Conto")
    expect(page.get_by_role("link", name="Adatum Corporation", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Contoso Ltd", exact=True).click()
    expect(page.get_by_role("heading", name="Contoso Ltd", exact=True)).to_be_visible()

    button = upgrade_options_button(page, source.friendly_name)
    expect(button).to_have_attribute("aria-expanded", "false")
    assert_right_after_name(button, source.friendly_name)
    panel = controlled_panel(page, button)
    expect(panel).to_be_hidden()
    button.hover()
    expect(button).to_have_attribute("aria-expanded", "true")
    upgrade_now = panel.get_by_role("link", name=UPGRADE_NOW, exact=True)
    expect(upgrade_now).to_be_visible()
    reopen_menu = lambda: open_upgrade_menu_by_hover(page, source.friendly_name)  # noqa: E731
    at_both_widths(page, screenshot, "subscriptions-menu-open", reopen_menu)

    upgrade_now.click()
    expect(page.get_by_role("heading", name="Upgrade a subscription", exact=True)).to_be_visible()
    preview = choose_target(page, E3)
    assert money(e3_price * source.quantity) in preview
    quantity = page.get_by_label(re.compile(r"^Quantity"))
    expect(quantity).to_have_value(str(source.quantity))
    before = billing_preview(page).inner_text()
    quantity.fill("30")
    quantity.press("Tab")
    assert money(e3_price * 30) in wait_for_preview_change(page, before)
    at_both_widths(page, screenshot, "offer-selection")

    submit_and_wait_for_report(page)
    operation = only_successful_upgrade(source)
    target = operation.target_subscription
    assert (target.offer.name, target.quantity, target.status) == (E3, 30, Subscription.Status.ACTIVE)
    source.refresh_from_db()
    assert (source.status, source.upgraded_to) == (Subscription.Status.DELETED, target)
    assert_report_shows(page, operation)
    at_both_widths(page, screenshot, "report")

    open_customer(page, live_server.url, "Contoso Ltd")
    rows = page.get_by_role("row")
    expect(rows.filter(has_text=E3).filter(has_text="Active")).to_have_count(1)
    expect(rows.filter(has_text=source.friendly_name).filter(has_text="Cancelled")).to_have_count(1)
    expect(upgrade_options_button(page, source.friendly_name)).to_have_count(0)


def test_partner_upgrades_contoso_with_the_keyboard_only(demo_page, live_server):
    page = demo_page
    source = fabrikam_subscription("Contoso Ltd")
    e3_price = OfferPrice.objects.get(offer__name=E3, currency="USD").price

    page.goto(f"{live_server.url}/customers/")
    tab_until(page, page.get_by_role("link", name="Contoso Ltd", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Contoso Ltd", exact=True)).to_be_visible()

    button = upgrade_options_button(page, source.friendly_name)
    panel = controlled_panel(page, button)
    upgrade_now = panel.get_by_role("link", name=UPGRADE_NOW, exact=True)
    tab_until(page, button)
    if button.get_attribute("aria-expanded") != "true":
        page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(upgrade_now).to_be_visible()

    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(upgrade_now).to_be_hidden()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    tab_until(page, upgrade_now, limit=3)
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "true")
    tab_until(page, upgrade_now, limit=3)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Upgrade a subscription", exact=True)).to_be_visible()

    e3 = target_radio(page, E3)
    tab_until(page, "input[type=radio][name=target_offer]")
    before = billing_preview(page).inner_text()
    arrow_down_to(page, e3)
    assert is_focused(e3), "arrow keys reach the E3 radio"
    if not e3.is_checked():
        page.keyboard.press("Space")
    expect(e3).to_be_checked()
    # Each arrow press is a change of choice; the preview settles on the last one.
    expect(billing_preview(page)).to_contain_text(money(e3_price * source.quantity))
    assert billing_preview(page).inner_text() != before

    tab_until(page, page.get_by_role("button", name="Submit", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Upgrade a subscription", exact=True)).to_have_count(0)
    operation = only_successful_upgrade(source)
    assert (operation.target_offer.name, operation.quantity) == (E3, source.quantity)
    assert_report_shows(page, operation)


def test_tailspin_toys_suspended_subscription_offers_no_upgrade_at_all(demo_page, live_server):
    page = demo_page
    source = fabrikam_subscription("Tailspin Toys")
    open_customer(page, live_server.url, "Tailspin Toys")

    expect(page.get_by_role("row").filter(has_text=source.friendly_name)).to_contain_text("Suspended")
    expect(any_upgrade_options_button(page)).to_have_count(0)
    expect(upgrade_now_links(page)).to_have_count(0)


def test_trey_research_shows_proplus_refused_until_the_other_partners_copy_is_cancelled(
    demo_page, live_server
):
    page = demo_page
    go_to_upgrade_page(page, live_server.url, "Trey Research")

    for eligible in ("Office 365 Business Premium", E3, "Office 365 Enterprise E5"):
        expect(target_radio(page, eligible)).to_be_enabled()
    proplus = target_radio(page, "Office 365 ProPlus")
    expect(proplus).to_be_disabled()
    expect(proplus).not_to_be_checked()
    # The option's own block: the nearest ancestor that holds no other radio.
    option_text = proplus.evaluate(
        """(radio) => { let block = radio;
        while (block.parentElement && block.parentElement.querySelectorAll('input[type=radio]').length === 1)
            block = block.parentElement;
        return block.innerText; }"""
    )
    assert re.search(r"another partner", option_text, re.IGNORECASE), option_text
    assert re.search(r"cancel", option_text, re.IGNORECASE), option_text
    assert "northwind" not in page.content().lower(), "another partner's name never shows"


def test_relecloud_india_customer_never_sees_global_business_premium(demo_page, live_server):
    page = demo_page
    open_customer(page, live_server.url, "Relecloud")
    customer_page = page.content()
    go_to_upgrade_page(page, live_server.url, "Relecloud")

    expect(target_radio(page, "Office 365 Business Premium India")).to_be_enabled()
    for html in (customer_page, page.content()):
        text = re.sub(r"\s+", " ", html).replace("Office 365 Business Premium India", "")
        assert "Office 365 Business Premium" not in text


def shown_affected_rows(page: Page) -> list[list[str]]:
    return (
        affected_table(page)
        .locator("tbody tr")
        .evaluate_all("rows => rows.map(row => [...row.cells].map(cell => cell.innerText.trim()))")
    )


def every_affected_row(page: Page) -> list[list[str]]:
    """The table's rows on every page, following Next to the end."""
    pagination = page.get_by_role("navigation", name="Pages of affected accounts")
    rows = []
    for _ in range(100):
        rows += shown_affected_rows(page)
        next_page = pagination.get_by_role("link", name="Next", exact=True)
        if not next_page.count():
            return rows
        status = pagination.inner_text()
        next_page.click()
        expect(pagination).not_to_have_text(status)
    raise AssertionError("more than 100 pages of affected accounts")


def error_code_in(cells: list[str]) -> str | None:
    # Table columns: account, UPN, service, what happened (with the error code), what to do, kind.
    return next((code for code in LICENSE_ERRORS if code in cells[3]), None)


def test_litware_report_lists_license_errors_first_and_the_csv_has_the_same_rows(demo_page, live_server):
    page = demo_page
    source = go_to_upgrade_page(page, live_server.url, "Litware, Inc.", "Office 365 Business Premium")
    choose_target(page, E3)
    submit_and_wait_for_report(page)
    operation = only_successful_upgrade(source)
    expected_errors = Counter(
        operation.affected_accounts.exclude(error_code="").values_list("error_code", flat=True)
    )
    assert expected_errors == {MUTUALLY_EXCLUSIVE: 2, NO_USAGE_LOCATION: 1}

    expect(affected_table(page)).to_be_visible()
    first_page = shown_affected_rows(page)
    assert Counter(error_code_in(cells) for cells in first_page[:3]) == expected_errors, first_page[:3]
    # The default view leaves the facts every moved account shares to the line above the table.
    assert page.locator("#shared-facts").inner_text().startswith("Every account that moved gains ")
    filters = page.get_by_role("navigation", name="Filter by kind")
    filters.get_by_role("link", name=re.compile(r"^All \(\d+\)$")).click()
    expect(filters.get_by_role("link", name=re.compile(r"^All "))).to_have_attribute("aria-current", "true")
    total = int(
        re.search(
            r"of (\d+)", page.get_by_role("navigation", name="Pages of affected accounts").inner_text()
        ).group(1)
    )

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV", exact=True).click()
    with open(download.value.path(), newline="", encoding="utf-8-sig") as file:
        header, *exported = list(csv.reader(file))
    # Columns (docs/domain.md §5): account name, UPN, service, outcome, kind, code, message.
    assert len(header) == 7, header
    assert len(exported) == total
    assert Counter(row[5] for row in exported[:3]) == expected_errors, "errors come first in the CSV too"

    shown = every_affected_row(page)
    assert len(shown) == total
    assert not any(error_code_in(cells) for cells in shown[3:]), "errors come first"
    assert [(c[0], c[1], c[2], error_code_in(c) or "", c[4]) for c in shown] == [
        (r[0], r[1], r[2], r[5] if r[5] in LICENSE_ERRORS else "", r[6]) for r in exported
    ]

    page.get_by_role("navigation", name="Filter by kind").get_by_role(
        "link", name=re.compile(r"^Error \(\d+\)$")
    ).click()
    expect(affected_table(page).locator("tbody tr")).to_have_count(3)
    assert sorted((cells[1], error_code_in(cells)) for cells in shown_affected_rows(page)) == sorted(
        (row[1], row[5]) for row in exported if row[5] in LICENSE_ERRORS
    )


def test_billing_admin_sees_no_upgrade_icon_and_is_refused_the_upgrade_page(page, sign_in, demo, live_server):
    source = fabrikam_subscription("Contoso Ltd")
    sign_in(page, "billing", "billing-password")
    open_customer(page, live_server.url, "Contoso Ltd")

    expect(page.get_by_role("row").filter(has_text=source.friendly_name)).to_contain_text("Active")
    expect(any_upgrade_options_button(page)).to_have_count(0)
    expect(upgrade_now_links(page)).to_have_count(0)
    response = page.goto(live_server.url + reverse("subscriptions:upgrade", args=[source.pk]))
    assert response.status == HTTPStatus.FORBIDDEN
    source.refresh_from_db()
    assert source.status == Subscription.Status.ACTIVE


@pytest.mark.both_databases
def test_double_click_on_submit_makes_one_upgrade(demo_page, live_server):
    page = demo_page
    source = go_to_upgrade_page(page, live_server.url, "Contoso Ltd")
    subscriptions_before = Subscription.objects.filter(customer=source.customer).count()
    choose_target(page, E3)
    upgrade_path = reverse("subscriptions:upgrade", args=[source.pk])
    requests = []
    page.on("request", lambda request: requests.append(request))

    page.get_by_role("button", name="Submit", exact=True).dblclick()
    expect(page.get_by_role("heading", name="Upgrade a subscription", exact=True)).to_have_count(0)
    page.wait_for_load_state("networkidle")

    posts = [request for request in requests if request.method == "POST" and upgrade_path in request.url]
    assert len(posts) == 1, "Submit is disabled while its request runs"

    operation = only_successful_upgrade(source)
    assert Operation.objects.filter(subscription=source).count() == 1
    assert Subscription.objects.filter(customer=source.customer).count() == subscriptions_before + 1
    assert Subscription.objects.filter(customer=source.customer, offer__name=E3).count() == 1
    assert_report_shows(page, operation)
