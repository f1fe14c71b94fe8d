"""CSRF on every POST: without the token, 403, Django's security log, and nothing changed.

Generated from the URL patterns: every view that takes a POST, sign-in, sign-out and the
language switcher included. The refusal says what happened and how to go on: a page for a plain
POST, a message htmx puts in the page's message region for an htmx one (partnercenter/csrf.py).
"""

import logging
from http import HTTPStatus

from django.test import Client

from subscriptions.models import Operation
from tests import html
from tests.security.figures import seen
from tests.security.sweep import urls_taking_post

EXPIRED = "Nothing was changed."
RELOAD = "Reload the page"


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def test_every_post_without_the_csrf_token_is_forbidden_and_logged_as_a_security_event(
    tenancy, snapshot, caplog
):
    client = csrf_client(tenancy.viewer)
    urls = urls_taking_post(client, tenancy)
    assert {"subscriptions:upgrade", "login", "logout", "set_language"} <= {url.name for url in urls}
    client.get("/customers/")  # the CSRF cookie is there (sign-out form): only the token is missing
    assert "csrftoken" in client.cookies
    before, operations = snapshot(), Operation.objects.count()
    caplog.clear()

    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(url.path, url.data, headers=headers)
            assert seen(response.status_code) == HTTPStatus.FORBIDDEN, f"{url.name}: {url.path}"
            assert EXPIRED in response.content.decode(), f"{url.name}: {url.path}"

    assert snapshot() == before
    assert Operation.objects.count() == operations, "a CSRF failure is not the partner's activity"
    csrf_failures = [
        record
        for record in caplog.records
        if record.name == "django.security.csrf" and record.levelno == logging.WARNING
    ]
    assert len(csrf_failures) == 2 * len(urls)


def test_a_post_without_a_session_or_cookie_is_forbidden_too(tenancy):
    client = csrf_client()

    for url in urls_taking_post(client, tenancy):
        response = client.post(url.path, url.data)
        assert seen(response.status_code) == HTTPStatus.FORBIDDEN, url.name


def test_with_the_token_the_same_posts_get_past_the_csrf_check(tenancy):
    # The control of the sweep: the 403s above are CSRF's. An empty body changes nothing.
    client = csrf_client(tenancy.viewer)
    urls = urls_taking_post(client, tenancy)
    client.get("/customers/")
    token = client.cookies["csrftoken"].value

    for url in sorted(urls, key=lambda url: url.name == "logout"):  # sign out last
        response = client.post(url.path, {"csrfmiddlewaretoken": token})
        assert seen(response.status_code) not in {HTTPStatus.FORBIDDEN, HTTPStatus.INTERNAL_SERVER_ERROR}, (
            url.name
        )
    htmx = client.post(urls[0].path, {}, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert seen(htmx.status_code) != HTTPStatus.FORBIDDEN


def stale_token_client(tenancy) -> tuple[Client, str]:
    """A tab's token from before a sign-out and sign-in in another tab: signing in rotated it."""
    client = csrf_client(tenancy.viewer)
    client.get("/customers/")
    stale = client.cookies["csrftoken"].value
    client.post("/accounts/logout/", {"csrfmiddlewaretoken": stale})
    signed_in = client.post(
        "/accounts/login/",
        {"username": "demo", "password": tenancy.demo.passwords["demo"], "csrfmiddlewaretoken": stale},
    )
    assert signed_in.status_code == HTTPStatus.FOUND
    assert client.cookies["csrftoken"].value != stale
    return client, stale


def reload_links(document) -> list[str]:
    return [a.attrs["href"] for a in document.find_all("a") if a.text == RELOAD]


def csrf_warnings(caplog) -> list:
    return [r for r in caplog.records if r.name == "django.security.csrf" and r.levelno == logging.WARNING]


def test_an_htmx_submit_with_a_token_rotated_meanwhile_shows_a_message_with_a_reload_link(tenancy, caplog):
    client, stale = stale_token_client(tenancy)
    page = f"/subscriptions/{tenancy.own_subscription.pk}/upgrade/"
    caplog.clear()

    response = client.post(
        page,
        {"quantity": "3"},
        headers={
            "HX-Request": "true",
            "X-CSRFToken": stale,
            "HX-Current-URL": f"http://testserver{page}?quantity=3",
        },
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    # Put where every page shows its messages, not in the form's place (static/js/session.js
    # lets htmx swap this 403).
    assert response["HX-Retarget"] == "#main > .messages"
    assert response["HX-Reswap"].startswith("innerHTML")
    fragment = html.parse(response.content.decode())
    assert fragment.find_all("html") == [], "a message, not a whole page"
    assert EXPIRED in fragment.find(class_="message--error").text
    assert reload_links(fragment) == [f"{page}?quantity=3"]
    assert len(csrf_warnings(caplog)) == 1, "still logged as a security event"


def test_a_plain_submit_with_a_token_rotated_meanwhile_gets_a_page_with_a_link_back_to_its_form(
    tenancy, caplog
):
    client, stale = stale_token_client(tenancy)
    page = f"/subscriptions/{tenancy.own_subscription.pk}/upgrade/"
    caplog.clear()

    response = client.post(
        page, {"quantity": "3", "csrfmiddlewaretoken": stale}, headers={"Referer": f"http://testserver{page}"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "HX-Retarget" not in response
    document = html.parse(response.content.decode())
    assert document.find("h1").text == "This page has expired"
    assert EXPIRED in document.find("main").text
    assert reload_links(document) == [page]
    assert response["Cache-Control"] == "private, no-store"
    assert len(csrf_warnings(caplog)) == 1


def test_the_reload_link_never_leads_off_the_site(tenancy):
    client, stale = stale_token_client(tenancy)
    page = f"/subscriptions/{tenancy.own_subscription.pk}/upgrade/"

    plain = client.post(
        page, {"csrfmiddlewaretoken": stale}, headers={"Referer": "https://attacker.example/x"}
    )
    htmx = client.post(
        page,
        {},
        headers={"HX-Request": "true", "X-CSRFToken": stale, "HX-Current-URL": "http://attacker.example/"},
    )

    for response in (plain, htmx):
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert reload_links(html.parse(response.content.decode())) == ["/"]
