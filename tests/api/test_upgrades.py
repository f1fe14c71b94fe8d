"""`.../subscriptions/{s}/upgrades`: the list and the upgrade, on the pages' own engine."""

import uuid

import pytest

from subscriptions.demo_data import ESSENTIALS, PREMIUM
from subscriptions.models import AffectedAccount, Operation, Subscription
from tests.api.paths import subscription_path

pytestmark = pytest.mark.django_db

E3 = "Office 365 Enterprise E3"


def source(demo, customer: str, offer: str) -> Subscription:
    return Subscription.objects.select_related("customer", "offer").get(
        customer=demo.customers[customer], sold_by=demo.fabrikam, offer__name=offer
    )


def url(subscription) -> str:
    return subscription_path(subscription) + "/upgrades"


def eligible_item(api, subscription, target: str = E3) -> dict:
    items = api.get(url(subscription)).json()["items"]
    return next(item for item in items if item["targetOffer"]["name"] == target)


def test_the_list_is_the_upgrade_page_s_options_in_partner_center_s_shape(fabrikam_api, demo):
    litware = source(demo, "Litware, Inc.", PREMIUM)

    body = fabrikam_api.get(url(litware)).json()

    assert body["attributes"] == {"objectType": "Collection"} and body["totalCount"] == len(body["items"])
    e3 = next(item for item in body["items"] if item["targetOffer"]["name"] == E3)
    assert e3["isEligible"] is True
    assert e3["upgradeType"] == "upgrade_with_license_transfer"
    assert e3["upgradeErrors"] == []
    assert e3["quantity"] == litware.quantity
    assert e3["targetOffer"]["id"] == e3["targetOffer"]["id"].upper()
    assert e3["attributes"] == {"objectType": "Upgrade"}
    refused = [item for item in body["items"] if not item["isEligible"]]
    for item in refused:
        assert item["upgradeType"] == "none" and item["upgradeErrors"]
        assert all(error["code"].islower() and error["description"] for error in item["upgradeErrors"])


def test_posting_the_item_back_whole_upgrades_and_names_the_accounts_left_behind(fabrikam_api, demo):
    litware = source(demo, "Litware, Inc.", PREMIUM)
    item = eligible_item(fabrikam_api, litware)

    response = fabrikam_api.post(
        url(litware), item, content_type="application/json", headers={"MS-RequestId": str(uuid.uuid4())}
    )

    assert response.status_code == 200, response.content
    result = response.json()
    litware.refresh_from_db()
    assert litware.status == Subscription.Status.DELETED
    assert result["sourceSubscriptionId"] == str(litware.subscription_id)
    assert result["targetSubscriptionId"] == str(litware.upgraded_to.subscription_id)
    assert result["upgradeType"] == "upgrade_with_license_transfer" and result["upgradeErrors"] == []
    codes = sorted(error["data"][0] for account in result["licenseErrors"] for error in account["errors"])
    assert codes == [
        "MutuallyExclusiveViolation",
        "MutuallyExclusiveViolation",
        "ProhibitedInUsageLocationViolation",
    ]
    assert all(error["code"] == 60000 for account in result["licenseErrors"] for error in account["errors"])
    not_moved = AffectedAccount.objects.filter(operation__subscription=litware).exclude(outcome="moved")
    assert {account["email"] for account in result["licenseErrors"]} == {
        a.user_principal_name for a in not_moved
    }


def test_contoso_s_upgrade_leaves_nobody_behind(fabrikam_api, demo):
    contoso = source(demo, "Contoso Ltd", ESSENTIALS)

    result = fabrikam_api.post(
        url(contoso), eligible_item(fabrikam_api, contoso), content_type="application/json"
    )

    assert result.status_code == 200 and result.json()["licenseErrors"] == []


def test_a_replayed_request_id_returns_the_first_result_and_a_reused_one_is_409(fabrikam_api, demo):
    litware = source(demo, "Litware, Inc.", PREMIUM)
    item = eligible_item(fabrikam_api, litware)
    key = {"MS-RequestId": str(uuid.uuid4())}

    first = fabrikam_api.post(url(litware), item, content_type="application/json", headers=key)
    operations = Operation.objects.count()
    again = fabrikam_api.post(url(litware), item, content_type="application/json", headers=key)
    other = fabrikam_api.post(
        url(litware), {**item, "quantity": item["quantity"] + 1}, content_type="application/json", headers=key
    )

    assert again.status_code == 200 and again.json() == first.json()
    assert other.status_code == 409 and other.json()["code"] == 409
    assert Subscription.objects.filter(upgraded_from__isnull=False, customer=litware.customer).count() == 1
    # The replay changed nothing, and the reuse is refused before any attempt (docs/api.md).
    assert Operation.objects.count() == operations


@pytest.mark.parametrize(
    "upgrade_type", [2, "upgrade_with_license_transfer", "UpgradeWithLicenseTransfer", None]
)
def test_every_form_of_upgrade_type_clients_send_is_accepted(fabrikam_api, demo, upgrade_type):
    contoso = source(demo, "Contoso Ltd", ESSENTIALS)
    item = {**eligible_item(fabrikam_api, contoso), "upgradeType": upgrade_type}

    response = fabrikam_api.post(url(contoso), item, content_type="application/json")

    assert response.status_code == 200 and response.json()["targetSubscriptionId"]


