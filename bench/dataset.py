"""The benchmark's large customers, written in bulk on top of `seed_demo --scale N`.

- two customers of Fabrikam with many and with few subscriptions (1,000 and 10 by default), of
  every offer sold in the US, most active, some suspended or cancelled, two licensed users each:
  the same list page at two sizes;
- "large tenants": one Business Premium subscription with 10,000 licensed users each (1% of them
  also hold a standalone Exchange Online (Plan 1) license with Exchange switched off on Business
  Premium, 0.2% have no usage location, 2% have Sway switched off), so the upgrade to E3 meets
  every per-user rule. Tenant 0 is upgraded before measuring (the 10,000-account report); the
  others are the fresh copies the upgrade POST is timed on, one POST each; as many again
  ("API tenants") for the same POST through the API;
- "small tenants": the same with 10 users, for the fixed part of the query count (one more for
  the API's);
- what each page at scale is compared with: the same page over a data set just large enough to
  fill it (`FILL` rows, a page's worth): a customer of `FILL` subscriptions, two tenants of
  `FILL` licensed users (the first, none with a usage location, upgraded: its report fills
  both its lines and its accounts left behind), and a partner of its own ("Bench
  fill partner", user `bench-fill`) with `FILL` customers and `FILL` entries in its log.

Every name is derived from a number, so a run is the same as the previous one.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from customers.actors import actor_for_partner_user
from customers.models import (
    Customer,
    CustomerUser,
    DelegatedAdminGrant,
    Partner,
    PartnerUser,
    ResellerRelationship,
)
from partnercenter import clock
from subscriptions.demo_data import FABRIKAM
from subscriptions.models import LicenseAssignment, Offer, Operation, ServicePlan, Subscription, add_months
from subscriptions.services import subscription_upgrade

BATCH = 1000
SOURCE_OFFER = "Office 365 Business Premium"
TARGET_OFFER = "Office 365 Enterprise E3"
EXCHANGE_OFFER = "Exchange Online (Plan 1)"
CREATED_DAYS_AGO = 100  # out of the first month, like the demo
FILL = 50  # a page's worth of rows
FILL_PARTNER = "Bench fill partner"
FILL_USERNAME = "bench-fill"


@dataclass
class Tenant:
    customer: Customer
    subscription: Subscription
    users: int
    operation: Operation | None = None


@dataclass
class BenchData:
    many: Customer
    few: Customer
    filled: Customer | None = None
    large: list[Tenant] = field(default_factory=list)
    small: list[Tenant] = field(default_factory=list)
    api_large: list[Tenant] = field(default_factory=list)  # fresh copies for the API's POST
    api_small: Tenant | None = None
    filled_tenants: list[Tenant] = field(default_factory=list)
    target_offer: Offer | None = None
    demo_user: object = None
    fill_user: object = None


def _partner_customer(partner: Partner, slug: str, name: str, today: datetime.date) -> Customer:
    customer = Customer.objects.create(name=name, domain=f"{slug}.bench.example", market="US")
    ResellerRelationship.objects.create(partner=partner, customer=customer)
    DelegatedAdminGrant.objects.create(
        partner=partner,
        customer=customer,
        role=DelegatedAdminGrant.Role.ADMIN_AGENT,
        end_date=add_months(today, 12),
    )
    return customer


def _users(customer: Customer, count: int, *, no_location_every: int = 0) -> list[CustomerUser]:
    return CustomerUser.objects.bulk_create(
        [
            CustomerUser(
                customer=customer,
                display_name=f"User {index:05d}",
                user_principal_name=f"user{index:05d}@{customer.domain}",
                usage_location=""
                if no_location_every and index % no_location_every == 7 % no_location_every
                else "US",
            )
            for index in range(count)
        ],
        batch_size=BATCH,
    )


def _subscription(
    customer, offer, fabrikam, today, *, quantity, status=Subscription.Status.ACTIVE, name=None
):
    created_on = today - datetime.timedelta(days=CREATED_DAYS_AGO)
    return Subscription(
        customer=customer,
        offer=offer,
        friendly_name=name or offer.name,
        quantity=quantity,
        status=status,
        sold_by=fabrikam,
        created_on=created_on,
        term_end=add_months(created_on, 12),
    )


def customer_with_subscriptions(fabrikam, count: int, today, *, slug: str, name: str) -> Customer:
    """A customer with `count` subscriptions of every legacy US offer, two licensed users each.

    Renamed per unit ("Unit 0001"), as a large customer does, so that any page of the list
    (sorted by name) mixes offers, statuses, upgradable rows and refusals.
    """
    customer = _partner_customer(fabrikam, slug, name, today)
    # The legacy offers: a legacy subscription of a new-commerce offer is not a thing (it has no
    # term to be priced for), and the new-commerce pages have rows of their own (bench/pages.py).
    legacy = Offer.objects.filter(commerce_type="legacy").order_by("name")
    offers = [offer for offer in legacy if offer.is_sold_in("US")]
    statuses = {10: Subscription.Status.SUSPENDED, 25: Subscription.Status.DELETED}
    subscriptions = Subscription.objects.bulk_create(
        [
            _subscription(
                customer,
                offers[index % len(offers)],
                fabrikam,
                today,
                quantity=5,
                name=f"Unit {index + 1:04d}",
                status=next(
                    (status for every, status in statuses.items() if index % every == every - 1),
                    Subscription.Status.ACTIVE,
                ),
            )
            for index in range(count)
        ],
        batch_size=BATCH,
    )
    users = _users(customer, 2 * count)
    LicenseAssignment.objects.bulk_create(
        [
            LicenseAssignment(user=user, subscription=subscriptions[index // 2])
            for index, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    return customer


def licensed_tenant(
    fabrikam, users: int, today, *, slug: str, name: str, offers, plans, located: bool = True
) -> Tenant:
    """One Business Premium subscription with `users` licensed users (see the module docstring).

    With `located=False` no user has a usage location: every one is left behind by an upgrade,
    enough for a 50-account report to fill both its lines and its accounts left behind."""
    customer = _partner_customer(fabrikam, slug, name, today)
    source = _subscription(customer, offers[SOURCE_OFFER], fabrikam, today, quantity=users)
    source.save()
    exchange_holders = max(users // 100, 1)
    exchange = _subscription(customer, offers[EXCHANGE_OFFER], fabrikam, today, quantity=exchange_holders)
    exchange.save()
    accounts = _users(customer, users, no_location_every=500 if located else 1)
    licenses = LicenseAssignment.objects.bulk_create(
        [LicenseAssignment(user=account, subscription=source) for account in accounts], batch_size=BATCH
    )
    LicenseAssignment.objects.bulk_create(
        [LicenseAssignment(user=account, subscription=exchange) for account in accounts[::100]],
        batch_size=BATCH,
    )
    Disabled = LicenseAssignment.disabled_plans.through
    Disabled.objects.bulk_create(
        [Disabled(licenseassignment=lic, serviceplan=plans["SWAY"]) for lic in licenses[1::50]]
        + [
            Disabled(licenseassignment=lic, serviceplan=plans["EXCHANGE_S_STANDARD"])
            for lic in licenses[::100]
        ],
        batch_size=BATCH,
    )
    return Tenant(customer=customer, subscription=source, users=users)


@transaction.atomic
def build(*, many: int, few: int, licensed_users: int, copies: int, small_users: int = 10) -> BenchData:
    """Write the benchmark's customers (the demo must be seeded first)."""
    today = clock.today()
    fabrikam = Partner.objects.get(name=FABRIKAM)
    offers = {offer.name: offer for offer in Offer.objects.all()}
    plans = {plan.plan_id: plan for plan in ServicePlan.objects.all()}
    data = BenchData(
        many=customer_with_subscriptions(
            fabrikam, many, today, slug="many", name=f"Bench {many:,} subscriptions"
        ),
        few=customer_with_subscriptions(fabrikam, few, today, slug="few", name=f"Bench {few} subscriptions"),
        filled=customer_with_subscriptions(
            fabrikam, FILL, today, slug="filled", name=f"Bench {FILL} subscriptions"
        ),
        target_offer=offers[TARGET_OFFER],
        demo_user=get_user_model().objects.get(username="demo"),
    )
    for index in range(2):
        data.filled_tenants.append(
            licensed_tenant(
                fabrikam,
                FILL,
                today,
                slug=f"filled{index}",
                name=f"Bench filled tenant {index}",
                offers=offers,
                plans=plans,
                located=index != 0,  # tenant 0's report: every account left behind
            )
        )
    data.fill_user = fill_partner(today, offers=offers, target=data.target_offer)
    for index in range(copies + 1):
        data.large.append(
            licensed_tenant(
                fabrikam,
                licensed_users,
                today,
                slug=f"large{index}",
                name=f"Bench large tenant {index}",
                offers=offers,
                plans=plans,
            )
        )
    for index in range(2):
        data.small.append(
            licensed_tenant(
                fabrikam,
                small_users,
                today,
                slug=f"small{index}",
                name=f"Bench small tenant {index}",
                offers=offers,
                plans=plans,
            )
        )
    for index in range(copies):
        data.api_large.append(
            licensed_tenant(
                fabrikam,
                licensed_users,
                today,
                slug=f"apilarge{index}",
                name=f"Bench API large tenant {index}",
                offers=offers,
                plans=plans,
            )
        )
    data.api_small = licensed_tenant(
        fabrikam,
        small_users,
        today,
        slug="apismall",
        name="Bench API small tenant",
        offers=offers,
        plans=plans,
    )
    return data


