"""`/api/v1/customers`: the partner's customers, Partner Center's shapes, its paging, its tenancy."""

import uuid

import pytest
from django.core.management import call_command

from customers.models import Customer, Partner, tenant_id_for
from subscriptions.demo_data import FABRIKAM, NORTHWIND

pytestmark = pytest.mark.django_db

ENVELOPE_KEYS = {"code", "description", "data", "source"}


def names(collection: dict) -> list[str]:
    return [item["companyProfile"]["companyName"] for item in collection["items"]]


def test_the_list_has_the_partner_s_customers_and_no_one_else_s(fabrikam_api, northwind_api):
    fabrikam = fabrikam_api.get("/api/v1/customers").json()
    northwind = northwind_api.get("/api/v1/customers").json()

    own = Customer.objects.for_partner(Partner.objects.get(name=FABRIKAM))
    assert sorted(names(fabrikam)) == sorted(own.values_list("name", flat=True))
    assert fabrikam["totalCount"] == own.count()
    assert sorted(names(northwind)) == sorted(
        Customer.objects.for_partner(Partner.objects.get(name=NORTHWIND)).values_list("name", flat=True)
    )


def test_a_customer_is_partner_center_s_resource(fabrikam_api, demo):
    litware = demo.customers["Litware, Inc."]

    response = fabrikam_api.get(f"/api/v1/customers/{litware.tenant_id}")

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": str(litware.tenant_id),
        "companyProfile": {
            "tenantId": str(litware.tenant_id),
            "domain": litware.domain,
            "companyName": "Litware, Inc.",
            "attributes": {"objectType": "CustomerCompanyProfile"},
        },
        "relationshipToPartner": "reseller",
        "allowDelegatedAccess": True,
        "links": {"self": {"uri": f"/customers/{litware.tenant_id}", "method": "GET", "headers": []}},
        "attributes": {"objectType": "Customer"},
    }
    listed = fabrikam_api.get("/api/v1/customers").json()
    assert body in listed["items"] and listed["attributes"] == {"objectType": "Collection"}


def test_another_partner_s_customer_and_an_unknown_one_are_the_same_404(fabrikam_api, demo):
    # A customer of Northwind's that is not Fabrikam's too (some customers have both).
    northwind_customer = (
        Customer.objects.for_partner(demo.northwind)
        .exclude(pk__in=Customer.objects.for_partner(demo.fabrikam))
        .first()
    )

    foreign = fabrikam_api.get(f"/api/v1/customers/{northwind_customer.tenant_id}")
    unknown = fabrikam_api.get(f"/api/v1/customers/{uuid.uuid4()}")

    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()
    assert foreign.json().keys() == ENVELOPE_KEYS
    assert northwind_customer.name not in foreign.content.decode()


def test_a_malformed_tenant_id_is_invalid_input(fabrikam_api):
    response = fabrikam_api.get("/api/v1/customers/not-a-uuid")

    assert response.status_code == 400
    assert response.json()["code"] == 800002 and response.json()["data"]


def test_pages_follow_the_continuation_token_of_links_next(fabrikam_api):
    first = fabrikam_api.get("/api/v1/customers", {"size": 2}).json()
    token = next(
        header["value"]
        for header in first["links"]["next"]["headers"]
        if header["key"] == "MS-ContinuationToken"
    )
    second = fabrikam_api.get(
        "/api/v1/customers", {"size": 2}, headers={"MS-ContinuationToken": token}
    ).json()
    everyone = fabrikam_api.get("/api/v1/customers").json()

    assert len(first["items"]) == len(second["items"]) == 2
    assert names(first) + names(second) == names(everyone)[:4]
    assert first["totalCount"] == second["totalCount"] == everyone["totalCount"]
    assert "next" not in everyone["links"] or everyone["links"]["next"] is None


@pytest.mark.parametrize(("size", "token"), [(0, None), (501, None), (2, "forged"), (2, "MQ")])
def test_a_bad_size_or_a_forged_continuation_token_is_invalid_input(fabrikam_api, size, token):
    headers = {"MS-ContinuationToken": token} if token else {}

    response = fabrikam_api.get("/api/v1/customers", {"size": size}, headers=headers)

    assert response.status_code == 400 and response.json()["code"] == 800002


def test_an_unknown_method_is_a_405_in_the_envelope(fabrikam_api):
    response = fabrikam_api.delete("/api/v1/customers")

    assert response.status_code == 405
    assert response.json()["code"] == 405 and "DELETE" in response.json()["description"]


def test_tenant_ids_are_the_same_after_every_seed(demo):
    before = dict(Customer.objects.values_list("domain", "tenant_id"))
    partners = dict(Partner.objects.values_list("name", "tenant_id"))

    call_command("seed_demo", reset=True, allow_demo_passwords=True, verbosity=0)

    assert dict(Customer.objects.values_list("domain", "tenant_id")) == before
    assert dict(Partner.objects.values_list("name", "tenant_id")) == partners
    assert all(tenant_id == tenant_id_for("customer", domain) for domain, tenant_id in before.items())
