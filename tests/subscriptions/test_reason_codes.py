"""Every reason maps onto Partner Center's codes, and only onto codes Partner Center has
(docs/domain.md §4): an upgrade error of its enum, an HTTP error in its envelope, or both."""

import re

import pytest
from microsoft.store.partnercenterservices.models import (
    MicrosoftPartnerSdkContractsV1SubscriptionsUpgradeError,
)

from subscriptions import reasons
from subscriptions.reasons import registry

EVERY_CODE = sorted(registry.DESCRIBERS)
# Partner Center's enum has no word for these: they are answers of their own over HTTP.
ONLY_HTTP_ERRORS = {
    reasons.QUANTITY_OUT_OF_RANGE: (400, 2002),
    reasons.UNLICENSED_NOT_CONFIRMED: (400, 800002),
    reasons.TOKEN_REUSED: (409, 409),
    reasons.UNEXPECTED_ERROR: (500, 500),
    reasons.QUANTITY_UNCHANGED: (400, 800002),
    reasons.QUANTITY_BELOW_MINIMUM: (400, 2002),
    reasons.QUANTITY_ABOVE_MAXIMUM: (400, 2002),
    reasons.QUANTITY_BELOW_ASSIGNED: (400, 800002),
}


def test_the_upgrade_error_codes_are_the_sdks_enum_in_its_order():
    documented = MicrosoftPartnerSdkContractsV1SubscriptionsUpgradeError.__doc__
    listed = documented[documented.index("Possible values") : documented.index(":type code")]
    sdk_values = re.findall(r"'([a-z_]+)'", listed)
    # The PyPI SDK predates the twelfth value, which Microsoft's .NET SDK has.
    assert (*sdk_values, "insufficient_granular_admin_permissions") == reasons.UPGRADE_ERROR_CODES


@pytest.mark.parametrize("code", EVERY_CODE)
def test_every_reason_has_a_partner_center_code_and_none_outside_its_enum(code):
    reason = reasons.Reason(code, {})

    assert reason.partner_center_code is not None or reason.http_error is not None
    assert reason.partner_center_code in (None, *reasons.UPGRADE_ERROR_CODES)


@pytest.mark.parametrize(("code", "answer"), ONLY_HTTP_ERRORS.items())
def test_what_partner_centers_enum_lacks_is_only_an_http_error(code, answer):
    reason = reasons.Reason(code, {})

    assert reason.partner_center_code is None
    assert (reason.http_error.status, reason.http_error.code) == answer


def test_a_conflict_is_an_upgrade_error_in_a_list_and_a_409_when_submitted():
    reason = reasons.Reason(reasons.UPGRADE_IN_PROGRESS, {})

    assert reason.partner_center_code == "concurrency_conflicts"
    assert reason.http_error == reasons.HttpError(409, 409)


def test_an_eligibility_refusal_of_an_upgrade_is_an_upgrade_error_not_an_http_error():
    reason = reasons.Reason(reasons.DELEGATED_ADMIN_MISSING, {"state": reasons.GRANT_MISSING})

    assert reason.partner_center_code == "delegated_admin_permissions_disabled"
    assert reason.http_error is None


@pytest.mark.parametrize(
    ("code", "params", "answer"),
    [
        (reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": "suspended"}, (400, 800091)),
        (reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": "deleted"}, (400, 2011)),
        (reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": "pending"}, (400, 800002)),
        (reasons.DELEGATED_ADMIN_MISSING, {"state": reasons.GRANT_EXPIRED}, (403, 403)),
        (reasons.TOKEN_REUSED, {}, (409, 409)),
    ],
)
def test_a_quantity_change_answers_every_refusal_over_http(code, params, answer):
    error = reasons.http_error(code, params, change=reasons.CHANGE_QUANTITY)

    assert (error.status, error.code) == answer
