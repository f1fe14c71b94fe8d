"""Partner Center's own documented examples against this API (docs/api.md): each parses with the
schema of `api.schemas` that describes it, and our answer for the same case has the same keys,
recursively, but for the differences listed here with their reasons.

The examples are in `partner_center_examples/` (its README says where each comes from).
"""

import json
import uuid
from pathlib import Path

import pytest
from pydantic import ValidationError

from api import schemas
from subscriptions.demo_data import ESSENTIALS
from subscriptions.models import Subscription
from tests.api.test_upgrades import E3, source, url

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).with_name("partner_center_examples")
# https://learn.microsoft.com/en-us/partner-center/developer/transition-a-subscription, "Response
# example", the first answer: GET .../upgrades.
UPGRADE_LIST = "upgrade-list.json"
# The same page, "Request example", the POST's body (with the comma the page lacks: see README).
UPGRADE_REQUEST = "upgrade-request.json"
# The same page, "Response example", the second answer: the POST's UpgradeResult.
UPGRADE_RESULT = "upgrade-result.json"
# https://learn.microsoft.com/en-us/partner-center/developer/assign-licenses-to-a-user, "Response
# example (license isn't available)": the envelope of every 4xx and 5xx answer.
ERROR_ENVELOPE = "error-envelope.json"

# Keys the documented upgrade list has that our list deliberately does not emit, by path.
NOT_EMITTED_IN_THE_LIST = {
    "items[].targetOffer.category": "Our catalogs have no offer categories: every offer is one "
    "license-based Microsoft 365 product, sold per license (docs/domain.md §2).",
    "items[].targetOffer.isInternal": "Not a property of the SDK's Offer "
    "(https://learn.microsoft.com/en-us/dotnet/api/microsoft.store.partnercenter.models.offers.offer): "
    "a flag of Microsoft's own service, found only in the 2017 example.",
    "items[].targetOffer.conversionTargetOffers": "The paid offers a trial converts to, and no "
    "offer of ours is a trial (`isTrial` is false).",
    "items[].targetOffer.partnerQualifications": "Not a property of the SDKs' Offer (which have "
    "reseller and resellee qualifications instead); our partners hold no qualifications.",
    "items[].targetOffer.product": "Our offer is the product: one per SKU, whose SKU id is the "
    "offer's `id` (docs/domain.md §2), which Partner Center's `product.id` would repeat.",
    "items[].targetOffer.links.learnMore": "A link to Microsoft's marketing page for the product: "
    "offline, there is no such page to point at.",
}
# Keys our list emits that the documented example lacks: the resource pages document them.
NOT_IN_THE_EXAMPLE = {
    "items[].targetOffer.supportedBillingCycles": "A property of the SDK's Offer "
    "(https://learn.microsoft.com/en-us/dotnet/api/microsoft.store.partnercenter.models.offers.offer) "
    "that the 2017 example predates.",
    "items[].targetOffer.isTrial": "The same: a property of the SDK's Offer the example predates.",
    "items[].targetOffer.upgradeTargetOffers": "The same: a property of the SDK's Offer the "
    "example predates.",
    "items[].targetOffer.productId": "New commerce's catalog item id split as Partner Center "
    "splits it (productId:skuId:availabilityId); null for a legacy offer (docs/api.md).",
    "items[].targetOffer.skuId": "The same split's second part.",
    "items[].targetOffer.prices": "The price list, filled by `GET /v1/offers` (docs/api.md); an "
    "upgrade's target shows its price for the source's term in the pages instead.",
    "items[].upgradeErrors[].additionalDetails": "UpgradeError's AdditionalDetails "
    "(https://learn.microsoft.com/en-us/partner-center/developer/upgrade-resources): the example's "
    'own description points at it ("Additional Details contains the current source '
    'subscription state") yet leaves it out.',
}


def example(name: str):
    return json.loads((EXAMPLES / name).read_text())


def key_differences(ours, documented, path: str = "") -> set[str]:
    """Where the keys of our answer and of the documented one differ, by path, recursively: each
    item of one of our lists is compared with the documented list's first item."""
    if isinstance(ours, dict) and isinstance(documented, dict):
        found = {f"{_at(path, key)}: documented, not ours" for key in documented.keys() - ours.keys()}
        found |= {f"{_at(path, key)}: ours, not documented" for key in ours.keys() - documented.keys()}
        for key in ours.keys() & documented.keys():
            found |= key_differences(ours[key], documented[key], _at(path, key))
        return found
    if isinstance(ours, list) and isinstance(documented, list):
        if not documented:  # an empty list says nothing of its items' keys
            return set()
        return set().union(*(key_differences(item, documented[0], f"{path}[]") for item in ours))
    if isinstance(ours, dict | list) or isinstance(documented, dict | list):
        return {f"{path}: an object or a list in one answer, not in the other"}
    return set()


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def expected(not_emitted: dict, not_in_the_example: dict) -> set[str]:
    return {f"{path}: documented, not ours" for path in not_emitted} | {
        f"{path}: ours, not documented" for path in not_in_the_example
    }


