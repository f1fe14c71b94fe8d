"""`/v1/customers`: the partner's customers, through the pages' own scope (docs/api.md)."""

from uuid import UUID

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop
from ninja import Router

from api import paging, schemas
from api.answers import json_answer
from customers.models import DelegatedAdminGrant
from partnercenter import clock
from partnercenter.tenancy import customers_for

router = Router(tags=["customers"])

# What `_resource` reads of a customer, in its order: the list reads these columns, not model
# instances, the grant's judgement among them (`_delegated`).
_COLUMNS = ("tenant_id", "domain", "name", "delegated")


def customer_resource(customer, *, delegated: bool) -> dict:
    return _resource(customer.tenant_id, customer.domain, customer.name, delegated)


def _resource(tenant_id, domain: str, name: str, delegated: bool) -> dict:
    """The Customer resource in JSON's own types, keys in the schema's order, so that
    `api.answers.json_answer` can write it as it is (docs/api.md, "Customers")."""
    tenant = str(tenant_id)
    return {
        "id": tenant,
        "companyProfile": {
            "tenantId": tenant,
            "domain": domain,
            "companyName": name,
            "attributes": {"objectType": "CustomerCompanyProfile"},
        },
        "relationshipToPartner": "reseller",
        "allowDelegatedAccess": delegated,
        "links": {"self": {"uri": f"/customers/{tenant}", "method": "GET", "headers": []}},
        "attributes": {"objectType": "Customer"},
    }


def _delegated(request) -> Exists:
    """Whether the partner's delegated admin grant over the customer counts today: a column of
    the customers' own query (a query of its own per page was a tenth of the list's time)."""
    grants = DelegatedAdminGrant.objects.filter(partner=request.partner, customer=OuterRef("pk"))
    return Exists(grants.counting_on(clock.today()))


@router.get(
    "/customers",
    response=schemas.answers(schemas.CustomerCollection),
    summary=gettext_noop("List the customers"),
    description=gettext_noop(
        "The partner's customers, by name. `links.next`, when there is a next page, names it by "
        "its `MS-ContinuationToken` header."
    ),
)
def list_customers(request, size: paging.Size = paging.MAX_SIZE):
    customers = customers_for(request).order_by("name", "pk").annotate(delegated=_delegated(request))
    rows, total, links = paging.page_of(request, customers, size, "/customers", columns=_COLUMNS)
    return json_answer(
        {
            "totalCount": total,
            "items": [_resource(*row) for row in rows],
            "links": links,
            "attributes": {"objectType": "Collection"},
        }
    )


@router.get(
    "/customers/{customer_tenant_id}",
    response=schemas.answers(schemas.Customer),
    summary=gettext_noop("Get a customer"),
    description=gettext_noop(
        "A customer by its tenant id; 404 for one outside the partner's reach. "
        "`allowDelegatedAccess` says whether the partner's delegated admin grant counts today."
    ),
)
def get_customer(request, customer_tenant_id: UUID):
    customers = customers_for(request).annotate(delegated=_delegated(request))
    customer = get_object_or_404(customers, tenant_id=customer_tenant_id)
    return json_answer(customer_resource(customer, delegated=customer.delegated))