def upgrade(tenant: Tenant, data: BenchData) -> Operation:
    """Upgrade a tenant to E3 through the service (not timed: it gives the report its rows)."""
    tenant.operation = subscription_upgrade(
        subscription=Subscription.objects.get(pk=tenant.subscription.pk),
        target_offer=data.target_offer,
        quantity=None,
        actor=actor_for_partner_user(data.demo_user.partner_user),
        token=uuid.uuid4(),
    )
    return tenant.operation


def log_attempts(data: BenchData, count: int) -> int:
    """`count` refused upgrade attempts in Fabrikam's log (the activity log's size), in bulk.

    Attempts on the big customer's suspended subscriptions, refused because they are not active.
    """
    suspended = list(data.many.subscriptions.filter(status=Subscription.Status.SUSPENDED))
    attempted = [suspended[index % len(suspended)] for index in range(count)]
    refused_attempts(attempted, actor=data.demo_user, target=data.target_offer)
    return count


def fill_partner(today, *, offers, target) -> object:
    """A partner with `FILL` customers (one subscription each) and `FILL` refused attempts in its
    log, and its admin agent `bench-fill`: the customer list and the activity log just filled."""
    partner = Partner.objects.create(name=FILL_PARTNER)
    user = get_user_model().objects.create_user(FILL_USERNAME, password=None)
    PartnerUser.objects.create(user=user, partner=partner, role=PartnerUser.Role.ADMIN_AGENT)
    offer = offers[SOURCE_OFFER]
    subscriptions = []
    for index in range(FILL):
        customer = _partner_customer(partner, f"fill{index:02d}", f"Fill customer {index:02d}", today)
        subscriptions.append(_subscription(customer, offer, partner, today, quantity=5))
    Subscription.objects.bulk_create(subscriptions)
    refused_attempts(subscriptions, actor=user, target=target)
    return user


def refused_attempts(subscriptions, *, actor, target) -> None:
    """One refused upgrade attempt per subscription of `subscriptions` (which may repeat), by
    `actor` of its seller, one an hour going back in time: what a busy partner's log holds."""
    now = clock.now()
    Operation.objects.bulk_create(
        [
            Operation(
                kind=Operation.Kind.UPGRADE,
                result=Operation.Result.REFUSED,
                created_at=now - datetime.timedelta(hours=index + 1),
                actor=actor,
                partner_id=subscription.sold_by_id,
                customer_id=subscription.customer_id,
                subscription=subscription,
                target_offer=target,
                previous_quantity=subscription.quantity,
                quantity=subscription.quantity,
                reason_code="subscription_not_active",
                reason_params={"status": "suspended"},
            )
            for index, subscription in enumerate(subscriptions)
        ],
        batch_size=BATCH,
    )
