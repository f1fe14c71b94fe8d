"""Throttling per partner, and per partner and customer for writes, counted in the database."""

import pytest
from django.test import Client

from api.models import RateWindow
from subscriptions.demo_data import ESSENTIALS
from subscriptions.models import Subscription

pytestmark = pytest.mark.django_db


def test_past_the_partner_s_limit_a_request_is_429_with_retry_after(fabrikam_api, northwind_api, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    answers = [fabrikam_api.get("/api/v1/customers") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == 429 and refused.json()["source"] == "PartnerFD"
    assert northwind_api.get("/api/v1/customers").status_code == 200  # its own count


def test_writes_are_counted_per_customer_too(fabrikam_api, demo, settings):
    settings.API_WRITES_PER_MINUTE = 1
    contoso = Subscription.objects.select_related("customer").get(
        customer=demo.customers["Contoso Ltd"], sold_by=demo.fabrikam, offer__name=ESSENTIALS
    )
    url = f"/api/v1/customers/{contoso.customer.tenant_id}/subscriptions/{contoso.subscription_id}"
    resource = fabrikam_api.get(url).json()

    first = fabrikam_api.patch(
        url, {**resource, "quantity": resource["quantity"] + 1}, content_type="application/json"
    )
    second = fabrikam_api.patch(
        url, {**resource, "quantity": resource["quantity"] + 2}, content_type="application/json"
    )

    assert (first.status_code, second.status_code) == (200, 429)
    contoso.refresh_from_db()
    assert contoso.quantity == resource["quantity"] + 1
    assert fabrikam_api.get(url).status_code == 200  # reads go on


def test_the_count_is_one_row_per_key_that_starts_again_each_minute(fabrikam_api, settings):
    fabrikam_api.get("/api/v1/customers")
    fabrikam_api.get("/api/v1/customers")
    window = RateWindow.objects.get(key__startswith="partner:")
    assert window.count == 2

    RateWindow.objects.filter(pk=window.pk).update(minute=window.minute - 1)  # a minute later
    fabrikam_api.get("/api/v1/customers")

    assert RateWindow.objects.get(pk=window.pk).count == 1
    assert RateWindow.objects.count() == 1


def test_guessing_client_secrets_is_slowed_per_client_id_and_per_address(demo, settings):
    settings.API_TOKEN_FAILURES_PER_MINUTE = 2
    guess = {"grant_type": "client_credentials", "client_id": "fabrikam-demo-app", "client_secret": "guess"}
    right = {**guess, "client_secret": "fabrikam-demo-secret"}

    answers = [Client().post("/api/oauth2/token", guess).status_code for _ in range(3)]
    locked = Client().post("/api/oauth2/token", right)
    other_client_same_address = Client().post(
        "/api/oauth2/token", {**guess, "client_id": "northwind-demo-app"}
    )
    elsewhere = Client(REMOTE_ADDR="10.0.0.9").post(
        "/api/oauth2/token",
        {**right, "client_id": "northwind-demo-app", "client_secret": "northwind-demo-secret"},
    )

    assert answers == [401, 401, 429]
    assert locked.status_code == 429 and 1 <= int(locked["Retry-After"]) <= 60
    assert locked.json()["error"] == "temporarily_unavailable"
    assert other_client_same_address.status_code == 429  # the address is counted too
    assert elsewhere.status_code == 200  # another client from another address
