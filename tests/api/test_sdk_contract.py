"""A client nobody here wrote, PyPI's `partnercenterservices` (Partner Center's generated Python
SDK), against the live server with only its base URL changed: its own deserializers read our
resources (on a 4xx it returns None, so `raw=True` only where an error is asserted)."""

import uuid

import pytest
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis
from msrest.authentication import BasicTokenAuthentication

from customers.models import Customer
from subscriptions.models import Subscription
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sdk(live_server, demo):
    credentials = BasicTokenAuthentication({"access_token": token_for("fabrikam-demo-app")})
    return MicrosoftPartnerStoreApis(credentials, base_url=f"{live_server.url}/api")


def test_the_sdk_reads_a_customer_and_its_subscriptions(sdk, demo):
    litware = demo.customers["Litware, Inc."]
    subscription = Subscription.objects.in_scope_of(demo.fabrikam).filter(customer=litware).first()

    customer = sdk.getvversioncustomerscustomer.id(str(litware.tenant_id), "1")
    listed = sdk.getvversioncustomerscustomer.value9(str(litware.tenant_id), "1")
    read = sdk.getvversioncustomerscustomer.id6(
        str(litware.tenant_id), str(subscription.subscription_id), "1"
    )

    assert customer.id == str(litware.tenant_id)
    assert customer.company_profile.company_name == "Litware, Inc."
    assert customer.company_profile.domain == litware.domain
    assert str(subscription.subscription_id) in {item.id for item in listed.items}
    assert listed.total_count == len(listed.items)
    assert read.id == str(subscription.subscription_id)
    assert read.offer_id == str(subscription.offer.sku_id).upper()
    assert read.quantity == subscription.quantity
    assert read.friendly_name == subscription.friendly_name
    assert read.commitment_end_date.date() == subscription.term_end


def test_the_sdk_sees_another_partner_s_customer_as_not_found(sdk, demo):
    foreign = (
        Customer.objects.for_partner(demo.northwind)
        .exclude(pk__in=Customer.objects.for_partner(demo.fabrikam))
        .first()
    )

    assert sdk.getvversioncustomerscustomer.id(str(foreign.tenant_id), "1") is None  # the SDK's 404
    raw = sdk.getvversioncustomerscustomer.id(str(foreign.tenant_id), "1", raw=True)
    assert raw.response.status_code == 404
    assert raw.response.json()["source"] == "PartnerFD"
    assert uuid.UUID(raw.response.headers["MS-CorrelationId"])
