"""The report's vocabulary: what happened to each account an upgrade touched (docs/domain.md §5).

Partner Center's `licenseErrors` codes for an account that was not moved, then the changes a
moved account's services go through, each with its kind on the report (error, action, info).
"""

from django.utils.translation import gettext_lazy

from subscriptions.reasons import wording

MUTUALLY_EXCLUSIVE_VIOLATION = "MutuallyExclusiveViolation"
PROHIBITED_IN_USAGE_LOCATION_VIOLATION = "ProhibitedInUsageLocationViolation"
COUNT_VIOLATION = "CountViolation"
LICENSE_ERROR_CODES = (MUTUALLY_EXCLUSIVE_VIOLATION, PROHIBITED_IN_USAGE_LOCATION_VIOLATION, COUNT_VIOLATION)

# A service whose plan changes inside its family.
MAILBOX_PLAN_CHANGE = "mailbox_plan_change"
OFFICE_APPS_REACTIVATION = "office_apps_reactivation"
ONEDRIVE_MOVES_TO_SHAREPOINT = "onedrive_moves_to_sharepoint"
SERVICE_PLAN_CHANGE = "service_plan_change"
SERVICE_TIER_CHANGE = "service_tier_change"
# A service the accounts lose, or gain.
SERVICE_LOST = "service_lost"
SERVICE_ADDED = "service_added"
# Per account: a plan the user had switched off is on again on the new license.
PLAN_REENABLED = "plan_reenabled"
# Upgrade only: nothing was moved, the partner assigns the new licenses.
MANUAL_ASSIGNMENT = "manual_assignment"

ERROR, ACTION, INFO = "error", "action", "info"


_ACCOUNT_ENTRY_TEXTS = {
    MUTUALLY_EXCLUSIVE_VIOLATION: gettext_lazy(
        "The user's %(offer)s license includes %(plan)s, which cannot be combined with "
        "%(target_plan)s. Remove that license or switch %(plan)s off, then assign %(target)s to the user."
    ),
    PROHIBITED_IN_USAGE_LOCATION_VIOLATION: gettext_lazy(
        "The user has no usage location, so no license can be assigned. Set the usage location, "
        "then assign %(target)s to the user."
    ),
    COUNT_VIOLATION: gettext_lazy(
        "%(target)s has no license left for this user (%(quantity)s bought). Add licenses, then "
        "assign one to the user."
    ),
    MAILBOX_PLAN_CHANGE: gettext_lazy(
        "The mailbox moves from %(from_name)s to %(to_name)s: check the mailbox size and the "
        "features the user relies on."
    ),
    OFFICE_APPS_REACTIVATION: gettext_lazy(
        "%(from_name)s is replaced by %(to_name)s: the user must sign in again to re-activate "
        "Office, or reinstall it."
    ),
    ONEDRIVE_MOVES_TO_SHAREPOINT: gettext_lazy(
        "%(from_name)s is replaced by %(to_name)s: the user's OneDrive moves into SharePoint."
    ),
    SERVICE_PLAN_CHANGE: gettext_lazy(
        "%(from_name)s is replaced by %(to_name)s: check the user's settings for this service."
    ),
    SERVICE_TIER_CHANGE: gettext_lazy("%(from_name)s is replaced by %(to_name)s. Nothing to do."),
    SERVICE_LOST: gettext_lazy(
        "%(name)s is not part of the new offer, so the user loses it. Move its data, or buy it separately."
    ),
    SERVICE_ADDED: gettext_lazy("%(name)s is added."),
    PLAN_REENABLED: gettext_lazy(
        "%(name)s was switched off for this user and is on again with the new license. Switch it "
        "off again if needed."
    ),
    MANUAL_ASSIGNMENT: gettext_lazy(
        "Licenses were not transferred (upgrade only): assign %(target)s to this user yourself."
    ),
}


def describe_account_entry(code: str, params: dict | None = None) -> str:
    """One line of "the accounts and services that were affected", in the active language."""
    text = _ACCOUNT_ENTRY_TEXTS.get(code)
    return wording.elide(str(text) % wording.Params(params or {})) if text is not None else code
