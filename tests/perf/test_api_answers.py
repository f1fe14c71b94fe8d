"""The API's GETs answered as JSON directly (api/answers.py) are what ninja's validation against
their declared `response=` schema would have written, byte for byte; their query counts are
pinned (BENCHMARKS.md, "The API").

Validating an answer through its schema and encoding the result as ninja does
(`NinjaJSONEncoder`) gives the same bytes only if every field is there with its declared type,
in the declared order, and nothing else is: the answer conforms to the schema the OpenAPI
document declares, and a client sees what it saw when ninja wrote it.
"""

import datetime
import json
import re

import pytest
from ninja.responses import NinjaJSONEncoder

from api import schemas
from customers.models import Customer, DelegatedAdminGrant, ResellerRelationship
from partnercenter import clock
from subscriptions.models import Subscription
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db

UTC_MIDNIGHT = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00Z$")


@pytest.fixture
def api(demo) -> ApiClient:
    return ApiClient(token_for("fabrikam-demo-app"))


def as_ninja_writes_it(schema, content: bytes) -> bytes:
    """`content` validated through `schema`, dumped and encoded as ninja's JSONRenderer does."""
    validated = schema.model_validate(json.loads(content))
    return json.dumps(validated.model_dump(), cls=NinjaJSONEncoder).encode()


def pages(api, url: str, size: int) -> list:
    """Every page of a collection, following `links.next` and its continuation token."""
    answers, headers = [], {}
    while True:
        response = api.get(url, {"size": size}, headers=headers)
        assert response.status_code == 200, response.content
        answers.append(response)
        following = response.json()["links"]["next"]
        if following is None:
            return answers
        headers = {header["key"]: header["value"] for header in following["headers"]}


def busiest_customer(demo) -> Customer:
    """Fabrikam's customer with the most subscriptions in its scope: a page each, several pages."""
    in_scope = Subscription.objects.in_scope_of(demo.fabrikam)
    return max(Customer.objects.for_partner(demo.fabrikam), key=lambda c: in_scope.filter(customer=c).count())


def test_every_page_of_the_customers_is_what_the_schema_writes(api, demo):
    answers = pages(api, "/api/v1/customers", size=3)

    assert len(answers) > 1
    for response in answers:
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.content == as_ninja_writes_it(schemas.CustomerCollection, response.content)
    # The last page says `"next": null`, as the schema always wrote it.
    assert b'"next": null' in answers[-1].content
    listed = [item["id"] for response in answers for item in response.json()["items"]]
    own = Customer.objects.for_partner(demo.fabrikam).order_by("name", "pk")
    assert listed == [str(customer.tenant_id) for customer in own]


def test_every_page_of_a_customer_s_subscriptions_is_what_the_schema_writes(api, demo):
    customer = busiest_customer(demo)
    url = f"/api/v1/customers/{customer.tenant_id}/subscriptions"

    answers = pages(api, url, size=1)

    assert len(answers) > 1
    items = [item for response in answers for item in response.json()["items"]]
    for response in answers:
        assert response.content == as_ninja_writes_it(schemas.SubscriptionCollection, response.content)
    in_scope = Subscription.objects.in_scope_of(demo.fabrikam).filter(customer=customer)
    assert [item["id"] for item in items] == [
        str(s.subscription_id) for s in in_scope.order_by("friendly_name", "pk")
    ]
    for item in items:
        subscription = in_scope.select_related("sold_by").get(subscription_id=item["id"])
        assert item["partnerId"] == str(subscription.sold_by.tenant_id)
        assert item["attributes"]["etag"] == str(subscription.version)
        for key in ("creationDate", "effectiveStartDate", "commitmentEndDate"):
            assert UTC_MIDNIGHT.match(item[key]), item[key]  # ISO 8601, UTC


