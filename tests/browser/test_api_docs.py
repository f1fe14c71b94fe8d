"""The API's docs page works offline and under the site's strict CSP, in the site's language
(docs/api.md)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.languages import french_catalog  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("french_catalog")]


def watch(page, live_server) -> dict:
    """What the page does that it must not (CSP violations, requests to another host), and the
    headers of its fetch of the OpenAPI document."""
    seen = {"violations": [], "other_hosts": [], "document_headers": []}
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and seen["violations"].append(message.text),
    )
    own = urlsplit(live_server.url).netloc

    def on_request(request):
        if urlsplit(request.url).netloc not in {own, ""}:
            seen["other_hosts"].append(request.url)
        if urlsplit(request.url).path == "/api/openapi.json":
            seen["document_headers"].append(request.headers)

    page.on("request", on_request)
    return seen


def assert_clean(page, seen) -> None:
    assert page.evaluate("window.__violations") == []
    assert seen["violations"] == []
    assert seen["other_hosts"] == []


def test_the_swagger_ui_loads_from_this_app_with_no_csp_violation(page, live_server, screenshot):
    seen = watch(page, live_server)

    page.goto(f"{live_server.url}/api/docs")

    expect(page.get_by_role("heading", name="Partner Center (offline)")).to_be_visible()
    expect(page.get_by_text("List the customers")).to_be_visible()
    screenshot(page, "api-docs")
    assert_clean(page, seen)
    assert [headers.get("x-locale") for headers in seen["document_headers"]] == ["en"]


def test_after_choosing_french_the_docs_are_in_french_in_an_english_browser(
    page, live_server, settings, screenshot
):
    # The language switcher's cookie: the page follows it, and sends it on as X-Locale.
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "url": live_server.url}])
    seen = watch(page, live_server)

    page.goto(f"{live_server.url}/api/docs")

    expect(page.get_by_role("heading", name="Espace partenaires (hors ligne)")).to_be_visible()
    expect(page.get_by_text("Lister les clients")).to_be_visible()
    expect(page.get_by_text("Modifier la quantité d’un abonnement")).to_be_visible()
    expect(page).to_have_title("Espace partenaires (hors ligne)")
    screenshot(page, "api-docs-fr")
    assert_clean(page, seen)
    assert [headers.get("x-locale") for headers in seen["document_headers"]] == ["fr"]
