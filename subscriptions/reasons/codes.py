"""Partner Center's two ways of saying no, which every reason maps onto (docs/domain.md §4).

An **upgrade error** is one of the codes of Partner Center's `UpgradeErrorCode` enum: it rides
inside an answer (the upgrade list, an UpgradeResult) and says why one target is not possible.
An **HTTP error** is an answer of its own: a status and Partner Center's number in its error
envelope. A reason the enum has no word for (an invalid quantity, a reused token, a failure) is
only an HTTP error; a conflict is an upgrade error in a list and an HTTP error when submitted.
"""

from dataclasses import dataclass
from http import HTTPStatus

# Partner Center's UpgradeErrorCode, in the enum's order: a code's integer form is its index.
UPGRADE_ERROR_CODES = (
    "other",
    "delegated_admin_permissions_disabled",
    "subscription_status_not_active",
    "conflicting_service_types",
    "concurrency_conflicts",
    "user_context_required",
    "subscription_add_ons_present",
    "subscription_does_not_have_any_upgrade_paths",
    "subscription_target_offer_not_found",
    "subscription_not_provisioned",
    "offer_does_not_support_billing_cycle",
    "insufficient_granular_admin_permissions",
)

# Partner Center's numbers in the envelope; where it documents none, the HTTP status is the code.
QUANTITY_OUTSIDE_LIMITS = 2002
SUBSCRIPTION_SUSPENDED = 800091
SUBSCRIPTION_CANCELLED = 2011
INVALID_INPUT = 800002


@dataclass(frozen=True)
class HttpError:
    """How a submitted change refused for a reason answers over HTTP: a status and a code."""

    status: int
    code: int


def http_error(status: HTTPStatus, code: int | None = None) -> HttpError:
    return HttpError(int(status), int(status) if code is None else code)


BAD_QUANTITY = http_error(HTTPStatus.BAD_REQUEST, QUANTITY_OUTSIDE_LIMITS)
BAD_INPUT = http_error(HTTPStatus.BAD_REQUEST, INVALID_INPUT)
CONFLICT = http_error(HTTPStatus.CONFLICT)
FORBIDDEN = http_error(HTTPStatus.FORBIDDEN)
FAILED = http_error(HTTPStatus.INTERNAL_SERVER_ERROR)
