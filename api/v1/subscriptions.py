"""`/v1/customers/{c}/subscriptions`: a customer's subscriptions, through the pages' own scope
(docs/api.md)."""

import datetime
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router

from api import errors, paging, schemas
from partnercenter.tenancy import customers_for
from subscriptions.models import Subscription

router = Router(tags=["subscriptions"])

# Partner Center's status names: a cancelled subscription is `deleted` there too.
_STATUSES = {value: value for value in Subscription.Status.values}


def _midnight_utc(day: datetime.date) -> datetime.datetime:
    """Partner Center's dates are date-times in UTC (its clients cannot parse a date alone)."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def etag_of(subscription) -> str:
    return str(subscription.version)


def subscription_resource(subscription, customer) -> dict:
    uri = f"/customers/{customer.tenant_id}/subscriptions/{subscription.subscription_id}"
    return {
        "id": subscription.subscription_id,
        "offerId": str(subscription.offer.sku_id).upper(),
        "offerName": subscription.offer.name,
        "friendlyName": subscription.friendly_name,
        "quantity": subscription.quantity,
        "unitType": "Licenses",
        "creationDate": _midnight_utc(subscription.created_on),
        "effectiveStartDate": _midnight_utc(subscription.created_on),
        "commitmentEndDate": _midnight_utc(subscription.term_end),
        "status": _STATUSES[subscription.status],
        "autoRenewEnabled": subscription.status == Subscription.Status.ACTIVE,
        "billingType": "license",
        "billingCycle": "monthly",
        "partnerId": subscription.sold_by.tenant_id if subscription.sold_by else None,
        "links": {"self": {"uri": uri, "method": "GET", "headers": []}},
        "attributes": {"etag": etag_of(subscription), "objectType": "Subscription"},
    }


def _customer(request, customer_tenant_id: UUID):
    return get_object_or_404(customers_for(request), tenant_id=customer_tenant_id)


def _subscriptions(request, customer):
    return (
        Subscription.objects.in_scope_of(request.partner)
        .filter(customer=customer)
        .select_related("customer", "offer", "sold_by")
        .order_by("friendly_name", "pk")
    )


def subscription_or_404(request, customer_tenant_id: UUID, subscription_id: UUID):
    """The customer's subscription in the partner's scope; the envelope's 404 otherwise (20003
    once the customer is reachable)."""
    customer = _customer(request, customer_tenant_id)
    subscription = _subscriptions(request, customer).filter(subscription_id=subscription_id).first()
    if subscription is None:
        raise errors.subscription_not_found(subscription_id)
    return subscription


@router.get(
    "/customers/{customer_tenant_id}/subscriptions",
    response=schemas.SubscriptionCollection,
    summary="List a customer's subscriptions",
)
def list_subscriptions(request, customer_tenant_id: UUID, size: int = paging.MAX_SIZE):
    customer = _customer(request, customer_tenant_id)
    uri = f"/customers/{customer.tenant_id}/subscriptions"
    subscriptions, total, links = paging.page_of(request, _subscriptions(request, customer), size, uri)
    return {
        "totalCount": total,
        "items": [subscription_resource(subscription, customer) for subscription in subscriptions],
        "links": links,
        "attributes": {"objectType": "Collection"},
    }


@router.get(
    "/customers/{customer_tenant_id}/subscriptions/{subscription_id}",
    response=schemas.Subscription,
    summary="Get a subscription",
)
def get_subscription(request, response: HttpResponse, customer_tenant_id: UUID, subscription_id: UUID):
    subscription = subscription_or_404(request, customer_tenant_id, subscription_id)
    response["ETag"] = f'"{etag_of(subscription)}"'
    return subscription_resource(subscription, subscription.customer)
