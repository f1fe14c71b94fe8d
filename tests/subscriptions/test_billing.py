"""Billing impact, exactly as docs/domain.md §8 writes it (and its three worked checks)."""

import datetime
from decimal import Decimal

import pytest

from subscriptions.billing import (
    quantity_change_billing_impact,
    service_period,
    upgrade_billing_impact,
)
from subscriptions.models import BillingLine
from tests.factories import CustomerFactory, OfferFactory, SubscriptionFactory

D = datetime.date


def subscription_of(monthly: str, *, created_on: datetime.date, quantity: int = 1, market: str = "US"):
    currency = {"IN": "INR", "FR": "EUR"}.get(market, "USD")
    return SubscriptionFactory(
        customer=CustomerFactory(market=market),
        offer=OfferFactory(prices={currency: monthly}),
        quantity=quantity,
        created_on=created_on,
        term_end=created_on + datetime.timedelta(days=365),
    )


def test_partner_centers_worked_cancellation_credits_minus_1_72(db):
    # 4.00 a month, period Feb 13 - Mar 12 2018 (28 days), cancelled on Mar 1.
    source = subscription_of("4.00", created_on=D(2018, 1, 13))
    target = OfferFactory(prices={"USD": "8.00"})

    impact = upgrade_billing_impact(subscription=source, target_offer=target, quantity=1, today=D(2018, 3, 1))

    credit, charge = impact.lines
    assert credit.kind == BillingLine.Kind.CANCELLATION_CREDIT
    assert (credit.period_start, credit.period_end) == (D(2018, 2, 13), D(2018, 3, 12))
    assert credit.daily_price == Decimal("0.143")
    assert credit.days == 12
    assert credit.amount == Decimal("-1.72")
    assert credit.subscription == source and credit.quantity == 1


def test_adding_three_licenses_in_a_29_day_period_charges_39_33(db):
    subscription = subscription_of("20.00", created_on=D(2024, 1, 10), quantity=5)

    impact = quantity_change_billing_impact(subscription=subscription, new_quantity=8, today=D(2024, 2, 20))

    (line,) = impact.lines
    assert line.kind == BillingLine.Kind.LICENSES_ADDED
    assert (line.period_start, line.period_end) == (D(2024, 2, 10), D(2024, 3, 9))
    assert (line.daily_price, line.days, line.quantity) == (Decimal("0.690"), 19, 3)
    assert line.amount == Decimal("39.33")
    assert impact.net == Decimal("39.33")


def test_adding_three_licenses_in_a_28_day_period_charges_38_56(db):
    subscription = subscription_of("20.00", created_on=D(2023, 1, 10), quantity=5)

    impact = quantity_change_billing_impact(subscription=subscription, new_quantity=8, today=D(2023, 2, 20))

    (line,) = impact.lines
    assert (line.daily_price, line.days, line.quantity) == (Decimal("0.714"), 18, 3)
    assert line.amount == Decimal("38.56")


def test_removing_licenses_credits_the_days_left(db):
    subscription = subscription_of("20.00", created_on=D(2024, 1, 10), quantity=5)

    impact = quantity_change_billing_impact(subscription=subscription, new_quantity=3, today=D(2024, 2, 20))

    (line,) = impact.lines
    assert line.kind == BillingLine.Kind.LICENSES_REMOVED
    assert line.quantity == 2
    assert line.amount == Decimal("-26.22")  # 0.690 x 19 x 2 = 26.22
    assert impact.net == Decimal("-26.22")


def test_an_unchanged_quantity_has_no_billing_line(db):
    subscription = subscription_of("20.00", created_on=D(2024, 1, 10), quantity=5)

    impact = quantity_change_billing_impact(subscription=subscription, new_quantity=5, today=D(2024, 2, 20))

    assert impact.lines == ()
    assert impact.net == Decimal("0.00")


def test_lines_are_rounded_half_up_to_cents(db):
    # 3.75 over a 30-day period is 0.125 a day; one day left, one license: 0.125 -> 0.13.
    subscription = subscription_of("3.75", created_on=D(2024, 4, 10), quantity=2)

    added = quantity_change_billing_impact(subscription=subscription, new_quantity=3, today=D(2024, 7, 9))
    removed = quantity_change_billing_impact(subscription=subscription, new_quantity=1, today=D(2024, 7, 9))

    assert added.lines[0].daily_price == Decimal("0.125")
    assert added.lines[0].days == 1
    assert added.net == Decimal("0.13")
    assert removed.net == Decimal("-0.13")


