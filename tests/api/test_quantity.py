"""`PATCH .../subscriptions/{s}`: the quantity, Partner Center's way, through Add licenses' engine."""

import uuid

import pytest

from subscriptions.models import Operation, Subscription
from tests.api.paths import subscription_path

pytestmark = pytest.mark.django_db


def patch(api, subscription, resource: dict, **headers):
    return api.patch(
        subscription_path(subscription), resource, content_type="application/json", headers=headers
    )


def test_the_full_resource_with_a_new_quantity_changes_it_and_moves_the_etag(fabrikam_api, contoso):
    resource = fabrikam_api.get(subscription_path(contoso)).json()
    # Clients re-serialize dates and send fields the API does not know: ignored.
    sent = {
        **resource,
        "quantity": contoso.quantity + 2,
        "commitmentEndDate": "2030-01-01T00:00:00.000Z",
        "x": 1,
    }

    response = patch(fabrikam_api, contoso, sent)

    assert response.status_code == 200, response.content
    contoso.refresh_from_db()
    assert contoso.quantity == resource["quantity"] + 2
    assert response.json()["quantity"] == contoso.quantity
    assert response.json()["commitmentEndDate"] == resource["commitmentEndDate"]
    assert response["ETag"] == f'"{contoso.version}"' != f'"{resource["attributes"]["etag"]}"'
    operation = Operation.objects.latest("pk")
    assert operation.kind == Operation.Kind.QUANTITY_CHANGE and operation.result == Operation.Result.SUCCEEDED
    assert operation.actor_kind == "api_application" and operation.actor is None


def test_a_stale_if_match_is_412_and_a_current_one_applies(fabrikam_api, contoso):
    resource = fabrikam_api.get(subscription_path(contoso)).json()
    etag = fabrikam_api.get(subscription_path(contoso))["ETag"]
    Subscription.objects.filter(pk=contoso.pk).update(friendly_name="Renamed meanwhile")

    stale = patch(fabrikam_api, contoso, {**resource, "quantity": contoso.quantity + 1}, **{"If-Match": etag})
    current = fabrikam_api.get(subscription_path(contoso))["ETag"]
    applied = patch(
        fabrikam_api, contoso, {**resource, "quantity": contoso.quantity + 1}, **{"If-Match": current}
    )

    assert stale.status_code == 412 and stale.json()["code"] == 412
    assert applied.status_code == 200 and applied.json()["quantity"] == contoso.quantity + 1


def test_a_retry_with_the_same_request_id_adds_the_licenses_once(fabrikam_api, contoso):
    resource = {**fabrikam_api.get(subscription_path(contoso)).json(), "quantity": contoso.quantity + 3}
    key = str(uuid.uuid4())

    first = patch(fabrikam_api, contoso, resource, **{"MS-RequestId": key})
    again = patch(fabrikam_api, contoso, resource, **{"MS-RequestId": key})

    contoso.refresh_from_db()
    assert first.status_code == again.status_code == 200
    assert contoso.quantity == resource["quantity"]
    assert (
        Operation.objects.filter(subscription=contoso, result="succeeded", kind="quantity_change").count()
        == 1
    )


@pytest.mark.parametrize(
    ("quantity", "status", "code"),
    [
        (0, 400, 2002),
        (-5, 400, 2002),
        (301, 400, 2002),
        (1, 400, 800002),
        ("ten", 400, 800002),
        (None, 400, 800002),
    ],
)
def test_out_of_range_quantities_are_refused_and_change_nothing(
    fabrikam_api, contoso, quantity, status, code
):
    before = (contoso.quantity, contoso.version)
    resource = fabrikam_api.get(subscription_path(contoso)).json()

    response = patch(fabrikam_api, contoso, {**resource, "quantity": quantity})

    assert (response.status_code, response.json()["code"]) == (status, code)
    contoso.refresh_from_db()
    assert (contoso.quantity, contoso.version) == before


def test_the_same_quantity_is_the_resource_as_it_is(fabrikam_api, contoso):
    resource = fabrikam_api.get(subscription_path(contoso)).json()
    operations = Operation.objects.count()

    response = patch(fabrikam_api, contoso, resource)

    assert response.status_code == 200 and response.json() == resource
    assert Operation.objects.count() == operations


def test_a_suspended_subscription_is_800091(fabrikam_api, demo):
    tailspin = Subscription.objects.select_related("customer").get(
        customer=demo.customers["Tailspin Toys"], sold_by=demo.fabrikam
    )
    resource = fabrikam_api.get(subscription_path(tailspin)).json()

    response = patch(fabrikam_api, tailspin, {**resource, "quantity": tailspin.quantity + 1})

    assert response.status_code == 400 and response.json()["code"] == 800091
