"""Billing impact of an upgrade or a quantity change, legacy and new commerce (docs/domain.md §8).

Legacy subscriptions are billed monthly in advance on each anniversary of the creation day. A
new-commerce subscription is billed per billing period, a month or a term year, counted back from
its renewal day, at the price locked on its `price_locked_on` day. Figures are `Decimal`: the daily
price is rounded half-up to 3 decimals (as Partner Center's reconciliation files do), each line
half-up to cents, and the net is the sum of the rounded lines. Where the price list has the
partner's cost, every line carries its cost, computed by the same arithmetic, and its margin
(amount − cost). The same functions make the preview and the stored lines, so the two agree for
the same day.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from partnercenter import clock
from subscriptions.models import (
    BillingCycle,
    BillingLine,
    Offer,
    OfferPrice,
    Subscription,
    add_months,
    billing_period_of,
    monthly_period,
)
from subscriptions.prices import price_on, subscription_price, target_price

CENT = Decimal("0.01")
MILL = Decimal("0.001")

# The legacy service period: the month from the last anniversary of `created_on` (docs/domain.md §8).
service_period = monthly_period


@dataclass(frozen=True)
class BillingLinePreview:
    kind: str
    # None for the target of an upgrade, which does not exist before Submit.
    subscription: Subscription | None
    offer: Offer
    currency: str
    # The customer's price per license for one billing period (`billing_cycle`'s).
    unit_price: Decimal
    # None on whole-month lines (a new subscription's first month, a first-month cancellation).
    daily_price: Decimal | None
    days: int | None
    quantity: int
    amount: Decimal
    period_start: datetime.date
    period_end: datetime.date
    billing_cycle: str = BillingCycle.MONTHLY.value
    # The partner's side, where the price list has a cost; None otherwise.
    unit_cost: Decimal | None = None
    cost: Decimal | None = None

    @property
    def margin(self) -> Decimal | None:
        return None if self.cost is None else self.amount - self.cost

    def as_billing_line(self, *, operation, subscription: Subscription) -> BillingLine:
        return BillingLine(
            operation=operation,
            subscription=subscription,
            kind=self.kind,
            currency=self.currency,
            unit_price=self.unit_price,
            daily_price=self.daily_price,
            days=self.days,
            quantity=self.quantity,
            amount=self.amount,
            period_start=self.period_start,
            period_end=self.period_end,
            unit_cost=self.unit_cost,
            cost=self.cost,
            margin=self.margin,
        )


@dataclass(frozen=True)
class BillingImpact:
    """The one-off prorated lines of a change, as they are stored."""

    currency: str
    lines: tuple[BillingLinePreview, ...]

    @property
    def net(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def has_cost(self) -> bool:
        return has_cost(self.lines)

    @property
    def margin(self) -> Decimal | None:
        """The lines' margins added up, when every line has one; None otherwise."""
        return margin_of(self.lines)


def has_cost(lines) -> bool:
    """Whether any of the billing lines (previewed or stored) has the partner's cost: a margin
    column to show."""
    return any(line.cost is not None for line in lines)


def margin_of(lines) -> Decimal | None:
    """The margins of billing lines (previewed or stored) added up, when every line has one."""
    margins = [line.margin for line in lines]
    if not margins or None in margins:
        return None
    return sum(margins, Decimal("0.00"))


