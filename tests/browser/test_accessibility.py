"""Accessibility of every page of the workflow, in English and in French.

axe-core (the copy the PyPI package axe-playwright-python ships, read from disk: nothing is
downloaded) scans each page in the state a person sees it: the subscription list with the
Upgrade now menu open, the upgrade page with an offer chosen and its billing preview, the form
with an error, the report, the refusals, 403 and 404, and the subscription page, Add
licenses and activity log. Any serious or critical violation fails the test, listed by page,
rule and element; every finding of any impact is written to test-artifacts/axe-<language>-<walk>.json
for review. On top of axe: one h1 and no skipped heading
level, one main landmark, and status messages in live regions.

axe runs through Playwright's evaluate (DevTools protocol), which the page's strict CSP does not
govern, so the scan needs no CSP bypass: the pages are tested with their real policy.
"""

import json
import os
import uuid
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page, expect

from subscriptions import services
from subscriptions.models import Offer, Operation
from tests.actors import acting
from tests.browser.languages import french_catalog, new_page  # noqa: F401 (fixture)
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    billing_preview,
    controlled_panel,
    fabrikam_subscription,
    target_radio,
    wait_for_preview_change,
)
from tests.offer_names import E3

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("french_catalog")]

FAILING_IMPACTS = ("serious", "critical")

WORDS = {
    "en": {
        "user": "User name",
        "password": "Password",
        "sign_in": "Sign in",
        "options": "Upgrade options for {}",
        "upgrade_now": "Upgrade now",
        "upgrade_heading": "Upgrade a subscription",
        "submit": "Submit",
        "report": "Upgrade result",
        "why": "Why can't {} be upgraded?",
        "offers_concerned": "Offers concerned",
        "error_filter": "Error",
        "quantity": "Quantity",
    },
    "fr": {
        "user": "Nom d’utilisateur",
        "password": "Mot de passe",
        "sign_in": "Se connecter",
        "options": "Options de mise à niveau pour {}",
        "upgrade_now": "Mettre à niveau maintenant",
        "upgrade_heading": "Mettre à niveau un abonnement",
        "submit": "Envoyer",
        "report": "Résultat de la mise à niveau",
        "why": "Pourquoi l’abonnement {} ne peut-il pas être mis à niveau\u202f?",
        "offers_concerned": "Offres concernées",
        "error_filter": "Erreur",
        "quantity": "Quantité",
    },
}


