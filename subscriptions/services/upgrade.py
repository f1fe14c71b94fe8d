"""The upgrade: one service function, one transaction, all or nothing (docs/domain.md §5).

`subscription_upgrade` locks the source, replays a spent token, refuses a page drawn from an
older version of the subscription, re-checks eligibility, decides each licensed user's outcome
(`license_rules`, the pre-flight's function) and refuses to leave users without a license
unless the caller accepts that many, then creates the target, cancels the source, records the
operation with its billing lines and writes the license moves (`services.licenses`). It runs
under the attempt protocol (`services.attempts`): refusals are `UpgradeRefused`, and every
refused or failed attempt is logged once, after the rollback.

Query budget: a fixed number of queries plus one per 1,000 rows written (`services.bulk_sql`).
"""

import uuid
from collections.abc import Callable

from customers.actors import Actor
from partnercenter import clock
from subscriptions import reasons
from subscriptions.billing import BillingImpact, upgrade_billing_impact
from subscriptions.eligibility import evaluate_upgrade
from subscriptions.license_rules import plan_license_moves
from subscriptions.models import BillingLine, Offer, Operation, Subscription, add_months
from subscriptions.reasons import Reason
from subscriptions.service_changes import service_changes_record
from subscriptions.services.attempts import (
    Attempt,
    Refused,
    lock_in_scope,
    record_success,
    replay_of,
    run_attempt,
    validate,
)
from subscriptions.services.licenses import write_license_moves


class UpgradeRefused(Refused):
    """The upgrade was not made, for reasons the partner can act on."""

    @classmethod
    def in_progress(cls) -> "UpgradeInProgress":
        return UpgradeInProgress()

    @classmethod
    def token_reused(cls) -> "TokenReused":
        return TokenReused()


class UpgradeNotEligible(UpgradeRefused):
    pass


class UpgradeInProgress(UpgradeRefused):
    def __init__(self):
        super().__init__([Reason(reasons.UPGRADE_IN_PROGRESS, {})])


class QuantityOutOfRange(UpgradeRefused):
    pass


class TokenReused(UpgradeRefused):
    def __init__(self):
        super().__init__([Reason(reasons.TOKEN_REUSED, {})])


def subscription_upgrade(
    *,
    subscription: Subscription,
    target_offer: Offer,
    quantity: int | None,
    actor: Actor,
    token: uuid.UUID | None,
    version: int | None = None,
    accept_unlicensed: int = 0,
    on_success: Callable[[Operation], None] | None = None,
) -> Operation:
    """Upgrade `subscription` to `target_offer` with `quantity` seats (None: the default).

    `version` is the subscription's version the caller's page was drawn from: when it moved
    since, the upgrade is refused (None: no page, no check). `accept_unlicensed` is how many
    licensed users the caller accepts to leave without a license when the quantity is smaller
    than them; more than that is refused (docs/domain.md §5).

    Returns the succeeded Operation, or the earlier one when `token` was already used with the
    same parameters. Raises `UpgradeRefused` (logged as a refused Operation), `OutOfScope` (the
    subscription is not the actor's partner's to change; nothing logged), or re-raises any other
    error (logged as a failed Operation); either way nothing else changes.
    """
    today = clock.today()
    attempt = Attempt(
        kind=Operation.Kind.UPGRADE,
        actor=actor,
        subscription=subscription,
        token=token,
        quantity=quantity,
        previous_quantity=subscription.quantity,
        refused=UpgradeRefused,
        target_offer=target_offer,
    )

    return run_attempt(
        attempt,
        lambda: _upgrade(
            attempt,
            target_offer=target_offer,
            quantity=quantity,
            version=version,
            accept_unlicensed=accept_unlicensed,
            today=today,
        ),
        on_success=on_success,
    )


