"""New commerce's prices and billing, exactly as docs/domain.md §2 and §8 write them.

Every figure below is computed by hand in the comments (and in docs/domain.md §8), never by the
code under test: periods counted back from the renewal day, daily price half-up to 3 decimals,
lines to the cent, the partner's cost by the same arithmetic, margin = amount − cost.
"""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from partnercenter import clock
from subscriptions import prices, recurring_cost
from subscriptions.billing import quantity_change_billing_impact, upgrade_billing_impact
from subscriptions.models import BillingLine, Offer, OfferPrice, Subscription, billing_period_of
from subscriptions.services import subscription_change_quantity, subscription_upgrade
from tests.actors import acting
from tests.factories import (
    CustomerFactory,
    DelegatedAdminGrantFactory,
    OfferFactory,
    PartnerUserFactory,
    ResellerRelationshipFactory,
    SubscriptionFactory,
    UpgradePathFactory,
)

D = datetime.date
PUBLISHED = D(2025, 1, 1)
RISE = D(2026, 7, 1)


def new_commerce_offer(*rows, name=None) -> Offer:
    """An offer of the new commerce whose price list is `rows`: (term, cycle, from, price, cost)."""
    offer = OfferFactory(
        commerce_type="new_commerce",
        product_id=f"DEMO0T{uuid.uuid4().hex[:6].upper()}",
        sku_code="0001",
        prices={},
        **({"name": name} if name else {}),
    )
    OfferPrice.objects.filter(offer=offer).delete()
    for term, cycle, effective_from, price, cost in rows:
        OfferPrice.objects.create(
            offer=offer,
            currency="USD",
            term_duration=term,
            billing_cycle=cycle,
            effective_from=effective_from,
            price=Decimal(price),
            cost=None if cost is None else Decimal(cost),
        )
    return offer


def new_commerce_subscription(offer, *, term, cycle, start, term_end, quantity, customer=None, **fields):
    return SubscriptionFactory(
        offer=offer,
        commerce_type="new_commerce",
        term_duration=term,
        billing_cycle=cycle,
        created_on=start,
        term_end=term_end,
        price_locked_on=start,
        quantity=quantity,
        **({"customer": customer} if customer else {}),
        **fields,
    )


def figures(line):
    return (line.unit_price, line.daily_price, line.days, line.quantity, line.amount, line.cost, line.margin)


# --- Periods -----------------------------------------------------------------------------------


def test_a_monthly_period_counts_back_from_the_renewal_day(db):
    offer = new_commerce_offer(("P1Y", "monthly", PUBLISHED, "13.13", "11.16"))
    subscription = new_commerce_subscription(
        offer, term="P1Y", cycle="monthly", start=D(2026, 1, 15), term_end=D(2027, 1, 14), quantity=30
    )

    assert subscription.renews_on == D(2027, 1, 15)
    assert billing_period_of(subscription, D(2026, 3, 20)) == (D(2026, 3, 15), D(2026, 4, 14))
    assert billing_period_of(subscription, D(2026, 3, 14)) == (D(2026, 2, 15), D(2026, 3, 14))
    assert subscription.next_anniversary(D(2026, 3, 20)) == D(2026, 4, 15)


def test_an_annual_period_of_a_three_year_term_is_the_term_year(db):
    offer = new_commerce_offer(("P3Y", "annual", PUBLISHED, "432.00", "367.20"))
    subscription = new_commerce_subscription(
        offer, term="P3Y", cycle="annual", start=D(2025, 10, 27), term_end=D(2028, 10, 26), quantity=120
    )

    assert billing_period_of(subscription, D(2025, 10, 27)) == (D(2025, 10, 27), D(2026, 10, 26))
    assert billing_period_of(subscription, D(2026, 12, 1)) == (D(2026, 10, 27), D(2027, 10, 26))
    assert billing_period_of(subscription, D(2028, 10, 26)) == (D(2027, 10, 27), D(2028, 10, 26))
    assert subscription.next_anniversary(D(2026, 12, 1)) == D(2027, 10, 27)


# --- Price rules ---------------------------------------------------------------------------


