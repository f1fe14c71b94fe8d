"""`/api/v1/offers` and `/api/v1/auditrecords`: the catalog and the partner's own log."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subscriptions.demo_data import ESSENTIALS
from subscriptions.models import Offer, Operation, Subscription
from tests.api.paths import subscription_path

pytestmark = pytest.mark.django_db


def test_the_offers_of_a_market_with_their_upgrade_targets(fabrikam_api):
    us = fabrikam_api.get("/api/v1/offers", {"country": "us"}).json()
    india = fabrikam_api.get("/api/v1/offers", {"country": "IN"}).json()

    us_names = {item["name"] for item in us["items"]}
    assert us_names == {offer.name for offer in Offer.objects.all() if offer.is_sold_in("US")}
    assert {item["name"] for item in india["items"]} == {
        o.name for o in Offer.objects.all() if o.is_sold_in("IN")
    }
    assert us_names != {item["name"] for item in india["items"]}
    essentials = next(item for item in us["items"] if item["name"] == ESSENTIALS)
    targets = Offer.objects.get(name=ESSENTIALS).upgrade_paths.values_list("target_offer__sku_id", flat=True)
    assert set(essentials["upgradeTargetOffers"]) <= {str(sku).upper() for sku in targets}
    assert essentials["upgradeTargetOffers"] and essentials["country"] == "US"


@pytest.fixture
def contoso(fabrikam_api, demo) -> Subscription:
    """Contoso's subscription as it was before the demo script added a license to it (API)."""
    contoso = Subscription.objects.select_related("customer").get(
        customer=demo.customers["Contoso Ltd"], sold_by=demo.fabrikam, offer__name=ESSENTIALS
    )
    url = subscription_path(contoso)
    resource = fabrikam_api.get(url).json()
    fabrikam_api.patch(url, {**resource, "quantity": contoso.quantity + 1}, content_type="application/json")
    return contoso


def test_audit_records_are_the_partner_s_own_log(fabrikam_api, northwind_api, demo, contoso):

    fabrikams = fabrikam_api.get("/api/v1/auditrecords").json()
    northwinds = northwind_api.get("/api/v1/auditrecords").json()

    latest = fabrikams["items"][0]
    assert latest["operationType"] == "update_subscription" and latest["operationStatus"] == "succeeded"
    assert latest["customerId"] == str(contoso.customer.tenant_id) and latest["customerName"] == "Contoso Ltd"
    assert latest["applicationId"] == "Fabrikam demo script" and latest["userPrincipalName"] == ""
    assert json.loads(latest["resourceNewValue"])["quantity"] == contoso.quantity + 1
    assert json.loads(latest["resourceOldValue"])["quantity"] == contoso.quantity
    assert latest["attributes"] == {"objectType": "AuditRecord"}
    own = Operation.objects.for_partner(demo.fabrikam).count()
    assert fabrikams["totalCount"] == own
    assert {item["id"] for item in fabrikams["items"]}.isdisjoint(
        {item["id"] for item in northwinds["items"]}
    )
    assert all(item["partnerId"] == str(demo.northwind.tenant_id) for item in northwinds["items"])


def test_audit_records_follow_the_dates_asked(fabrikam_api, contoso):
    everything = fabrikam_api.get("/api/v1/auditrecords").json()
    nothing = fabrikam_api.get(
        "/api/v1/auditrecords", {"startDate": "2001-01-01T00:00:00Z", "endDate": "2001-02-01T00:00:00Z"}
    ).json()
    backwards = fabrikam_api.get(
        "/api/v1/auditrecords", {"startDate": "2030-01-01T00:00:00Z", "endDate": "2001-02-01T00:00:00Z"}
    )
    malformed = fabrikam_api.get("/api/v1/auditrecords", {"startDate": "0.5"})  # not a timestamp

    assert everything["totalCount"] > 0 and nothing["totalCount"] == 0
    assert backwards.status_code == 200 and backwards.json()["totalCount"] == 0  # an empty range
    assert malformed.status_code == 400 and malformed.json()["code"] == 800002


@pytest.mark.parametrize(
    "moment",
    [
        "0477-07-10T02:43:24+23:51",
        "0001-01-01T00:00:00+01:00",
        "0001-01-05T00:00:00Z",
        "9999-12-31T23:59:59-05:00",
    ],
)
@pytest.mark.parametrize("bound", ["startDate", "endDate"])
def test_any_iso_date_time_is_read_in_utc_and_never_fails(fabrikam_api, moment, bound):
    response = fabrikam_api.get("/api/v1/auditrecords", {bound: moment})

    assert response.status_code in {200, 400}, response.content


def queries_of(api, path: str, **query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path, query).status_code == 200
    return len(captured)


def test_the_audit_records_and_offers_cost_the_same_queries_whatever_the_page_size(fabrikam_api, demo):
    # Changes of three customers' subscriptions, so that a query per record's customer would show.
    changed = Subscription.objects.filter(sold_by=demo.fabrikam, status="active").order_by("customer")
    for subscription in {s.customer_id: s for s in changed.select_related("customer")}.values():
        resource = fabrikam_api.get(subscription_path(subscription)).json()
        fabrikam_api.patch(
            subscription_path(subscription),
            {**resource, "quantity": subscription.quantity + 1},
            content_type="application/json",
        )
    assert Operation.objects.filter(partner=demo.fabrikam).values("customer").distinct().count() > 2
    one, many = (queries_of(fabrikam_api, "/api/v1/auditrecords", size=size) for size in (1, 50))
    # The token, the throttle, the count and the page: nothing per record.
    assert one == many == 4
    # The token, the throttle and the catalog version stamp: the catalog itself is cached.
    assert queries_of(fabrikam_api, "/api/v1/offers", country="US") == 3
