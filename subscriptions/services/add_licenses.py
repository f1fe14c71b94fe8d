"""Add licenses: change a subscription's quantity, in one transaction (docs/domain.md §6).

The same attempt protocol as the upgrade (`services.attempts`), under a blocking row lock; the
rules are `quantity.assess_quantity_change`, the same answer the form's live preview shows.
"""

import datetime
import uuid
from collections.abc import Callable

from customers.actors import Actor
from partnercenter import clock
from subscriptions import reasons
from subscriptions.models import BillingLine, Operation, Subscription
from subscriptions.quantity import assess_quantity_change
from subscriptions.reasons import Reason
from subscriptions.services.attempts import (
    Attempt,
    Refused,
    lock_in_scope,
    record_success,
    replay_of,
    run_attempt,
    validate,
)


class QuantityChangeRefused(Refused):
    """The quantity was not changed, for a reason the partner can act on."""

    @classmethod
    def token_reused(cls) -> "QuantityChangeRefused":
        return cls([Reason(reasons.TOKEN_REUSED, {"change": reasons.CHANGE_QUANTITY})])


def subscription_change_quantity(
    *,
    subscription: Subscription,
    quantity: int,
    based_on: int,
    actor: Actor,
    token: uuid.UUID | None,
    today: datetime.date | None = None,
    on_success: Callable[[Operation], None] | None = None,
) -> Operation:
    """Set `subscription`'s quantity to `quantity`, the form having shown `based_on` seats.

    Returns the succeeded Operation with its prorated billing line (licenses added or removed),
    or the earlier one when `token` already succeeded with the same parameters. Raises
    `QuantityChangeRefused` (logged as a refused Operation; the token stays usable),
    `OutOfScope` (nothing logged), or re-raises any other error (logged as a failed Operation);
    either way the subscription is unchanged.
    """
    today = today or clock.today()
    attempt = Attempt(
        kind=Operation.Kind.QUANTITY_CHANGE,
        actor=actor,
        subscription=subscription,
        token=token,
        quantity=quantity,
        previous_quantity=based_on,
        refused=QuantityChangeRefused,
    )

    return run_attempt(
        attempt,
        lambda: _change_quantity(attempt, quantity=quantity, based_on=based_on, today=today),
        on_success=on_success,
    )


def _change_quantity(attempt: Attempt, *, quantity, based_on, today) -> Operation:
    subscription = _lock_subscription(actor=attempt.actor, pk=attempt.subscription.pk)
    replay = replay_of(attempt, subscription=subscription, quantity=quantity, previous_quantity=based_on)
    if replay is not None:
        return replay

    assessment = assess_quantity_change(subscription, quantity=quantity, based_on=based_on, today=today)
    if assessment.refusal is not None:
        raise QuantityChangeRefused([assessment.refusal])

    previous_quantity = subscription.quantity
    subscription.quantity = quantity
    validate(subscription)
    subscription.save(update_fields=["quantity"])

    operation = record_success(
        attempt, subscription=subscription, previous_quantity=previous_quantity, quantity=quantity
    )
    # The preview's figures for the same day, from the quantity before the change.
    BillingLine.objects.bulk_create(
        [
            line.as_billing_line(operation=operation, subscription=subscription)
            for line in assessment.impact.lines
        ]
    )
    return operation


def _lock_subscription(*, actor: Actor, pk: int) -> Subscription:
    # A blocking lock, unlike the upgrade's NOWAIT: a second change waits for the first, then
    # compares its `based_on` with the quantity the first one left, and is refused with the new
    # number ("changed meanwhile"), so no update is lost. Only the subscription's row is locked;
    # locking the joined offer would queue every change of that offer behind this one.
    return lock_in_scope(actor=actor, pk=pk, of=("self",))
