"""Tenancy, roles and CSRF over the REST API, operation by operation of its OpenAPI document.

Every (method, path) the schema declares must be registered below with the ids of one of the
caller's own objects and of another partner's, so a new endpoint cannot skip the sweep.
"""

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django.test import Client

from api.urls import api
from customers.models import Customer
from subscriptions.models import Offer, Subscription

pytestmark = pytest.mark.django_db


def _customer(own: bool):
    def ids(demo) -> dict:
        fabrikams = Customer.objects.for_partner(demo.fabrikam)
        if own:
            return {"customer_tenant_id": fabrikams.first().tenant_id}
        # A Northwind customer that is not Fabrikam's as well.
        return {
            "customer_tenant_id": Customer.objects.for_partner(demo.northwind)
            .exclude(pk__in=fabrikams)
            .first()
            .tenant_id
        }

    return ids


def _subscription(own: bool):
    def ids(demo) -> dict:
        partner = demo.fabrikam if own else demo.northwind
        subscription = (
            Subscription.objects.in_scope_of(partner)
            .exclude(customer__in=[] if own else Customer.objects.for_partner(demo.fabrikam))
            .select_related("customer")
            .first()
        )
        return {
            "customer_tenant_id": subscription.customer.tenant_id,
            "subscription_id": subscription.subscription_id,
        }

    return ids


def _none(demo) -> dict:
    return {}


def _upgrade_body(demo) -> dict:
    """An upgrade the own subscription may make (its first eligible target)."""
    return {"targetOffer": {"id": str(Offer.objects.get(name="Office 365 Enterprise E3").sku_id)}}


def _quantity_body(demo) -> dict:
    """One more seat on the own subscription (`_subscription(True)`'s)."""
    ids = _subscription(True)(demo)
    return {"quantity": Subscription.objects.get(subscription_id=ids["subscription_id"]).quantity + 1}


@dataclass(frozen=True)
class Route:
    own: Callable  # demo -> the ids of one of Fabrikam's own objects
    foreign: Callable | None = None  # demo -> another partner's; None: the operation takes no id
    body: Callable | None = None  # demo -> the JSON body of a write


SUBSCRIPTION = "/api/v1/customers/{customer_tenant_id}/subscriptions/{subscription_id}"
REGISTRY = {
    ("get", "/api/v1/customers"): Route(_none),
    ("get", "/api/v1/offers"): Route(_none),
    ("get", "/api/v1/auditrecords"): Route(_none),
    ("get", "/api/v1/customers/{customer_tenant_id}"): Route(_customer(True), _customer(False)),
    ("get", "/api/v1/customers/{customer_tenant_id}/subscriptions"): Route(_customer(True), _customer(False)),
    ("get", SUBSCRIPTION): Route(_subscription(True), _subscription(False)),
    ("patch", SUBSCRIPTION): Route(_subscription(True), _subscription(False), _quantity_body),
    ("get", f"{SUBSCRIPTION}/upgrades"): Route(_subscription(True), _subscription(False)),
    ("post", f"{SUBSCRIPTION}/upgrades"): Route(_subscription(True), _subscription(False), _upgrade_body),
}


def call(client, method: str, path: str, route: Route, demo):
    if route.body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, route.body(demo), content_type="application/json")


def operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/")
    return {(method, path) for path, item in schema["paths"].items() for method in item}


def test_every_operation_of_the_openapi_document_is_registered_for_the_sweep():
    assert operations() == set(REGISTRY)


@pytest.mark.parametrize(("method", "path"), sorted(REGISTRY))
def test_every_operation_answers_only_the_caller_s_own_objects(fabrikam_api, demo, method, path):
    route = REGISTRY[(method, path)]

    answer = call(fabrikam_api, method, path.format(**route.own(demo)), route, demo)
    assert HTTPStatus(answer.status_code).is_success, answer.content

    if route.foreign is not None:
        refused = call(fabrikam_api, method, path.format(**route.foreign(demo)), route, demo)
        assert refused.status_code == HTTPStatus.NOT_FOUND
        assert refused.json().keys() == {"code", "description", "data", "source"}


@pytest.mark.parametrize(("method", "path"), sorted(REGISTRY))
def test_no_operation_answers_a_signed_in_browser_session_without_a_token(demo, method, path):
    browser = Client()
    browser.force_login(demo.users["demo"])
    route = REGISTRY[(method, path)]

    response = call(browser, method, path.format(**route.own(demo)), route, demo)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path"), sorted(key for key in REGISTRY if key[0] != "get"))
def test_read_only_writes_are_403_and_change_nothing(billing_api, demo, snapshot, method, path):
    route = REGISTRY[(method, path)]
    before = snapshot()

    response = call(billing_api, method, path.format(**route.own(demo)), route, demo)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json().keys() == {"code", "description", "data", "source"}
    assert snapshot() == before
