import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction

from subscriptions.models import Channel, Operation, Subscription, add_months
from tests.factories import (
    CustomerFactory,
    LicenseAssignmentFactory,
    OfferFactory,
    PartnerFactory,
    PartnerUserFactory,
    SubscriptionFactory,
    UpgradePathFactory,
)

pytestmark = pytest.mark.django_db


def violates_a_constraint(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()
    return True


@pytest.mark.parametrize(
    ("sold_in", "not_sold_in", "market", "sold"),
    [
        ("", "", "US", True),
        ("", "IN", "US", True),
        ("", "IN", "IN", False),
        ("IN", "", "IN", True),
        ("IN", "", "FR", False),
        ("US FR", "", "FR", True),
    ],
)
def test_an_offer_is_sold_in_its_markets_only(sold_in, not_sold_in, market, sold):
    assert OfferFactory.build(sold_in=sold_in, not_sold_in=not_sold_in).is_sold_in(market) is sold


def test_offer_quantities_start_at_one_and_max_is_not_below_min():
    assert violates_a_constraint(lambda: OfferFactory(min_quantity=0))
    assert violates_a_constraint(lambda: OfferFactory(min_quantity=5, max_quantity=4))


def test_one_price_per_offer_and_currency():
    offer = OfferFactory(prices={"USD": "8.00"})
    assert violates_a_constraint(lambda: offer.prices.create(currency="USD", price="9.00"))
    assert violates_a_constraint(lambda: offer.prices.create(currency="EUR", price="-1.00"))


def test_upgrade_paths_are_unique_and_never_lead_to_the_same_offer():
    path = UpgradePathFactory()
    assert violates_a_constraint(
        lambda: UpgradePathFactory(source_offer=path.source_offer, target_offer=path.target_offer)
    )
    assert violates_a_constraint(
        lambda: UpgradePathFactory(source_offer=path.source_offer, target_offer=path.source_offer)
    )


def test_a_subscription_has_at_least_one_seat():
    assert violates_a_constraint(lambda: SubscriptionFactory(quantity=0))


def test_a_subscription_status_is_one_of_partner_centers():
    assert violates_a_constraint(lambda: SubscriptionFactory(status="archived"))


def test_only_a_cancelled_subscription_points_at_its_upgrade():
    target = SubscriptionFactory()
    assert violates_a_constraint(lambda: SubscriptionFactory(status="active", upgraded_to=target))
    source = SubscriptionFactory(status="deleted", upgraded_to=target)
    assert target.upgraded_from == source


def test_a_subscription_is_upgraded_to_at_most_one_and_from_at_most_one():
    target = SubscriptionFactory()
    SubscriptionFactory(status="deleted", upgraded_to=target)
    assert violates_a_constraint(lambda: SubscriptionFactory(status="deleted", upgraded_to=target))


def test_the_term_ends_after_creation():
    today = datetime.date(2026, 1, 1)
    assert violates_a_constraint(lambda: SubscriptionFactory(created_on=today, term_end=today))


@pytest.mark.parametrize(
    ("created", "today", "expected"),
    [
        # Anniversaries fall on the creation day, clamped to the month's last day.
        (datetime.date(2024, 1, 31), datetime.date(2024, 2, 10), datetime.date(2024, 2, 29)),
        (datetime.date(2024, 1, 31), datetime.date(2024, 2, 29), datetime.date(2024, 3, 31)),
        (datetime.date(2023, 1, 31), datetime.date(2023, 2, 1), datetime.date(2023, 2, 28)),
        (datetime.date(2024, 1, 10), datetime.date(2024, 2, 20), datetime.date(2024, 3, 10)),
        (datetime.date(2024, 1, 10), datetime.date(2024, 3, 10), datetime.date(2024, 4, 10)),
        (datetime.date(2024, 11, 15), datetime.date(2024, 12, 20), datetime.date(2025, 1, 15)),
    ],
)
def test_the_next_billing_anniversary_is_on_the_creation_day(created, today, expected):
    subscription = SubscriptionFactory.build(created_on=created)
    assert subscription.next_anniversary(today) == expected


def test_add_months_clamps_to_the_last_day_and_keeps_the_anniversary_day():
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2024, 1, 31), 2) == datetime.date(2024, 3, 31)
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)


def test_the_channel_is_relative_to_the_viewing_partner_and_never_names_another():
    fabrikam, northwind = PartnerFactory(), PartnerFactory()
    sold_by_fabrikam = SubscriptionFactory.build(sold_by=fabrikam)
    direct = SubscriptionFactory.build(sold_by=None)

    assert sold_by_fabrikam.channel_for(fabrikam) == Channel.THIS_PARTNER
    assert sold_by_fabrikam.channel_for(northwind) == Channel.OTHER_PARTNER
    assert direct.channel_for(fabrikam) == Channel.DIRECT


def test_a_partner_sees_only_the_subscriptions_it_sold_to_its_customers():
    fabrikam, northwind = PartnerFactory(), PartnerFactory()
    trey = CustomerFactory(partner=fabrikam)
    trey.reseller_relationships.create(partner=northwind)
    business = SubscriptionFactory(customer=trey, sold_by=fabrikam)
    proplus = SubscriptionFactory(customer=trey, sold_by=northwind)
    SubscriptionFactory(customer=trey, sold_by=None)
    # A subscription sold by Fabrikam to a customer it no longer has a relationship with.
    SubscriptionFactory(sold_by=fabrikam)

    assert list(Subscription.objects.in_scope_of(fabrikam)) == [business]
    assert list(Subscription.objects.in_scope_of(northwind)) == [proplus]


def test_one_license_per_user_and_subscription():
    license = LicenseAssignmentFactory()
    assert violates_a_constraint(
        lambda: LicenseAssignmentFactory(subscription=license.subscription, user=license.user)
    )


def _operation(subscription, **fields):
    actor = PartnerUserFactory(partner=subscription.sold_by).user
    return Operation.objects.create(
        kind=fields.pop("kind", Operation.Kind.UPGRADE),
        actor=actor,
        partner=subscription.sold_by,
        customer=subscription.customer,
        subscription=subscription,
        **fields,
    )


def test_a_token_is_bound_by_one_success_only():
    source = SubscriptionFactory()
    token = uuid.uuid4()
    _operation(source, result="refused", token=token)
    _operation(source, result="refused", token=token)
    _operation(source, result="succeeded", token=token, target_subscription=SubscriptionFactory())

    assert violates_a_constraint(
        lambda: _operation(
            SubscriptionFactory(), result="succeeded", token=token, target_subscription=SubscriptionFactory()
        )
    )


def test_at_most_one_upgrade_of_a_subscription_ever_succeeds():
    source = SubscriptionFactory()
    _operation(source, result="succeeded", token=uuid.uuid4(), target_subscription=SubscriptionFactory())

    assert violates_a_constraint(
        lambda: _operation(
            source, result="succeeded", token=uuid.uuid4(), target_subscription=SubscriptionFactory()
        )
    )
    # Quantity changes of the same subscription are not upgrades.
    _operation(source, kind=Operation.Kind.QUANTITY_CHANGE, result="succeeded", token=uuid.uuid4())


def test_a_successful_upgrade_records_its_new_subscription():
    assert violates_a_constraint(lambda: _operation(SubscriptionFactory(), result="succeeded"))