def test_the_price_in_effect_is_the_latest_row_on_or_before_the_day(db):
    offer = new_commerce_offer(
        ("P1Y", "annual", PUBLISHED, "432.00", "367.20"),
        ("P1Y", "annual", RISE, "468.00", "397.80"),
        ("P1Y", "monthly", PUBLISHED, "37.80", None),
    )
    rows = list(offer.prices.all())

    def price(day, cycle="annual"):
        row = prices.price_in_effect(rows, "USD", day, term_duration="P1Y", billing_cycle=cycle)
        return row and row.price

    assert price(PUBLISHED - datetime.timedelta(1)) is None  # before the first row: none
    assert price(PUBLISHED) == Decimal("432.00")
    assert price(RISE - datetime.timedelta(1)) == Decimal("432.00")
    assert price(RISE) == Decimal("468.00")  # the day it takes effect
    assert price(D(2030, 1, 1)) == Decimal("468.00")
    assert price(RISE, "monthly") == Decimal("37.80")  # each term and cycle has its own rows
    assert prices.price_in_effect(rows, "EUR", RISE, term_duration="P1Y", billing_cycle="annual") is None


def test_a_new_commerce_subscription_pays_the_price_of_its_term_start_until_it_renews(db):
    offer = new_commerce_offer(
        ("P3Y", "annual", PUBLISHED, "432.00", "367.20"),
        ("P3Y", "annual", RISE, "468.00", "397.80"),
    )
    locked = new_commerce_subscription(
        offer, term="P3Y", cycle="annual", start=D(2025, 10, 27), term_end=D(2028, 10, 26), quantity=120
    )
    after_rise = new_commerce_subscription(
        offer, term="P3Y", cycle="annual", start=D(2026, 8, 1), term_end=D(2029, 7, 31), quantity=5
    )

    assert prices.subscription_price(locked, D(2026, 12, 1)).price == Decimal("432.00")
    assert prices.subscription_price(after_rise, D(2026, 12, 1)).price == Decimal("468.00")


def test_a_legacy_subscription_pays_todays_list_price(db):
    offer = OfferFactory(prices={"USD": "8.00"})
    subscription = SubscriptionFactory(offer=offer)
    row = offer.prices.get()
    assert (row.term_duration, row.billing_cycle, row.effective_from) == ("", "monthly", D(2011, 6, 28))
    OfferPrice.objects.create(
        offer=offer, currency="USD", effective_from=D(2026, 7, 1), price=Decimal("9.00")
    )

    assert prices.subscription_price(subscription, D(2026, 6, 30)).price == Decimal("8.00")
    assert prices.subscription_price(subscription, D(2026, 7, 1)).price == Decimal("9.00")


def test_a_price_row_refuses_a_term_on_legacy_annual_billing_of_a_month_and_two_rows_of_one_day(db):
    legacy = OfferFactory(prices={"USD": "8.00"})
    offer = new_commerce_offer(("P1Y", "annual", PUBLISHED, "432.00", None))
    cases = [
        OfferPrice(offer=legacy, currency="EUR", term_duration="P1Y", price=Decimal("1")),
        OfferPrice(offer=offer, currency="USD", term_duration="", price=Decimal("1")),
        OfferPrice(
            offer=offer, currency="USD", term_duration="P1M", billing_cycle="annual", price=Decimal("1"),
        ),
        OfferPrice(
            offer=offer, currency="USD", term_duration="P1Y", billing_cycle="annual",
            effective_from=PUBLISHED, price=Decimal("1"),
        ),
    ]  # fmt: skip
    for row in cases:
        with pytest.raises(ValidationError):
            row.full_clean()


# --- Worked examples (docs/domain.md §8) ----------------------------------------------------


def test_monthly_one_year_add_5_licenses(db):
    # Period 15 March - 14 April 2026: 31 days. Daily 13.13 / 31 = 0.42354… → 0.424; cost
    # 11.16 / 31 = 0.36 → 0.360. Days left 20 March - 14 April: 26.
    offer = new_commerce_offer(("P1Y", "monthly", PUBLISHED, "13.13", "11.16"))
    subscription = new_commerce_subscription(
        offer, term="P1Y", cycle="monthly", start=D(2026, 1, 15), term_end=D(2027, 1, 14), quantity=30
    )

    impact = quantity_change_billing_impact(subscription=subscription, new_quantity=35, today=D(2026, 3, 20))

    (line,) = impact.lines
    # 0.424 × 26 × 5 = 55.12; 0.360 × 26 × 5 = 46.80; margin 8.32.
    assert figures(line) == (
        Decimal("13.13"), Decimal("0.424"), 26, 5, Decimal("55.12"), Decimal("46.80"), Decimal("8.32"),
    )  # fmt: skip
    assert (line.period_start, line.period_end, line.billing_cycle) == (
        D(2026, 3, 15),
        D(2026, 4, 14),
        "monthly",
    )
    assert impact.net == Decimal("55.12") and impact.margin == Decimal("8.32")


