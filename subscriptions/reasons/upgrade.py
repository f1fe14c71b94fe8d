"""The upgrade's vocabulary: why an upgrade may not happen, in codes and in words (docs/domain.md §4).

Eligibility refusals, then the refusals of a submitted upgrade and its failure. The codes are
stored with JSON parameters; parameters carry product names, status and channel codes, never
another partner's name: the words only ever say "another partner" or "directly from Microsoft".
Several codes are shared with the quantity change, which words them in its own vocabulary
(`reasons.quantity`).
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from subscriptions.reasons import codes, links, wording

# --- Eligibility refusals ---------------------------------------------------------------------

SUBSCRIPTION_NOT_ACTIVE = "subscription_not_active"
NO_UPGRADE_PATH = "no_upgrade_path"
TARGET_NOT_SOLD_IN_MARKET = "target_not_sold_in_market"
DELEGATED_ADMIN_MISSING = "delegated_admin_missing"
TARGET_ALREADY_OWNED = "target_already_owned"
CONFLICTING_SERVICES = "conflicting_services"
UPGRADE_IN_PROGRESS = "upgrade_in_progress"

# --- Refusals of the submitted form, and the failed attempt ----------------------------------

QUANTITY_OUT_OF_RANGE = "quantity_out_of_range"
TOKEN_REUSED = "token_reused"
UNEXPECTED_ERROR = "unexpected_error"
# The page was drawn from an older version of the subscription (another tab, an admin edit).
SUBSCRIPTION_CHANGED_MEANWHILE = "subscription_changed_meanwhile"
# Fewer licenses than licensed users, and Submit did not say it accepts leaving them out.
UNLICENSED_NOT_CONFIRMED = "unlicensed_not_confirmed"

# `delegated_admin_missing` says which: no grant at all, or one that no longer counts.
GRANT_MISSING = "missing"
GRANT_EXPIRED = "expired"
GRANT_TERMINATED = "terminated"

# Channels, as `subscriptions.models.Channel` values (kept as strings so params stay JSON).
THIS_PARTNER = "this_partner"
OTHER_PARTNER = "other_partner"
DIRECT = "direct"

# Partner Center's upgrade error for each reason it has one for (codes.UPGRADE_ERROR_CODES).
PARTNER_CENTER_CODES = {
    SUBSCRIPTION_NOT_ACTIVE: "subscription_status_not_active",
    NO_UPGRADE_PATH: "subscription_target_offer_not_found",
    TARGET_NOT_SOLD_IN_MARKET: "subscription_target_offer_not_found",
    DELEGATED_ADMIN_MISSING: "delegated_admin_permissions_disabled",
    TARGET_ALREADY_OWNED: "conflicting_service_types",
    CONFLICTING_SERVICES: "conflicting_service_types",
    UPGRADE_IN_PROGRESS: "concurrency_conflicts",
    SUBSCRIPTION_CHANGED_MEANWHILE: "concurrency_conflicts",
}

# How a submitted upgrade refused for these reasons answers over HTTP; the others are upgrade
# errors in its UpgradeResult. The first three have no upgrade error at all.
HTTP_ERRORS = {
    QUANTITY_OUT_OF_RANGE: codes.BAD_QUANTITY,
    UNLICENSED_NOT_CONFIRMED: codes.BAD_INPUT,
    TOKEN_REUSED: codes.CONFLICT,
    UNEXPECTED_ERROR: codes.FAILED,
    UPGRADE_IN_PROGRESS: codes.CONFLICT,
    SUBSCRIPTION_CHANGED_MEANWHILE: codes.CONFLICT,
}


def partner_center_code(code: str, params: dict) -> str | None:
    """Partner Center's finer code where the parameters decide it; None to use the table's."""
    if code == SUBSCRIPTION_NOT_ACTIVE and params.get("status") == "pending":
        return "subscription_not_provisioned"
    if code == NO_UPGRADE_PATH and not params.get("source_has_paths", True):
        return "subscription_does_not_have_any_upgrade_paths"
    return None


def _not_active(params: dict) -> str:
    status = params.get("status")
    if status == "pending":
        return _("This subscription is still being provisioned. Wait until it is active, then try again.")
    if status == "suspended":
        return _(
            "This subscription is suspended. Reactivate it in Microsoft Partner Center, then upgrade it."
        )
    if status == "deleted":
        return _("This subscription is cancelled, so it can no longer be upgraded.")
    return _("This subscription is %(status)s; only an active subscription can be upgraded.") % {
        "status": wording.status_label(status).lower()
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
    if state == GRANT_EXPIRED and params.get("end_date"):
        return _(
            "Your delegated admin privileges for this customer expired on %(date)s. Request them "
            "again; once the customer approves, try again."
        ) % {"date": wording.date(params["end_date"])}
    if state == GRANT_EXPIRED:
        return _(
            "Your delegated admin privileges for this customer expired. Request them again; once "
            "the customer approves, try again."
        )
    if state == GRANT_TERMINATED:
        return _(
            "The customer terminated your delegated admin privileges. Request them again; once "
            "the customer approves, try again."
        )
    return _(
        "You do not have delegated admin privileges for this customer and Office 365. Request "
        "them from the customer; once the customer approves, try again."
    )


def _already_owned(params: dict) -> str:
    values = {"target": params.get("target")}
    channel = params.get("channel")
    if channel == OTHER_PARTNER:
        return (
            _(
                "The customer bought %(target)s through another partner; the customer must cancel it "
                "with that partner before you can sell it."
            )
            % values
        )
    if channel == DIRECT:
        return (
            _(
                "The customer bought %(target)s directly from Microsoft; the customer must cancel it "
                "in their Microsoft 365 admin center before you can sell it."
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
        "services": wording.names(params.get("services", [])),
        "offer": params.get("offer"),
        "target": params.get("target"),
    }
    channel = params.get("channel")
    if channel == OTHER_PARTNER:
        text = _(
            "%(target)s adds %(services)s, which the customer already has in %(offer)s bought through "
            "another partner; the customer must cancel it with that partner before you can upgrade."
        )
    elif channel == DIRECT:
        text = _(
            "%(target)s adds %(services)s, which the customer already has in %(offer)s bought directly "
            "from Microsoft; the customer must cancel it in their Microsoft 365 admin center before "
            "you can upgrade."
        )
    else:
        text = _(
            "%(target)s adds %(services)s, which the customer already has in %(offer)s from you. "
            "Cancel that subscription in Microsoft Partner Center before upgrading."
        )
    return text % values


def _in_progress(params: dict) -> str:
    return _(
        "Another change to this subscription is in progress. Wait a moment, reload the page and try again."
    )


def _quantity(params: dict) -> str:
    return _("Enter a quantity between %(min)s and %(max)s for %(target)s.") % {
        "min": wording.quantity(params.get("min")),
        "max": wording.quantity(params.get("max")),
        "target": params.get("target"),
    }


def _token_reused(params: dict) -> str:
    return _("This form was already submitted with other choices. Reload the page to start a new upgrade.")


def _unexpected(params: dict) -> str:
    return _("Something went wrong and nothing was changed. Try again in a moment.")


def _changed_meanwhile(params: dict) -> str:
    return ngettext(
        "The subscription changed meanwhile: it now has %(quantity)s license. Nothing was changed. "
        "Check the new figures and submit again.",
        "The subscription changed meanwhile: it now has %(quantity)s licenses. Nothing was changed. "
        "Check the new figures and submit again.",
        wording.count(params.get("quantity")),
    ) % {"quantity": wording.quantity(params.get("quantity"))}


def _unlicensed_not_confirmed(params: dict) -> str:
    return ngettext(
        "%(count)s account would be left without a license: %(quantity)s licenses for %(users)s licensed "
        "users. Confirm that you accept it, or raise the quantity.",
        "%(count)s accounts would be left without a license: %(quantity)s licenses for %(users)s licensed "
        "users. Confirm that you accept it, or raise the quantity.",
        wording.count(params.get("count")),
    ) % {
        "count": wording.quantity(params.get("count")),
        "quantity": wording.quantity(params.get("quantity")),
        "users": wording.quantity(params.get("users")),
    }


DESCRIBERS = {
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
    SUBSCRIPTION_CHANGED_MEANWHILE: _changed_meanwhile,
    UNLICENSED_NOT_CONFIRMED: _unlicensed_not_confirmed,
}


def _status_details(params: dict) -> str:
    return _("Current status: %(status)s.") % {"status": wording.status_label(params.get("status"))}


def _grant_details(params: dict) -> str | None:
    # An expiry says its date in the message already.
    if not params.get("end_date") or params.get("state") == GRANT_EXPIRED:
        return None
    return _("The privileges ended on %(date)s.") % {"date": wording.date(params["end_date"])}


def _services_details(params: dict) -> str:
    return _("Services concerned: %(services)s.") % {"services": wording.names(params.get("services", []))}


# A second line under a reason, where the parameters say more than the message.
DETAILS = {
    SUBSCRIPTION_NOT_ACTIVE: _status_details,
    DELEGATED_ADMIN_MISSING: _grant_details,
    CONFLICTING_SERVICES: _services_details,
}


def _channel_links(params: dict) -> tuple[links.Link, ...]:
    """Bought elsewhere: what multi-channel means, and where the customer cancels a direct purchase."""
    channel = params.get("channel")
    if channel == OTHER_PARTNER:
        return (links.multichannel(),)
    if channel == DIRECT:
        return (links.microsoft_365_admin_center(), links.multichannel())
    return ()


def _conflicting_links(params: dict) -> tuple[links.Link, ...]:
    return _channel_links(params) or (links.partner_center(),)


def _not_active_links(params: dict) -> tuple[links.Link, ...]:
    return (links.partner_center(),) if params.get("status") == "suspended" else ()


# Where the remedy of a reason happens when it is not a page of this app: the reason's words say
# what to do, these say where (docs/domain.md §4).
LINKS = {
    SUBSCRIPTION_NOT_ACTIVE: _not_active_links,
    DELEGATED_ADMIN_MISSING: lambda params: (links.request_delegated_admin(),),
    TARGET_ALREADY_OWNED: _channel_links,
    CONFLICTING_SERVICES: _conflicting_links,
}