def test_a_quantity_outside_the_offer_s_limits_is_2002_and_changes_nothing(fabrikam_api, demo):
    contoso = source(demo, "Contoso Ltd", ESSENTIALS)
    item = eligible_item(fabrikam_api, contoso)
    operations = Operation.objects.count()

    response = fabrikam_api.post(
        url(contoso),
        {**item, "quantity": item["targetOffer"]["maximumQuantity"] + 1},
        content_type="application/json",
    )

    assert response.status_code == 400 and response.json()["code"] == 2002
    contoso.refresh_from_db()
    assert contoso.status == Subscription.Status.ACTIVE
    assert Operation.objects.count() == operations + 1  # the refusal, logged


def test_an_ineligible_target_answers_with_its_upgrade_errors(fabrikam_api, demo):
    # Alpine Ski House's Business Essentials may not go to E5: conflicting services.
    alpine = source(demo, "Alpine Ski House", ESSENTIALS)
    item = eligible_item(fabrikam_api, alpine, "Office 365 Enterprise E5")
    operations = Operation.objects.count()

    response = fabrikam_api.post(url(alpine), item, content_type="application/json")

    assert item["isEligible"] is False
    assert response.status_code == 200
    assert response.json()["targetSubscriptionId"] is None
    assert [error["code"] for error in response.json()["upgradeErrors"]] == ["conflicting_service_types"]
    assert Operation.objects.count() == operations + 1  # the refusal, logged like the page's
    assert Operation.objects.latest("pk").result == Operation.Result.REFUSED
    alpine.refresh_from_db()
    assert alpine.status == Subscription.Status.ACTIVE and alpine.upgraded_to is None


def test_a_read_only_application_may_list_but_not_upgrade(billing_api, demo):
    contoso = source(demo, "Contoso Ltd", ESSENTIALS)
    item = eligible_item(billing_api, contoso)

    response = billing_api.post(url(contoso), item, content_type="application/json")

    assert response.status_code == 403 and response.json()["code"] == 403
    contoso.refresh_from_db()
    assert contoso.status == Subscription.Status.ACTIVE


@pytest.mark.parametrize("body", ["{", "[]", '{"targetOffer": 5}', '{"quantity": 3}', "null"])
def test_a_malformed_body_is_800002_and_changes_nothing(fabrikam_api, demo, body):
    contoso = source(demo, "Contoso Ltd", ESSENTIALS)

    response = fabrikam_api.post(url(contoso), body, content_type="application/json")

    assert response.status_code == 400 and response.json()["code"] == 800002
    contoso.refresh_from_db()
    assert contoso.status == Subscription.Status.ACTIVE


def test_the_activity_log_says_which_application_upgraded_and_which_was_refused(fabrikam_api, client, demo):
    contoso = source(demo, "Contoso Ltd", ESSENTIALS)
    item = eligible_item(fabrikam_api, contoso)
    too_many = {**item, "quantity": item["targetOffer"]["maximumQuantity"] + 1}
    fabrikam_api.post(url(contoso), too_many, content_type="application/json")  # refused
    fabrikam_api.post(url(contoso), item, content_type="application/json")
    client.force_login(demo.users["demo"])

    page = client.get("/subscriptions/activity/").content.decode()
    csv = b"".join(client.get("/subscriptions/activity/activity-log.csv").streaming_content).decode(
        "utf-8-sig"
    )

    refused, succeeded = Operation.objects.filter(subscription=contoso).order_by("pk")
    assert (refused.result, succeeded.result) == (Operation.Result.REFUSED, Operation.Result.SUCCEEDED)
    assert {refused.application_name, succeeded.application_name} == {"Fabrikam demo script"}
    assert refused.actor is None and succeeded.actor_kind == "api_application"
    assert page.count("via API: Fabrikam demo script") >= 2
    assert csv.count("via API: Fabrikam demo script") >= 2


def test_a_target_the_list_does_not_have_is_named_in_the_refusal(fabrikam_api, demo):
    contoso = source(demo, "Contoso Ltd", ESSENTIALS)

    response = fabrikam_api.post(
        url(contoso), {"targetOffer": {"id": "no-such-offer"}}, content_type="application/json"
    )

    (error,) = response.json()["upgradeErrors"]
    assert response.status_code == 200 and error["code"] == "subscription_target_offer_not_found"
    assert ESSENTIALS in error["description"] and "NO-SUCH-OFFER" in error["description"]


def test_invalid_input_names_the_field_as_the_client_wrote_it(fabrikam_api, demo):
    contoso = source(demo, "Contoso Ltd", ESSENTIALS)

    body = fabrikam_api.post(url(contoso), {"targetOffer": "E3"}, content_type="application/json").json()
    size = fabrikam_api.get("/api/v1/customers", {"size": 0}).json()

    assert body["code"] == size["code"] == 800002
    assert [item.split(":")[0] for item in body["data"]] == ["targetOffer.id"]
    assert [item.split(":")[0] for item in size["data"]] == ["size"]
