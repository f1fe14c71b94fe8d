"""`/v1/customers`: the partner's customers, through the pages' own scope (docs/api.md)."""

from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Router

from api import paging, schemas
from customers.models import DelegatedAdminGrant
from partnercenter import clock
from partnercenter.tenancy import customers_for

router = Router(tags=["customers"])


def customer_resource(customer, *, delegated: bool) -> dict:
    return {
        "id": customer.tenant_id,
        "companyProfile": {
            "tenantId": customer.tenant_id,
            "domain": customer.domain,
            "companyName": customer.name,
            "attributes": {"objectType": "CustomerCompanyProfile"},
        },
        "relationshipToPartner": "reseller",
        "allowDelegatedAccess": delegated,
        "links": {"self": {"uri": f"/customers/{customer.tenant_id}", "method": "GET", "headers": []}},
        "attributes": {"objectType": "Customer"},
    }


def _delegated(request, customers) -> set[int]:
    """The customers among `customers` over which the partner's grant counts today (one query)."""
    today = clock.today()
    grants = DelegatedAdminGrant.objects.filter(
        partner=request.partner, customer__in=[customer.pk for customer in customers]
    )
    return {grant.customer_id for grant in grants if grant.counts_on(today)}


@router.get("/customers", response=schemas.answers(schemas.CustomerCollection), summary="List the customers")
def list_customers(request, size: paging.Size = paging.MAX_SIZE):
    customers, total, links = paging.page_of(
        request, customers_for(request).order_by("name", "pk"), size, "/customers"
    )
    delegated = _delegated(request, customers)
    return {
        "totalCount": total,
        "items": [customer_resource(customer, delegated=customer.pk in delegated) for customer in customers],
        "links": links,
        "attributes": {"objectType": "Collection"},
    }


@router.get(
    "/customers/{customer_tenant_id}", response=schemas.answers(schemas.Customer), summary="Get a customer"
)
def get_customer(request, customer_tenant_id: UUID):
    customer = get_object_or_404(customers_for(request), tenant_id=customer_tenant_id)
    return customer_resource(customer, delegated=bool(_delegated(request, [customer])))
