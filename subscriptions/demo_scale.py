"""The generated customers of `seed_demo --scale`, for measuring pages at a partner's real size.

Each customer's content comes from a random generator seeded with its number, so it is the same
whichever run creates it; seeding again adds only the missing numbers.
"""

import datetime
import random

from django.db import transaction

from customers.models import (
    Customer,
    CustomerUser,
    DelegatedAdminGrant,
    Partner,
    ResellerRelationship,
    tenant_id_for,
)
from partnercenter import clock
from subscriptions.demo_data import (
    ADMIN_AGENT,
    FABRIKAM,
    SCALE_BATCH_SIZE,
    SCALE_DOMAIN,
    SCALE_NAME,
    SCALE_OFFERS,
    user_name,
)
from subscriptions.models import LicenseAssignment, Offer, Subscription, add_months


@transaction.atomic
def seed_scale(count: int, *, today: datetime.date | None = None) -> int:
    """Add the missing "Scale Customer 0001" .. `count` to Fabrikam; returns how many were added.

    Each customer's content comes from a random generator seeded with its number, so it is the
    same whichever run creates it.
    """
    today = today or clock.today()
    fabrikam = Partner.objects.get(name=FABRIKAM)
    offers = {offer.name: offer for offer in Offer.objects.filter(name__in=SCALE_OFFERS)}
    domains = {SCALE_DOMAIN.format(number=number): number for number in range(1, count + 1)}
    existing = set(Customer.objects.filter(domain__in=domains).values_list("domain", flat=True))
    missing = {domain: number for domain, number in domains.items() if domain not in existing}
    if not missing:
        return 0

    customers = Customer.objects.bulk_create(
        [  # bulk_create skips save(), which sets the tenant id
            Customer(name=name, domain=domain, market="US", tenant_id=tenant_id_for("customer", domain))
            for domain, name in (
                (domain, SCALE_NAME.format(number=number)) for domain, number in missing.items()
            )
        ],
        batch_size=SCALE_BATCH_SIZE,
    )
    ResellerRelationship.objects.bulk_create(
        [ResellerRelationship(partner=fabrikam, customer=customer) for customer in customers],
        batch_size=SCALE_BATCH_SIZE,
    )
    DelegatedAdminGrant.objects.bulk_create(
        [
            DelegatedAdminGrant(
                partner=fabrikam, customer=customer, role=ADMIN_AGENT, end_date=add_months(today, 12)
            )
            for customer in customers
        ],
        batch_size=SCALE_BATCH_SIZE,
    )

    users, subscriptions, licensed = [], [], []  # licensed: (user position, subscription position)
    for number, customer in zip(missing.values(), customers, strict=True):
        rng = random.Random(f"scale-customer-{number}")
        chosen = rng.sample(SCALE_OFFERS, rng.randint(1, len(SCALE_OFFERS)))
        user_count = rng.randint(5, 50)
        first_subscription = len(subscriptions)
        for position, offer_name in enumerate(chosen):
            # One license per user, on one subscription: Business and Business Essentials share
            # the SharePoint family, so no user may hold both.
            licensed_here = len(range(position, user_count, len(chosen)))
            created_on = today - datetime.timedelta(days=rng.randint(35, 330))
            subscriptions.append(
                Subscription(
                    customer=customer,
                    offer=offers[offer_name],
                    friendly_name=offer_name,
                    quantity=licensed_here + rng.randint(0, 5),
                    sold_by=fabrikam,
                    created_on=created_on,
                    term_end=add_months(created_on, 12),
                )
            )
        for index in range(user_count):
            display_name, upn = user_name(customer.domain, index)
            licensed.append((len(users), first_subscription + index % len(chosen)))
            users.append(
                CustomerUser(
                    customer=customer, display_name=display_name, user_principal_name=upn, usage_location="US"
                )
            )

    CustomerUser.objects.bulk_create(users, batch_size=SCALE_BATCH_SIZE)
    Subscription.objects.bulk_create(subscriptions, batch_size=SCALE_BATCH_SIZE)
    LicenseAssignment.objects.bulk_create(
        [LicenseAssignment(user=users[u], subscription=subscriptions[s]) for u, s in licensed],
        batch_size=SCALE_BATCH_SIZE,
    )
    return len(customers)
