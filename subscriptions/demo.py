"""Writing the demo of docs/domain.md §9 (the generated customers of `seed_demo --scale` are in
`subscriptions.demo_scale`).

The scenarios are data (`subscriptions.demo_data`); the functions here write them. Seeding only
creates what is missing, found by natural keys (partner name, username, customer domain, user
principal name, subscription by customer, offer and seller): a second run changes nothing, and
a scenario the demo user has since played through (an upgrade, a quantity change) is left as it
is. A subscription's licenses are written only with the subscription itself, so an upgraded-away
subscription never gets its licenses back. `reset_demo` clears the slate.

A scenario that plays a change (an upgrade, a quantity change) must call the service outside
these functions' transactions: services run in the outermost, durable transaction
(docs/domain.md §7) and refuse to be nested.
"""

import datetime
import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q

from customers.models import (
    Customer,
    CustomerUser,
    DelegatedAdminGrant,
    Partner,
    PartnerUser,
    ResellerRelationship,
)
from partnercenter import clock
from subscriptions.catalog import load_catalog
from subscriptions.demo_data import (
    CUSTOMERS,
    DAYS_SINCE_GRANT_EXPIRED,
    FABRIKAM,
    LOGINS,
    NORTHWIND,
    SUPERUSER,
    DemoCustomer,
    user_name,
)
from subscriptions.models import (
    CommerceType,
    LicenseAssignment,
    Operation,
    ServicePlan,
    Subscription,
    add_months,
    term_end_for,
)


@dataclass(frozen=True)
class DemoData:
    """The seeded demo, for tests and fixtures: partners, sign-ins and customers by name."""

    fabrikam: Partner
    northwind: Partner
    users: dict[str, object]  # username -> auth user
    customers: dict[str, Customer]
    passwords: dict[str, str]


def demo_data() -> DemoData:
    partners = {partner.name: partner for partner in Partner.objects.filter(name__in=[FABRIKAM, NORTHWIND])}
    usernames = [login.username for login in [*LOGINS, SUPERUSER]]
    return DemoData(
        fabrikam=partners[FABRIKAM],
        northwind=partners[NORTHWIND],
        users={user.username: user for user in get_user_model().objects.filter(username__in=usernames)},
        customers={
            customer.name: customer
            for customer in Customer.objects.filter(domain__in=[spec.domain for spec in CUSTOMERS])
        },
        passwords={login.username: login.password for login in [*LOGINS, SUPERUSER]},
    )


# --- Writing -------------------------------------------------------------------------------


@functools.cache
def _password_hash(password: str) -> str:
    # Hashing costs about half a second; tests seed the demo many times in one process.
    return make_password(password)


@transaction.atomic
def seed_demo(*, today: datetime.date | None = None) -> None:
    """Create whatever of the demo is missing."""
    today = today or clock.today()
    # The new-commerce prices dated from today: a rise ahead for every renewal (docs/domain.md §2).
    offers = load_catalog(as_of=today, redate=True)
    partners = {name: Partner.objects.get_or_create(name=name)[0] for name in (FABRIKAM, NORTHWIND)}
    _seed_logins(partners)
    plans = {plan.plan_id: plan for plan in ServicePlan.objects.all()}
    for spec in CUSTOMERS:
        _seed_customer(spec, partners=partners, offers=offers, plans=plans, today=today)


def _seed_logins(partners: dict[str, Partner]) -> None:
    User = get_user_model()
    for login in LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User.objects.create(username=login.username, password=_password_hash(login.password))
        PartnerUser.objects.get_or_create(
            user=user, defaults={"partner": partners[login.partner], "role": login.role}
        )
    if not User.objects.filter(username=SUPERUSER.username).exists():
        User.objects.create(
            username=SUPERUSER.username,
            password=_password_hash(SUPERUSER.password),
            is_staff=True,
            is_superuser=True,
        )


