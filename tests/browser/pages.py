"""What a person does on each page, in Playwright's role and label locators (the a11y contract)."""

import re
from decimal import Decimal

from playwright.sync_api import Locator, Page, expect

from subscriptions.models import Subscription

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}

FABRIKAM = "Fabrikam Cloud Solutions"
UPGRADE_NOW = "Upgrade now"
TAB_LIMIT = 80


def fabrikam_subscription(customer_name: str, offer_name: str | None = None) -> Subscription:
    """The subscription Fabrikam sold to this demo customer (docs/domain.md §9)."""
    subscriptions = Subscription.objects.select_related("offer", "customer").filter(
        customer__name=customer_name, sold_by__name=FABRIKAM
    )
    if offer_name:
        subscriptions = subscriptions.filter(offer__name=offer_name)
    return subscriptions.get()


def open_customer(page: Page, base_url: str, customer_name: str) -> None:
    page.goto(f"{base_url}/customers/")
    page.get_by_role("link", name=customer_name, exact=True).click()
    expect(page.get_by_role("heading", name=customer_name, exact=True)).to_be_visible()


def upgrade_options_button(page: Page, subscription_name: str) -> Locator:
    return page.get_by_role("button", name=f"Upgrade options for {subscription_name}", exact=True)


def any_upgrade_options_button(page: Page) -> Locator:
    return page.get_by_role("button", name=re.compile(r"^Upgrade options for "))


def upgrade_now_links(page: Page) -> Locator:
    # include_hidden: a closed menu must not hide a link that should not be there at all.
    return page.get_by_role("link", name=UPGRADE_NOW, exact=True, include_hidden=True)


def controlled_panel(page: Page, button: Locator) -> Locator:
    panel_id = button.get_attribute("aria-controls")
    assert panel_id, "the disclosure button names the panel it controls (aria-controls)"
    return page.locator(f"[id='{panel_id}']")


def name_and_button_geometry(button: Locator) -> dict:
    """The text before the button in its cell, and where the last word of it and the button sit."""
    return button.evaluate(
        """(button) => {
        const cell = button.closest('td, th, [role=cell], [role=gridcell], [role=rowheader], li');
        if (!cell) return {cell: false};
        const before = document.createRange();
        before.setStart(cell, 0);
        before.setEndBefore(button);
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        let last = null;
        while (walker.nextNode()) {
            const node = walker.currentNode;
            if (!(node.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING)) break;
            if (node.textContent.trim()) last = node;
        }
        if (!last) return {cell: true, textBefore: ''};
        const range = document.createRange();
        range.selectNodeContents(last);
        const rects = range.getClientRects();
        const name = rects[rects.length - 1];
        const box = button.getBoundingClientRect();
        return {
            cell: true,
            textBefore: before.toString().replace(/\\s+/g, ' ').trim(),
            nameRight: name.right, nameTop: name.top, nameBottom: name.bottom,
            buttonLeft: box.left, buttonTop: box.top, buttonBottom: box.bottom,
        };
    }"""
    )


def assert_right_after_name(button: Locator, subscription_name: str) -> None:
    """The seed: 'an informational icon right after the subscription name'."""
    geometry = name_and_button_geometry(button)
    assert geometry["cell"], "the icon sits in the subscription's table cell"
    assert geometry["textBefore"].endswith(subscription_name), geometry
    gap = geometry["buttonLeft"] - geometry["nameRight"]
    assert -1 <= gap <= 32, f"icon {gap:.0f}px after the name: {geometry}"
    same_line = min(geometry["nameBottom"], geometry["buttonBottom"]) - max(
        geometry["nameTop"], geometry["buttonTop"]
    )
    assert same_line > 0, f"icon on the name's line: {geometry}"


def target_radio(page: Page, offer_name: str) -> Locator:
    # The label begins with the offer's full name; the price and comparison may follow.
    return page.get_by_role("radio", name=re.compile(rf"^{re.escape(offer_name)}\b(?! India)"))


def billing_preview(page: Page) -> Locator:
    return page.locator("#billing-preview")


