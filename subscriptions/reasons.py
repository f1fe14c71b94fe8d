"""Why an upgrade may not happen, and what happened to each account: codes, and their words.

Reasons and account outcomes are stored and passed around as a code plus JSON parameters
(DOMAIN.md section 4) and put into words only when shown or exported, in the active language.
Parameters carry product names (offers, service plans, families), status and channel codes,
never another partner's name: the words only ever say "another partner" or "directly from
Microsoft".
"""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from subscriptions.templatetags.money import number

# --- Eligibility reasons (DOMAIN.md section 4) ----------------------------------------------

SUBSCRIPTION_NOT_ACTIVE = "subscription_not_active"
NO_UPGRADE_PATH = "no_upgrade_path"
TARGET_NOT_SOLD_IN_MARKET = "target_not_sold_in_market"
DELEGATED_ADMIN_MISSING = "delegated_admin_missing"
TARGET_ALREADY_OWNED = "target_already_owned"
CONFLICTING_SERVICES = "conflicting_services"
UPGRADE_IN_PROGRESS = "upgrade_in_progress"

ELIGIBILITY_CODES = (
    SUBSCRIPTION_NOT_ACTIVE,
    NO_UPGRADE_PATH,
    TARGET_NOT_SOLD_IN_MARKET,
    DELEGATED_ADMIN_MISSING,
    TARGET_ALREADY_OWNED,
    CONFLICTING_SERVICES,
    UPGRADE_IN_PROGRESS,
)

# --- Refusals of the submitted form, and the failed attempt ---------------------------------

QUANTITY_OUT_OF_RANGE = "quantity_out_of_range"
TOKEN_REUSED = "token_reused"
UNEXPECTED_ERROR = "unexpected_error"

# `delegated_admin_missing` says which: no grant at all, or one that no longer counts.
GRANT_MISSING = "missing"
GRANT_EXPIRED = "expired"
GRANT_TERMINATED = "terminated"

# Channels, as `subscriptions.models.Channel` values (kept as strings so params stay JSON).
THIS_PARTNER = "this_partner"
OTHER_PARTNER = "other_partner"
DIRECT = "direct"

_PARTNER_CENTER_CODES = {
    SUBSCRIPTION_NOT_ACTIVE: "subscription_status_not_active",
    NO_UPGRADE_PATH: "subscription_target_offer_not_found",
    TARGET_NOT_SOLD_IN_MARKET: "subscription_target_offer_not_found",
    DELEGATED_ADMIN_MISSING: "delegated_admin_permissions_disabled",
    TARGET_ALREADY_OWNED: "conflicting_service_types",
    CONFLICTING_SERVICES: "conflicting_service_types",
    UPGRADE_IN_PROGRESS: "concurrency_conflicts",
    QUANTITY_OUT_OF_RANGE: "invalid_quantity",
    TOKEN_REUSED: "duplicate_request",
    UNEXPECTED_ERROR: "internal_error",
}


def partner_center_code(code: str, params: dict) -> str:
    """The error code Partner Center shows beside ours."""
    if code == SUBSCRIPTION_NOT_ACTIVE and params.get("status") == "pending":
        return "subscription_not_provisioned"
    if code == NO_UPGRADE_PATH and not params.get("source_has_paths", True):
        return "subscription_does_not_have_any_upgrade_paths"
    return _PARTNER_CENTER_CODES.get(code, code)


class _Params(dict):
    """Stored parameters; a missing one reads as blank rather than breaking a page or a report."""

    def __missing__(self, key):
        return ""

    def get(self, key, default=""):
        return super().get(key, default)


def _status_label(status: str) -> str:
    from subscriptions.models import Subscription

    try:
        return str(Subscription.Status(status).label)
    except ValueError:
        return status


def _names(names) -> str:
    return ", ".join(str(name) for name in names)


def _number(value) -> str:
    """A stored count in the active language's grouping (10,000,000 / 10 000 000)."""
    return number(value)


def _date(value: str) -> str:
    """A stored ISO date in the active language's format (May 9, 2026 / 9 mai 2026)."""
    try:
        return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value)


def _not_active(params: dict) -> str:
    if params.get("change") == CHANGE_QUANTITY:
        return _quantity_not_active(params)
    status = params.get("status")
    if status == "pending":
        return _("This subscription is still being provisioned. Wait until it is active, then try again.")
    if status == "suspended":
        return _("This subscription is suspended. Reactivate it before upgrading it.")
    if status == "deleted":
        return _("This subscription is cancelled, so it can no longer be upgraded.")
    return _("This subscription is %(status)s; only an active subscription can be upgraded.") % {
        "status": _status_label(status).lower()
    }


