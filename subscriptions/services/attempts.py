"""The one attempt protocol of every change to a subscription (docs/domain.md §7).

An attempt runs in the outermost transaction (durable: no caller's transaction may swallow
it). It ends in one of four ways:

- it succeeds: the change and its `Operation` row are committed together, with whatever the
  door's `on_success` callback records in the same transaction;
- it is refused (`Refused`: a reason the partner can act on), or it meets another change holding
  the subscription's lock (refused as "in progress"), or it fails (any other error): the
  transaction is rolled back, and one `Operation` row saying so is written after the rollback,
  so the log is the one table such an attempt changes; a failure also leaves one traceback in
  the server log, written here and nowhere else;
- the subscription is out of the actor's scope (`OutOfScope`): nothing at all is logged, and
  every door answers "not found".
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.utils.functional import lazy

from customers.actors import Actor
from customers.models import CustomerUser
from subscriptions import reasons
from subscriptions.models import Offer, Operation, OutOfScope, Subscription
from subscriptions.reasons import Reason

logger = logging.getLogger(__name__)

# PositiveIntegerField's range on every backend we run on.
_MAX_STORED_INTEGER = 2_147_483_647

_describe_lazily = lazy(reasons.describe, str)


class Refused(ValidationError):
    """The change was not made, for reasons the partner can act on."""

    def __init__(self, refusal_reasons):
        self.reasons = tuple(refusal_reasons)
        # Lazy messages: a form shows them in the language of the response, not of the raise.
        super().__init__(
            [ValidationError(_describe_lazily(r.code, r.params), code=r.code) for r in self.reasons]
        )

    @property
    def reason(self) -> Reason:
        return self.reasons[0]

    @classmethod
    def in_progress(cls) -> "Refused":
        """The refusal when another change holds the subscription's lock."""
        return cls([Reason(reasons.UPGRADE_IN_PROGRESS, {})])

    @classmethod
    def token_reused(cls) -> "Refused":
        """The refusal when the form's token already succeeded with other choices."""
        return cls([Reason(reasons.TOKEN_REUSED, {})])


@dataclass(frozen=True)
class Attempt:
    """What was asked, as the log records it whatever the outcome (see `Operation`'s fields)."""

    kind: str
    actor: Actor
    # As the door loaded it: the log row points at it even when the change never got its lock.
    subscription: Subscription
    token: uuid.UUID | None
    quantity: int | None
    previous_quantity: int | None
    # The refusal type of this change (what its door catches).
    refused: type[Refused]
    target_offer: Offer | None = None
    # The account a license assignment or a usage-location change is for.
    customer_user: CustomerUser | None = None


def run_attempt(
    attempt: Attempt,
    change: Callable[[], Operation],
    *,
    on_success: Callable[[Operation], None] | None = None,
) -> Operation:
    """Run `change` under the protocol; returns its operation (a replay returns the first one).

    `on_success(operation)` runs inside the same transaction once `change` returned, a replay
    included: a door's own row (an API response, a batch row) commits with the change or not at
    all.
    """
    try:
        with transaction.atomic(durable=True):
            operation = change()
            if on_success is not None:
                on_success(operation)
            return operation
    except OutOfScope:
        raise
    except Refused as refusal:
        _log(attempt, Operation.Result.REFUSED, refusal.reason)
        raise
    except OperationalError as error:
        if not _is_lock_conflict(error):
            _log_failure(attempt, error)
            raise
        refusal = attempt.refused.in_progress()
        _log(attempt, Operation.Result.REFUSED, refusal.reason)
        raise refusal from error
    except Exception as error:
        _log_failure(attempt, error)
        raise


def lock_in_scope(*, actor: Actor, pk: int, **lock) -> Subscription:
    """Subscription `pk` with its customer and offer, locked (`select_for_update(**lock)`), if it
    is in the actor's scope; `OutOfScope` otherwise. The scope rides on the locking query itself,
    so it costs no query of its own."""
    try:
        return (
            Subscription.objects.in_scope_of(actor.partner)
            .select_for_update(**lock)
            .select_related("customer", "offer")
            .get(pk=pk)
        )
    except Subscription.DoesNotExist:
        raise OutOfScope(f"Subscription {pk} is not in the scope of partner {actor.partner.pk}.") from None