# --- (a) Each example parses with our schema ----------------------------------------------------


def test_the_documented_upgrade_list_parses_with_our_schema():
    upgrades = schemas.UpgradeCollection.from_partner_center(example(UPGRADE_LIST))

    (item,) = upgrades.items
    assert (item.upgradeType, item.isEligible, item.targetOffer.name) == (
        "upgrade_only",
        False,
        "Office 365 Enterprise E1",
    )
    # The error's integer is UpgradeErrorCode's value 2, read as our snake_case name.
    assert [error.code for error in item.upgradeErrors] == ["subscription_status_not_active"]
    assert item.upgradeErrors[0].additionalDetails == ""
    assert (item.targetOffer.isTrial, item.targetOffer.supportedBillingCycles) == (False, [])


def test_the_documented_upgrade_request_parses_as_our_request_body():
    body = schemas.UpgradeIn.model_validate(example(UPGRADE_REQUEST))

    # PascalCase keys and `"UpgradeType": 1`, as the page sends them.
    assert (body.targetOffer.id, body.quantity, body.upgradeType) == (
        "796B6B5F-613C-4E24-A17C-EBA730D49C02",
        1,
        1,
    )


def test_the_documented_upgrade_result_parses_with_our_schema():
    result = schemas.UpgradeResult.from_partner_center(example(UPGRADE_RESULT))

    assert result.upgradeType == "upgrade_only"  # UpgradeType's value 1
    assert result.targetSubscriptionId == uuid.UUID("2add8a55-454a-4ae5-a4c9-5107dc6e9768")
    assert result.upgradeErrors == result.licenseErrors == []


def test_the_documented_error_envelope_parses_with_our_schema():
    envelope = schemas.ErrorEnvelope.model_validate(example(ERROR_ENVELOPE))

    assert (envelope.code, envelope.source) == (60012, "PartnerFD")
    assert envelope.data[0].startswith("LicenseQuotaExceededException")


@pytest.mark.parametrize(
    ("name", "schema"), [(UPGRADE_LIST, schemas.UpgradeCollection), (UPGRADE_RESULT, schemas.UpgradeResult)]
)
def test_what_we_emit_is_held_to_the_one_form_our_document_declares(name, schema):
    # The integers and the missing keys are read only as Partner Center's (`from_partner_center`):
    # ninja validates our own answers without that, so ours must be snake_case and complete.
    with pytest.raises(ValidationError):
        schema.model_validate(example(name))


# --- (b) Our answers for the same cases have the same keys -------------------------------------


def test_our_upgrade_list_has_the_documented_keys(fabrikam_api, demo):
    # The example's one item is a target refused with an upgrade error; Alpine Ski House's list
    # has one too (E5: conflicting services), so that the errors' keys are compared as well.
    alpine = source(demo, "Alpine Ski House", ESSENTIALS)

    response = fabrikam_api.get(url(alpine))

    assert response.status_code == 200
    assert any(item["upgradeErrors"] for item in response.json()["items"])
    assert key_differences(response.json(), example(UPGRADE_LIST)) == expected(
        NOT_EMITTED_IN_THE_LIST, NOT_IN_THE_EXAMPLE
    )


def test_the_documented_request_upgrades_and_its_result_has_the_documented_keys(fabrikam_api, demo):
    # The page's POST body as it is, PascalCase and `"UpgradeType": 1`, naming our target and the
    # list's quantity instead of Microsoft's.
    contoso = source(demo, "Contoso Ltd", ESSENTIALS)
    item = next(i for i in fabrikam_api.get(url(contoso)).json()["items"] if i["targetOffer"]["name"] == E3)
    body = example(UPGRADE_REQUEST)
    body["TargetOffer"]["Id"], body["Quantity"] = item["targetOffer"]["id"], item["quantity"]

    response = fabrikam_api.post(
        url(contoso), body, content_type="application/json", headers={"MS-RequestId": str(uuid.uuid4())}
    )

    assert response.status_code == 200, response.content
    contoso.refresh_from_db()
    assert contoso.status == Subscription.Status.DELETED
    assert response.json()["targetSubscriptionId"] == str(contoso.upgraded_to.subscription_id)
    assert key_differences(response.json(), example(UPGRADE_RESULT)) == set()


def test_our_not_found_has_the_documented_envelope_keys(fabrikam_api, demo):
    contoso = source(demo, "Contoso Ltd", ESSENTIALS)
    unknown = f"/api/v1/customers/{contoso.customer.tenant_id}/subscriptions/{uuid.uuid4()}/upgrades"

    response = fabrikam_api.get(unknown)

    assert response.status_code == 404 and response.json()["code"] == 20003
    assert key_differences(response.json(), example(ERROR_ENVELOPE)) == set()


def test_the_key_comparison_sees_a_key_missing_or_added_at_any_depth():
    documented = example(UPGRADE_RESULT)
    ours = {**documented, "attributes": {}, "extra": 1}

    assert key_differences(ours, documented) == {
        "attributes.objectType: documented, not ours",
        "extra: ours, not documented",
    }
