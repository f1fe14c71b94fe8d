"""Headers and deployment: a strict Content-Security-Policy on every page, nothing inline that it
would have to allow, and production settings (from environment variables) that pass Django's
deployment checklist and make the site HTTPS-only.
"""

import json
import re
from collections import Counter
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.security import processes
from tests.security.figures import seen
from tests.security.patterns import accepts_post
from tests.security.processes import BASE_DIR, run_with
from tests.security.registry import TENANCY_REGISTRY
from tests.security.sweep import ACCOUNT_VIEWS, own_urls, text_of

PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "test-" + "k3y-for-the-deploy-check-only-" * 3,
    "ALLOWED_HOSTS": "partnercenter.example.com",
}
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "X_FRAME_OPTIONS",
    "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "AXES_ENABLED",
]


def settings_under(environment: dict) -> dict:
    return processes.settings_under(environment, SECURITY_SETTINGS)


# --- Production settings --------------------------------------------------------------------


@pytest.fixture(scope="module")
def production() -> dict:
    return settings_under(PRODUCTION)


def test_production_is_https_only_with_hsts_secure_cookies_and_strict_framing(production):
    assert production == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "AXES_ENABLED": True,
    }


def test_behind_a_tls_proxy_the_forwarded_protocol_is_trusted():
    behind_proxy = settings_under({**PRODUCTION, "BEHIND_TLS_PROXY": "True"})

    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert behind_proxy["SECURE_SSL_REDIRECT"] is True


def test_the_production_configuration_over_plain_http_drops_only_what_needs_https(production):
    # `make serve`: the production configuration on a laptop, without TLS.
    plain_http = settings_under({**PRODUCTION, "HTTPS": "False"})

    https_only = {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "LANGUAGE_COOKIE_SECURE": False,
    }
    assert plain_http == {**production, **https_only}


def test_the_local_demo_defaults_are_not_https_only():
    local = settings_under({})

    assert local["DEBUG"] is True
    assert local["SECURE_SSL_REDIRECT"] is False
    assert local["SECURE_HSTS_SECONDS"] == 0