def replay_of(attempt: Attempt, *, subscription: Subscription, **asked) -> Operation | None:
    """The operation that already spent the attempt's token, when it asked the same thing of the
    same subscription (`asked`: its other fields that must match); None for a fresh token.

    Asked under the subscription's lock, so a double submit waiting behind the first sees its
    result. The same token with other choices is refused (`token_reused`). No token, no replay
    protection (a script calling a service directly).
    """
    if attempt.token is None:
        return None
    replay = Operation.objects.filter(token=attempt.token, result=Operation.Result.SUCCEEDED).first()
    if replay is None:
        return None
    if (
        replay.kind == attempt.kind
        and replay.partner_id == attempt.actor.partner.pk
        and replay.subscription_id == subscription.pk
        and all(getattr(replay, name) == value for name, value in asked.items())
    ):
        return replay
    raise attempt.refused.token_reused()


def record_success(attempt: Attempt, *, subscription: Subscription, **fields) -> Operation:
    """The succeeded `Operation` of the attempt on `subscription` (as locked), validated and saved."""
    operation = Operation(
        kind=attempt.kind,
        result=Operation.Result.SUCCEEDED,
        actor=attempt.actor.user,
        actor_kind=attempt.actor.kind,
        application_name=attempt.actor.application_name,
        partner=attempt.actor.partner,
        customer=subscription.customer,
        subscription=subscription,
        token=attempt.token,
        customer_user=attempt.customer_user,
        **fields,
    )
    validate(operation)
    operation.save()
    return operation


def validate(instance) -> None:
    """`full_clean()` without its queries: field values are checked here, in Python.

    The rows a foreign key points at were just loaded, and the database holds the unique and
    check constraints itself; asking it first would cost two dozen queries per upgrade.
    """
    foreign_keys = [field.name for field in instance._meta.concrete_fields if field.is_relation]
    instance.full_clean(exclude=foreign_keys, validate_unique=False, validate_constraints=False)


def _is_lock_conflict(error: OperationalError) -> bool:
    if connection.vendor == "postgresql":
        return getattr(error.__cause__, "sqlstate", None) == "55P03"  # lock_not_available
    return "locked" in str(error).lower()


def _storable(quantity) -> int | None:
    if isinstance(quantity, int) and 0 <= quantity <= _MAX_STORED_INTEGER:
        return quantity
    return None


def _log(attempt: Attempt, result: str, reason: Reason) -> None:
    """One Operation row for an attempt that changed nothing; never hides the original error."""
    params = reason.params
    if attempt.quantity is not None and _storable(attempt.quantity) is None:
        # Past the column's range (99,999,999,999 licenses): the log still says what was asked.
        params = {**params, "asked_quantity": attempt.quantity}
    try:
        Operation.objects.create(
            kind=attempt.kind,
            result=result,
            actor=attempt.actor.user,
            actor_kind=attempt.actor.kind,
            application_name=attempt.actor.application_name,
            partner=attempt.actor.partner,
            customer_id=attempt.subscription.customer_id,
            subscription_id=attempt.subscription.pk,
            target_offer=attempt.target_offer,
            quantity=_storable(attempt.quantity),
            previous_quantity=_storable(attempt.previous_quantity),
            token=attempt.token,
            customer_user=attempt.customer_user,
            reason_code=reason.code,
            reason_params=params,
        )
    except Exception:
        logger.exception(
            "Could not log the %s %s of subscription %s", result, attempt.kind, attempt.subscription.pk
        )


def _log_failure(attempt: Attempt, error: Exception) -> None:
    logger.exception("The %s of subscription %s failed", attempt.kind, attempt.subscription.pk)
    _log(attempt, Operation.Result.FAILED, Reason(reasons.UNEXPECTED_ERROR, {"error": type(error).__name__}))
