"""Fixtures for the upgrade engine's tests: a partner's world built from factories on the real
catalog, and the seeded demo of docs/domain.md §9."""

import uuid
from dataclasses import dataclass

import pytest
from django.apps import apps

from customers.actors import Actor
from customers.models import DelegatedAdminGrant, Partner
from subscriptions import services
from subscriptions.models import LicenseAssignment, Offer, Operation, Subscription
from tests.actors import acting
from tests.factories import (
    CustomerFactory,
    CustomerUserFactory,
    DelegatedAdminGrantFactory,
    LicenseAssignmentFactory,
    PartnerFactory,
    PartnerUserFactory,
    SubscriptionFactory,
)


@dataclass
class World:
    """One partner with one customer, a counting admin_agent grant and a signed-in agent."""

    offers: dict[str, Offer]
    partner: Partner
    other_partner: Partner
    customer: object
    grant: DelegatedAdminGrant
    # The signed-in agent (an auth user); `actor` is the same person as the services see them.
    agent: object

    @property
    def actor(self) -> Actor:
        return acting(self.agent)

    def subscription(self, offer_name: str, *, users: int = 0, sold_by="self", **fields) -> Subscription:
        seller = {"self": self.partner, "other": self.other_partner, "direct": None}.get(sold_by, sold_by)
        subscription = SubscriptionFactory(
            customer=self.customer, offer=self.offers[offer_name], sold_by=seller, **fields
        )
        for _ in range(users):
            LicenseAssignmentFactory(subscription=subscription)
        return subscription

    def user(self, **fields):
        return CustomerUserFactory(customer=self.customer, **fields)

    def license(self, subscription, user, *, disabled: tuple[str, ...] = ()) -> LicenseAssignment:
        from subscriptions.models import ServicePlan

        return LicenseAssignmentFactory(
            subscription=subscription,
            user=user,
            disabled_plans=list(ServicePlan.objects.filter(plan_id__in=disabled)),
        )

    def upgrade(self, subscription, target: str, **options) -> Operation:
        """Upgrade through the service to the offer named `target`, default quantity, fresh token."""
        return services.subscription_upgrade(
            subscription=subscription,
            target_offer=self.offers[target],
            quantity=None,
            actor=self.actor,
            token=uuid.uuid4(),
            **options,
        )

    def change_quantity(
        self, subscription, quantity: int, *, based_on=None, actor=None, **options
    ) -> Operation:
        """Change the quantity through the service, based on the stored quantity unless told."""
        return services.subscription_change_quantity(
            subscription=subscription,
            quantity=quantity,
            based_on=Subscription.objects.get(pk=subscription.pk).quantity if based_on is None else based_on,
            actor=actor or self.actor,
            token=uuid.uuid4(),
            **options,
        )


@pytest.fixture
def world(catalog) -> World:
    partner = PartnerFactory(name="Fabrikam Test Partner")
    other_partner = PartnerFactory(name="Secret Rival Reseller")
    customer = CustomerFactory(name="Test Customer", partner=partner)
    grant = DelegatedAdminGrantFactory(partner=partner, customer=customer)
    agent = PartnerUserFactory(partner=partner).user
    return World(
        offers=catalog,
        partner=partner,
        other_partner=other_partner,
        customer=customer,
        grant=grant,
        agent=agent,
    )


@pytest.fixture
def agent_client(client, world):
    """A test client signed in as the world's partner user (an admin agent)."""
    client.force_login(world.agent)
    return client


@pytest.fixture
def fabrikam_subscription(demo):
    """`fabrikam_subscription(customer_name, offer_name=None)`: the demo subscription Fabrikam sold."""

    def find(customer_name: str, offer_name: str | None = None) -> Subscription:
        subscriptions = Subscription.objects.filter(
            customer=demo.customers[customer_name], sold_by=demo.fabrikam
        ).select_related("offer", "customer")
        if offer_name is not None:
            subscriptions = subscriptions.filter(offer__name=offer_name)
        return subscriptions.get()

    return find


@pytest.fixture
def snapshot():
    """`snapshot()`: every row of every project table but the append-only operation log."""

    def take(*, exclude=(Operation,)) -> dict[str, list[tuple]]:
        tables = {}
        for model in apps.get_models(include_auto_created=True):
            if model in exclude or model._meta.app_label not in {"customers", "subscriptions", "auth"}:
                continue
            fields = [field.attname for field in model._meta.concrete_fields]
            tables[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
        return tables

    return take
