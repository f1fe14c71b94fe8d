"""The REST API at the same instant, over real HTTP: 20 scripts upgrading or changing the same
subscription make one change, whatever keys they send (docs/api.md)."""

import http.client
import json
from collections import Counter
from urllib.parse import urlencode, urlsplit

import pytest

from subscriptions.models import Operation, Subscription
from tests.concurrency.webclient import all_at_once

pytestmark = pytest.mark.slow

CALLS = 20
E3 = "Office 365 Enterprise E3"


def call(server, method: str, path: str, *, token: str, body=None, headers=None) -> tuple[int, dict, dict]:
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    sent = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})}
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=sent)
        raw = connection.getresponse()
        return raw.status, json.loads(raw.read() or b"null"), dict(raw.getheaders())
    finally:
        connection.close()


def token(server) -> str:
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    form = {
        "grant_type": "client_credentials",
        "client_id": "fabrikam-demo-app",
        "client_secret": "fabrikam-demo-secret",
    }
    connection.request(
        "POST",
        "/api/oauth2/token",
        body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return json.loads(connection.getresponse().read())["access_token"]


@pytest.fixture
def contoso(racing_demo) -> Subscription:
    return Subscription.objects.select_related("customer").get(
        customer=racing_demo.customers["Contoso Ltd"],
        sold_by=racing_demo.fabrikam,
        offer__name="Office 365 Business Essentials",
    )


def path_of(subscription) -> str:
    return f"/api/v1/customers/{subscription.customer.tenant_id}/subscriptions/{subscription.subscription_id}"


def e3_item(server, bearer, subscription) -> dict:
    _, listed, _ = call(server, "GET", path_of(subscription) + "/upgrades", token=bearer)
    return next(item for item in listed["items"] if item["targetOffer"]["name"] == E3)


def upgrades_of(subscription) -> int:
    return Operation.objects.filter(subscription=subscription, kind="upgrade", result="succeeded").count()


def test_twenty_upgrades_with_distinct_keys_make_one(concurrent_server, contoso):
    bearer = token(concurrent_server)
    item = e3_item(concurrent_server, bearer, contoso)

    results = all_at_once(
        [
            lambda number=number: call(
                concurrent_server,
                "POST",
                path_of(contoso) + "/upgrades",
                token=bearer,
                body=item,
                headers={"MS-RequestId": f"distinct-{number}"},
            )
            for number in range(CALLS)
        ]
    )

    assert not [result for result in results if isinstance(result, BaseException)], results
    assert all(status < 500 for status, _, _ in results)
    upgraded = [body for status, body, _ in results if status == 200 and body["targetSubscriptionId"]]
    assert len(upgraded) == 1 and upgrades_of(contoso) == 1
    # The others: the subscription is no longer active, or another upgrade holds it.
    others = Counter(
        body["upgradeErrors"][0]["code"] if status == 200 else status
        for status, body, _ in results
        if body not in upgraded
    )
    assert set(others) <= {"subscription_status_not_active", "concurrency_conflicts", 409}, others


def test_twenty_upgrades_with_one_key_make_one_and_answer_the_same(concurrent_server, contoso):
    bearer = token(concurrent_server)
    item = e3_item(concurrent_server, bearer, contoso)

    results = all_at_once(
        [
            lambda: call(
                concurrent_server,
                "POST",
                path_of(contoso) + "/upgrades",
                token=bearer,
                body=item,
                headers={"MS-RequestId": "one-key-for-all"},
            )
        ]
        * CALLS
    )

    assert not [result for result in results if isinstance(result, BaseException)], results
    statuses = Counter(status for status, _, _ in results)
    assert upgrades_of(contoso) == 1
    answered = [body for status, body, _ in results if status == 200]
    assert all(body == answered[0] for body in answered) and answered[0]["targetSubscriptionId"]
    # Each retry waited for the first one's answer (well within the 10 s it may wait).
    assert statuses == {200: CALLS}, statuses


def test_twenty_quantity_changes_from_one_etag_apply_one_and_answer_412(concurrent_server, contoso):
    bearer = token(concurrent_server)
    status, resource, headers = call(concurrent_server, "GET", path_of(contoso), token=bearer)
    etag = {key.lower(): value for key, value in headers.items()}["etag"]
    plus_one = {**resource, "quantity": resource["quantity"] + 1}

    results = all_at_once(
        [
            lambda: call(
                concurrent_server,
                "PATCH",
                path_of(contoso),
                token=bearer,
                body=plus_one,
                headers={"If-Match": etag},
            )
        ]
        * CALLS
    )

    assert not [result for result in results if isinstance(result, BaseException)], results
    statuses = Counter(status for status, _, _ in results)
    contoso.refresh_from_db()
    assert contoso.quantity == resource["quantity"] + 1
    assert statuses == {200: 1, 412: CALLS - 1}, statuses
