"""The whole upgrade with the keyboard alone, in French: sign in, switch
the language with the header's switcher, open Contoso, open the info icon's menu, **Mettre à
niveau maintenant**, choose the offer with the arrow keys, **Envoyer**, read the report. Every
stop shows where the focus is. (tests/browser/test_upgrade_flow.py does the same in English.)
"""

import pytest
from playwright.sync_api import expect

from subscriptions.models import Offer, OfferPrice, Operation, Subscription
from tests.browser.languages import (
    assert_focus_is_visible,
    french_catalog,  # noqa: F401 (fixture)
    french_money,
    new_page,
)
from tests.browser.pages import (
    arrow_down_to,
    billing_preview,
    controlled_panel,
    fabrikam_subscription,
    is_focused,
    tab_until,
    target_radio,
)
from tests.offer_names import E3

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("french_catalog")]


@pytest.fixture
def english_page(browser, browser_context_args):
    page = new_page(browser, browser_context_args, "en")
    yield page
    page.context.close()


def test_partner_switches_to_french_and_upgrades_contoso_with_the_keyboard_only(
    english_page, demo, live_server
):
    page = english_page
    source = fabrikam_subscription("Contoso Ltd")
    e3_price = OfferPrice.objects.get(offer__name=E3, currency="USD").price

    # Sign in: the user name field has the focus when the page opens.
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_label("User name")).to_be_focused()
    page.keyboard.type("demo")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Customers", exact=True)).to_be_visible()

    # The first Tab reaches the skip link, and it moves the focus to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert_focus_is_visible(page)

    # The language switcher: arrowing to a language changes nothing yet, Enter applies it.
    language = page.get_by_label("Language", exact=True)
    tab_until(page, language)
    assert_focus_is_visible(page)
    page.keyboard.press("ArrowDown")
    expect(language).to_have_value("fr")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Clients", exact=True)).to_be_visible()

    contoso = page.get_by_role("link", name="Contoso Ltd", exact=True)
    tab_until(page, contoso)
    assert_focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Contoso Ltd", exact=True)).to_be_visible()

    # The info icon: keyboard focus opens its menu (disclosure pattern), Tab reaches the link.
    button = page.get_by_role(
        "button", name=f"Options de mise à niveau pour {source.friendly_name}", exact=True
    )
    upgrade_now = controlled_panel(page, button).get_by_role(
        "link", name="Mettre à niveau maintenant", exact=True
    )
    tab_until(page, button)
    assert_focus_is_visible(page)
    if button.get_attribute("aria-expanded") != "true":
        page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(upgrade_now).to_be_visible()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    tab_until(page, upgrade_now, limit=3)
    assert_focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mettre à niveau un abonnement", exact=True)).to_be_visible()

    # One Tab into the radio group, then the arrow keys choose (each choice refreshes the preview).
    e3 = target_radio(page, E3)
    tab_until(page, "input[type=radio][name=target_offer]")
    assert_focus_is_visible(page)
    arrow_down_to(page, e3)
    assert is_focused(e3), "the arrow keys reach the E3 radio"
    if not e3.is_checked():
        page.keyboard.press("Space")
    expect(e3).to_be_checked()
    expect(billing_preview(page)).to_contain_text(french_money(e3_price * source.quantity))
    expect(page.locator("#billing-status")).to_contain_text("Impact sur la facturation mis à jour.")

    submit = page.get_by_role("button", name="Envoyer", exact=True)
    tab_until(page, submit)
    assert_focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Résultat de la mise à niveau", exact=True)).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text(f"a été mis à niveau vers {E3}")

    operation = Operation.objects.get(subscription=source, kind=Operation.Kind.UPGRADE)
    assert operation.result == Operation.Result.SUCCEEDED
    assert (operation.target_offer, operation.quantity) == (Offer.objects.get(name=E3), source.quantity)
    source.refresh_from_db()
    assert source.status == Subscription.Status.DELETED

    # The report's controls are reachable too: the kind filter and the CSV link.
    tab_until(page, page.get_by_role("link", name="Télécharger le CSV", exact=True))
    assert_focus_is_visible(page)
