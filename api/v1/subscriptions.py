"""`/v1/customers/{c}/subscriptions`: a customer's subscriptions, through the pages' own scope
(docs/api.md)."""

import datetime
from http import HTTPStatus
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router

from api import errors, idempotency, paging, schemas
from partnercenter.tenancy import customers_for
from subscriptions import reasons, services
from subscriptions.models import Subscription

router = Router(tags=["subscriptions"])


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
        # Our status values are Partner Center's names (a cancelled subscription is `deleted`).
        "status": subscription.status,
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
    response=schemas.answers(schemas.SubscriptionCollection),
    summary="List a customer's subscriptions",
)
def list_subscriptions(request, customer_tenant_id: UUID, size: paging.Size = paging.MAX_SIZE):
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
    response=schemas.answers(schemas.Subscription),
    summary="Get a subscription",
)
def get_subscription(request, response: HttpResponse, customer_tenant_id: UUID, subscription_id: UUID):
    subscription = subscription_or_404(request, customer_tenant_id, subscription_id)
    response["ETag"] = f'"{etag_of(subscription)}"'
    return subscription_resource(subscription, subscription.customer)


def _if_match(request) -> int | None:
    """The version an `If-Match` names (None without one); a malformed one is invalid input."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    try:
        return int(header.removeprefix("W/").strip('"'))
    except ValueError:
        raise errors.ApiError(
            HTTPStatus.BAD_REQUEST, errors.INVALID_INPUT, _("If-Match must be an ETag of this API.")
        ) from None


def _stale() -> errors.ApiError:
    return errors.ApiError(
        HTTPStatus.PRECONDITION_FAILED,
        HTTPStatus.PRECONDITION_FAILED,
        _("The subscription changed since this ETag: read it again, then send the change."),
    )


@router.patch(
    "/customers/{customer_tenant_id}/subscriptions/{subscription_id}",
    response=schemas.answers(schemas.Subscription, schemas.WRITE_ERRORS),
    summary="Change a subscription's quantity",
)
@idempotency.keyed
def change_quantity(
    request,
    response: HttpResponse,
    customer_tenant_id: UUID,
    subscription_id: UUID,
    body: schemas.SubscriptionPatch,
):
    if not request.actor.may_change:
        raise errors.read_only()
    subscription = subscription_or_404(request, customer_tenant_id, subscription_id)
    expected = _if_match(request)
    if expected is not None and expected != subscription.version:
        raise _stale()
    if body.quantity == subscription.quantity:
        resource = subscription_resource(subscription, subscription.customer)
    else:
        try:
            resource = idempotency.answer_once(
                request,
                lambda on_success: services.subscription_change_quantity(
                    subscription=subscription,
                    quantity=body.quantity,
                    # Without If-Match the change applies to the subscription as it is now, as
                    # Partner Center's; with it, to the version it names (checked under the lock).
                    based_on=subscription.quantity,
                    actor=request.actor,
                    token=idempotency.one_time_token(request),
                    on_success=on_success,
                ),
                lambda operation: subscription_resource(operation.subscription, subscription.customer),
            )
        except services.QuantityChangeRefused as refused:
            raise _refusal_error(refused.reason, stale=expected is not None) from None
        except services.OutOfScope:
            raise errors.subscription_not_found(subscription_id) from None
    response["ETag"] = f'"{resource["attributes"]["etag"]}"'
    return resource


def _refusal_error(reason, *, stale: bool) -> errors.ApiError:
    if reason.code == reasons.QUANTITY_CHANGED_MEANWHILE and stale:
        return _stale()
    http = reasons.http_error(reason.code, reason.params, change=reasons.CHANGE_QUANTITY)
    return errors.ApiError(http.status, http.code, reason.message)
