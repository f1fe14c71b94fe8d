"""`/v1/offers` and `/v1/auditrecords`: the catalog and the partner's operation log, in Partner
Center's shapes (docs/api.md)."""

import datetime
import json
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Query, Router
from pydantic import BeforeValidator

from api import audit_schemas, paging, schemas
from api.answers import midnight_utc, offer_id
from api.v1.upgrades import offer_resource
from customers.models import currency_for_market
from subscriptions import catalog_cache, reasons
from subscriptions.activity import operations_for
from subscriptions.models import Operation, availability_id

router = Router(tags=["catalog and audit"])

# Partner Center's operationType for each kind of change in the log.
_OPERATION_TYPES = {
    Operation.Kind.UPGRADE: "upgrade_subscription",
    Operation.Kind.QUANTITY_CHANGE: "update_subscription",
}
# A market: two letters, any case.
Country = Annotated[
    str, Query("US", pattern="^[A-Za-z]{2}$", description=gettext_noop("A country code, e.g. US, IN, FR."))
]


def _iso_8601(value):
    """Only ISO 8601 date-times, as Partner Center's (pydantic alone takes "0.5" for a
    timestamp), in UTC: an offset such as +23:51 is valid ISO but not every database's."""
    if not isinstance(value, str):
        return value
    moment = datetime.datetime.fromisoformat(value)  # a ValueError is invalid input
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=datetime.UTC)
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError("out of range") from None


# The earliest date-time there is: the default period before an endDate near it stops there.
EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)
DateTime = Annotated[datetime.datetime, BeforeValidator(_iso_8601)]
# How far back the audit records go without a startDate, as Partner Center's default.
DEFAULT_PERIOD = datetime.timedelta(days=30)


@router.get(
    "/offers",
    response=schemas.answers(schemas.OfferCollection),
    summary=gettext_noop("List the offers of a market"),
    description=gettext_noop(
        "The offers sold in the market `country` (any case, US by default), each with the offers "
        "it upgrades to in `upgradeTargetOffers` and its prices in the market's currency in "
        "`prices`: every term, billing cycle and effective date, with the partner's cost for a "
        "role that sees it."
    ),
)
def list_offers(request, country: Country = "US"):
    market = country.strip().upper()
    currency = currency_for_market(market)
    with_cost = request.actor.sees_margin
    catalog = catalog_cache.current()
    offers = sorted(
        (offer for offer in catalog.offers.values() if offer.is_sold_in(market)),
        key=lambda o: (o.rank, o.name),
    )
    items = []
    for offer in offers:
        resource = offer_resource(offer, market)
        targets = (catalog.offers[pk] for pk in catalog.paths.get(offer.pk, ()))
        resource["upgradeTargetOffers"] = [
            offer_id(target.sku_id) for target in targets if target.is_sold_in(market)
        ]
        resource["prices"] = [
            _price(offer, row, with_cost=with_cost) for row in offer.prices.all() if row.currency == currency
        ]
        items.append(resource)
    return {"totalCount": len(items), "items": items, "attributes": {"objectType": "Collection"}}


def _price(offer, row, *, with_cost: bool) -> dict:
    term = row.term_duration or None
    return {
        "currency": row.currency,
        "termDuration": term,
        "billingCycle": row.billing_cycle,
        "availabilityId": availability_id(term) if term else None,
        "catalogItemId": offer.catalog_item_id(term) if term else None,
        "effectiveDate": midnight_utc(row.effective_from),
        "unitPrice": float(row.price),
        "partnerCost": float(row.cost) if with_cost and row.cost is not None else None,
    }


def audit_record(operation) -> dict:
    subscription = operation.subscription
    old = {"offerId": offer_id(subscription.offer.sku_id), "quantity": operation.previous_quantity}
    new = {
        "offerId": offer_id((operation.target_offer or subscription.offer).sku_id),
        "quantity": operation.quantity,
    }
    details = [{"key": "Result", "value": operation.result}]
    if operation.reason_code:
        details.append(
            {"key": "Reason", "value": reasons.describe(operation.reason_code, operation.reason_params)}
        )
    return {
        "id": str(operation.pk),
        "partnerId": operation.partner.tenant_id,
        "customerId": operation.customer.tenant_id,
        "customerName": operation.customer.name,
        "userPrincipalName": operation.actor.get_username() if operation.actor else "",
        "applicationId": operation.application_name,
        "resourceType": "subscription",
        "resourceOldValue": json.dumps(old),
        "resourceNewValue": json.dumps(new),
        "operationType": _OPERATION_TYPES.get(operation.kind, operation.kind),
        "operationStatus": "succeeded" if operation.result == Operation.Result.SUCCEEDED else "failed",
        "operationDate": operation.created_at,
        "originalCorrelationId": "",
        "customizedData": details,
        "attributes": {"objectType": "AuditRecord"},
    }


@router.get(
    "/auditrecords",
    response=schemas.answers(audit_schemas.AuditRecordCollection),
    summary=gettext_noop("List the audit records"),
    description=gettext_noop(
        "The partner's operation log, newest first, from `startDate` to `endDate` (ISO 8601 "
        "date-times; the last 30 days by default): each change's offer and quantity before and "
        "after, its result and its reason. Paged as the customers are."
    ),
)
def list_audit_records(
    request,
    startDate: DateTime | None = None,  # Partner Center's parameter names
    endDate: DateTime | None = None,
    size: paging.Size = paging.MAX_SIZE,
):
    end = endDate or timezone.now()
    start = startDate or max(end, EARLIEST + DEFAULT_PERIOD) - DEFAULT_PERIOD
    operations = (
        operations_for(request.partner)
        .filter(created_at__gte=start, created_at__lte=end)  # a start after the end: no record
        .select_related("partner", "subscription__offer")
    )
    records, total, links = paging.page_of(request, operations, size, "/auditrecords")
    return {
        "totalCount": total,
        "items": [audit_record(operation) for operation in records],
        "links": links,
        "attributes": {"objectType": "Collection"},
    }
