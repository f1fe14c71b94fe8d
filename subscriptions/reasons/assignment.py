"""The vocabulary of licensing an account an upgrade left behind, from its report (docs/domain.md §5).

The per-user rules are the upgrade's own (`license_rules`); a refusal carries the account entry
that stood in the way, worded as the report words it.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from subscriptions.reasons import accounts, codes, wording

ACCOUNT_ALREADY_LICENSED = "account_already_licensed"
NO_LICENSE_LEFT = "no_license_left"
ACCOUNT_CANNOT_BE_LICENSED = "account_cannot_be_licensed"
NOTHING_TO_RETRY = "nothing_to_retry"
# The grant lets the partner read the customer's directory, not write it (upgrade only).
DIRECTORY_READ_ONLY = "directory_read_only"

PARTNER_CENTER_CODES = {
    DIRECTORY_READ_ONLY: "delegated_admin_permissions_disabled",
}

HTTP_ERRORS = {
    ACCOUNT_ALREADY_LICENSED: codes.CONFLICT,
    NO_LICENSE_LEFT: codes.BAD_INPUT,
    ACCOUNT_CANNOT_BE_LICENSED: codes.BAD_INPUT,
    NOTHING_TO_RETRY: codes.BAD_INPUT,
    DIRECTORY_READ_ONLY: codes.FORBIDDEN,
}


def _already_licensed(params: dict) -> str:
    return _("%(account)s already holds a license of %(target)s.") % {
        "account": params.get("account"),
        "target": params.get("target"),
    }


def _no_license_left(params: dict) -> str:
    return ngettext(
        "The %(quantity)s license of %(target)s is assigned. Add licenses to the subscription, then try "
        "again.",
        "All %(quantity)s licenses of %(target)s are assigned. Add licenses to the subscription, then try "
        "again.",
        wording.count(params.get("quantity")),
    ) % {"quantity": wording.quantity(params.get("quantity")), "target": params.get("target")}


def _cannot_be_licensed(params: dict) -> str:
    entry = params.get("entry") or {}
    return _("%(account)s was not licensed: %(why)s") % {
        "account": params.get("account"),
        "why": accounts.describe_account_entry(entry.get("code", ""), entry.get("params", {})),
    }


def _nothing_to_retry(params: dict) -> str:
    return _("No account of this report is waiting for a license.")


def _directory_read_only(params: dict) -> str:
    return _(
        "Your delegated admin role can read this customer's accounts but not change them. Assign the "
        "license in the customer's own admin center, or ask for a role that may write the directory."
    )


DESCRIBERS = {
    DIRECTORY_READ_ONLY: _directory_read_only,
    ACCOUNT_ALREADY_LICENSED: _already_licensed,
    NO_LICENSE_LEFT: _no_license_left,
    ACCOUNT_CANNOT_BE_LICENSED: _cannot_be_licensed,
    NOTHING_TO_RETRY: _nothing_to_retry,
}
