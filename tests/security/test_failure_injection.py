"""Failure injection: an exception at each step of the upgrade (and of the quantity change) leaves
everything as it was, the partner reads a clear message, the failed attempt is logged once, and
the same form (same one-time token) goes through once the fault is gone (docs/domain.md §7).

Each step is made to fail once, before it runs and, for the steps that write, after it wrote:
the transaction must take those writes back.
"""

import dataclasses
import logging
import uuid
from http import HTTPStatus

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from subscriptions import license_rules, quantity, reasons, services
from subscriptions.models import BillingLine, Operation, Subscription
from subscriptions.services import add_licenses, licenses, upgrade
from tests.security.figures import seen


class InjectedFailure(Exception):
    pass


def failing_once(original, *, on_call: int = 1, after: bool = False):
    """`original`, except that its `on_call`-th call raises (after running, with `after`)."""
    calls = 0

    def wrapper(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls != on_call:
            return original(*args, **kwargs)
        if after:
            original(*args, **kwargs)
        raise InjectedFailure(f"injected into {getattr(original, '__qualname__', original)}")

    return wrapper


def tracebacks(caplog) -> list[type]:
    """The exception types of the tracebacks written to the log, one per traceback."""
    return [record.exc_info[0] for record in caplog.records if record.exc_info]


def inject(monkeypatch, owner, attribute: str, *, on_call: int, after: bool) -> None:
    failing = failing_once(getattr(owner, attribute), on_call=on_call, after=after)
    monkeypatch.setattr(owner, attribute, failing)


# (step, owner of the attribute, attribute, on_call): the upgrade in the order it runs.
UPGRADE_STEPS = [
    ("lock the source", upgrade, "_lock_source", 1),
    ("re-check eligibility", upgrade, "evaluate_upgrade", 1),
    ("decide each account", upgrade, "plan_license_moves", 1),
    ("read the source's accounts", license_rules, "_source_accounts", 1),
    ("read the other licenses", license_rules, "_other_enabled_plans", 1),
    ("billing impact", upgrade, "upgrade_billing_impact", 1),
    ("create the target", upgrade, "_create_target", 1),
    ("save the target", Subscription, "save", 1),
    ("cancel the source", upgrade, "_cancel_source", 1),
    ("save the cancelled source", Subscription, "save", 2),
    ("record the operation", upgrade, "_record_operation", 1),
    ("save the operation", Operation, "save", 1),
    ("write the billing lines", BillingLine.objects, "bulk_create", 1),
    ("move the licenses", upgrade, "write_license_moves", 1),
    ("move the licenses to the target", licenses, "transfer_licenses", 1),
    ("write the affected accounts", licenses, "write_affected_accounts", 1),
]
# Steps that only read gain nothing from failing after they ran.
READ_ONLY = {
    "lock the source",
    "re-check eligibility",
    "decide each account",
    "read the source's accounts",
    "read the other licenses",
    "billing impact",
}
CASES = [
    pytest.param(owner, attribute, on_call, after, id=f"{step} ({'after' if after else 'before'})")
    for step, owner, attribute, on_call in UPGRADE_STEPS
    for after in (False, True)
    if not (after and step in READ_ONLY)
]


@pytest.mark.parametrize(("owner", "attribute", "on_call", "after"), CASES)
def test_a_failure_at_any_step_of_the_upgrade_changes_nothing_and_is_logged_once(
    world, snapshot, monkeypatch, caplog, owner, attribute, on_call, after
):
    source = world.subscription("Office 365 Business Essentials", users=3, quantity=5)
    # Alpine-like: one user also holds a standalone Exchange licence, so every branch of the move runs.
    exchange = world.subscription("Exchange Online (Plan 1)", quantity=1)
    user = source.licenses.first().user
    world.license(exchange, user)
    client = Client()
    client.force_login(world.agent)
    url = reverse("subscriptions:upgrade", args=[source.pk])
    e3 = world.offers["Office 365 Enterprise E3"]
    form = {"target_offer": e3.pk, "quantity": 5, "token": str(uuid.uuid4()), "version": source.version}
    before = snapshot()
    inject(monkeypatch, owner, attribute, on_call=on_call, after=after)

    with caplog.at_level(logging.ERROR):
        response = client.post(url, form)

    assert seen(response.status_code) == HTTPStatus.BAD_REQUEST
    assert reasons.describe(reasons.UNEXPECTED_ERROR) in response.content.decode()
    assert snapshot() == before
    failed = Operation.objects.get()
    assert (failed.result, failed.reason_code) == (Operation.Result.FAILED, reasons.UNEXPECTED_ERROR)
    assert failed.reason_params == {"error": "InjectedFailure"}
    assert (failed.actor, failed.subscription_id) == (world.agent, source.pk)
    assert failed.token == uuid.UUID(form["token"])
    # One traceback in the server log, however many layers saw the failure go by.
    assert tracebacks(caplog) == [InjectedFailure]

    # The fault gone, the same form (same token) goes through: a failure does not use it up.
    monkeypatch.undo()
    client.force_login(world.agent)
    retried = client.post(url, form)

    assert seen(retried.status_code) == HTTPStatus.FOUND
    source.refresh_from_db()
    assert source.status == Subscription.Status.DELETED
    assert Operation.objects.filter(result=Operation.Result.SUCCEEDED).count() == 1
    assert Operation.objects.filter(result=Operation.Result.FAILED).count() == 1


QUANTITY_STEPS = [
    ("lock the subscription", add_licenses, "_lock_subscription", 1, False),
    ("check the change", add_licenses, "assess_quantity_change", 1, False),
    ("billing impact", quantity, "quantity_change_billing_impact", 1, False),
    ("save the quantity", Subscription, "save", 1, False),
    ("save the quantity", Subscription, "save", 1, True),
    ("save the operation", Operation, "save", 1, False),
    ("save the operation", Operation, "save", 1, True),
    ("write the billing line", BillingLine.objects, "bulk_create", 1, False),
    ("write the billing line", BillingLine.objects, "bulk_create", 1, True),
]


@pytest.mark.parametrize(
    ("owner", "attribute", "on_call", "after"),
    [
        pytest.param(owner, attribute, on_call, after, id=f"{step} ({'after' if after else 'before'})")
        for step, owner, attribute, on_call, after in QUANTITY_STEPS
    ],
)
def test_a_failure_at_any_step_of_a_quantity_change_changes_nothing_and_is_logged_once(
    world, snapshot, monkeypatch, caplog, owner, attribute, on_call, after
):
    subscription = world.subscription("Office 365 Business Essentials", users=2, quantity=5)
    client = Client()
    client.force_login(world.agent)
    url = reverse("subscriptions:change-quantity", args=[subscription.pk])
    form = {"quantity": 8, "based_on": 5, "token": str(uuid.uuid4())}
    before = snapshot()
    inject(monkeypatch, owner, attribute, on_call=on_call, after=after)

    with caplog.at_level(logging.ERROR):
        response = client.post(url, form)

    assert seen(response.status_code) == HTTPStatus.BAD_REQUEST
    assert reasons.describe(reasons.UNEXPECTED_ERROR) in response.content.decode()
    assert snapshot() == before
    failed = Operation.objects.get()
    assert (failed.kind, failed.result) == (Operation.Kind.QUANTITY_CHANGE, Operation.Result.FAILED)
    assert failed.reason_code == reasons.UNEXPECTED_ERROR and failed.actor == world.agent
    assert tracebacks(caplog) == [InjectedFailure]

    monkeypatch.undo()
    client.force_login(world.agent)
    assert seen(client.post(url, form).status_code) == HTTPStatus.FOUND
    subscription.refresh_from_db()
    assert subscription.quantity == 8


def test_the_database_refuses_a_second_upgrade_of_one_subscription_even_when_every_check_is_fooled(
    world, snapshot, monkeypatch
):
    # Row locks keep two upgrades apart; should a bug or a race ever let a second one past the
    # re-check, the unique constraint "one successful upgrade per subscription" still refuses it.
    source = world.subscription("Office 365 Business", users=2)
    services.subscription_upgrade(
        subscription=source,
        target_offer=world.offers["Office 365 Business Premium"],
        quantity=None,
        actor=world.actor,
        token=uuid.uuid4(),
    )
    source.refresh_from_db()
    assert source.status == Subscription.Status.DELETED
    before = snapshot()
    fooled = upgrade.evaluate_upgrade

    def believe_it_eligible(*args, **kwargs):
        return dataclasses.replace(fooled(*args, **kwargs), is_eligible=True, reasons=())

    monkeypatch.setattr(upgrade, "evaluate_upgrade", believe_it_eligible)

    with pytest.raises(IntegrityError) as refused:
        services.subscription_upgrade(
            subscription=source,
            target_offer=world.offers["Office 365 Enterprise E3"],
            quantity=None,
            actor=world.actor,
            token=uuid.uuid4(),
        )

    # PostgreSQL names the constraint; SQLite names its column.
    message = str(refused.value)
    assert (
        "one_successful_upgrade_per_subscription" in message
        or "subscriptions_operation.subscription_id" in message
    )
    assert snapshot() == before
    failed = Operation.objects.get(result=Operation.Result.FAILED)
    assert failed.reason_params == {"error": "IntegrityError"}
    assert Operation.objects.filter(subscription=source, result=Operation.Result.SUCCEEDED).count() == 1
