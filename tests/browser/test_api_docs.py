"""The API's docs page works offline and under the site's strict CSP (docs/api.md)."""

from urllib.parse import urlsplit

from playwright.sync_api import expect


def test_the_swagger_ui_loads_from_this_app_with_no_csp_violation(page, live_server, screenshot):
    violations, other_hosts = [], []
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and violations.append(message.text),
    )
    own = urlsplit(live_server.url).netloc
    page.on(
        "request",
        lambda request: urlsplit(request.url).netloc not in {own, ""} and other_hosts.append(request.url),
    )

    page.goto(f"{live_server.url}/api/docs")

    expect(page.get_by_role("heading", name="Partner Center (offline)")).to_be_visible()
    screenshot(page, "api-docs")
    assert page.evaluate("window.__violations") == []
    assert violations == []
    assert other_hosts == []
