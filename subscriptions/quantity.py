"""Whether a subscription's quantity may change to a given number, and why not (DOMAIN.md s. 3, 5).

Side-effect free: the form's live preview asks as the partner types, and
`services.subscription_change_quantity` asks again under the row lock, so both say the same.
"""

import datetime
from dataclasses import dataclass

from customers.models import DelegatedAdminGrant
from subscriptions import eligibility, reasons
from subscriptions.models import Subscription
from subscriptions.reasons import Reason


@dataclass(frozen=True)
class QuantityLimits:
    """What the form's number input allows: never below the assigned licenses (DOMAIN.md s. 6)."""

    minimum: int
    maximum: int
    assigned: int


def quantity_limits(subscription: Subscription, *, assigned: int) -> QuantityLimits:
    offer = subscription.offer
    return QuantityLimits(
        minimum=max(offer.min_quantity, assigned), maximum=offer.max_quantity, assigned=assigned
    )


def change_blocker(subscription: Subscription, *, today: datetime.date) -> Reason | None:
    """Why no quantity at all may be submitted now: the status, or the selling partner's grant."""
    if subscription.status != Subscription.Status.ACTIVE:
        return Reason(
            reasons.SUBSCRIPTION_NOT_ACTIVE,
            {"status": subscription.status, "change": reasons.CHANGE_QUANTITY},
        )
    # Changing seats is a change made on the customer's behalf: like an upgrade, it needs the
    # delegated admin privileges of the partner that sold the subscription.
    grant = DelegatedAdminGrant.objects.filter(
        partner_id=subscription.sold_by_id,
        customer_id=subscription.customer_id,
        service=DelegatedAdminGrant.Service.OFFICE365,
    ).first()
    if grant is None or not grant.counts_on(today):
        return Reason(reasons.DELEGATED_ADMIN_MISSING, eligibility._grant_params(grant))
    return None


def quantity_change_refusal(
    subscription: Subscription,
    *,
    quantity: int,
    based_on: int | None,
    assigned: int,
    today: datetime.date,
) -> Reason | None:
    """The first reason `quantity` may not replace the current quantity, or None when it may.

    `based_on` is the quantity the form showed: when another change came in between, the
    partner must see the new quantity before deciding (no lost update). None skips that check.
    """
    blocker = change_blocker(subscription, today=today)
    if blocker is not None:
        return blocker
    current = subscription.quantity
    if based_on is not None and based_on != current:
        return Reason(reasons.QUANTITY_CHANGED_MEANWHILE, {"now": current, "based_on": based_on})
    if quantity == current:
        return Reason(reasons.QUANTITY_UNCHANGED, {"quantity": current})
    offer = subscription.offer
    if quantity < offer.min_quantity:
        return Reason(reasons.QUANTITY_BELOW_MINIMUM, {"offer": offer.name, "min": offer.min_quantity})
    if quantity < assigned:
        return Reason(reasons.QUANTITY_BELOW_ASSIGNED, {"assigned": assigned, "quantity": quantity})
    if quantity > offer.max_quantity:
        return Reason(
            reasons.QUANTITY_ABOVE_MAXIMUM,
            {
                "offer": offer.name,
                "max": offer.max_quantity,
                "upgrade_targets": upgrade_targets_for(subscription, quantity=quantity, today=today),
            },
        )
    return None


def upgrade_targets_for(subscription: Subscription, *, quantity: int, today: datetime.date) -> list[str]:
    """The eligible upgrades that take `quantity` seats (Business plans stop at 300; E3 does not)."""
    return [
        option.target_offer.name
        for option in eligibility.upgrade_options(subscription, today=today)
        if option.is_eligible and option.target_offer.max_quantity >= quantity
    ]
