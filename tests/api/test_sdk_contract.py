"""A client nobody here wrote, PyPI's `partnercenterservices` (Partner Center's generated Python
SDK), against the live server with only its base URL changed: its own deserializers read our
resources (on a 4xx it returns None, so `raw=True` only where an error is asserted)."""

import uuid

import pytest
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis
from msrest.authentication import BasicTokenAuthentication
from msrestazure.azure_exceptions import CloudError

from customers.models import Customer
from subscriptions.demo_data import ESSENTIALS, PREMIUM
from subscriptions.models import Subscription
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db(transaction=True)

E3 = "Office 365 Enterprise E3"


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


def _ids(subscription) -> tuple[str, str]:
    return str(subscription.customer.tenant_id), str(subscription.subscription_id)


def _fabrikams(demo, customer: str, offer: str) -> Subscription:
    return Subscription.objects.select_related("customer").get(
        customer=demo.customers[customer], sold_by=demo.fabrikam, offer__name=offer
    )


def test_the_sdk_upgrades_litware_and_reads_its_three_license_errors(sdk, demo):
    litware = _fabrikams(demo, "Litware, Inc.", PREMIUM)

    upgrades = sdk.getvversioncustomerscustomer.idupgrades(
        *_ids(litware), "1", ms_request_id=str(uuid.uuid4())
    )
    target = next(item for item in upgrades.items if item.is_eligible and item.target_offer.name == E3)
    result = sdk.postvversioncustomerscustomer.idupgrades(
        *_ids(litware), target, "1", ms_request_id=str(uuid.uuid4())
    )

    assert target.upgrade_type == "upgrade_with_license_transfer"
    litware.refresh_from_db()
    assert result.source_subscription_id == str(litware.subscription_id)
    assert result.target_subscription_id == str(litware.upgraded_to.subscription_id)
    errors = [error for account in result.license_errors for error in account.errors]
    assert sorted(error.data[0] for error in errors) == [
        "MutuallyExclusiveViolation",
        "MutuallyExclusiveViolation",
        "ProhibitedInUsageLocationViolation",
    ]
    assert {error.code for error in errors} == {60000}  # an int: the SDK's ServiceFault.code


def test_the_sdk_upgrades_contoso_with_no_license_error(sdk, demo):
    contoso = _fabrikams(demo, "Contoso Ltd", ESSENTIALS)

    upgrades = sdk.getvversioncustomerscustomer.idupgrades(*_ids(contoso), "1")
    target = next(item for item in upgrades.items if item.is_eligible and item.target_offer.name == E3)
    result = sdk.postvversioncustomerscustomer.idupgrades(*_ids(contoso), target, "1")

    assert result.target_subscription_id and result.license_errors == []


def test_the_sdk_s_retry_with_the_same_request_id_replays_and_another_body_is_409(sdk, demo):
    contoso = _fabrikams(demo, "Contoso Ltd", ESSENTIALS)
    upgrades = sdk.getvversioncustomerscustomer.idupgrades(*_ids(contoso), "1")
    target = next(item for item in upgrades.items if item.is_eligible and item.target_offer.name == E3)
    key = str(uuid.uuid4())

    first = sdk.postvversioncustomerscustomer.idupgrades(*_ids(contoso), target, "1", ms_request_id=key)
    upgrades_made = Subscription.objects.filter(
        customer=contoso.customer, upgraded_from__isnull=False
    ).count()
    again = sdk.postvversioncustomerscustomer.idupgrades(*_ids(contoso), target, "1", ms_request_id=key)
    target.quantity += 1
    # A 409 is not one of the statuses the SDK turns into None: it raises.
    with pytest.raises(CloudError) as conflict:
        sdk.postvversioncustomerscustomer.idupgrades(*_ids(contoso), target, "1", ms_request_id=key)

    assert again.target_subscription_id == first.target_subscription_id
    assert (
        Subscription.objects.filter(customer=contoso.customer, upgraded_from__isnull=False).count()
        == upgrades_made
    )
    assert conflict.value.status_code == 409
    assert conflict.value.response.json()["code"] == 409


def test_the_sdk_patches_a_quantity_with_the_resource_it_read(sdk, demo):
    contoso = _fabrikams(demo, "Contoso Ltd", ESSENTIALS)
    subscription = sdk.getvversioncustomerscustomer.id6(*_ids(contoso), "1")
    subscription.quantity += 2

    changed = sdk.patchvversioncustomerscustomer.id4(*_ids(contoso), subscription, "1")

    contoso.refresh_from_db()
    assert changed.quantity == contoso.quantity == subscription.quantity
    assert changed.id == str(contoso.subscription_id)