class Scanner:
    """Scans pages and keeps what it finds, so one run reports every page at once."""

    def __init__(self, page: Page, language: str):
        self.page = page
        self.language = language
        self.problems: list[str] = []
        self.findings: list[dict] = []

    def scan(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == self.language, f"{name}: <html lang>"
        page.evaluate(AXE_SCRIPT)
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))"""
        )
        for violation in violations:
            self.findings.append({"page": name, "url": page.url, **violation})
            if violation["impact"] in FAILING_IMPACTS:
                for node in violation["nodes"]:
                    self.problems.append(
                        f"[{self.language}] {name}: {violation['id']} ({violation['impact']}) "
                        f"{violation['help']} at {node['target']}: {node['summary']}"
                    )
        self.check_structure(name)

    def check_structure(self, name: str) -> None:
        structure = self.page.evaluate(
            """() => {
            const visible = el => !el.closest('[hidden], [aria-hidden="true"]');
            return {
                headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(visible)
                    .map(h => [Number(h.tagName[1]), h.textContent.trim().replace(/\\s+/g, ' ')]),
                mains: document.querySelectorAll('main, [role=main]').length,
                statusRegions: document.querySelectorAll('[role=status], [role=alert], [aria-live]').length,
            }; }"""
        )
        headings = structure["headings"]
        levels = [level for level, _ in headings]
        if levels.count(1) != 1 or not levels or levels[0] != 1:
            self.problems.append(f"[{self.language}] {name}: needs exactly one h1, first: {headings}")
        for (before, _), (level, text) in zip(headings, headings[1:], strict=False):
            if level > before + 1:
                self.problems.append(
                    f"[{self.language}] {name}: h{before} then h{level} ({text!r}) skips a level"
                )
        if structure["mains"] != 1:
            self.problems.append(f"[{self.language}] {name}: {structure['mains']} main landmarks")
        if not structure["statusRegions"]:
            self.problems.append(f"[{self.language}] {name}: no live region for status messages")

    def finish(self, report_name: str) -> None:
        folder = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots")).parent
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"axe-{report_name}.json").write_text(
            json.dumps(self.findings, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        assert not self.problems, f"{len(self.problems)} accessibility problems:\n" + "\n".join(self.problems)


@pytest.fixture(params=["en", "fr"])
def language(request) -> str:
    return request.param


@pytest.fixture
def scanner(browser, browser_context_args, language):
    page = new_page(browser, browser_context_args, language)
    yield Scanner(page, language)
    page.context.close()


def submit_sign_in(scanner: Scanner, base_url: str, username: str, password: str) -> None:
    page, words = scanner.page, WORDS[scanner.language]
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(words["user"]).fill(username)
    page.get_by_label(words["password"]).fill(password)
    page.get_by_role("button", name=words["sign_in"], exact=True).click()


def sign_in(scanner: Scanner, base_url: str, username: str, password: str) -> None:
    submit_sign_in(scanner, base_url, username, password)
    expect(scanner.page).not_to_have_url(f"{base_url}/accounts/login/")


def test_the_upgrade_workflow_has_no_serious_accessibility_violation(scanner, demo, live_server):
    page, words, base = scanner.page, WORDS[scanner.language], live_server.url
    page.goto(f"{base}/accounts/login/")
    scanner.scan("sign-in")
    page.get_by_role("button", name=words["sign_in"], exact=True).click()  # empty: the browser refuses
    submit_sign_in(scanner, base, "demo", "wrong-password")
    expect(page.get_by_role("alert")).to_be_visible()
    scanner.scan("sign-in with an error")
    sign_in(scanner, base, "demo", "demo-password")
    scanner.scan("customers")

    source = fabrikam_subscription("Contoso Ltd")
    page.goto(f"{base}/customers/{source.customer_id}/")
    button = page.get_by_role("button", name=words["options"].format(source.friendly_name), exact=True)
    button.hover()
    expect(controlled_panel(page, button).get_by_role("link", name=words["upgrade_now"])).to_be_visible()
    scanner.scan("subscriptions, Upgrade now menu open")

    controlled_panel(page, button).get_by_role("link", name=words["upgrade_now"]).click()
    expect(page.get_by_role("heading", name=words["upgrade_heading"], exact=True)).to_be_visible()
    scanner.scan("upgrade page")
    before = billing_preview(page).inner_text()
    target_radio(page, E3).check()
    wait_for_preview_change(page, before)
    scanner.scan("upgrade page, offer chosen, billing preview")

    page.get_by_label(words["quantity"], exact=True).fill("0")
    page.get_by_role("button", name=words["submit"], exact=True).click()  # the browser's own check
    page.get_by_label(words["quantity"], exact=True).fill("30")
    page.get_by_role("button", name=words["submit"], exact=True).click()
    expect(page.get_by_role("heading", name=words["report"], exact=True)).to_be_visible()
    scanner.scan("report")

    litware = fabrikam_subscription("Litware, Inc.", "Office 365 Business Premium")
    operation = services.subscription_upgrade(
        subscription=litware,
        target_offer=Offer.objects.get(name=E3),
        quantity=None,
        actor=acting(demo.users["demo"]),
        token=uuid.uuid4(),
    )
    assert operation.result == Operation.Result.SUCCEEDED
    page.goto(f"{base}/subscriptions/operations/{operation.pk}/")
    page.get_by_role("link", name=f"{words['error_filter']} (3)").click()
    expect(page.locator(".affected-table tbody tr")).to_have_count(3)
    scanner.scan("Litware report, errors only")
    scanner.finish(f"{scanner.language}-workflow")


def test_refusals_and_error_pages_have_no_serious_accessibility_violation(scanner, demo, live_server):
    page, words, base = scanner.page, WORDS[scanner.language], live_server.url
    sign_in(scanner, base, "demo", "demo-password")

    tailspin = fabrikam_subscription("Tailspin Toys")
    page.goto(f"{base}/customers/{tailspin.customer_id}/")
    scanner.scan("suspended subscription")
    coho = fabrikam_subscription("Coho Winery")
    page.goto(f"{base}/customers/{coho.customer_id}/")
    why = page.get_by_role("button", name=words["why"].format(coho.friendly_name), exact=True)
    why.click()
    expect(why).to_have_attribute("aria-expanded", "true")
    # Scanned once its reasons have arrived (fetched when it opens).
    expect(controlled_panel(page, why)).to_contain_text(words["offers_concerned"])
    scanner.scan("why it can't be upgraded, open")
    page.goto(f"{base}/subscriptions/{coho.pk}/upgrade/reasons/")
    scanner.scan("why it can't be upgraded, its page")
    page.goto(f"{base}/subscriptions/{coho.pk}/upgrade/")
    scanner.scan("upgrade page, nothing eligible")

    trey = fabrikam_subscription("Trey Research")
    page.goto(f"{base}/subscriptions/{trey.pk}/upgrade/")
    scanner.scan("upgrade page, one offer refused")
    target_radio(page, "Office 365 Business Premium").check()
    page.get_by_label(words["quantity"], exact=True).fill("301")
    page.get_by_role("button", name=words["submit"], exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    scanner.scan("upgrade form with an error")

    page.goto(f"{base}/customers/999999/")
    scanner.scan("404")
    page.get_by_role("button", name={"en": "Sign out", "fr": "Se déconnecter"}[scanner.language]).click()
    sign_in(scanner, base, "billing", "billing-password")
    page.goto(f"{base}/subscriptions/{trey.pk}/upgrade/")
    scanner.scan("403")
    scanner.finish(f"{scanner.language}-refusals")


def test_the_scan_reports_a_violation_planted_in_a_real_page(scanner, demo, live_server):
    """The scan itself works under the pages' CSP: an unlabelled field and grey-on-grey text fail."""
    sign_in(scanner, live_server.url, "demo", "demo-password")
    scanner.page.evaluate(
        """() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<input type="text" id="planted-field">');
        const text = document.createElement('p');
        text.id = 'planted-text';
        text.textContent = 'Barely readable';
        text.style.color = '#aaaaaa';
        text.style.background = '#bbbbbb';
        main.append(text);
        }"""
    )
    scanner.scan("customers, with planted violations")
    found = "\n".join(scanner.problems)
    assert "#planted-field" in found and "label" in found, found
    assert "#planted-text" in found and "color-contrast" in found, found


