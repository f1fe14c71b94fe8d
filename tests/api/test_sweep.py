"""Tenancy, roles and CSRF over the REST API, operation by operation of its OpenAPI document.

Every (method, path) the schema declares must be registered below with the ids of one of the
caller's own objects and of another partner's, so a new endpoint cannot skip the sweep.
"""

from http import HTTPStatus

import pytest
from django.test import Client

from api.urls import api
from customers.models import Customer
from subscriptions.models import Subscription

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


# (method, OpenAPI path) -> (Fabrikam's own ids, another partner's ids or None when the
# operation takes no object id).
REGISTRY = {
    ("get", "/api/v1/customers"): (_none, None),
    ("get", "/api/v1/customers/{customer_tenant_id}"): (_customer(True), _customer(False)),
    ("get", "/api/v1/customers/{customer_tenant_id}/subscriptions"): (_customer(True), _customer(False)),
    ("get", "/api/v1/customers/{customer_tenant_id}/subscriptions/{subscription_id}"): (
        _subscription(True),
        _subscription(False),
    ),
}


def operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/")
    return {(method, path) for path, item in schema["paths"].items() for method in item}


def test_every_operation_of_the_openapi_document_is_registered_for_the_sweep():
    assert operations() == set(REGISTRY)


@pytest.mark.parametrize(("method", "path"), sorted(REGISTRY))
def test_every_operation_answers_only_the_caller_s_own_objects(fabrikam_api, demo, method, path):
    own, foreign = REGISTRY[(method, path)]

    answer = getattr(fabrikam_api, method)(path.format(**own(demo)))
    assert HTTPStatus(answer.status_code).is_success, answer.content

    if foreign is not None:
        refused = getattr(fabrikam_api, method)(path.format(**foreign(demo)))
        assert refused.status_code == HTTPStatus.NOT_FOUND
        assert refused.json().keys() == {"code", "description", "data", "source"}


@pytest.mark.parametrize(("method", "path"), sorted(REGISTRY))
def test_no_operation_answers_a_signed_in_browser_session_without_a_token(demo, method, path):
    browser = Client()
    browser.force_login(demo.users["demo"])
    own, _foreign = REGISTRY[(method, path)]

    response = getattr(browser, method)(path.format(**own(demo)))

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"].startswith("Bearer")
