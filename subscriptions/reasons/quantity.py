"""The quantity change's vocabulary: why licenses may not be added or removed (docs/domain.md §6).

Its own refusals, and its wording of the codes it shares with the upgrade (not active, token
reused): the same check, but the words speak of licenses rather than of an upgrade. A shared
code raised by a quantity change carries {"change": "quantity"} (`CHANGE_QUANTITY`), which is
how the registry picks these words.
"""

from http import HTTPStatus

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from subscriptions.reasons import codes, wording
from subscriptions.reasons.pricing import SUBSCRIPTION_NOT_PRICED
from subscriptions.reasons.upgrade import (
    DELEGATED_ADMIN_MISSING,
    SUBSCRIPTION_NOT_ACTIVE,
    TOKEN_REUSED,
    UPGRADE_IN_PROGRESS,
)

CHANGE_QUANTITY = "quantity"

QUANTITY_CHANGED_MEANWHILE = "quantity_changed_meanwhile"
QUANTITY_UNCHANGED = "quantity_unchanged"
QUANTITY_BELOW_MINIMUM = "quantity_below_minimum"
QUANTITY_BELOW_ASSIGNED = "quantity_below_assigned"
QUANTITY_ABOVE_MAXIMUM = "quantity_above_maximum"

# A quantity change answers nothing but its Subscription: every refusal is an HTTP error, and
# only the conflict has an upgrade error of Partner Center's (codes.UPGRADE_ERROR_CODES).
PARTNER_CENTER_CODES = {
    QUANTITY_CHANGED_MEANWHILE: "concurrency_conflicts",
}

HTTP_ERRORS = {
    QUANTITY_CHANGED_MEANWHILE: codes.CONFLICT,
    QUANTITY_UNCHANGED: codes.BAD_INPUT,
    QUANTITY_BELOW_MINIMUM: codes.BAD_QUANTITY,
    QUANTITY_BELOW_ASSIGNED: codes.BAD_INPUT,
    QUANTITY_ABOVE_MAXIMUM: codes.BAD_QUANTITY,
}

# Partner Center's numbers for a subscription that cannot change, by status.
_NOT_ACTIVE_CODES = {"suspended": codes.SUBSCRIPTION_SUSPENDED, "deleted": codes.SUBSCRIPTION_CANCELLED}


def _not_active_error(params: dict) -> codes.HttpError:
    return codes.http_error(
        HTTPStatus.BAD_REQUEST, _NOT_ACTIVE_CODES.get(params.get("status"), codes.INVALID_INPUT)
    )


# The codes shared with the upgrade, as a quantity change answers them: with no upgrade result
# to carry them, they are HTTP errors too.
SHARED_CODE_HTTP_ERRORS = {
    SUBSCRIPTION_NOT_ACTIVE: _not_active_error,
    DELEGATED_ADMIN_MISSING: lambda params: codes.FORBIDDEN,
    TOKEN_REUSED: lambda params: codes.CONFLICT,
    UPGRADE_IN_PROGRESS: lambda params: codes.CONFLICT,
    SUBSCRIPTION_NOT_PRICED: lambda params: codes.BAD_INPUT,
}


def _not_active(params: dict) -> str:
    status = params.get("status")
    if status == "pending":
        return _(
            "This subscription is still being provisioned. Wait until it is active to change its licenses."
        )
    if status == "suspended":
        return _(
            "This subscription is suspended. Reactivate it in Microsoft Partner Center, then change its "
            "licenses."
        )
    if status == "deleted":
        return _("This subscription is cancelled, so its licenses can no longer change.")
    return _("This subscription is %(status)s; only an active subscription can change its licenses.") % {
        "status": wording.status_label(status).lower()
    }


def _changed_meanwhile(params: dict) -> str:
    return ngettext(
        "The quantity changed meanwhile: it is now %(now)s license. Nothing was changed. Check the new "
        "quantity and submit again.",
        "The quantity changed meanwhile: it is now %(now)s licenses. Nothing was changed. Check the new "
        "quantity and submit again.",
        wording.count(params.get("now")),
    ) % {"now": wording.quantity(params.get("now"))}


def _unchanged(params: dict) -> str:
    return ngettext(
        "The subscription already has %(quantity)s license: there is nothing to change. Enter another "
        "quantity.",
        "The subscription already has %(quantity)s licenses: there is nothing to change. Enter another "
        "quantity.",
        wording.count(params.get("quantity")),
    ) % {"quantity": wording.quantity(params.get("quantity"))}


def _below_minimum(params: dict) -> str:
    return ngettext(
        "%(offer)s needs at least %(min)s license.",
        "%(offer)s needs at least %(min)s licenses.",
        wording.count(params.get("min")),
    ) % {"offer": params.get("offer"), "min": wording.quantity(params.get("min"))}


def _below_assigned(params: dict) -> str:
    return ngettext(
        "%(assigned)s license is assigned to a user, so the quantity cannot go below %(assigned)s. Remove "
        "licenses from users first.",
        "%(assigned)s licenses are assigned to users, so the quantity cannot go below %(assigned)s. Remove "
        "licenses from users first.",
        wording.count(params.get("assigned")),
    ) % {"assigned": wording.quantity(params.get("assigned"))}


def _above_maximum(params: dict) -> str:
    values = {
        "offer": params.get("offer"),
        "max": wording.quantity(params.get("max")),
        "targets": wording.names(params.get("upgrade_targets", [])),
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


def _not_priced(params: dict) -> str:
    return _(
        "The price list has no price for %(offer)s on this subscription's term and billing cycle, so its "
        "licenses cannot change. Ask an administrator to add the price."
    ) % {"offer": params.get("offer")}


def _token_reused(params: dict) -> str:
    return _("This form was already submitted with another quantity. Reload the page to make a new change.")


DESCRIBERS = {
    QUANTITY_CHANGED_MEANWHILE: _changed_meanwhile,
    QUANTITY_UNCHANGED: _unchanged,
    QUANTITY_BELOW_MINIMUM: _below_minimum,
    QUANTITY_BELOW_ASSIGNED: _below_assigned,
    QUANTITY_ABOVE_MAXIMUM: _above_maximum,
}

# The shared codes, as a quantity change says them.
SHARED_CODE_DESCRIBERS = {
    SUBSCRIPTION_NOT_ACTIVE: _not_active,
    TOKEN_REUSED: _token_reused,
    SUBSCRIPTION_NOT_PRICED: _not_priced,
}
