"""The one attempt protocol of the upgrade and the quantity change (docs/domain.md §7): who acted,
the door's own row committed with the change or not at all, and no caller's transaction around it."""

import pytest
from django.db import transaction

from customers.actors import ActorKind
from subscriptions.models import Operation, ServicePlan, Subscription
from tests.offer_names import E3, ESSENTIALS


class DoorFailure(Exception):
    pass


def test_every_operation_records_the_kind_of_actor_and_the_person(world):
    changed = world.change_quantity(world.subscription(ESSENTIALS, quantity=10), 12)
    upgraded = world.upgrade(world.subscription(ESSENTIALS, users=1), E3)

    for operation in (changed, upgraded):
        operation.refresh_from_db()
        assert (operation.actor_kind, operation.actor, operation.partner) == (
            ActorKind.PARTNER_USER,
            world.agent,
            world.partner,
        )


def test_a_refused_attempt_records_its_actor_too(world):
    subscription = world.subscription(ESSENTIALS, quantity=10)
    with pytest.raises(Exception, match="nothing to change"):
        world.change_quantity(subscription, 10)

    refused = Operation.objects.get(result=Operation.Result.REFUSED)
    assert (refused.actor_kind, refused.actor) == (ActorKind.PARTNER_USER, world.agent)


def record_the_doors_row(operation):
    # A stand-in for a door's own row (an API response, a batch row): any write will do.
    ServicePlan.objects.create(plan_id=f"DOOR_ROW_{operation.pk}", name="Door row", family="Door")


@pytest.mark.parametrize("change", ["upgrade", "quantity change"])
def test_the_doors_row_commits_with_the_change(world, change):
    subscription = world.subscription(ESSENTIALS, quantity=10, users=1)

    if change == "upgrade":
        operation = world.upgrade(subscription, E3, on_success=record_the_doors_row)
    else:
        operation = world.change_quantity(subscription, 12, on_success=record_the_doors_row)

    assert ServicePlan.objects.filter(plan_id=f"DOOR_ROW_{operation.pk}").exists()


@pytest.mark.parametrize("change", ["upgrade", "quantity change"])
def test_a_door_whose_row_fails_undoes_the_change_and_the_failure_is_logged(world, snapshot, change):
    subscription = world.subscription(ESSENTIALS, quantity=10, users=1)
    before = snapshot()

    def fail(operation):
        record_the_doors_row(operation)
        raise DoorFailure("the door could not record its row")

    with pytest.raises(DoorFailure):
        if change == "upgrade":
            world.upgrade(subscription, E3, on_success=fail)
        else:
            world.change_quantity(subscription, 12, on_success=fail)

    assert snapshot() == before
    (failed,) = Operation.objects.all()
    assert (failed.result, failed.reason_params) == (Operation.Result.FAILED, {"error": "DoorFailure"})
    assert Subscription.objects.get(pk=subscription.pk).status == Subscription.Status.ACTIVE


def test_a_service_refuses_to_run_inside_a_callers_transaction(world, snapshot):
    # A caller's rollback must not be able to undo an attempt the log says succeeded, nor its
    # commit to keep half of one: the attempt is the outermost transaction.
    subscription = world.subscription(ESSENTIALS, quantity=10)
    before = snapshot()

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        world.change_quantity(subscription, 12)

    assert snapshot() == before