def test_annual_one_year_remove_2_licenses(db):
    # Period: the term year 10 February 2026 - 9 February 2027, 365 days. Daily 264.00 / 365 =
    # 0.72328… → 0.723; cost 224.40 / 365 = 0.61479… → 0.615. Days left 30 November 2026 -
    # 9 February 2027: 1 + 31 + 31 + 9 = 72.
    offer = new_commerce_offer(("P1Y", "annual", PUBLISHED, "264.00", "224.40"))
    subscription = new_commerce_subscription(
        offer, term="P1Y", cycle="annual", start=D(2026, 2, 10), term_end=D(2027, 2, 9), quantity=20
    )

    impact = quantity_change_billing_impact(subscription=subscription, new_quantity=18, today=D(2026, 11, 30))

    (line,) = impact.lines
    # −0.723 × 72 × 2 = −104.112 → −104.11; −0.615 × 72 × 2 = −88.56; margin −15.55.
    assert line.kind == BillingLine.Kind.LICENSES_REMOVED
    assert figures(line) == (
        Decimal("264.00"), Decimal("0.723"), 72, 2, Decimal("-104.11"), Decimal("-88.56"), Decimal("-15.55"),
    )  # fmt: skip
    assert (line.period_start, line.period_end, line.billing_cycle) == (
        D(2026, 2, 10),
        D(2027, 2, 9),
        "annual",
    )


def test_triennial_annual_add_10_licenses_at_the_locked_price(db):
    # The second term year, 27 October 2026 - 26 October 2027: 365 days. The price locked on
    # 27 October 2025 is 432.00 (the 468.00 of the rise is not this term's). Daily 432.00 / 365 =
    # 1.18356… → 1.184; cost 367.20 / 365 = 1.00602… → 1.006. Days left 1 December 2026 -
    # 26 October 2027: 31 + 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 26 = 330.
    offer = new_commerce_offer(
        ("P3Y", "annual", PUBLISHED, "432.00", "367.20"),
        ("P3Y", "annual", RISE, "468.00", "397.80"),
    )
    subscription = new_commerce_subscription(
        offer, term="P3Y", cycle="annual", start=D(2025, 10, 27), term_end=D(2028, 10, 26), quantity=120
    )

    impact = quantity_change_billing_impact(subscription=subscription, new_quantity=130, today=D(2026, 12, 1))

    (line,) = impact.lines
    # 1.184 × 330 × 10 = 3,907.20; 1.006 × 330 × 10 = 3,319.80; margin 587.40.
    assert figures(line) == (
        Decimal("432.00"), Decimal("1.184"), 330, 10,
        Decimal("3907.20"), Decimal("3319.80"), Decimal("587.40"),
    )  # fmt: skip
    recurring = recurring_cost.quantity_change_recurring_cost(
        subscription=subscription, new_quantity=130, today=D(2026, 12, 1)
    )
    # 432.00 × 120 = 51,840.00 a year, 432.00 × 130 = 56,160.00 from 27 October 2027.
    assert (recurring.before, recurring.after, recurring.starts_on) == (
        Decimal("51840.00"), Decimal("56160.00"), D(2027, 10, 27),
    )  # fmt: skip
    assert (recurring.margin_before, recurring.margin_after) == (Decimal("7776.00"), Decimal("8424.00"))
    assert recurring.billing_cycle == "annual"


