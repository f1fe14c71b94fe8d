"""List pages at scale: 50 rows a page, and the same number of queries however many rows there are.

Pinned here at two sizes for the lists not pinned elsewhere (tests/customers/test_views.py pins
the customer list and a one-page subscription list; tests/subscriptions/test_views.py the first
page of the report): a subscription list longer than a page, and the report's later pages and
filters.
"""

import datetime
import uuid
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import CustomerUser
from subscriptions import catalog_cache, services
from subscriptions.models import LicenseAssignment, Offer, Subscription
from tests.actors import acting
from tests.factories import (
    CustomerFactory,
    DelegatedAdminGrantFactory,
    PartnerFactory,
    PartnerUserFactory,
    SubscriptionFactory,
)

OFFERS = ("Office 365 Business Essentials", "Office 365 Business", "Power BI Pro", "Office 365 Enterprise E3")


@pytest.fixture
def partner(db):
    return PartnerFactory(name="Fabrikam Scale Tests")


@pytest.fixture
def agent(partner):
    return PartnerUserFactory(partner=partner).user


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def queries_of(client, url: str) -> int:
    catalog_cache.current()  # warm, as a serving process is; test_catalog_cache.py reads it cold
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries)


def customer_with_subscriptions(partner, catalog, count: int):
    """A customer of `partner` with `count` subscriptions (mixed offers and statuses), 2 users each."""
    customer = CustomerFactory(partner=partner)
    DelegatedAdminGrantFactory(partner=partner, customer=customer)
    statuses = [Subscription.Status.ACTIVE] * 3 + [Subscription.Status.SUSPENDED]
    subscriptions = Subscription.objects.bulk_create(
        [
            SubscriptionFactory.build(
                customer=customer,
                offer=catalog[OFFERS[index % len(OFFERS)]],
                sold_by=partner,
                friendly_name=f"Unit {index:04d}",
                status=statuses[index % len(statuses)],
                created_on=datetime.date(2024, 1, 1 + index % 28),
            )
            for index in range(count)
        ]
    )
    users = CustomerUser.objects.bulk_create(
        [
            CustomerUser(
                customer=customer,
                display_name=f"User {index}",
                user_principal_name=f"user{index}@{customer.domain}",
                usage_location="US",
            )
            for index in range(2 * count)
        ]
    )
    LicenseAssignment.objects.bulk_create(
        [
            LicenseAssignment(user=user, subscription=subscriptions[index // 2])
            for index, user in enumerate(users)
        ]
    )
    return customer


def detail_url(customer, **query) -> str:
    url = reverse("customers:detail", args=[customer.pk])
    return url + "".join(f"?{key}={value}" for key, value in query.items())


# --- A customer's subscriptions ------------------------------------------------------------


def test_the_subscription_list_is_paginated_50_per_page(agent_client, partner, catalog):
    customer = customer_with_subscriptions(partner, catalog, 60)

    first = agent_client.get(detail_url(customer))
    second = agent_client.get(detail_url(customer, page=2))

    assert [row.subscription.friendly_name for row in first.context["rows"]] == [
        f"Unit {index:04d}" for index in range(50)
    ]
    assert [row.subscription.friendly_name for row in second.context["rows"]] == [
        f"Unit {index:04d}" for index in range(50, 60)
    ]
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()
    assert 'href="?page=1" rel="prev"' in second.content.decode()
    # The assigned counts come with the page (2 licensed users on each subscription).
    assert {row.subscription.assigned_count for row in first.context["rows"]} == {2}


def test_a_subscription_list_of_one_page_has_no_pagination(agent_client, partner, catalog):
    customer = customer_with_subscriptions(partner, catalog, 3)

    content = agent_client.get(detail_url(customer)).content.decode()

    assert 'class="pagination"' not in content


def test_a_page_past_the_end_shows_the_last_page(agent_client, partner, catalog):
    customer = customer_with_subscriptions(partner, catalog, 55)

    response = agent_client.get(detail_url(customer, page=9))

    assert [row.subscription.friendly_name for row in response.context["rows"]][0] == "Unit 0050"


def test_the_subscription_list_runs_the_same_queries_for_10_and_120_subscriptions(
    agent_client, partner, catalog
):
    small = customer_with_subscriptions(partner, catalog, 10)
    large = customer_with_subscriptions(partner, catalog, 120)

    assert queries_of(agent_client, detail_url(small)) == queries_of(agent_client, detail_url(large))
    assert queries_of(agent_client, detail_url(large, page=3)) == queries_of(agent_client, detail_url(small))


def test_the_subscription_list_of_a_billing_admin_runs_the_same_queries_at_any_size(client, partner, catalog):
    client.force_login(PartnerUserFactory(partner=partner, role="billing_admin").user)
    small = customer_with_subscriptions(partner, catalog, 10)
    large = customer_with_subscriptions(partner, catalog, 120)

    assert queries_of(client, detail_url(small)) == queries_of(client, detail_url(large))


# --- The report of an upgrade ---------------------------------------------------------------


def licensed_upgrade(partner, agent, catalog, users: int):
    """An upgrade to E3 of a Business Premium subscription of `users` users (some not moved)."""
    customer = CustomerFactory(partner=partner)
    DelegatedAdminGrantFactory(partner=partner, customer=customer)
    source = SubscriptionFactory(
        customer=customer, offer=catalog["Office 365 Business Premium"], sold_by=partner, quantity=users
    )
    accounts = CustomerUser.objects.bulk_create(
        [
            CustomerUser(
                customer=customer,
                display_name=f"User {index:04d}",
                user_principal_name=f"user{index:04d}@{customer.domain}",
                usage_location="" if index % 10 == 3 else "US",
            )
            for index in range(users)
        ]
    )
    LicenseAssignment.objects.bulk_create(
        [LicenseAssignment(user=user, subscription=source) for user in accounts]
    )
    return services.subscription_upgrade(
        subscription=source,
        target_offer=Offer.objects.get(name="Office 365 Enterprise E3"),
        quantity=None,
        actor=acting(agent),
        token=uuid.uuid4(),
    )


@pytest.mark.parametrize("query", ["", "?page=2", "?page=last", "?kind=error", "?kind=info&page=2"])
def test_every_page_and_filter_of_the_report_runs_the_same_queries_for_4_and_200_accounts(
    agent_client, partner, agent, catalog, query
):
    few = licensed_upgrade(partner, agent, catalog, 4)
    # The customer of `few` now owns E3: a second customer keeps the second upgrade eligible.
    many = licensed_upgrade(partner, agent, catalog, 200)
    assert few.affected_accounts.count() == 4 and many.affected_accounts.count() == 200

    def url(operation):
        return reverse("subscriptions:operation", args=[operation.pk]) + query

    assert queries_of(agent_client, url(few)) == queries_of(agent_client, url(many))
