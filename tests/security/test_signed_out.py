"""A signed-out visitor of a partner page gets the real sign-in page, which brings them back.

A plain request is redirected to it. An htmx request (a live preview, a search as you type, a
Submit) gets `HX-Redirect` to it instead, with `next` the page the partner is on, read from
`HX-Current-URL` when that is a page of this site: htmx would follow a 302 inside the request
and paste the sign-in page into the fragment's target.
"""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from subscriptions.models import Subscription
from tests.security.figures import seen
from tests.security.sweep import ACCOUNT_VIEWS, own_urls

LOGIN = "/accounts/login/"


def htmx(current_url: str | None, **more) -> dict:
    headers = {"HX-Request": "true", **more}
    if current_url is not None:
        headers["HX-Current-URL"] = current_url
    return headers


@pytest.fixture
def contoso_subscription(demo) -> Subscription:
    return Subscription.objects.filter(
        customer=demo.customers["Contoso Ltd"], sold_by=demo.fabrikam, status=Subscription.Status.ACTIVE
    ).first()


def assert_sent_to_sign_in(response, next_url: str) -> None:
    assert seen(response.status_code) == HTTPStatus.OK
    assert response["HX-Redirect"] == f"{LOGIN}?next={next_url}"
    assert "Location" not in response, "htmx would follow a redirect inside the request"
    assert response.content == b"", "no sign-in page pasted into the current page"
    assert response["Cache-Control"] == "private, no-store"
    assert "HX-Request" in response["Vary"]


def test_the_upgrade_pages_live_preview_while_signed_out_sends_the_tab_to_sign_in_and_back(
    client, contoso_subscription
):
    page = reverse("subscriptions:upgrade", args=[contoso_subscription.pk])

    response = client.get(f"{page}?quantity=3", headers=htmx(f"http://testserver{page}"))

    assert_sent_to_sign_in(response, page)


def test_submit_while_signed_out_sends_the_tab_to_sign_in_and_back(client, contoso_subscription):
    page = reverse("subscriptions:upgrade", args=[contoso_subscription.pk])

    response = client.post(page, {"quantity": "3"}, headers=htmx(f"http://testserver{page}"))

    assert_sent_to_sign_in(response, page)


def test_the_search_as_you_type_comes_back_to_the_search_the_address_bar_showed(client, db):
    response = client.get("/customers/?q=Conto", headers=htmx("http://testserver/customers/?q=Con"))

    assert_sent_to_sign_in(response, "/customers/%3Fq%3DCon")


@pytest.mark.parametrize(
    "current_url",
    [
        "https://attacker.example/customers/",
        "http://attacker.example/customers/",
        "https://testserver/customers/",  # another scheme is another origin
        "http://testserver.attacker.example/customers/",
        "http://testserver//attacker.example/customers/",
        "http://testserver/\\attacker.example/",
        "javascript:alert(1)",
        "not a url",
        "",
        None,
    ],
)
def test_a_current_url_of_another_origin_or_none_brings_the_partner_to_the_site_root(client, db, current_url):
    response = client.get("/customers/?q=Conto", headers=htmx(current_url))

    assert_sent_to_sign_in(response, "/")


def test_the_sign_in_page_it_sends_to_brings_the_partner_back_to_the_page(client, demo, contoso_subscription):
    page = reverse("subscriptions:upgrade", args=[contoso_subscription.pk])
    hx_redirect = client.get(page, headers=htmx(f"http://testserver{page}"))["HX-Redirect"]

    sign_in = client.get(hx_redirect)
    assert sign_in.status_code == HTTPStatus.OK
    assert f'name="next" value="{page}"' in sign_in.content.decode()
    signed_in = client.post(
        hx_redirect, {"username": "demo", "password": demo.passwords["demo"], "next": page}
    )

    assert signed_in.status_code == HTTPStatus.FOUND
    assert signed_in["Location"] == page


def test_a_plain_visit_is_still_redirected_to_sign_in_with_the_page_as_next(client, db):
    response = client.get("/customers/?q=Conto")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{LOGIN}?next=/customers/%3Fq%3DConto"
    assert "HX-Redirect" not in response
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_wants_a_whole_page_so_it_gets_the_plain_redirect(client, db):
    # htmx swaps what a history restore gets into the body and obeys no HX-Redirect there.
    response = client.get(
        "/customers/?q=Conto",
        headers=htmx("http://testserver/customers/", **{"HX-History-Restore-Request": "true"}),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{LOGIN}?next=/customers/%3Fq%3DConto"


def test_every_partner_url_answers_a_signed_out_htmx_request_with_hx_redirect(tenancy):
    anonymous = Client()
    page = "http://testserver/customers/?q=x"
    partner_urls = [url for url in own_urls(tenancy) if url.name not in ACCOUNT_VIEWS | {"hello"}]
    assert {"customers:list", "subscriptions:upgrade", "subscriptions:detail"} <= {
        u.name for u in partner_urls
    }

    for url in partner_urls:
        for response in (
            anonymous.get(url.path, headers=htmx(page)),
            anonymous.post(url.path, url.data, headers=htmx(page)),
        ):
            if response.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
                continue
            assert response.get("HX-Redirect") == f"{LOGIN}?next=/customers/%3Fq%3Dx", url.name
            assert response.content == b"", url.name
