"""The seed's click-through in French: a browser that asks for French
signs in, opens Contoso, hovers the icon, clicks **Mettre à niveau maintenant**, chooses an offer,
presses **Envoyer** and reads the report in French, money in French format. Plus the header's
language switcher, and French pages at 1280 and 375 px (longer words must not break the layout).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from subscriptions.models import Offer, OfferPrice, Operation, Subscription
from tests.browser import pages
from tests.browser.languages import (
    assert_no_sideways_scroll,
    french_catalog,  # noqa: F401 (fixture)
    french_money,
    new_page,
    sign_in_in_french,
)
from tests.browser.pages import (
    PHONE,
    billing_preview,
    controlled_panel,
    fabrikam_subscription,
    target_radio,
    wait_for_preview_change,
)
from tests.offer_names import E3

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("french_catalog")]

UPGRADE_NOW_FR = "Mettre à niveau maintenant"
UPGRADE_HEADING_FR = "Mettre à niveau un abonnement"


@pytest.fixture
def french_page(browser, browser_context_args):
    page = new_page(browser, browser_context_args, "fr")
    yield page
    page.context.close()


def options_button(page: Page, subscription_name: str):
    return page.get_by_role("button", name=f"Options de mise à niveau pour {subscription_name}", exact=True)


def text_of(page: Page) -> str:
    return re.sub(r"[ \t\r\n]+", " ", page.locator("body").inner_text())


def at_both_widths(page: Page, screenshot, name: str, reopen=None) -> None:
    """French screenshots at 1280 and 375 px; neither may scroll sideways."""
    pages.at_both_widths(page, screenshot, f"fr-{name}", reopen, check=assert_no_sideways_scroll)


def test_partner_upgrades_contoso_in_french_and_reads_the_report_in_french(
    french_page, live_server, demo, screenshot
):
    page = french_page
    source = fabrikam_subscription("Contoso Ltd")
    e3_price = OfferPrice.objects.get(offer__name=E3, currency="USD").price

    sign_in_in_french(page, live_server.url, "demo", "demo-password")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_title("Clients · Espace partenaires")
    at_both_widths(page, screenshot, "customers")
    page.get_by_role("link", name="Contoso Ltd", exact=True).click()
    expect(page.get_by_role("heading", name="Contoso Ltd", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Abonnements", exact=True)).to_be_visible()

    # "Pointez sur cette icône, puis sélectionnez Mettre à niveau maintenant."
    button = options_button(page, source.friendly_name)
    panel = controlled_panel(page, button)
    expect(panel).to_be_hidden()

    def hover_open():
        button.hover()
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(panel.get_by_text("Mises à niveau possibles", exact=True)).to_be_visible()

    hover_open()
    at_both_widths(page, screenshot, "subscriptions-menu-open", hover_open)
    panel.get_by_role("link", name=UPGRADE_NOW_FR, exact=True).click()

    # "Sélectionnez la nouvelle offre, puis choisissez Envoyer."
    expect(page.get_by_role("heading", name=UPGRADE_HEADING_FR, exact=True)).to_be_visible()
    expect(page.get_by_role("group", name="Choisissez la nouvelle offre")).to_be_visible()
    before = billing_preview(page).inner_text()
    target_radio(page, E3).check()
    preview = wait_for_preview_change(page, before)
    assert french_money(e3_price * source.quantity) in preview, preview
    quantity = page.get_by_label("Quantité", exact=True)
    expect(quantity).to_have_value(str(source.quantity))
    before = billing_preview(page).inner_text()
    quantity.fill("30")
    quantity.press("Tab")
    preview = wait_for_preview_change(page, before)
    assert "Facturation du nouvel abonnement" in preview
    assert french_money(e3_price * 30) == "600,00\u00a0$US"
    assert "600,00\u00a0$US" in preview, preview
    at_both_widths(page, screenshot, "offer-selection")
    page.get_by_role("button", name="Envoyer", exact=True).click()

    # "L'espace partenaires fournit une liste de comptes et de services qui ont été affectés."
    expect(page.get_by_role("heading", name="Résultat de la mise à niveau", exact=True)).to_be_visible()
    operation = Operation.objects.get(subscription=source, kind=Operation.Kind.UPGRADE)
    assert operation.result == Operation.Result.SUCCEEDED
    assert (operation.target_offer.name, operation.quantity) == (E3, 30)
    source.refresh_from_db()
    assert source.status == Subscription.Status.DELETED
    assert source.upgraded_to.offer == Offer.objects.get(name=E3)

    expect(page.get_by_role("status")).to_contain_text(
        f"{source.friendly_name} a été mis à niveau vers {E3}."
    )
    text = text_of(page)
    assert "L’abonnement a été mis à niveau" in text
    assert "Mise à niveau avec transfert des licences" in text
    for line in operation.billing_lines.all():
        assert french_money(line.amount) in text, f"{line.kind} {line.amount} not in French format"
    net = sum(line.amount for line in operation.billing_lines.all())
    assert f"Net {french_money(net)}" in text
    table = page.get_by_role("table", name="Comptes et services affectés")
    for header in (
        "Compte",
        "Nom d’utilisateur principal",
        "Service",
        "Ce qui s’est passé",
        "Que faire",
        "Type",
    ):
        expect(table.get_by_role("columnheader", name=header, exact=True)).to_be_visible()
    expect(table.locator("tbody tr").first).to_be_visible()
    kinds = set(table.locator("tbody tr td:last-child").all_inner_texts())
    assert kinds and kinds <= {"Erreur", "Action", "Information"}, kinds
    expect(page.get_by_role("link", name="Télécharger le CSV", exact=True)).to_be_visible()
    assert not re.search(r"\$\d", text), "no amount in English format on the French report"
    at_both_widths(page, screenshot, "report")


def test_the_header_switcher_changes_the_language_as_soon_as_chosen_and_stays_on_the_page(
    demo_page, live_server
):
    page = demo_page
    source = fabrikam_subscription("Contoso Ltd")
    url = f"{live_server.url}/customers/{source.customer_id}/"
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # With JavaScript the choice applies on change: no button to press (it stays for no-JS).
    page.get_by_label("Language", exact=True).select_option(label="Français")
    expect(page).to_have_url(url)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Abonnements", exact=True)).to_be_visible()
    expect(options_button(page, source.friendly_name)).to_be_visible()
    # The choice sticks (cookie) on the next page, whatever the browser asks for.
    page.get_by_role("link", name="Clients", exact=True).first.click()
    expect(page.get_by_role("heading", name="Clients", exact=True)).to_be_visible()

    page.get_by_label("Langue", exact=True).select_option(label="English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Customers", exact=True)).to_be_visible()


def test_french_pages_at_phone_width_do_not_scroll_sideways(browser, browser_context_args, demo, live_server):
    page = new_page(browser, {**browser_context_args, "viewport": PHONE}, "fr")
    try:
        sign_in_in_french(page, live_server.url, "demo", "demo-password")
        assert_no_sideways_scroll(page)
        for customer in ("Trey Research", "Tailspin Toys", "Litware, Inc."):
            source = fabrikam_subscription(
                customer, "Office 365 Business Premium" if "Litware" in customer else None
            )
            page.goto(f"{live_server.url}/customers/{source.customer_id}/")
            assert_no_sideways_scroll(page)
            if source.status == Subscription.Status.ACTIVE:
                page.goto(f"{live_server.url}/subscriptions/{source.pk}/upgrade/")
                expect(page.get_by_role("heading", name=UPGRADE_HEADING_FR)).to_be_visible()
                assert_no_sideways_scroll(page)
    finally:
        page.context.close()


def test_the_switcher_returns_to_the_search_htmx_put_in_the_address(demo_page, live_server):
    page = demo_page
    page.goto(f"{live_server.url}/customers/")
    page.get_by_label("Search customers").press_sequentially("Conto")
    expect(page).to_have_url(re.compile(r"\?q=Conto$"))
    expect(page.get_by_role("link", name="Adatum Corporation", exact=True)).to_have_count(0)

    page.get_by_label("Language", exact=True).select_option("fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_url(f"{live_server.url}/customers/?q=Conto")
    expect(page.get_by_role("status").filter(has_text="correspond")).to_have_text(
        "1 client correspond à «\u00a0Conto\u00a0»"
    )


def test_the_switcher_works_without_javascript(browser, browser_context_args, demo, live_server):
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/?next=/customers/")
        page.get_by_label("Language", exact=True).select_option("fr")
        page.get_by_role("button", name="Change", exact=True).click()
        expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/customers/")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("heading", name="Se connecter à l’Espace partenaires")).to_be_visible()
    finally:
        context.close()