def daily_price(period_price: Decimal, period_start: datetime.date, period_end: datetime.date) -> Decimal:
    days_in_period = (period_end - period_start).days + 1
    return (Decimal(period_price) / days_in_period).quantize(MILL, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _prorated(
    *, kind, subscription, offer, currency, row: OfferPrice, period, today, quantity, sign, cycle
) -> BillingLinePreview:
    """A line for the days left in `period` (today counted): sign × daily × days left × quantity."""
    start, end = period
    days = (end - today).days + 1
    daily = daily_price(row.price, start, end)
    cost = None
    if row.cost is not None:
        cost = to_cents(sign * daily_price(row.cost, start, end) * days * quantity)
    return BillingLinePreview(
        kind=kind,
        subscription=subscription,
        offer=offer,
        currency=currency,
        unit_price=row.price,
        daily_price=daily,
        days=days,
        quantity=quantity,
        amount=to_cents(sign * daily * days * quantity),
        period_start=start,
        period_end=end,
        billing_cycle=cycle,
        unit_cost=row.cost,
        cost=cost,
    )


def _whole_period(
    *, kind, subscription, offer, currency, row: OfferPrice, period, quantity, sign
) -> BillingLinePreview:
    return BillingLinePreview(
        kind=kind,
        subscription=subscription,
        offer=offer,
        currency=currency,
        unit_price=row.price,
        daily_price=None,
        days=None,
        quantity=quantity,
        amount=to_cents(sign * row.price * quantity),
        period_start=period[0],
        period_end=period[1],
        unit_cost=row.cost,
        cost=None if row.cost is None else to_cents(sign * row.cost * quantity),
    )


def cancellation_credit(*, subscription: Subscription, today: datetime.date) -> BillingLinePreview:
    """The credit for the rest of the period; a legacy subscription inside its first month gets
    the whole month back (the first-month rule, legacy only)."""
    row = subscription_price(subscription, today)
    line = {
        "kind": BillingLine.Kind.CANCELLATION_CREDIT.value,
        "subscription": subscription,
        "offer": subscription.offer,
        "currency": subscription.customer.currency,
        "row": row,
        "period": billing_period_of(subscription, today),
        "quantity": subscription.quantity,
        "sign": -1,
    }
    if not subscription.is_new_commerce and today < add_months(subscription.created_on, 1):
        return _whole_period(**line)
    return _prorated(**line, today=today, cycle=subscription.billing_cycle)


def new_subscription_charge(
    *, offer: Offer, currency: str, quantity: int, today: datetime.date
) -> BillingLinePreview:
    """A legacy target: a full first month, in advance; today is its anniversary."""
    return _whole_period(
        kind=BillingLine.Kind.NEW_SUBSCRIPTION_CHARGE.value,
        subscription=None,
        offer=offer,
        currency=currency,
        row=price_on(offer, currency, today),
        period=(today, add_months(today, 1) - datetime.timedelta(days=1)),
        quantity=quantity,
        sign=1,
    )


def coterminous_charge(
    *, source: Subscription, offer: Offer, quantity: int, today: datetime.date
) -> BillingLinePreview:
    """A new-commerce target: coterminous with `source`, billed on the same periods, priced on its
    own start day (today), charged for the days left in the source's period."""
    return _prorated(
        kind=BillingLine.Kind.NEW_SUBSCRIPTION_CHARGE.value,
        subscription=None,
        offer=offer,
        currency=source.customer.currency,
        row=target_price(source, offer, today),
        period=billing_period_of(source, today),
        today=today,
        quantity=quantity,
        sign=1,
        cycle=source.billing_cycle,
    )


def upgrade_billing_impact(
    *, subscription: Subscription, target_offer: Offer, quantity: int, today: datetime.date | None = None
) -> BillingImpact:
    today = today or clock.today()
    if subscription.is_new_commerce:
        charge = coterminous_charge(source=subscription, offer=target_offer, quantity=quantity, today=today)
    else:
        currency = subscription.customer.currency
        charge = new_subscription_charge(
            offer=target_offer, currency=currency, quantity=quantity, today=today
        )
    return BillingImpact(
        currency=subscription.customer.currency,
        lines=(cancellation_credit(subscription=subscription, today=today), charge),
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
    kind = BillingLine.Kind.LICENSES_ADDED if change > 0 else BillingLine.Kind.LICENSES_REMOVED
    line = _prorated(
        kind=kind.value,
        subscription=subscription,
        offer=subscription.offer,
        currency=currency,
        row=subscription_price(subscription, today),
        period=billing_period_of(subscription, today),
        today=today,
        quantity=abs(change),
        sign=1 if change > 0 else -1,
        cycle=subscription.billing_cycle,
    )
    return BillingImpact(currency=currency, lines=(line,))
