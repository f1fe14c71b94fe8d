import datetime

import pytest
from django.db import IntegrityError, transaction

from customers.models import Customer, PartnerUser, currency_for_market
from tests.factories import (
    CustomerFactory,
    CustomerUserFactory,
    DelegatedAdminGrantFactory,
    PartnerFactory,
    PartnerUserFactory,
    ResellerRelationshipFactory,
)
from tests.oracles import grants_counting_on

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "may_change"),
    [
        (PartnerUser.Role.ADMIN_AGENT, True),
        (PartnerUser.Role.SALES_AGENT, True),
        (PartnerUser.Role.HELPDESK_AGENT, True),
        (PartnerUser.Role.BILLING_ADMIN, False),
    ],
)
def test_only_agent_roles_may_change_subscriptions(role, may_change):
    assert PartnerUserFactory(role=role).may_change is may_change


def test_partner_user_role_must_be_a_partner_center_role():
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerUserFactory(role="owner")


def test_customer_market_must_be_a_two_letter_country_code():
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(market="us")


def test_customer_domain_is_unique():
    CustomerFactory(domain="unique.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(domain="unique.test")


@pytest.mark.parametrize(("market", "currency"), [("US", "USD"), ("FR", "EUR"), ("IN", "INR"), ("DE", "USD")])
def test_a_customer_pays_in_its_market_currency(market, currency):
    assert currency_for_market(market) == currency
    assert CustomerFactory.build(market=market).currency == currency


def test_a_partner_sees_only_customers_it_has_a_reseller_relationship_with():
    fabrikam, northwind = PartnerFactory(), PartnerFactory()
    contoso = CustomerFactory(partner=fabrikam)
    margies = CustomerFactory(partner=northwind)
    trey = CustomerFactory(partner=fabrikam)
    ResellerRelationshipFactory(partner=northwind, customer=trey)

    assert set(Customer.objects.for_partner(fabrikam)) == {contoso, trey}
    assert set(Customer.objects.for_partner(northwind)) == {margies, trey}


def test_one_reseller_relationship_per_partner_and_customer():
    relationship = ResellerRelationshipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ResellerRelationshipFactory(partner=relationship.partner, customer=relationship.customer)


def test_one_grant_per_partner_customer_and_service():
    grant = DelegatedAdminGrantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegatedAdminGrantFactory(partner=grant.partner, customer=grant.customer)


@pytest.mark.parametrize(
    ("status", "end_date_offset", "counts"),
    [
        ("active", 30, True),
        ("active", 0, True),
        ("active", None, True),
        ("active", -1, False),
        ("expired", 30, False),
        ("terminated", 30, False),
    ],
)
def test_a_grant_counts_only_when_active_and_not_past_its_end_date(status, end_date_offset, counts):
    today = datetime.date(2026, 11, 26)
    end_date = None if end_date_offset is None else today + datetime.timedelta(days=end_date_offset)
    grant = DelegatedAdminGrantFactory(status=status, end_date=end_date)

    assert grant.counts_on(today) is counts
    assert grants_counting_on(today).filter(pk=grant.pk).exists() is counts


@pytest.mark.parametrize(
    ("role", "transfers"),
    [
        ("admin_agent", True),
        ("directory_writer", True),
        ("directory_reader", False),
        ("global_reader", False),
    ],
)
def test_only_directory_writing_grants_transfer_licenses(role, transfers):
    assert DelegatedAdminGrantFactory.build(role=role).transfers_licenses is transfers


def test_user_principal_names_are_unique():
    user = CustomerUserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerUserFactory(user_principal_name=user.user_principal_name)


@pytest.mark.parametrize("usage_location", ["", "US", "FR"])
def test_usage_location_may_be_blank_or_a_country_code(usage_location):
    assert CustomerUserFactory(usage_location=usage_location).usage_location == usage_location


def test_usage_location_cannot_be_anything_else():
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerUserFactory(usage_location="fr")
