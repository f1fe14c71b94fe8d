"""The customer page's "Why can't this be upgraded?" in Chromium: its reasons are fetched when it first
opens (hover, or keyboard focus and Enter), once; Escape closes it; a failed fetch says so in the
panel; and without JavaScript the same words are a page of their own behind the link.

Coho Winery's grant expired (docs/domain.md §9): its Office 365 Business has upgrade paths and
no eligible target.
"""

import re

import pytest
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from customers.models import DelegatedAdminGrant, ResellerRelationship
from tests.browser.languages import french_catalog, new_page, sign_in_in_french  # noqa: F401 (fixture)
from tests.browser.pages import (
    PHONE,
    at_both_widths,
    controlled_panel,
    fabrikam_subscription,
    is_focused,
    tab_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("french_catalog")]

REASONS_PATH = re.compile(r"/subscriptions/\d+/upgrade/reasons/$")
TITLE = "Why this subscription can't be upgraded"


def coho():
    return fabrikam_subscription("Coho Winery")


def expired_on() -> str:
    grant = DelegatedAdminGrant.objects.get(
        customer__name="Coho Winery", partner__name="Fabrikam Cloud Solutions"
    )
    return date_format(grant.end_date)


def open_coho(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/customers/{coho().customer_id}/")


def why_trigger(page: Page, name: str):
    return page.get_by_role("button", name=f"Why can't {name} be upgraded?", exact=True)


def count_reason_requests(page: Page) -> list[str]:
    """The requests the page makes to a reasons URL, as they go out."""
    requests: list[str] = []
    page.on(
        "request", lambda request: requests.append(request.url) if REASONS_PATH.search(request.url) else None
    )
    return requests


def test_hovering_fetches_the_reasons_once_and_escape_closes_them(demo_page, live_server, screenshot):
    page = demo_page
    requests = count_reason_requests(page)
    open_coho(page, live_server.url)
    subscription = coho()
    trigger = why_trigger(page, subscription.friendly_name)
    panel = controlled_panel(page, trigger)
    # Enhanced by disclosure.js: the link is the disclosure's button, closed, its panel unfetched.
    expect(trigger).to_have_attribute("aria-expanded", "false")
    assert trigger.evaluate("el => el.tagName") == "A"
    expect(panel).to_be_hidden()
    assert requests == []

    trigger.hover()
    expect(trigger).to_have_attribute("aria-expanded", "true")
    expect(panel.get_by_text(TITLE, exact=True)).to_be_visible()
    expect(panel).to_contain_text(f"expired on {expired_on()}")
    expect(panel).to_contain_text("Offers concerned: Office 365 Business Premium")
    expect(panel.get_by_role("link", name=re.compile("^Request delegated admin privileges"))).to_be_visible()
    assert len(requests) == 1

    def reopen():
        page.mouse.move(0, 0)
        trigger.hover()
        expect(panel).to_contain_text("Offers concerned")

    at_both_widths(page, screenshot, "why-not-upgradable-open", reopen)

    # Away and back: closed, then the same words again, without asking the server again.
    page.mouse.move(0, 0)
    expect(trigger).to_have_attribute("aria-expanded", "false")
    expect(panel).to_be_hidden()
    trigger.hover()
    expect(panel).to_contain_text("Offers concerned")
    trigger.click()  # pinned
    page.mouse.move(0, 0)
    expect(trigger).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(trigger).to_have_attribute("aria-expanded", "false")
    expect(panel).to_be_hidden()
    expect(page).to_have_url(re.compile(rf"/customers/{subscription.customer_id}/$"))
    assert len(requests) == 1, requests


def test_keyboard_focus_and_enter_open_the_reasons_and_escape_returns_to_the_trigger(demo_page, live_server):
    page = demo_page
    requests = count_reason_requests(page)
    open_coho(page, live_server.url)
    trigger = why_trigger(page, coho().friendly_name)
    panel = controlled_panel(page, trigger)

    tab_until(page, trigger)
    if trigger.get_attribute("aria-expanded") != "true":
        page.keyboard.press("Enter")
    expect(trigger).to_have_attribute("aria-expanded", "true")
    expect(panel).to_contain_text(f"expired on {expired_on()}")
    page.keyboard.press("Enter")  # pins it open: the focus-opened panel does not close
    expect(trigger).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(trigger).to_have_attribute("aria-expanded", "false")
    assert is_focused(trigger)
    # A button answers Space too; the page does not scroll or navigate.
    page.keyboard.press("Space")
    expect(trigger).to_have_attribute("aria-expanded", "true")
    expect(panel).to_contain_text("Offers concerned")
    # Tab reaches the link inside the fetched panel.
    tab_until(
        page, panel.get_by_role("link", name=re.compile("^Request delegated admin privileges")), limit=2
    )
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    assert len(requests) == 1, requests


def test_a_subscription_that_left_the_scope_says_so_in_the_panel(demo_page, live_server):
    page = demo_page
    open_coho(page, live_server.url)
    subscription = coho()
    ResellerRelationship.objects.filter(customer=subscription.customer, partner=subscription.sold_by).delete()

    trigger = why_trigger(page, subscription.friendly_name)
    trigger.hover()

    panel = controlled_panel(page, trigger)
    expect(panel).to_have_text("This subscription is no longer in your list. Reload the page.")
    expect(trigger).to_have_attribute("aria-expanded", "true")


def test_a_session_ended_elsewhere_takes_the_tab_to_the_sign_in_page(demo_page, live_server):
    page = demo_page
    open_coho(page, live_server.url)
    customer_path = f"/customers/{coho().customer_id}/"
    page.context.clear_cookies()

    why_trigger(page, coho().friendly_name).hover()

    # partnercenter/signed_out.py: HX-Redirect, `next` the page in the address bar.
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next={customer_path}")
    expect(page.get_by_role("heading", name="Sign in to Partner Center")).to_be_visible()


def test_without_javascript_the_link_opens_the_reasons_page(
    browser, browser_context_args, demo, live_server, screenshot
):
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("User name").fill("demo")
        page.get_by_label("Password").fill("demo-password")
        page.get_by_role("button", name="Sign in", exact=True).click()
        open_coho(page, live_server.url)
        subscription = coho()
        link = page.get_by_role(
            "link", name=f"Why can't {subscription.friendly_name} be upgraded?", exact=True
        )
        # Hovering shows no empty panel: the link is the way.
        link.hover()
        expect(page.locator(f"#upgrade-reasons-{subscription.pk}")).to_be_hidden()

        link.click()

        expect(page).to_have_url(re.compile(rf"/subscriptions/{subscription.pk}/upgrade/reasons/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        main = page.get_by_role("main")
        expect(main).to_contain_text(f"expired on {expired_on()}")
        expect(main).to_contain_text("Offers concerned: Office 365 Business Premium")
        breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
        expect(breadcrumb.get_by_role("link", name=subscription.friendly_name, exact=True)).to_be_visible()
        at_both_widths(page, screenshot, "why-not-upgradable-page")
        page.get_by_role("link", name="Open the upgrade page", exact=True).click()
        expect(
            page.get_by_role("heading", name="This subscription can't be upgraded right now")
        ).to_be_visible()
    finally:
        context.close()


def test_the_reasons_in_french_fit_a_phone(browser, browser_context_args, demo, live_server, screenshot):
    page = new_page(browser, browser_context_args, "fr")
    try:
        sign_in_in_french(page, live_server.url, "demo", "demo-password")
        open_coho(page, live_server.url)
        name = coho().friendly_name
        page.set_viewport_size(PHONE)
        trigger = page.get_by_role(
            "button", name=f"Pourquoi l’abonnement {name} ne peut-il pas être mis à niveau\u202f?", exact=True
        )
        panel = controlled_panel(page, trigger)

        def reopen():
            page.mouse.move(0, 0)
            trigger.hover()
            expect(panel).to_contain_text("Offres concernées")

        reopen()
        expect(
            panel.get_by_text("Pourquoi cet abonnement ne peut pas être mis à niveau", exact=True)
        ).to_be_visible()
        at_both_widths(page, screenshot, "fr-why-not-upgradable-open", reopen)
        page.goto(f"{live_server.url}/subscriptions/{coho().pk}/upgrade/reasons/")
        expect(page.get_by_role("link", name="Ouvrir la page de mise à niveau", exact=True)).to_be_visible()
        at_both_widths(page, screenshot, "fr-why-not-upgradable-page")
    finally:
        page.context.close()