def test_a_coterminous_upgrade_credits_the_source_and_charges_the_target_at_todays_price(db):
    # Period 5 November - 4 December 2026 (renewal 5 May 2027): 30 days; days left 1-4 December: 4.
    # Credit 6.30 / 30 = 0.21 → 0.210 × 4 × 15 = −12.60; cost 5.36 / 30 = 0.17866… → 0.179 × 4
    # × 15 = −10.74. Charge, at the price in effect today (the rise): 14.70 / 30 = 0.49 → 0.490 ×
    # 4 × 15 = 29.40; cost 12.50 / 30 = 0.41666… → 0.417 × 4 × 15 = 25.02.
    basic = new_commerce_offer(("P1Y", "monthly", PUBLISHED, "6.30", "5.36"))
    standard = new_commerce_offer(
        ("P1Y", "monthly", PUBLISHED, "13.13", "11.16"),
        ("P1Y", "monthly", RISE, "14.70", "12.50"),
    )
    source = new_commerce_subscription(
        basic, term="P1Y", cycle="monthly", start=D(2026, 5, 5), term_end=D(2027, 5, 4), quantity=15
    )

    impact = upgrade_billing_impact(
        subscription=source, target_offer=standard, quantity=15, today=D(2026, 12, 1)
    )

    credit, charge = impact.lines
    assert figures(credit) == (
        Decimal("6.30"), Decimal("0.210"), 4, 15, Decimal("-12.60"), Decimal("-10.74"), Decimal("-1.86"),
    )  # fmt: skip
    assert figures(charge) == (
        Decimal("14.70"), Decimal("0.490"), 4, 15, Decimal("29.40"), Decimal("25.02"), Decimal("4.38"),
    )  # fmt: skip
    assert (charge.period_start, charge.period_end) == (credit.period_start, credit.period_end)
    assert impact.net == Decimal("16.80")
    assert impact.margin == Decimal("2.52")


def test_no_first_month_rule_in_new_commerce(db):
    # Ten days into a P1M term started 21 November 2026 (period 21 November - 20 December, 30
    # days): the credit is prorated, 7.56 / 30 = 0.252 × 20 days × 15 = −75.60, not the whole month.
    basic = new_commerce_offer(("P1M", "monthly", PUBLISHED, "7.56", None))
    target = new_commerce_offer(("P1M", "monthly", PUBLISHED, "15.00", None))
    source = new_commerce_subscription(
        basic, term="P1M", cycle="monthly", start=D(2026, 11, 21), term_end=D(2026, 12, 20), quantity=15
    )

    credit, charge = upgrade_billing_impact(
        subscription=source, target_offer=target, quantity=15, today=D(2026, 12, 1)
    ).lines

    assert (credit.daily_price, credit.days, credit.amount) == (Decimal("0.252"), 20, Decimal("-75.60"))
    # No cost row: no cost, no margin, on either line.
    assert (credit.cost, credit.margin, charge.cost, charge.margin) == (None, None, None, None)


def test_a_legacy_offer_with_a_cost_row_shows_its_margin_too(db):
    # The legacy Adatum example of docs/domain.md §8 with costs: credit −59.00 (daily 0.295), charge
    # 200.00. Cost 7.00 / 28 = 0.25 → 0.250 × 20 × 10 = −50.00; E3 cost 17.00 × 10 = 170.00.
    business, e3 = OfferFactory(), OfferFactory()
    OfferPrice.objects.filter(offer__in=[business, e3]).delete()
    OfferPrice.objects.create(offer=business, currency="USD", price=Decimal("8.25"), cost=Decimal("7.00"))
    OfferPrice.objects.create(offer=e3, currency="USD", price=Decimal("20.00"), cost=Decimal("17.00"))
    source = SubscriptionFactory(
        offer=business, quantity=10, created_on=D(2024, 11, 21), term_end=D(2025, 11, 21)
    )

    impact = upgrade_billing_impact(subscription=source, target_offer=e3, quantity=10, today=D(2025, 3, 1))

    assert [(line.amount, line.cost, line.margin) for line in impact.lines] == [
        (Decimal("-59.00"), Decimal("-50.00"), Decimal("-9.00")),
        (Decimal("200.00"), Decimal("170.00"), Decimal("30.00")),
    ]
    assert (impact.net, impact.margin) == (Decimal("141.00"), Decimal("21.00"))


# --- Stored as previewed --------------------------------------------------------------------


@pytest.fixture
def agent(db):
    return PartnerUserFactory(role="admin_agent")


def partner_customer(agent):
    customer = CustomerFactory()
    ResellerRelationshipFactory(partner=agent.partner, customer=customer)
    DelegatedAdminGrantFactory(partner=agent.partner, customer=customer, role="admin_agent")
    return customer


