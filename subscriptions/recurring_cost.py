"""What a subscription costs a billing period before a change and after it (docs/domain.md §8).

The recurring cost is shown beside the one-off billing lines of every preview: the partner sees
what the customer pays each month or term year from the next anniversary, and, where the price
list has a cost, the partner's margin on it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from partnercenter import clock
from subscriptions.billing import to_cents
from subscriptions.models import BillingCycle, Offer, OfferPrice, Subscription, add_months
from subscriptions.prices import subscription_price, target_price


@dataclass(frozen=True)
class RecurringCost:
    """What the subscription costs a billing period before the change, and from `starts_on` after it."""

    currency: str
    before: Decimal
    after: Decimal
    # The first billing anniversary the new figure is charged on.
    starts_on: datetime.date
    billing_cycle: str = BillingCycle.MONTHLY.value
    # The same figures at the partner's cost, where the price list has one (else None).
    cost_before: Decimal | None = None
    cost_after: Decimal | None = None

    @property
    def margin_before(self) -> Decimal | None:
        return None if self.cost_before is None else self.before - self.cost_before

    @property
    def margin_after(self) -> Decimal | None:
        return None if self.cost_after is None else self.after - self.cost_after


def _recurring(before: OfferPrice, before_qty, after: OfferPrice, after_qty, **fields) -> RecurringCost:
    def at_cost(row, quantity):
        return None if row.cost is None else to_cents(row.cost * quantity)

    return RecurringCost(
        before=to_cents(before.price * before_qty),
        after=to_cents(after.price * after_qty),
        cost_before=at_cost(before, before_qty),
        cost_after=at_cost(after, after_qty),
        **fields,
    )


def upgrade_recurring_cost(
    *, subscription: Subscription, target_offer: Offer, quantity: int, today: datetime.date | None = None
) -> RecurringCost:
    """The source's cost a billing period, and the new subscription's from its first anniversary:
    a month from today for legacy (its anniversary is the day it is created), the source's next
    anniversary for new commerce (coterminous)."""
    today = today or clock.today()
    currency = subscription.customer.currency
    if subscription.is_new_commerce:
        starts_on = subscription.next_anniversary(today) or today
    else:
        starts_on = add_months(today, 1)
    return _recurring(
        subscription_price(subscription, today),
        subscription.quantity,
        target_price(subscription, target_offer, today),
        quantity,
        currency=currency,
        starts_on=starts_on,
        billing_cycle=subscription.billing_cycle,
    )


def quantity_change_recurring_cost(
    *, subscription: Subscription, new_quantity: int, today: datetime.date | None = None
) -> RecurringCost:
    """The cost a billing period now, and from the next billing anniversary with `new_quantity` seats."""
    today = today or clock.today()
    row = subscription_price(subscription, today)
    return _recurring(
        row,
        subscription.quantity,
        row,
        new_quantity,
        currency=subscription.customer.currency,
        starts_on=subscription.next_anniversary(today) or today,
        billing_cycle=subscription.billing_cycle,
    )
