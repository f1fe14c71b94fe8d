"""The price list's refusal, shared by the upgrade and the quantity change (docs/domain.md §4, §6).

A subscription whose own price row is gone (an admin removed or re-dated its prices) can be
neither credited nor charged, so no change is taken. The upgrade says it here; the quantity
change words it in its own vocabulary (`reasons.quantity`).
"""

from django.utils.translation import gettext as _

SUBSCRIPTION_NOT_PRICED = "subscription_not_priced"

PARTNER_CENTER_CODES = {SUBSCRIPTION_NOT_PRICED: "other"}


def _not_priced(params: dict) -> str:
    return _(
        "The price list has no price for %(offer)s on this subscription's term and billing cycle, so it "
        "cannot be upgraded: its credit cannot be billed. Ask an administrator to add the price."
    ) % {"offer": params.get("offer")}


DESCRIBERS = {SUBSCRIPTION_NOT_PRICED: _not_priced}