def every_figure(lines):
    """What a line says, stored (BillingLine) or previewed (BillingLinePreview) alike."""
    return [(line.kind, *figures(line), line.unit_cost, line.period_start, line.period_end) for line in lines]


def test_the_stored_lines_of_a_new_commerce_upgrade_are_its_preview(agent):
    basic = new_commerce_offer(("P1Y", "monthly", PUBLISHED, "6.30", "5.36"))
    standard = new_commerce_offer(("P1Y", "monthly", PUBLISHED, "13.13", "11.16"))
    UpgradePathFactory(source_offer=basic, target_offer=standard)
    with clock.frozen_at(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)):
        source = new_commerce_subscription(
            basic, term="P1Y", cycle="monthly", start=D(2026, 5, 5), term_end=D(2027, 5, 4),
            quantity=15, customer=partner_customer(agent), sold_by=agent.partner,
        )  # fmt: skip
        preview = upgrade_billing_impact(subscription=source, target_offer=standard, quantity=15)

        operation = subscription_upgrade(
            subscription=source,
            target_offer=standard,
            quantity=15,
            actor=acting(agent.user),
            token=uuid.uuid4(),
        )

    assert every_figure(operation.billing_lines.order_by("pk")) == every_figure(preview.lines)
    target = Subscription.objects.get(upgraded_from=source)
    # Coterminous: the same term, cycle and end, priced on its own start day.
    assert (target.commerce_type, target.term_duration, target.billing_cycle, target.term_end) == (
        "new_commerce", "P1Y", "monthly", D(2027, 5, 4),
    )  # fmt: skip
    assert target.price_locked_on == D(2026, 12, 1)
    for line in operation.billing_lines.all():
        assert line.margin == line.amount - line.cost


def test_the_stored_line_of_a_new_commerce_quantity_change_is_its_preview(agent):
    offer = new_commerce_offer(("P1Y", "annual", PUBLISHED, "264.00", "224.40"))
    with clock.frozen_at(datetime.datetime(2026, 11, 30, 9, tzinfo=datetime.UTC)):
        subscription = new_commerce_subscription(
            offer, term="P1Y", cycle="annual", start=D(2026, 2, 10), term_end=D(2027, 2, 9),
            quantity=20, customer=partner_customer(agent), sold_by=agent.partner,
        )  # fmt: skip
        preview = quantity_change_billing_impact(subscription=subscription, new_quantity=25)

        operation = subscription_change_quantity(
            subscription=subscription, quantity=25, based_on=20, actor=acting(agent.user), token=uuid.uuid4()
        )

    assert every_figure(operation.billing_lines.order_by("pk")) == every_figure(preview.lines)
    (line,) = operation.billing_lines.all()
    # 0.723 × 72 × 5 = 260.28; 0.615 × 72 × 5 = 221.40.
    assert (line.amount, line.cost, line.margin) == (Decimal("260.28"), Decimal("221.40"), Decimal("38.88"))


def test_an_upgrade_on_the_last_term_day_makes_a_one_day_coterminous_target(agent):
    # Period 5 April - 4 May 2027 (30 days), 1 day left: credit −0.210 × 1 × 15 = −3.15; charge
    # 13.13 / 30 = 0.43766… → 0.438 × 1 × 15 = 6.57.
    basic = new_commerce_offer(("P1Y", "monthly", PUBLISHED, "6.30", None))
    standard = new_commerce_offer(("P1Y", "monthly", PUBLISHED, "13.13", None))
    UpgradePathFactory(source_offer=basic, target_offer=standard)
    with clock.frozen_at(datetime.datetime(2027, 5, 4, 9, tzinfo=datetime.UTC)):
        source = new_commerce_subscription(
            basic, term="P1Y", cycle="monthly", start=D(2026, 5, 5), term_end=D(2027, 5, 4),
            quantity=15, customer=partner_customer(agent), sold_by=agent.partner,
        )  # fmt: skip
        operation = subscription_upgrade(
            subscription=source,
            target_offer=standard,
            quantity=15,
            actor=acting(agent.user),
            token=uuid.uuid4(),
        )

    assert [(line.days, line.amount) for line in operation.billing_lines.order_by("pk")] == [
        (1, Decimal("-3.15")),
        (1, Decimal("6.57")),
    ]
    target = operation.target_subscription
    assert (target.created_on, target.term_end) == (D(2027, 5, 4), D(2027, 5, 4))