def _no_path(params: dict) -> str:
    if not params.get("source_has_paths", True):
        return _("%(offer)s cannot be upgraded in Cloud Solution Provider.") % {"offer": params.get("offer")}
    return _("%(offer)s cannot be upgraded to %(target)s. Choose one of the possible upgrades.") % {
        "offer": params.get("offer"),
        "target": params.get("target"),
    }


def _not_sold(params: dict) -> str:
    return _("%(target)s is not sold in the customer's market (%(market)s). Choose another offer.") % {
        "target": params.get("target"),
        "market": params.get("market"),
    }


def _grant_missing(params: dict) -> str:
    state = params.get("state")
    if state == GRANT_EXPIRED:
        return _(
            "Your delegated admin privileges for this customer expired. Ask the customer to grant "
            "them again, then try again."
        )
    if state == GRANT_TERMINATED:
        return _(
            "The customer terminated your delegated admin privileges. Request delegated admin "
            "privileges again, then try again."
        )
    return _(
        "You do not have delegated admin privileges for this customer and Office 365. Request "
        "delegated admin privileges from the customer, then try again."
    )


def _already_owned(params: dict) -> str:
    values = {"target": params.get("target")}
    channel = params.get("channel")
    if channel == OTHER_PARTNER:
        return (
            _(
                "The customer bought %(target)s through another partner; they must cancel it before "
                "you can sell it."
            )
            % values
        )
    if channel == DIRECT:
        return (
            _(
                "The customer bought %(target)s directly from Microsoft; they must cancel it before "
                "you can sell it."
            )
            % values
        )
    return (
        _(
            "The customer already has %(target)s from you. Add licenses to that subscription instead "
            "of upgrading."
        )
        % values
    )


def _conflicting(params: dict) -> str:
    values = {
        "services": _names(params.get("services", [])),
        "offer": params.get("offer"),
        "target": params.get("target"),
    }
    channel = params.get("channel")
    if channel == OTHER_PARTNER:
        text = _(
            "%(target)s adds %(services)s, which the customer already has in %(offer)s bought through "
            "another partner; they must cancel it before you can upgrade."
        )
    elif channel == DIRECT:
        text = _(
            "%(target)s adds %(services)s, which the customer already has in %(offer)s bought directly "
            "from Microsoft; they must cancel it before you can upgrade."
        )
    else:
        text = _(
            "%(target)s adds %(services)s, which the customer already has in %(offer)s from you. "
            "Cancel that subscription before upgrading."
        )
    return text % values


def _in_progress(params: dict) -> str:
    return _(
        "Another change to this subscription is in progress. Wait a moment, reload the page and try again."
    )


def _quantity(params: dict) -> str:
    return _("Enter a quantity between %(min)s and %(max)s for %(target)s.") % {
        "min": _number(params.get("min")),
        "max": _number(params.get("max")),
        "target": params.get("target"),
    }


def _token_reused(params: dict) -> str:
    if params.get("change") == CHANGE_QUANTITY:
        return _(
            "This form was already submitted with another quantity. Reload the page to make a new change."
        )
    return _("This form was already submitted with other choices. Reload the page to start a new upgrade.")


def _unexpected(params: dict) -> str:
    return _("Something went wrong and nothing was changed. Try again in a moment.")


_DESCRIBERS = {
    SUBSCRIPTION_NOT_ACTIVE: _not_active,
    NO_UPGRADE_PATH: _no_path,
    TARGET_NOT_SOLD_IN_MARKET: _not_sold,
    DELEGATED_ADMIN_MISSING: _grant_missing,
    TARGET_ALREADY_OWNED: _already_owned,
    CONFLICTING_SERVICES: _conflicting,
    UPGRADE_IN_PROGRESS: _in_progress,
    QUANTITY_OUT_OF_RANGE: _quantity,
    TOKEN_REUSED: _token_reused,
    UNEXPECTED_ERROR: _unexpected,
}


def describe(code: str, params: dict | None = None) -> str:
    """A reason in words, in the active language; unknown codes come back as they are."""
    describer = _DESCRIBERS.get(code)
    return describer(_Params(params or {})) if describer else code


def describe_details(code: str, params: dict | None = None) -> str | None:
    params = _Params(params or {})
    if code == SUBSCRIPTION_NOT_ACTIVE:
        return _("Current status: %(status)s.") % {"status": _status_label(params.get("status"))}
    if code == DELEGATED_ADMIN_MISSING and params.get("end_date"):
        return _("The privileges ended on %(date)s.") % {"date": _date(params["end_date"])}
    if code == CONFLICTING_SERVICES:
        return _("Services concerned: %(services)s.") % {"services": _names(params.get("services", []))}
    return None


