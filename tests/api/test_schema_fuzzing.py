"""schemathesis drives every operation of `/api/openapi.json` with generated input, through the
WSGI app in this process: no answer is a 5xx, every answer (errors included) conforms to the
schema the document declares, nothing outside the partner's scope is ever reached, and a refused
write changes no data but the one log row of a refused attempt (docs/domain.md §7)."""

import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from subscriptions.models import Offer, Operation, Subscription
from tests.api.conftest import token_for

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())

EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis folder in the project
    suppress_health_check=list(HealthCheck),
)

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOG = Operation._meta.label
_RESULT = [field.attname for field in Operation._meta.concrete_fields].index("result")


@pytest.fixture
def bearer(demo) -> str:
    return token_for("fabrikam-demo-app")


@pytest.fixture
def connection_kept():
    """The raw WSGI app closes the database connection after each request, which would end the
    test's transaction: held open as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def addresses(demo) -> list[tuple[str, str, bool]]:
    """Every subscription of the demo as (customer tenant id, subscription id, whether it is in
    the partner's scope): other partners' ones too, to be refused."""
    in_scope = set(Subscription.objects.in_scope_of(demo.fabrikam).values_list("pk", flat=True))
    subscriptions = Subscription.objects.select_related("customer").order_by("pk")
    return [(str(s.customer.tenant_id), str(s.subscription_id), s.pk in in_scope) for s in subscriptions]


@pytest.fixture
def offer_ids(demo) -> list[str]:
    return [str(sku).upper() for sku in Offer.objects.order_by("pk").values_list("sku_id", flat=True)]


def aim(case, addresses, offer_ids) -> tuple[str, str, bool] | None:
    """Three cases in four that name a customer get a real customer and subscription instead of
    their generated ids, and an upgrade's body a real target offer, chosen by what was generated
    (so that hypothesis replays the same): generated ids name nothing, and every write would be
    refused before the engine sees it. The address aimed at, if any."""
    params = case.path_parameters
    if not params or "customer_tenant_id" not in params:
        return None
    pick = zlib.crc32(repr(sorted(params.items())).encode())
    if pick % 4 == 0:
        return None
    address = addresses[pick // 4 % len(addresses)]
    params["customer_tenant_id"] = address[0]
    if "subscription_id" in params:
        params["subscription_id"] = address[1]
    target = case.body.get("targetOffer") if isinstance(case.body, dict) else None
    if isinstance(target, dict) and isinstance(target.get("id"), str):  # a negative id stays one
        target["id"] = offer_ids[zlib.crc32(target["id"].encode()) % len(offer_ids)]
    return address


def refused(response) -> bool:
    """A write answered with a refusal: a 4xx, or an upgrade refused in its UpgradeResult (HTTP
    200 without a target, as Partner Center's: docs/api.md)."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code != 200:
        return False
    body = response.json()
    return isinstance(body, dict) and "targetSubscriptionId" in body and body["targetSubscriptionId"] is None


def assert_only_the_refusal_was_logged(before: dict, after: dict, what: str) -> None:
    """docs/domain.md §7: a refused attempt is rolled back, then logged as exactly one Operation
    row, refused; a request refused before it is an attempt (invalid input, out of scope, a
    read-only role) logs nothing. Every other row of the data is as it was: the tables of the
    customers, subscriptions (licenses, billing lines, accounts affected) and users. The API's
    own tables are not data: the throttle counts every request, and a refusal's answer is kept
    for the retries of its MS-RequestId (docs/api.md)."""
    changed = sorted(label for label in before if label != LOG and after[label] != before[label])
    assert not changed, f"{what} changed {changed}"
    kept, logged = after[LOG][: len(before[LOG])], after[LOG][len(before[LOG]) :]
    assert kept == before[LOG], f"{what} changed the operation log's earlier rows"
    assert len(logged) <= 1, f"{what} logged {len(logged)} operations"
    assert all(row[_RESULT] == Operation.Result.REFUSED for row in logged), f"{what} logged {logged}"


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_every_operation_answers_within_its_schema_and_never_fails(
    case, bearer, connection_kept, addresses, offer_ids, snapshot
):
    headers = {"Authorization": f"Bearer {bearer}"}
    address = aim(case, addresses, offer_ids)
    write = case.method.upper() in WRITES
    before = snapshot(exclude=()) if write else None

    response = case.call(headers=headers)

    assert response.status_code < 500, response.text
    what = f"{case.method} {case.formatted_path} answering {response.status_code}"
    if address is not None and "subscription_id" in case.path_parameters and not address[2]:
        assert not 200 <= response.status_code < 300, f"{what}: another partner's subscription"
    if write and refused(response):
        assert_only_the_refusal_was_logged(before, snapshot(exclude=()), what)
    # Unknown query parameters are ignored, as Partner Center ignores them: not a refusal owed.
    excluded = [negative_data_rejection]
    if address is not None:
        # A real subscription's rules refuse some input the document declares valid: a quantity
        # past the offer's limits is 400 with 2002 (docs/api.md), which a schema cannot say.
        excluded.append(positive_data_acceptance)
    case.validate_response(response, headers=headers, excluded_checks=excluded)
