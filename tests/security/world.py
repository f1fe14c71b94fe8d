"""The seeded demo seen by a Fabrikam user, with real upgrades made on both sides of the fence.

"Another partner's object" is a customer with no reseller relationship to the viewer's
partner, or a subscription the viewer's partner did not sell (even of a customer both partners
serve, like Trey Research), and the operations, reports and CSVs of such a subscription. Each
of those is built here from real data: the demo (docs/domain.md §9) and upgrades made through
`subscriptions.services`, so the objects are exactly what the app creates.
"""

import contextlib
import uuid
from dataclasses import dataclass

from customers.models import Customer
from subscriptions import services
from subscriptions.demo import DemoData
from subscriptions.models import Offer, Operation, Subscription
from tests.actors import acting
from tests.factories import CustomerUserFactory, LicenseAssignmentFactory, SubscriptionFactory
from tests.offer_names import BUSINESS, E1, ESSENTIALS, PREMIUM, PROPLUS


@dataclass
class Tenancy:
    demo: DemoData
    offers: dict[str, Offer]
    # The viewer: `demo`, admin agent of Fabrikam Cloud Solutions; and its read-only colleague.
    viewer: object
    billing_admin: object
    # Fabrikam's own objects: the roles and CSRF sweeps need to get past tenancy.
    own_customer: Customer  # Contoso Ltd
    own_subscription: Subscription  # Contoso's Business Essentials, active, upgradable
    own_operation: Operation  # Fabrikam's upgrade of Adatum's Business to Business Premium
    own_refused_attempt: Operation  # a refused attempt is no report, even for its own partner
    # Another partner's objects, as Fabrikam must (not) see them.
    foreign_customer: Customer  # Margie's Travel: Northwind's, no relationship with Fabrikam
    foreign_subscription: Subscription  # Margie's Business Essentials, sold by Northwind
    shared_customer_subscription: Subscription  # Trey Research's ProPlus, sold by Northwind
    # Fabrikam once sold it, but Margie's Travel has no relationship with Fabrikam (any more).
    lapsed_subscription: Subscription
    foreign_operation: Operation  # Northwind's upgrade of Margie's Business Essentials
    shared_customer_operation: Operation  # Northwind's upgrade of a subscription of Trey Research

    @property
    def foreign_markers(self) -> list[str]:
        """Text that must never appear on a page Fabrikam sees: names and ids of Northwind's data."""
        markers = [self.demo.northwind.name, self.foreign_customer.name, self.foreign_customer.domain]
        for subscription in (
            self.foreign_subscription,
            self.shared_customer_subscription,
            self.foreign_operation.target_subscription,
            self.shared_customer_operation.subscription,
            self.shared_customer_operation.target_subscription,
        ):
            markers.append(str(subscription.subscription_id))
        return markers


def upgrade(subscription: Subscription, target: Offer, *, actor) -> Operation:
    return services.subscription_upgrade(
        subscription=subscription, target_offer=target, quantity=None, actor=actor, token=uuid.uuid4()
    )


def build_tenancy(demo: DemoData, offers: dict[str, Offer]) -> Tenancy:
    fabrikam, northwind = demo.fabrikam, demo.northwind
    viewer, northwind_user = demo.users["demo"], demo.users["northwind"]

    def sold(customer_name: str, partner, offer_name: str) -> Subscription:
        return Subscription.objects.get(
            customer=demo.customers[customer_name], sold_by=partner, offer__name=offer_name
        )

    own_operation = upgrade(
        sold("Adatum Corporation", fabrikam, BUSINESS), offers[PREMIUM], actor=acting(viewer)
    )
    # Tailspin's subscription is suspended: the engine refuses and logs the attempt.
    tailspin = sold("Tailspin Toys", fabrikam, ESSENTIALS)
    with contextlib.suppress(services.UpgradeRefused):
        upgrade(tailspin, offers[PREMIUM], actor=acting(viewer))
    own_refused_attempt = Operation.objects.get(subscription=tailspin, result=Operation.Result.REFUSED)

    margies = demo.customers["Margie's Travel"]
    foreign_subscription = sold("Margie's Travel", northwind, ESSENTIALS)
    foreign_operation = upgrade(foreign_subscription, offers[PREMIUM], actor=acting(northwind_user))
    foreign_subscription.refresh_from_db()

    # Northwind sells Trey Research a second subscription and upgrades it: an operation of a
    # customer Fabrikam serves too, on a subscription Fabrikam did not sell.
    trey = demo.customers["Trey Research"]
    trey_essentials = SubscriptionFactory(
        customer=trey, offer=offers[ESSENTIALS], sold_by=northwind, quantity=3
    )
    for _ in range(2):
        LicenseAssignmentFactory(subscription=trey_essentials, user=CustomerUserFactory(customer=trey))
    shared_customer_operation = upgrade(trey_essentials, offers[E1], actor=acting(northwind_user))

    lapsed_subscription = SubscriptionFactory(customer=margies, offer=offers[BUSINESS], sold_by=fabrikam)

    return Tenancy(
        demo=demo,
        offers=offers,
        viewer=viewer,
        billing_admin=demo.users["billing"],
        own_customer=demo.customers["Contoso Ltd"],
        own_subscription=sold("Contoso Ltd", fabrikam, ESSENTIALS),
        own_operation=own_operation,
        own_refused_attempt=own_refused_attempt,
        foreign_customer=margies,
        foreign_subscription=foreign_subscription,
        shared_customer_subscription=sold("Trey Research", northwind, PROPLUS),
        lapsed_subscription=lapsed_subscription,
        foreign_operation=foreign_operation,
        shared_customer_operation=shared_customer_operation,
    )