def _upgrade(attempt: Attempt, *, target_offer, quantity, version, accept_unlicensed, today) -> Operation:
    actor = attempt.actor
    source = _lock_source(actor=actor, pk=attempt.subscription.pk)
    if quantity is None:
        quantity = target_offer.default_quantity(source.quantity)
    replay = replay_of(attempt, subscription=source, target_offer_id=target_offer.pk, quantity=quantity)
    if replay is not None:
        return replay
    # After the replay (a double submit still lands on the first report), before anything else:
    # the figures the partner saw are not the subscription's any more. A subscription that is no
    # longer active is told so by eligibility instead.
    if version is not None and source.version != version and source.is_active:
        raise UpgradeRefused(
            [
                Reason(
                    reasons.SUBSCRIPTION_CHANGED_MEANWHILE,
                    {"quantity": source.quantity, "version": source.version},
                )
            ]
        )

    option = evaluate_upgrade(source, target_offer, today=today)
    if not option.is_eligible:
        raise UpgradeNotEligible(option.reasons)
    if not target_offer.min_quantity <= quantity <= target_offer.max_quantity:
        raise QuantityOutOfRange(
            [
                Reason(
                    reasons.QUANTITY_OUT_OF_RANGE,
                    {
                        "quantity": quantity,
                        "min": target_offer.min_quantity,
                        "max": target_offer.max_quantity,
                        "target": target_offer.name,
                    },
                )
            ]
        )

    # The evaluated target comes with its plans and prices prefetched.
    target_offer = option.target_offer
    plan = plan_license_moves(
        source, target_offer=target_offer, quantity=quantity, upgrade_type=option.upgrade_type
    )
    if len(plan.unlicensed_by_quantity) > accept_unlicensed:
        raise UpgradeRefused(
            [
                Reason(
                    reasons.UNLICENSED_NOT_CONFIRMED,
                    {
                        "count": len(plan.unlicensed_by_quantity),
                        "accepted": accept_unlicensed,
                        "quantity": quantity,
                        "users": len(plan.accounts),
                    },
                )
            ]
        )
    # Figures of the source as it was, on the same day as the preview.
    impact = upgrade_billing_impact(
        subscription=source, target_offer=target_offer, quantity=quantity, today=today
    )
    target = _create_target(
        source=source, target_offer=target_offer, quantity=quantity, actor=actor, today=today
    )
    _cancel_source(source=source, target=target)
    operation = _record_operation(
        attempt, source=source, target=target, option=option, quantity=quantity, impact=impact
    )
    write_license_moves(plan, source=source, target=target, operation=operation)
    return operation


def _lock_source(*, actor: Actor, pk: int) -> Subscription:
    # The customer is locked too: two upgrades of one customer's subscriptions to the same
    # target must not both pass the "already owned" check. NOWAIT: a second submit is told at
    # once that a change is in progress instead of queueing behind it. NO KEY: rows that merely
    # reference the subscription (the refused attempt's log line) need not wait for the lock.
    # A no-op on SQLite, whose IMMEDIATE transactions serialise writers instead.
    return lock_in_scope(actor=actor, pk=pk, nowait=True, no_key=True, of=("self", "customer"))


def _create_target(*, source, target_offer, quantity, actor, today) -> Subscription:
    target = Subscription(
        customer=source.customer,
        offer=target_offer,
        friendly_name=target_offer.name,
        quantity=quantity,
        status=Subscription.Status.ACTIVE,
        sold_by=actor.partner,
        created_on=today,
        term_end=add_months(today, 12),
    )
    if source.is_new_commerce:
        # Coterminous with the source, on its term and cycle, priced on its own start day
        # (docs/domain.md §8).
        target.commerce_type = source.commerce_type
        target.term_duration, target.billing_cycle = source.term_duration, source.billing_cycle
        target.term_end, target.price_locked_on = source.term_end, today
    validate(target)
    target.save()
    return target


def _cancel_source(*, source, target) -> None:
    source.status = Subscription.Status.DELETED
    source.upgraded_to = target
    validate(source)
    source.save(update_fields=["status", "upgraded_to"])


def _record_operation(attempt, *, source, target, option, quantity, impact: BillingImpact) -> Operation:
    operation = record_success(
        attempt,
        subscription=source,
        target_offer=option.target_offer,
        target_subscription=target,
        upgrade_type=option.upgrade_type,
        previous_quantity=source.quantity,
        quantity=quantity,
        service_changes=service_changes_record(option.service_changes),
    )
    BillingLine.objects.bulk_create(
        [
            line.as_billing_line(operation=operation, subscription=line.subscription or target)
            for line in impact.lines
        ]
    )
    return operation
