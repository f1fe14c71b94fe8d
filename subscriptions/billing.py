"""Billing impact of an upgrade or a quantity change (legacy license-based; docs/domain.md §8).

Monthly billing in advance on each anniversary of the creation day. Figures are `Decimal`: the
daily price is rounded half-up to 3 decimals (as Partner Center's reconciliation files do),
each line half-up to cents, and the net is the sum of the rounded lines. The same functions
make the preview and the stored lines, so the two agree for the same day.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from partnercenter import clock
from subscriptions import catalog_cache
from subscriptions.models import BillingLine, Offer, OfferPrice, Subscription, add_months

CENT = Decimal("0.01")
MILL = Decimal("0.001")


@dataclass(frozen=True)
class BillingLinePreview:
    kind: str
    # None for the target of an upgrade, which does not exist before Submit.
    subscription: Subscription | None
    offer: Offer
    currency: str
    monthly_price: Decimal
    # None on whole-month lines (a new subscription's first month, a first-month cancellation).
    daily_price: Decimal | None
    days: int | None
    quantity: int
    amount: Decimal
    period_start: datetime.date
    period_end: datetime.date

    def as_billing_line(self, *, operation, subscription: Subscription) -> BillingLine:
        return BillingLine(
            operation=operation,
            subscription=subscription,
            kind=self.kind,
            currency=self.currency,
            monthly_price=self.monthly_price,
            daily_price=self.daily_price,
            days=self.days,
            quantity=self.quantity,
            amount=self.amount,
            period_start=self.period_start,
            period_end=self.period_end,
        )


@dataclass(frozen=True)
class RecurringCost:
    """What the subscription costs a month before the change, and from `starts_on` after it."""

    currency: str
    before: Decimal
    after: Decimal
    # The first billing anniversary the new monthly figure is charged on.
    starts_on: datetime.date


@dataclass(frozen=True)
class BillingImpact:
    """The one-off prorated lines of a change, as they are stored."""

    currency: str
    lines: tuple[BillingLinePreview, ...]

    @property
    def net(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


def service_period(created_on: datetime.date, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period `today` falls in: last anniversary on or before today, to the day before the next.

    Each anniversary is counted from the creation date (Jan 31 -> Feb 28/29 -> Mar 31).
    """
    months = (today.year - created_on.year) * 12 + today.month - created_on.month
    if add_months(created_on, months) > today:
        months -= 1
    months = max(months, 0)
    start = add_months(created_on, months)
    return start, add_months(created_on, months + 1) - datetime.timedelta(days=1)


def daily_price(monthly_price: Decimal, period_start: datetime.date, period_end: datetime.date) -> Decimal:
    days_in_period = (period_end - period_start).days + 1
    return (Decimal(monthly_price) / days_in_period).quantize(MILL, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def monthly_price(offer: Offer, currency: str) -> Decimal:
    """The list price; raises OfferPrice.DoesNotExist when the price list has none."""
    for price in catalog_cache.offer(offer.pk).prices.all():  # the process's catalog: no query
        if price.currency == currency:
            return price.monthly_price
    raise OfferPrice.DoesNotExist(f"{offer} has no price in {currency}.")


def cancellation_credit(*, subscription: Subscription, today: datetime.date) -> BillingLinePreview:
    """The credit for the rest of the period, or the whole month inside the first month."""
    currency = subscription.customer.currency
    price = monthly_price(subscription.offer, currency)
    start, end = service_period(subscription.created_on, today)
    if today < add_months(subscription.created_on, 1):
        daily, days, amount = None, None, -(price * subscription.quantity)
    else:
        daily = daily_price(price, start, end)
        days = (end - today).days + 1
        amount = -(daily * days * subscription.quantity)
    return BillingLinePreview(
        kind=BillingLine.Kind.CANCELLATION_CREDIT.value,
        subscription=subscription,
        offer=subscription.offer,
        currency=currency,
        monthly_price=price,
        daily_price=daily,
        days=days,
        quantity=subscription.quantity,
        amount=to_cents(amount),
        period_start=start,
        period_end=end,
    )


def new_subscription_charge(
    *, offer: Offer, currency: str, quantity: int, today: datetime.date
) -> BillingLinePreview:
    """A full first month, in advance: today is the new subscription's anniversary."""
    price = monthly_price(offer, currency)
    return BillingLinePreview(
        kind=BillingLine.Kind.NEW_SUBSCRIPTION_CHARGE.value,
        subscription=None,
        offer=offer,
        currency=currency,
        monthly_price=price,
        daily_price=None,
        days=None,
        quantity=quantity,
        amount=to_cents(price * quantity),
        period_start=today,
        period_end=add_months(today, 1) - datetime.timedelta(days=1),
    )


def upgrade_billing_impact(
    *, subscription: Subscription, target_offer: Offer, quantity: int, today: datetime.date | None = None
) -> BillingImpact:
    today = today or clock.today()
    currency = subscription.customer.currency
    return BillingImpact(
        currency=currency,
        lines=(
            cancellation_credit(subscription=subscription, today=today),
            new_subscription_charge(offer=target_offer, currency=currency, quantity=quantity, today=today),
        ),
    )


def upgrade_recurring_cost(
    *, subscription: Subscription, target_offer: Offer, quantity: int, today: datetime.date | None = None
) -> RecurringCost:
    """The source's monthly cost, and the new subscription's from its first anniversary (a month
    from today: its anniversary is the day it is created)."""
    today = today or clock.today()
    currency = subscription.customer.currency
    return RecurringCost(
        currency=currency,
        before=to_cents(monthly_price(subscription.offer, currency) * subscription.quantity),
        after=to_cents(monthly_price(target_offer, currency) * quantity),
        starts_on=add_months(today, 1),
    )


def quantity_change_recurring_cost(
    *, subscription: Subscription, new_quantity: int, today: datetime.date | None = None
) -> RecurringCost:
    """The monthly cost now, and from the next billing anniversary with `new_quantity` seats."""
    today = today or clock.today()
    currency = subscription.customer.currency
    price = monthly_price(subscription.offer, currency)
    return RecurringCost(
        currency=currency,
        before=to_cents(price * subscription.quantity),
        after=to_cents(price * new_quantity),
        starts_on=subscription.next_anniversary(today) or today,
    )


def quantity_change_billing_impact(
    *, subscription: Subscription, new_quantity: int, today: datetime.date | None = None
) -> BillingImpact:
    """Prorated for the days left in the period; no first-month rule here. No change, no line."""
    today = today or clock.today()
    currency = subscription.customer.currency
    change = new_quantity - subscription.quantity
    if change == 0:
        return BillingImpact(currency=currency, lines=())
    price = monthly_price(subscription.offer, currency)
    start, end = service_period(subscription.created_on, today)
    daily = daily_price(price, start, end)
    days = (end - today).days + 1
    kind = BillingLine.Kind.LICENSES_ADDED if change > 0 else BillingLine.Kind.LICENSES_REMOVED
    line = BillingLinePreview(
        kind=kind.value,
        subscription=subscription,
        offer=subscription.offer,
        currency=currency,
        monthly_price=price,
        daily_price=daily,
        days=days,
        quantity=abs(change),
        amount=to_cents(daily * days * change),
        period_start=start,
        period_end=end,
    )
    return BillingImpact(currency=currency, lines=(line,))