def _seed_customer(spec: DemoCustomer, *, partners, offers, plans, today) -> None:
    customer, _ = Customer.objects.get_or_create(
        domain=spec.domain, defaults={"name": spec.name, "market": spec.market}
    )
    for partner_name in spec.partners:
        ResellerRelationship.objects.get_or_create(partner=partners[partner_name], customer=customer)
    for grant in spec.grants:
        expired = grant.status != DelegatedAdminGrant.Status.ACTIVE
        DelegatedAdminGrant.objects.get_or_create(
            partner=partners[grant.partner],
            customer=customer,
            service=DelegatedAdminGrant.Service.OFFICE365,
            defaults={
                "role": grant.role,
                "status": grant.status,
                "end_date": (
                    today - datetime.timedelta(days=DAYS_SINCE_GRANT_EXPIRED)
                    if expired
                    else add_months(today, 12)
                ),
            },
        )

    wanted = {}
    for index in range(spec.user_count):
        display_name, upn = user_name(spec.domain, index)
        location = "" if index in spec.no_usage_location else spec.market
        wanted[upn] = CustomerUser(
            customer=customer, display_name=display_name, user_principal_name=upn, usage_location=location
        )
    existing = set(
        CustomerUser.objects.filter(user_principal_name__in=wanted).values_list(
            "user_principal_name", flat=True
        )
    )
    CustomerUser.objects.bulk_create([user for upn, user in wanted.items() if upn not in existing])
    users = {
        user.user_principal_name: user for user in CustomerUser.objects.filter(user_principal_name__in=wanted)
    }
    users_by_index = [users[upn] for upn in wanted]

    created: list[Subscription] = []
    for sub in spec.subscriptions:
        offer, sold_by = offers[sub.offer], partners.get(sub.sold_by)
        subscription = Subscription.objects.filter(customer=customer, offer=offer, sold_by=sold_by).first()
        if subscription is not None:
            created.append(subscription)
            continue
        subscription = Subscription(
            customer=customer,
            offer=offer,
            friendly_name=offer.name,
            quantity=sub.seats,
            status=sub.status,
            sold_by=sold_by,
            created_on=today - datetime.timedelta(days=sub.days_old),
            base_subscription=created[sub.base] if sub.base is not None else None,
        )
        _set_term(subscription, sub)
        subscription.save()
        created.append(subscription)
        licenses = LicenseAssignment.objects.bulk_create(
            [LicenseAssignment(user=users_by_index[index], subscription=subscription) for index in sub.users]
        )
        Disabled = LicenseAssignment.disabled_plans.through
        Disabled.objects.bulk_create(
            [
                Disabled(licenseassignment=license, serviceplan=plans[plan_id])
                for license, index in zip(licenses, sub.users, strict=True)
                for plan_id in sub.disabled_plans.get(index, ())
            ]
        )


def _set_term(subscription: Subscription, sub) -> None:
    """A legacy subscription's year from its creation; a new-commerce one's term, cycle and
    price-lock day (its start: docs/domain.md §3)."""
    start = subscription.created_on
    if not sub.term:
        subscription.term_end = add_months(start, 12)
        return
    subscription.commerce_type = CommerceType.NEW_COMMERCE
    subscription.term_duration, subscription.billing_cycle = sub.term, sub.cycle
    subscription.term_end = term_end_for(start, sub.term)
    subscription.price_locked_on = start


def _demo_customers():
    scale = Q(
        name__startswith="Scale Customer ", domain__startswith="scalecustomer", domain__endswith=".example"
    )
    return Customer.objects.filter(Q(domain__in=[spec.domain for spec in CUSTOMERS]) | scale)


@transaction.atomic
def reset_demo() -> None:
    """Delete the demo partners, sign-ins and customers (scale customers too), and all that hangs on them.

    The operation log is append-only for the product, but a reset is a developer's clean slate:
    its rows would otherwise block the deletion (they protect what they record).
    """
    User = get_user_model()
    customers = _demo_customers()
    partners = Partner.objects.filter(name__in=[FABRIKAM, NORTHWIND])
    users = User.objects.filter(username__in=[login.username for login in [*LOGINS, SUPERUSER]])
    subscriptions = Subscription.objects.filter(Q(customer__in=customers) | Q(sold_by__in=partners))
    Operation.objects.filter(
        Q(customer__in=customers)
        | Q(partner__in=partners)
        | Q(actor__in=users)
        | Q(subscription__in=subscriptions)
        | Q(target_subscription__in=subscriptions)
    ).delete()
    # An upgraded subscription protects the one it points at.
    subscriptions.filter(upgraded_to__isnull=False).update(upgraded_to=None)
    Subscription.objects.filter(upgraded_to__in=subscriptions).update(upgraded_to=None)
    subscriptions.delete()
    customers.delete()
    partners.delete()
    users.delete()