@dataclass(frozen=True)
class Reason:
    """One failed check: a stable code and its parameters; words come from `describe`."""

    code: str
    params: dict = field(default_factory=dict)

    @property
    def partner_center_code(self) -> str:
        return partner_center_code(self.code, self.params)

    @property
    def message(self) -> str:
        return describe(self.code, self.params)

    @property
    def details(self) -> str | None:
        return describe_details(self.code, self.params)

    def __str__(self):
        return self.message


# --- What happened to each account (DOMAIN.md section 5) ------------------------------------

# Partner Center's `licenseErrors` codes: the account is not moved.
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
    return str(text) % _Params(params or {}) if text is not None else code


# --- Quantity changes (DOMAIN.md sections 3 and 5) ------------------------------------------

# Shared codes (not active, token reused) carry {"change": "quantity"}: the same check, but the
# words speak of licenses rather than of an upgrade.
CHANGE_QUANTITY = "quantity"

QUANTITY_CHANGED_MEANWHILE = "quantity_changed_meanwhile"
QUANTITY_UNCHANGED = "quantity_unchanged"
QUANTITY_BELOW_MINIMUM = "quantity_below_minimum"
QUANTITY_BELOW_ASSIGNED = "quantity_below_assigned"
QUANTITY_ABOVE_MAXIMUM = "quantity_above_maximum"

_PARTNER_CENTER_CODES.update(
    {
        QUANTITY_CHANGED_MEANWHILE: "concurrency_conflicts",
        QUANTITY_UNCHANGED: "invalid_quantity",
        QUANTITY_BELOW_MINIMUM: "invalid_quantity",
        QUANTITY_BELOW_ASSIGNED: "invalid_quantity",
        QUANTITY_ABOVE_MAXIMUM: "invalid_quantity",
    }
)


def _count(value) -> int:
    """A stored count for choosing a plural form; anything else reads as many."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 2


def _quantity_not_active(params: dict) -> str:
    status = params.get("status")
    if status == "pending":
        return _(
            "This subscription is still being provisioned. Wait until it is active to change its licenses."
        )
    if status == "suspended":
        return _("This subscription is suspended. Reactivate it before changing its licenses.")
    if status == "deleted":
        return _("This subscription is cancelled, so its licenses can no longer change.")
    return _("This subscription is %(status)s; only an active subscription can change its licenses.") % {
        "status": _status_label(status).lower()
    }


def _changed_meanwhile(params: dict) -> str:
    return ngettext(
        "The quantity changed meanwhile: it is now %(now)s license. Nothing was changed. Check the new "
        "quantity and submit again.",
        "The quantity changed meanwhile: it is now %(now)s licenses. Nothing was changed. Check the new "
        "quantity and submit again.",
        _count(params.get("now")),
    ) % {"now": _number(params.get("now"))}


def _unchanged(params: dict) -> str:
    return ngettext(
        "The subscription already has %(quantity)s license: there is nothing to change. Enter another "
        "quantity.",
        "The subscription already has %(quantity)s licenses: there is nothing to change. Enter another "
        "quantity.",
        _count(params.get("quantity")),
    ) % {"quantity": _number(params.get("quantity"))}


def _below_minimum(params: dict) -> str:
    return ngettext(
        "%(offer)s needs at least %(min)s license.",
        "%(offer)s needs at least %(min)s licenses.",
        _count(params.get("min")),
    ) % {"offer": params.get("offer"), "min": _number(params.get("min"))}


def _below_assigned(params: dict) -> str:
    return ngettext(
        "%(assigned)s license is assigned to a user, so the quantity cannot go below %(assigned)s. Remove "
        "licenses from users first.",
        "%(assigned)s licenses are assigned to users, so the quantity cannot go below %(assigned)s. Remove "
        "licenses from users first.",
        _count(params.get("assigned")),
    ) % {"assigned": _number(params.get("assigned"))}


def _above_maximum(params: dict) -> str:
    values = {
        "offer": params.get("offer"),
        "max": _number(params.get("max")),
        "targets": _names(params.get("upgrade_targets", [])),
    }
    if params.get("upgrade_targets"):
        return (
            _(
                "%(offer)s is limited to %(max)s licenses. For more, upgrade the subscription to one of: "
                "%(targets)s."
            )
            % values
        )
    return _("%(offer)s is limited to %(max)s licenses per subscription.") % values


_DESCRIBERS.update(
    {
        QUANTITY_CHANGED_MEANWHILE: _changed_meanwhile,
        QUANTITY_UNCHANGED: _unchanged,
        QUANTITY_BELOW_MINIMUM: _below_minimum,
        QUANTITY_BELOW_ASSIGNED: _below_assigned,
        QUANTITY_ABOVE_MAXIMUM: _above_maximum,
    }
)