def money(amount: Decimal) -> str:
    """How an amount's digits read in en-US (sign and currency symbol left out)."""
    return f"{abs(amount):,.2f}"


def wait_for_preview_change(page: Page, before: str) -> str:
    """The preview's text once htmx has replaced it (compared as the person reads it)."""
    page.wait_for_function(
        "(before) => document.getElementById('billing-preview').innerText !== before", arg=before
    )
    preview = billing_preview(page)
    expect(preview).not_to_have_attribute("aria-busy", "true")
    return preview.inner_text()


def affected_table(page: Page) -> Locator:
    return page.get_by_role("table", name=re.compile(r"accounts and services", re.IGNORECASE))


def type_quantity(page: Page, quantity: int) -> str:
    """Type the new quantity as a person would; returns the preview once htmx has replaced it."""
    preview = page.locator("#quantity-preview")
    before = preview.inner_text()
    field = page.locator("#id_quantity")
    field.fill("")
    field.press_sequentially(str(quantity))
    page.wait_for_function(
        "(before) => document.getElementById('quantity-preview').innerText !== before", arg=before
    )
    return preview.inner_text()


def body_text(page: Page) -> str:
    return page.locator("body").inner_text()


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def focused_description(page: Page) -> str:
    return page.evaluate(
        """() => { const el = document.activeElement;
        return `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') || ''}
        ${(el.innerText || el.value || '').trim().slice(0, 40)}`.replace(/\\s+/g, ' '); }"""
    )


def tab_until(page: Page, target, *, limit: int = TAB_LIMIT) -> None:
    """Press Tab until `target` (a locator, or a CSS selector) has the focus."""
    visited = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if isinstance(target, str):
            if page.evaluate("(selector) => document.activeElement.matches(selector)", target):
                return
        elif is_focused(target):
            return
        visited.append(focused_description(page))
    raise AssertionError(f"{target} not reached in {limit} Tab presses; focus went: {visited}")


def arrow_down_to(page: Page, radio: Locator, *, limit: int = 10) -> None:
    """Press ArrowDown in the focused radio group until `radio` has the focus (each press checks
    the radio it reaches); the caller asserts where the focus ended."""
    for _ in range(limit):
        if is_focused(radio):
            break
        page.keyboard.press("ArrowDown")


def at_both_widths(page: Page, screenshot, name: str, reopen=None, check=None) -> None:
    """Screenshots at 1280 and 375 px; `reopen` restores a hover state the resize may lose, and
    `check(page)` runs at each width after the screenshot."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        # From the top, so a sticky column sits where a person first sees it.
        page.evaluate("window.scrollTo(0, 0)")
        if reopen:
            reopen()
        screenshot(page, name)
        if check:
            check(page)
    page.set_viewport_size(DESKTOP)
    if reopen:
        reopen()


def open_upgrade_menu_by_hover(page: Page, subscription_name: str):
    button = upgrade_options_button(page, subscription_name)
    button.hover()
    expect(button).to_have_attribute("aria-expanded", "true")
    link = controlled_panel(page, button).get_by_role("link", name=UPGRADE_NOW, exact=True)
    expect(link).to_be_visible()
    return button, link


def go_to_upgrade_page(
    page: Page, base_url: str, customer_name: str, offer_name: str | None = None
) -> Subscription:
    source = fabrikam_subscription(customer_name, offer_name)
    open_customer(page, base_url, customer_name)
    _, link = open_upgrade_menu_by_hover(page, source.friendly_name)
    link.click()
    expect(page.get_by_role("heading", name="Upgrade a subscription", exact=True)).to_be_visible()
    return source


def choose_target(page: Page, offer_name: str) -> str:
    """Pick the target offer with the mouse; returns the billing preview once it has updated."""
    radio = target_radio(page, offer_name)
    if radio.is_checked():
        # A preselected target would hide whether the preview follows the choice.
        page.get_by_role("radio", checked=False, disabled=False).first.check()
    before = billing_preview(page).inner_text()
    radio.check()
    return wait_for_preview_change(page, before)


def submit_and_wait_for_report(page: Page) -> None:
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("heading", name="Upgrade a subscription", exact=True)).to_have_count(0)