def test_a_subscription_and_a_customer_are_what_the_schema_writes_with_their_headers(api, demo):
    customer = busiest_customer(demo)
    subscription = Subscription.objects.in_scope_of(demo.fabrikam).filter(customer=customer).first()
    correlation = "0e4c4e0c-7e0e-4b8a-9e0e-000000000001"

    read = api.get(
        f"/api/v1/customers/{customer.tenant_id}/subscriptions/{subscription.subscription_id}",
        headers={"MS-CorrelationId": correlation},
    )
    profile = api.get(f"/api/v1/customers/{customer.tenant_id}")

    assert read.content == as_ninja_writes_it(schemas.Subscription, read.content)
    assert read["ETag"] == f'"{subscription.version}"'
    assert read["MS-CorrelationId"] == correlation  # api/middleware.py still sees the answer
    assert read["Content-Language"] == "en"
    assert profile.content == as_ninja_writes_it(schemas.Customer, profile.content)


def test_allow_delegated_access_is_the_grant_s_counts_on_for_every_state_of_a_grant(api, demo):
    today = clock.today()
    states = [
        {"status": DelegatedAdminGrant.Status.ACTIVE, "end_date": None},
        {"status": DelegatedAdminGrant.Status.ACTIVE, "end_date": today},
        {"status": DelegatedAdminGrant.Status.ACTIVE, "end_date": today - datetime.timedelta(days=1)},
        {"status": DelegatedAdminGrant.Status.EXPIRED, "end_date": None},
        {"status": DelegatedAdminGrant.Status.TERMINATED, "end_date": today + datetime.timedelta(days=9)},
    ]
    grants = list(DelegatedAdminGrant.objects.filter(partner=demo.fabrikam).order_by("pk"))
    assert len(grants) > len(states)
    for grant, state in zip(grants, states, strict=False):
        DelegatedAdminGrant.objects.filter(pk=grant.pk).update(**state)
    DelegatedAdminGrant.objects.filter(pk=grants[len(states)].pk).delete()  # a customer without one

    items = api.get("/api/v1/customers").json()["items"]
    listed = {item["id"]: item["allowDelegatedAccess"] for item in items}

    counting = {
        str(grant.customer.tenant_id)
        for grant in DelegatedAdminGrant.objects.filter(partner=demo.fabrikam).select_related("customer")
        if grant.counts_on(today)
    }
    assert {tenant for tenant, delegated in listed.items() if delegated} == counting
    for grant in grants[: len(states) + 1]:
        tenant = str(grant.customer.tenant_id)
        assert api.get(f"/api/v1/customers/{tenant}").json()["allowDelegatedAccess"] == (tenant in counting)


def test_the_lists_query_counts(api, demo, django_assert_num_queries):
    customer = busiest_customer(demo)
    url = f"/api/v1/customers/{customer.tenant_id}/subscriptions"
    empty = Customer.objects.create(name="No subscriptions yet", domain="empty.example", market="US")
    ResellerRelationship.objects.create(partner=demo.fabrikam, customer=empty)
    foreign = (
        Customer.objects.for_partner(demo.northwind)
        .exclude(pk__in=Customer.objects.for_partner(demo.fabrikam))
        .first()
    )

    # The token and the throttle's count (the API floor's two), then the count and the page
    # (the customers' grants a column of it).
    with django_assert_num_queries(4):
        assert api.get("/api/v1/customers", {"size": 2}).status_code == 200
    # No lookup of the customer: a subscription in the scope proves it the partner's.
    with django_assert_num_queries(4):
        assert api.get(url, {"size": 2}).status_code == 200
    # An empty list: no page to read, the customer looked up to tell it from a 404.
    with django_assert_num_queries(4):
        response = api.get(f"/api/v1/customers/{empty.tenant_id}/subscriptions")
    assert response.status_code == 200 and response.json()["items"] == []
    with django_assert_num_queries(4):
        assert api.get(f"/api/v1/customers/{foreign.tenant_id}/subscriptions").status_code == 404
    # Out of reach comes before a forged continuation token, as when the customer was read first.
    forged = {"MS-ContinuationToken": "forged"}
    assert api.get(f"/api/v1/customers/{foreign.tenant_id}/subscriptions", headers=forged).status_code == 404
    assert api.get(url, headers=forged).status_code == 400