def test_the_subscription_add_licenses_and_activity_pages_have_no_serious_accessibility_violation(
    scanner, demo, live_server
):
    """The subscription page, Add licenses (with its preview, refused, and not possible) and the
    activity log (plain, filtered, with a date error), in the same states a person meets them."""
    page, base = scanner.page, live_server.url
    sign_in(scanner, base, "demo", "demo-password")
    add_licenses = {"en": "Add licenses to {}", "fr": "Ajouter des licences à {}"}[scanner.language]

    contoso = fabrikam_subscription("Contoso Ltd")
    page.goto(f"{base}/customers/{contoso.customer_id}/")
    page.get_by_role("link", name=add_licenses.format(contoso.friendly_name), exact=True).click()
    expect(page).to_have_url(f"{base}/subscriptions/{contoso.pk}/licenses/")
    scanner.scan("add licenses")
    quantity = page.locator("#id_quantity")
    before = page.locator("#quantity-preview").inner_text()
    quantity.fill("26")
    quantity.press("Tab")
    page.wait_for_function(
        "(before) => document.getElementById('quantity-preview').innerText !== before", arg=before
    )
    scanner.scan("add licenses, billing preview")
    page.get_by_role("button", name=WORDS[scanner.language]["submit"], exact=True).click()
    expect(page).to_have_url(f"{base}/subscriptions/{contoso.pk}/")
    scanner.scan("subscription page, after adding licenses")

    litware = fabrikam_subscription("Litware, Inc.", "Office 365 Business Premium")
    page.goto(f"{base}/subscriptions/{litware.pk}/")
    scanner.scan("subscription page with its licensed users")
    page.goto(f"{base}/subscriptions/{litware.pk}/licenses/")
    page.locator("#id_quantity").fill("301")
    page.get_by_role("button", name=WORDS[scanner.language]["submit"], exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    scanner.scan("add licenses refused past the maximum")

    tailspin = fabrikam_subscription("Tailspin Toys")
    page.goto(f"{base}/subscriptions/{tailspin.pk}/licenses/")
    scanner.scan("add licenses on a suspended subscription")

    page.goto(f"{base}/subscriptions/activity/")
    scanner.scan("activity log")
    page.goto(f"{base}/subscriptions/activity/?result=refused")
    scanner.scan("activity log, refused only")
    page.goto(f"{base}/subscriptions/activity/?date_from=2026-05-10&date_to=2026-05-01")
    scanner.scan("activity log, dates the wrong way round")
    scanner.finish(f"{scanner.language}-subscription-pages")


def test_what_submit_will_do_and_the_accounts_left_behind_have_no_serious_violation(
    scanner, demo, live_server
):
    """The statement, the confirmation checkbox, the pre-flight with its accounts, the report's
    warning and its accounts left behind: scanned, and none scrolls sideways at phone width."""
    page, base = scanner.page, live_server.url
    sign_in(scanner, base, "demo", "demo-password")
    e3 = Offer.objects.get(name=E3)
    adatum = fabrikam_subscription("Adatum Corporation")
    litware = fabrikam_subscription("Litware, Inc.", "Office 365 Business Premium")

    def scan_at_both_widths(name: str) -> None:
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            scanner.scan(f"{name} at {size['width']} px")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > size["width"]:
                scanner.problems.append(f"[{scanner.language}] {name}: {width} px wide at {size['width']} px")
        page.set_viewport_size(DESKTOP)

    page.goto(f"{base}/subscriptions/{adatum.pk}/upgrade/?target_offer={e3.pk}&quantity=5")
    expect(page.locator("#id_accept_unlicensed")).to_be_visible()
    expect(page.locator("#upgrade-statement")).to_be_visible()
    scan_at_both_widths("upgrade, fewer licenses than users, statement and confirmation")

    page.goto(f"{base}/subscriptions/{litware.pk}/upgrade/?target_offer={e3.pk}&quantity=40")
    page.locator(".preflight__links a").first.click()
    expect(page.locator("#preflight-accounts li")).to_have_count(3)
    scan_at_both_widths("upgrade, pre-flight with its accounts")

    page.goto(f"{base}/subscriptions/{litware.pk}/upgrade/accounts/?target_offer={e3.pk}&quantity=40")
    scan_at_both_widths("the pre-flight's page of accounts")

    operation = services.subscription_upgrade(
        subscription=litware,
        target_offer=e3,
        quantity=None,
        actor=acting(demo.users["demo"]),
        token=uuid.uuid4(),
    )
    page.goto(f"{base}/subscriptions/operations/{operation.pk}/")
    expect(page.locator("#attention")).to_be_visible()
    expect(page.locator("#left-behind")).to_be_visible()
    scan_at_both_widths("report with accounts left behind")
    scanner.finish(f"{scanner.language}-no-silent-loss")


def test_the_settings_page_has_no_serious_accessibility_violation(scanner, demo, live_server):
    """The time zone settings, as they open and once saved (the success message)."""
    page, base = scanner.page, live_server.url
    sign_in(scanner, base, "demo", "demo-password")
    page.goto(f"{base}/accounts/settings/")
    scanner.scan("settings")
    page.locator("#id_time_zone").select_option("Europe/Paris")
    page.locator("form.account-settings button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    scanner.scan("settings, saved")
    scanner.finish(f"{scanner.language}-settings")


def test_the_dead_ends_answers_have_no_serious_accessibility_violation(scanner, demo, live_server):
    """The new states of every dead end: Add licenses replaced by its reason (with Microsoft's
    links), the phone's sticky summary bar, the expired-page banner of a stale Submit, the
    "already upgraded" banner of a second tab and the upgraded-away row, at both widths."""
    page, base = scanner.page, live_server.url
    sign_in(scanner, base, "demo", "demo-password")
    coho = fabrikam_subscription("Coho Winery")
    page.goto(f"{base}/customers/{coho.customer_id}/")
    license_reasons = page.locator(f"[aria-controls='license-reasons-{coho.pk}']")
    license_reasons.click()
    expect(license_reasons).to_have_attribute("aria-expanded", "true")
    scanner.scan("Add licenses replaced by its reason, open")

    contoso = fabrikam_subscription("Contoso Ltd")
    e3 = Offer.objects.get(name=E3)
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/subscriptions/{contoso.pk}/upgrade/?target_offer={e3.pk}&quantity={contoso.quantity}")
    expect(page.locator(".sticky-summary")).to_be_visible()
    scanner.scan("upgrade page at 375 px, sticky summary")
    page.set_viewport_size(DESKTOP)

    # The page's CSRF token goes stale (as after a sign-in in another tab): Submit's banner.
    page.context.clear_cookies(name="csrftoken")
    page.locator("#upgrade-form button.submit-action").last.click()
    expect(page.locator("#main > .messages .message--error")).to_be_visible()
    scanner.scan("stale page's Submit, the expired-page banner")

    services.subscription_upgrade(
        subscription=contoso,
        target_offer=e3,
        quantity=None,
        actor=acting(demo.users["demo"]),
        token=uuid.uuid4(),
    )
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(f"{base}/subscriptions/{contoso.pk}/upgrade/")
        expect(page.locator("#upgrade-done")).to_be_visible()
        scanner.scan(f"already upgraded at {size['width']} px")
        page.goto(f"{base}/customers/{contoso.customer_id}/")
        scanner.scan(f"customer page with an upgraded-away row at {size['width']} px")
    page.set_viewport_size(DESKTOP)
    scanner.finish(f"{scanner.language}-dead-ends")
