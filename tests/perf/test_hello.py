"""`/_hello/`, the benchmark's floor: the whole middleware stack around a view that does nothing."""

from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def test_hello_answers_a_fixed_word_through_the_whole_middleware_stack(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("hello"))

    assert response.status_code == HTTPStatus.OK
    assert response.content == b"Hello"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    # The security middleware ran: the same headers as every page.
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    # A floor: no database, no session, nothing about the visitor.
    assert len(queries) == 0
    assert not response.cookies


def test_hello_tells_a_signed_in_partner_user_nothing_more(client, demo):
    client.force_login(demo.users["demo"])

    response = client.get(reverse("hello"))

    assert response.content == b"Hello"
    assert not response.cookies


def test_hello_answers_get_and_head_only(client, db):
    assert client.head(reverse("hello")).status_code == HTTPStatus.OK
    assert client.post(reverse("hello")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
