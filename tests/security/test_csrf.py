"""CSRF on every POST: without the token, 403, Django's security log, and nothing changed.

Generated from the URL patterns: every view that takes a POST, sign-in, sign-out and the
language switcher included.
"""

import logging
from http import HTTPStatus

from django.test import Client

from subscriptions.models import Operation
from tests.security.figures import seen
from tests.security.sweep import urls_taking_post


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
            assert "CSRF verification failed" in response.content.decode()

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
