"""Whether a subscription's quantity may change to a given number, and why not (docs/domain.md §6).

Side-effect free. `assess_quantity_change` is the one answer to every question the Add licenses
form and the quantity change service ask (the limits, what blocks any change, why this number
is refused, the prorated billing line): the form's live preview asks it as the partner types,
and `services.subscription_change_quantity` asks it again under the row lock, so both say the
same.
"""

import datetime
from dataclasses import dataclass

from subscriptions import eligibility, prices, reasons
from subscriptions.billing import BillingImpact, quantity_change_billing_impact
from subscriptions.models import Subscription
from subscriptions.reasons import Reason


@dataclass(frozen=True)
class QuantityLimits:
    """What the form's number input allows: never below the assigned licenses."""

    minimum: int
    maximum: int
    assigned: int


@dataclass(frozen=True)
class QuantityAssessment:
    limits: QuantityLimits
    # Why no quantity at all may be submitted now: the status, or the selling partner's grant.
    blocker: Reason | None
    # Why the quantity asked for may not replace the current one (the blocker first); None when
    # it may, or when no quantity was asked for.
    refusal: Reason | None
    # The prorated billing of the change, when it may be made.
    impact: BillingImpact | None


def assess_quantity_change(
    subscription: Subscription,
    *,
    quantity: int | None,
    based_on: int | None,
    today: datetime.date,
) -> QuantityAssessment:
    """Everything about changing `subscription` to `quantity` seats, the form having shown
    `based_on` (None: no form, so no "changed meanwhile" check). `quantity` None asks only for
    the limits and the blocker (a form not yet valid)."""
    assigned = subscription.licenses.count()
    offer = subscription.offer
    limits = QuantityLimits(
        minimum=max(offer.min_quantity, assigned), maximum=offer.max_quantity, assigned=assigned
    )
    blocker = _change_blocker(subscription, today=today)
    if blocker is not None or quantity is None:
        return QuantityAssessment(limits=limits, blocker=blocker, refusal=blocker, impact=None)
    refusal = _refusal(subscription, quantity=quantity, based_on=based_on, assigned=assigned, today=today)
    impact = (
        quantity_change_billing_impact(subscription=subscription, new_quantity=quantity, today=today)
        if refusal is None
        else None
    )
    return QuantityAssessment(limits=limits, blocker=None, refusal=refusal, impact=impact)


def _change_blocker(subscription: Subscription, *, today: datetime.date) -> Reason | None:
    if not subscription.is_active:
        return Reason(
            reasons.SUBSCRIPTION_NOT_ACTIVE,
            {"status": subscription.status, "change": reasons.CHANGE_QUANTITY},
        )
    # Changing seats is a change made on the customer's behalf: like an upgrade, it needs the
    # delegated admin privileges of the partner that sold the subscription.
    if refusal := eligibility.grant_refusal(eligibility.selling_partners_grant(subscription), today=today):
        return refusal
    # Every change is billed: without its price row, there is no line to bill it by.
    if prices.subscription_price_or_none(subscription, today) is None:
        return Reason(
            reasons.SUBSCRIPTION_NOT_PRICED,
            {"offer": subscription.offer.name, "change": reasons.CHANGE_QUANTITY},
        )
    return None


def _refusal(
    subscription: Subscription, *, quantity: int, based_on: int | None, assigned: int, today: datetime.date
) -> Reason | None:
    """The first reason `quantity` may not replace the current quantity, or None when it may.

    When another change came in after the form was drawn (`based_on` differs), the partner must
    see the new quantity before deciding: no lost update.
    """
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
                "upgrade_targets": _upgrade_targets_for(subscription, quantity=quantity, today=today),
            },
        )
    return None


def _upgrade_targets_for(subscription: Subscription, *, quantity: int, today: datetime.date) -> list[str]:
    """The eligible upgrades that take more seats than the subscription's offer (Business plans
    stop at 300; E3 does not), however many were asked: the way on is the same for 301 seats as
    for a number no offer takes."""
    limit = subscription.offer.max_quantity
    return [
        option.target_offer.name
        for option in eligibility.upgrade_options(subscription, today=today)
        if option.is_eligible and option.target_offer.max_quantity > limit
    ]
