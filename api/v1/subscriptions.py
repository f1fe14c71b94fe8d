"""`/v1/customers/{c}/subscriptions`: a customer's subscriptions, through the pages' own scope
(docs/api.md)."""

from http import HTTPStatus
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Router

from api import errors, idempotency, paging, schemas
from api.answers import json_answer, midnight_utc, offer_id
from partnercenter.tenancy import customers_for
from subscriptions import reasons, services
from subscriptions.models import Subscription, catalog_item_id

router = Router(tags=["subscriptions"])


def etag_of(subscription) -> str:
    return str(subscription.version)


def subscription_resource(subscription, customer) -> dict:
    offer, seller = subscription.offer, subscription.sold_by
    return _resource(
        f"/customers/{customer.tenant_id}/subscriptions/",
        str(seller.tenant_id) if seller else None,
        subscription.subscription_id,
        offer.sku_id,
        offer.name,
        subscription.friendly_name,
        subscription.quantity,
        subscription.created_on,
        subscription.term_end,
        subscription.status,
        subscription.version,
        subscription.billing_cycle,
        subscription.term_duration,
        offer.product_id,
        offer.sku_code,
    )


# What `_resource` reads of a subscription after its link's base and its seller, in its order:
# the list reads these columns, not model instances (four a row, with the offer, the seller and
# the customer joined).
_COLUMNS = (
    "subscription_id",
    "offer__sku_id",
    "offer__name",
    "friendly_name",
    "quantity",
    "created_on",
    "term_end",
    "status",
    "version",
    "billing_cycle",
    "term_duration",
    "offer__product_id",
    "offer__sku_code",
)


def _resource(
    base,
    partner_id,
    subscription_id,
    sku_id,
    offer_name,
    name,
    quantity,
    created_on,
    term_end,
    status,
    version,
    billing_cycle,
    term_duration,
    product_id,
    sku_code,
) -> dict:
    """The Subscription resource in JSON's own types, keys in the schema's order, so that
    `api.answers.json_answer` can write it as it is (docs/api.md, "Subscriptions")."""
    created, id_ = midnight_utc(created_on), str(subscription_id)
    return {
        "id": id_,
        "offerId": offer_id(sku_id),
        "offerName": offer_name,
        "friendlyName": name,
        "quantity": quantity,
        "unitType": "Licenses",
        "creationDate": created,
        "effectiveStartDate": created,
        "commitmentEndDate": midnight_utc(term_end),
        # Our status values are Partner Center's names (a cancelled subscription is `deleted`).
        "status": str(status),
        "autoRenewEnabled": status == Subscription.Status.ACTIVE,
        "billingType": "license",
        "billingCycle": str(billing_cycle),
        "termDuration": str(term_duration) or None,
        "catalogItemId": catalog_item_id(product_id, sku_code, term_duration) if term_duration else None,
        "partnerId": partner_id,
        "links": {"self": {"uri": base + id_, "method": "GET", "headers": []}},
        "attributes": {"etag": str(version), "objectType": "Subscription"},  # `etag_of`'s
    }


_ORDER = ("friendly_name", "pk")  # a customer's subscriptions, listed and paged


def _customer(request, customer_tenant_id: UUID):
    return get_object_or_404(customers_for(request), tenant_id=customer_tenant_id)


def _subscriptions(request, customer):
    return (
        Subscription.objects.in_scope_of(request.partner)
        .filter(customer=customer)
        .select_related("customer", "offer", "sold_by")
        .order_by(*_ORDER)
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
    summary=gettext_noop("List a customer's subscriptions"),
    description=gettext_noop("The customer's subscriptions, by friendly name, paged as the customers are."),
)
def list_subscriptions(request, customer_tenant_id: UUID, size: paging.Size = paging.MAX_SIZE):
    uri = f"/customers/{customer_tenant_id}/subscriptions"
    # The scope holds only subscriptions of customers the partner has a relationship with
    # (`scope_of`, docs/domain.md §1), the customer `_customer` looks up: a list that is not
    # empty proves the customer reachable, so it is looked up only for an empty one (an
    # unknown or another partner's customer is still the 404), one query less a page.
    subscriptions = (
        Subscription.objects.in_scope_of(request.partner)
        .filter(customer__tenant_id=customer_tenant_id)
        .order_by(*_ORDER)
    )
    try:
        rows, total, links = paging.page_of(request, subscriptions, size, uri, columns=_COLUMNS)
    except errors.ApiError:
        _customer(request, customer_tenant_id)  # a customer out of reach is a 404 first, as before
        raise
    if not total:
        _customer(request, customer_tenant_id)
    # Every subscription in the scope is one the partner sold (`scope_of`): its seller's tenant
    # id is the partner's, with no join to read it.
    base, seller = f"{uri}/", str(request.partner.tenant_id)
    return json_answer(
        {
            "totalCount": total,
            "items": [_resource(base, seller, *row) for row in rows],
            "links": links,
            "attributes": {"objectType": "Collection"},
        }
    )


@router.get(
    "/customers/{customer_tenant_id}/subscriptions/{subscription_id}",
    response=schemas.answers(schemas.Subscription),
    summary=gettext_noop("Get a subscription"),
    description=gettext_noop(
        "A subscription, its version in the `ETag` header and in `attributes.etag`. One unknown or "
        "outside the partner's scope is 404 with code 20003."
    ),
)
def get_subscription(request, customer_tenant_id: UUID, subscription_id: UUID):
    subscription = subscription_or_404(request, customer_tenant_id, subscription_id)
    answer = json_answer(subscription_resource(subscription, subscription.customer))
    answer["ETag"] = f'"{etag_of(subscription)}"'
    return answer


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
    summary=gettext_noop("Change a subscription's quantity"),
    description=gettext_noop(
        "Send the subscription back with a new `quantity`: every other field is ignored. With "
        "`If-Match`, a subscription changed since that ETag is 412. The rules are the Add licenses "
        "page's: outside the offer's limits is 400 with code 2002, fewer seats than assigned "
        "licenses 400 with code 800002, no delegated admin grant or a read-only application 403. "
        "A retry with the same `MS-RequestId` changes nothing twice."
    ),
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