def test_cancelling_in_the_first_month_credits_the_whole_month(db):
    source = subscription_of("5.00", created_on=D(2024, 3, 1), quantity=8)

    credit, _ = upgrade_billing_impact(
        subscription=source, target_offer=OfferFactory(), quantity=8, today=D(2024, 3, 11)
    ).lines

    assert credit.amount == Decimal("-40.00")
    assert (credit.daily_price, credit.days) == (None, None)
    assert (credit.period_start, credit.period_end) == (D(2024, 3, 1), D(2024, 3, 31))


@pytest.mark.parametrize(
    ("today", "amount", "days"),
    [
        (D(2018, 2, 12), Decimal("-4.00"), None),  # the last day of the first month: whole month
        (D(2018, 2, 13), Decimal("-4.00"), 28),  # the first anniversary: 0.143 x 28 = 4.004
        (D(2018, 3, 12), Decimal("-0.14"), 1),  # the period's last day counts
    ],
)
def test_the_first_month_ends_the_day_before_the_first_anniversary(db, today, amount, days):
    source = subscription_of("4.00", created_on=D(2018, 1, 13))

    credit, _ = upgrade_billing_impact(
        subscription=source, target_offer=OfferFactory(), quantity=1, today=today
    ).lines

    assert (credit.amount, credit.days) == (amount, days)


def test_quantity_changes_in_the_first_month_are_prorated_all_the_same(db):
    subscription = subscription_of("31.00", created_on=D(2024, 3, 1), quantity=1)

    impact = quantity_change_billing_impact(subscription=subscription, new_quantity=2, today=D(2024, 3, 11))

    assert (impact.lines[0].daily_price, impact.lines[0].days) == (Decimal("1.000"), 21)
    assert impact.net == Decimal("21.00")


def test_the_new_subscription_is_charged_a_full_month_in_advance_from_today(db):
    source = subscription_of("12.50", created_on=D(2024, 1, 10), quantity=40)
    target = OfferFactory(prices={"USD": "20.00"})

    impact = upgrade_billing_impact(
        subscription=source, target_offer=target, quantity=40, today=D(2024, 4, 19)
    )

    credit, charge = impact.lines
    assert charge.kind == BillingLine.Kind.NEW_SUBSCRIPTION_CHARGE
    assert charge.subscription is None and charge.offer == target
    assert (charge.unit_price, charge.quantity, charge.amount) == (Decimal("20.00"), 40, Decimal("800.00"))
    assert (charge.period_start, charge.period_end) == (D(2024, 4, 19), D(2024, 5, 18))
    # Apr 10 - May 9 is 30 days: 12.50 / 30 = 0.417, 21 days left, 40 licenses.
    assert (credit.daily_price, credit.days, credit.amount) == (Decimal("0.417"), 21, Decimal("-350.28"))
    assert impact.net == Decimal("449.72") == credit.amount + charge.amount


def test_figures_are_in_the_customers_market_currency(db):
    source = subscription_of("300.00", created_on=D(2024, 1, 10), quantity=2, market="IN")
    target = OfferFactory(prices={"USD": "20.00", "INR": "1200.00"})

    impact = upgrade_billing_impact(
        subscription=source, target_offer=target, quantity=2, today=D(2024, 2, 20)
    )

    assert impact.currency == "INR"
    assert {line.currency for line in impact.lines} == {"INR"}
    assert impact.lines[1].amount == Decimal("2400.00")


@pytest.mark.parametrize(
    ("created", "today", "period"),
    [
        (D(2024, 1, 31), D(2024, 2, 15), (D(2024, 1, 31), D(2024, 2, 28))),
        (D(2024, 1, 31), D(2024, 2, 29), (D(2024, 2, 29), D(2024, 3, 30))),
        (D(2024, 1, 31), D(2024, 3, 31), (D(2024, 3, 31), D(2024, 4, 29))),
        (D(2023, 1, 31), D(2023, 3, 1), (D(2023, 2, 28), D(2023, 3, 30))),
        (D(2024, 12, 15), D(2025, 1, 14), (D(2024, 12, 15), D(2025, 1, 14))),
        (D(2024, 12, 15), D(2025, 1, 15), (D(2025, 1, 15), D(2025, 2, 14))),
        (D(2024, 5, 10), D(2024, 5, 10), (D(2024, 5, 10), D(2024, 6, 9))),
    ],
)
def test_the_service_period_runs_from_the_last_anniversary_to_the_day_before_the_next(created, today, period):
    assert service_period(created, today) == period