def test_the_production_configuration_passes_djangos_deployment_checklist():
    result = run_with(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deployment_checklist_fails_production_with_a_weak_secret_key():
    # The control: the check bites.
    result = run_with(
        {**PRODUCTION, "SECRET_KEY": "short"}, "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_production_refuses_to_start_without_its_own_secret_key():
    # The local demo's fallback key is public: with DEBUG off, no key is no start.
    without_key = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}

    result = run_with(without_key, "manage.py", "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: Set SECRET_KEY (a long random string) when DEBUG is off." in result.stderr


@pytest.fixture
def production_settings(settings, production):
    for name, value in production.items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    return settings


def test_production_redirects_plain_http_and_sends_the_security_headers(production_settings, db):
    client = Client()

    plain = client.get("/accounts/login/")
    response = client.get("/accounts/login/", secure=True)

    assert seen(plain.status_code) == HTTPStatus.MOVED_PERMANENTLY
    assert plain["Location"] == "https://testserver/accounts/login/"
    assert seen(response.status_code) == HTTPStatus.OK
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response


def test_production_cookies_are_secure_and_the_session_cookie_is_out_of_scripts_reach(
    production_settings, tenancy
):
    client = Client()
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/",
        {"username": "demo", "password": tenancy.demo.passwords["demo"]},
        secure=True,
    )

    assert seen(response.status_code) == HTTPStatus.FOUND
    session, csrf = response.cookies["sessionid"], response.cookies["csrftoken"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert csrf["secure"] and csrf["samesite"] == "Lax"


# --- Caching -------------------------------------------------------------------------------

PRIVATE = "private, no-store"
# Every other URL is a partner's: its answers carry customer data.
NOT_A_PARTNERS = ACCOUNT_VIEWS | {"hello"}


def test_every_partner_answer_is_kept_out_of_shared_and_browser_caches(
    tenancy, viewer_client, billing_client
):
    anonymous = Client()
    statuses = Counter()
    partner_urls = [url for url in own_urls(tenancy) if url.name not in NOT_A_PARTNERS]
    assert {"customers:list", "subscriptions:operation-csv", "subscriptions:activity-csv"} <= {
        url.name for url in partner_urls
    }
    for url in partner_urls:
        responses = [
            viewer_client.get(url.path),
            viewer_client.get(url.path, headers={"HX-Request": "true"}),
            anonymous.get(url.path),
        ]
        if accepts_post(viewer_client, url.path):
            responses += [
                # A read-only role is refused before the view (403); the agent's POST answers
                # with the page, its fragment or a redirect.
                billing_client.post(url.path, url.data),
                viewer_client.post(url.path, url.data, headers={"HX-Request": "true"}),
                viewer_client.post(url.path, url.data),
            ]
        route = TENANCY_REGISTRY.get(url.name)
        for foreign in route.foreign.values() if route else ():
            responses.append(viewer_client.get(reverse(url.name, kwargs=foreign(tenancy))))
        for response in responses:
            assert seen(response.status_code) < HTTPStatus.INTERNAL_SERVER_ERROR, url.name
            assert response.get("Cache-Control") == PRIVATE, (url.name, response.status_code)
            if response.streaming:
                text_of(response)
            statuses[response.status_code] += 1
    assert {HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND} <= set(statuses)


# --- Content-Security-Policy ----------------------------------------------------------------


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def nonce_of(policy: dict) -> str | None:
    nonces = [value for value in policy["script-src"] if value.startswith("'nonce-")]
    return nonces[0].removeprefix("'nonce-").removesuffix("'") if nonces else None


def inline_code_in(html: str, nonce: str) -> list[str]:
    """What a strict CSP would block in a page: scripts and styles without our nonce or URL,
    style attributes, event-handler attributes, htmx expressions."""
    problems = []
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" not in tag and f'nonce="{nonce}"' not in tag:
            problems.append(tag)
        if re.search(r"""src=["'](?!/static/|\{% static )""", tag):
            problems.append(f"script from elsewhere: {tag}")
    for tag in re.findall(r"<style\b[^>]*>", html):
        if f'nonce="{nonce}"' not in tag:
            problems.append(tag)
    problems += re.findall(r"<[^>]*\sstyle=[^>]*>", html)
    problems += re.findall(r"<[^>]*\son[a-z]+=[^>]*>", html)
    problems += re.findall(r"<[^>]*\s(?:hx-on\S*|hx-vars)=[^>]*>", html)
    problems += re.findall(r"""<[^>]*=\s*["'](?:js|javascript):[^>]*>""", html)
    return problems


def test_every_page_has_a_strict_policy_and_nothing_inline_it_would_have_to_allow(tenancy, viewer_client):
    pages = [url for url in own_urls(tenancy) if url.name not in {"logout", "set_language"}]
    checked = 0
    for url in pages:
        for headers in ({}, {"HX-Request": "true"}):
            response = viewer_client.get(url.path, headers=headers)
            assert seen(response.status_code) < HTTPStatus.INTERNAL_SERVER_ERROR, url.name
            policy = policy_of(response)
            # The nonce is in the policy when the page used it.
            assert policy["script-src"][0] == "'self'" and len(policy["script-src"]) <= 2, url.name
            assert policy["style-src"] == policy["script-src"], url.name
            assert policy["default-src"] == ["'self'"]
            assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
            assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
            assert "unsafe" not in response["Content-Security-Policy"]
            if response.get("Content-Type", "").startswith("text/html") and response.status_code == 200:
                assert not inline_code_in(response.content.decode(), nonce_of(policy)), url.name
                checked += 1
    assert checked >= 10
    for status_page in ("/no-such-page/", reverse("customers:detail", args=[tenancy.foreign_customer.pk])):
        response = viewer_client.get(status_page)
        assert seen(response.status_code) == HTTPStatus.NOT_FOUND
        assert "unsafe" not in response["Content-Security-Policy"]
        assert not inline_code_in(response.content.decode(), nonce_of(policy_of(response)))


def test_the_sign_in_page_and_the_error_pages_have_the_policy_too(db):
    response = Client().get("/accounts/login/")

    assert "'nonce-" in policy_of(response)["script-src"][1]
    assert not inline_code_in(response.content.decode(), nonce_of(policy_of(response)))


def project_sources(*suffixes: str) -> list[Path]:
    skipped = {".venv", "staticfiles", "test-artifacts", "node_modules", ".git", "tests", "bench"}
    return [
        path
        for suffix in suffixes
        for path in BASE_DIR.rglob(f"*{suffix}")
        if not skipped & set(path.relative_to(BASE_DIR).parts)
    ]


def test_no_template_has_inline_script_style_or_htmx_expressions():
    templates = project_sources(".html")
    assert len(templates) >= 10

    problems = {}
    for template in templates:
        text = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", template.read_text(), flags=re.S)
        found = inline_code_in(text, nonce="{{ csp_nonce }}")
        found += re.findall(r"\bjs:", text)
        found += re.findall(r'hx-trigger="[^"]*\[', text)  # event filters are evaluated code
        if found:
            problems[str(template.relative_to(BASE_DIR))] = found
    assert not problems


def test_our_scripts_evaluate_no_strings_as_code():
    scripts = [path for path in project_sources(".js") if not path.name.endswith(".min.js")]
    assert scripts

    for script in scripts:
        text = script.read_text()
        assert not re.search(
            r"\beval\s*\(|new\s+Function\s*\(|set(?:Timeout|Interval)\s*\(\s*[\"'`]", text
        ), script
        assert not re.search(r"setAttribute\(\s*[\"']style[\"']", text), script


def test_htmx_is_told_to_inject_no_style_and_evaluate_no_code():
    base = (BASE_DIR / "templates" / "base.html").read_text()

    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", base).group(1))
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False


@pytest.mark.parametrize(
    "planted",
    [
        "<script>alert(1)</script>",
        '<script src="https://cdn.example/htmx.js"></script>',
        "<style>p{}</style>",
        '<p style="color:red">',
        '<button onclick="go()">',
        '<form hx-on::after-request="reset()">',
        "<div hx-vals='js:{a: 1}'>",
        '<a href="javascript:go()">',
    ],
)
def test_the_scan_finds_what_a_strict_policy_blocks(planted):
    assert inline_code_in(f"<body>{planted}</body>", nonce="n0nce")
    assert not inline_code_in(
        '<script src="/static/js/app.js" nonce="n0nce"></script><style nonce="n0nce">', "n0nce"
    )
