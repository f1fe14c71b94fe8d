"""factory-boy factories for every model; tests build exactly the rows they need."""

import datetime
import uuid
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from customers.models import (
    Customer,
    CustomerUser,
    DelegatedAdminGrant,
    Partner,
    PartnerUser,
    ResellerRelationship,
)
from partnercenter import clock
from subscriptions.models import (
    LicenseAssignment,
    Offer,
    OfferPrice,
    ServicePlan,
    Subscription,
    UpgradePath,
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")


class PartnerUserFactory(DjangoModelFactory):
    class Meta:
        model = PartnerUser

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = PartnerUser.Role.ADMIN_AGENT


class CustomerFactory(DjangoModelFactory):
    """A customer; pass `partner=` to give that partner a reseller relationship with it."""

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Customer {n}")
    domain = factory.LazyAttribute(lambda o: f"{o.name.lower().replace(' ', '')}.example")
    market = "US"

    @factory.post_generation
    def partner(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            ResellerRelationship.objects.create(partner=extracted, customer=obj)


class ResellerRelationshipFactory(DjangoModelFactory):
    class Meta:
        model = ResellerRelationship

    partner = factory.SubFactory(PartnerFactory)
    customer = factory.SubFactory(CustomerFactory)


class DelegatedAdminGrantFactory(DjangoModelFactory):
    class Meta:
        model = DelegatedAdminGrant

    partner = factory.SubFactory(PartnerFactory)
    customer = factory.SubFactory(CustomerFactory)
    role = DelegatedAdminGrant.Role.ADMIN_AGENT
    status = DelegatedAdminGrant.Status.ACTIVE
    end_date = factory.LazyFunction(lambda: clock.today() + datetime.timedelta(days=365))


class CustomerUserFactory(DjangoModelFactory):
    class Meta:
        model = CustomerUser

    customer = factory.SubFactory(CustomerFactory)
    display_name = factory.Sequence(lambda n: f"User {n:04d}")
    user_principal_name = factory.LazyAttributeSequence(lambda o, n: f"user{n:04d}@{o.customer.domain}")
    usage_location = factory.LazyAttribute(lambda o: o.customer.market)


class ServicePlanFactory(DjangoModelFactory):
    class Meta:
        model = ServicePlan
        django_get_or_create = ("plan_id",)

    plan_id = factory.Sequence(lambda n: f"PLAN_{n}")
    name = factory.LazyAttribute(lambda o: o.plan_id.replace("_", " ").title())
    family = factory.LazyAttribute(lambda o: o.name)


class OfferFactory(DjangoModelFactory):
    """An offer; `plans=[...]` sets its service plans, `prices={"USD": "8.00"}` its prices."""

    class Meta:
        model = Offer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Offer {n}")
    sku_part_number = factory.Sequence(lambda n: f"SKU_{n}")
    sku_id = factory.LazyFunction(uuid.uuid4)

    @factory.post_generation
    def plans(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.service_plans.set(extracted)

    @factory.post_generation
    def prices(obj, create, extracted, **kwargs):
        if create:
            for currency, amount in (extracted or {"USD": "10.00"}).items():
                OfferPrice.objects.create(offer=obj, currency=currency, price=Decimal(amount))


class UpgradePathFactory(DjangoModelFactory):
    class Meta:
        model = UpgradePath

    source_offer = factory.SubFactory(OfferFactory)
    target_offer = factory.SubFactory(OfferFactory)


class SubscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Subscription

    customer = factory.SubFactory(CustomerFactory)
    offer = factory.SubFactory(OfferFactory)
    friendly_name = factory.LazyAttribute(lambda o: o.offer.name)
    quantity = 10
    status = Subscription.Status.ACTIVE
    sold_by = factory.SubFactory(PartnerFactory)
    created_on = factory.LazyFunction(lambda: clock.today() - datetime.timedelta(days=100))
    term_end = factory.LazyAttribute(lambda o: o.created_on + datetime.timedelta(days=365))


class LicenseAssignmentFactory(DjangoModelFactory):
    """A license; `disabled_plans=[...]` switches plans off for this user."""

    class Meta:
        model = LicenseAssignment
        skip_postgeneration_save = True

    subscription = factory.SubFactory(SubscriptionFactory)
    user = factory.SubFactory(CustomerUserFactory, customer=factory.SelfAttribute("..subscription.customer"))

    @factory.post_generation
    def disabled_plans(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.disabled_plans.set(extracted)
