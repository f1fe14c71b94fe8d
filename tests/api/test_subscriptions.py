"""`/api/v1/customers/{c}/subscriptions`: Partner Center's Subscription resource, its ETag, its 20003."""

import uuid

import pytest

from subscriptions.models import Subscription

pytestmark = pytest.mark.django_db


def url(customer, subscription=None) -> str:
    base = f"/api/v1/customers/{customer.tenant_id}/subscriptions"
    return f"{base}/{subscription.subscription_id}" if subscription else base


def test_a_customer_s_subscriptions_are_those_the_pages_show(fabrikam_api, demo):
    litware = demo.customers["Litware, Inc."]

    body = fabrikam_api.get(url(litware)).json()

    shown = Subscription.objects.in_scope_of(demo.fabrikam).filter(customer=litware)
    assert sorted(item["id"] for item in body["items"]) == sorted(str(s.subscription_id) for s in shown)
    assert body["totalCount"] == shown.count() and body["attributes"] == {"objectType": "Collection"}


def test_a_subscription_is_partner_center_s_resource_with_its_etag(fabrikam_api, demo):
    litware = demo.customers["Litware, Inc."]
    subscription = Subscription.objects.in_scope_of(demo.fabrikam).filter(customer=litware).first()

    response = fabrikam_api.get(url(litware, subscription))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(subscription.subscription_id)
    assert body["offerId"] == str(subscription.offer.sku_id).upper()
    assert body["offerName"] == subscription.offer.name
    assert body["friendlyName"] == subscription.friendly_name
    assert body["quantity"] == subscription.quantity
    assert body["status"] == subscription.status
    assert body["partnerId"] == str(demo.fabrikam.tenant_id)
    # Date-times in UTC: Partner Center's clients cannot parse a date alone.
    assert body["commitmentEndDate"] == f"{subscription.term_end.isoformat()}T00:00:00Z"
    assert body["attributes"] == {"etag": str(subscription.version), "objectType": "Subscription"}
    assert response["ETag"] == f'"{subscription.version}"'

    Subscription.objects.filter(pk=subscription.pk).update(quantity=subscription.quantity + 1)
    assert fabrikam_api.get(url(litware, subscription))["ETag"] == f'"{subscription.version + 1}"'


def test_another_partner_s_subscription_is_20003_like_an_unknown_one(fabrikam_api, northwind_api, demo):
    litware = demo.customers["Litware, Inc."]
    fabrikams = Subscription.objects.in_scope_of(demo.fabrikam).filter(customer=litware).first()

    foreign = northwind_api.get(url(litware, fabrikams))
    unknown = fabrikam_api.get(f"{url(litware)}/{uuid.uuid4()}")

    assert foreign.status_code == 404  # Northwind does not see Litware at all
    assert unknown.status_code == 404 and unknown.json()["code"] == 20003
    assert fabrikams.friendly_name not in foreign.content.decode()
