"""Acting, from an upgrade's report, on the accounts it left behind (docs/domain.md §5).

While the new subscription has licenses left, the partner can give one to an account left
without one, set an account's missing usage location, or try every account left behind again.
The per-user rules are the upgrade's own (`license_rules`): an account that still conflicts is
refused with its reason. Each action is an attempt of its own (`services.attempts`): logged,
replayable by its token, all or nothing. Writing the customer's directory needs a grant whose
role may write it, as the upgrade's license transfer does.
"""

import uuid

from customers.actors import Actor
from customers.models import CustomerUser
from partnercenter import clock
from subscriptions import reasons
from subscriptions.eligibility import grant_refusal, selling_partners_grant
from subscriptions.license_rules import MOVED, errors_for_users
from subscriptions.models import AffectedAccount, LicenseAssignment, Operation, Subscription
from subscriptions.reasons import Reason
from subscriptions.services.attempts import (
    Attempt,
    Refused,
    lock_in_scope,
    record_success,
    replay_of,
    run_attempt,
)


class LeftBehindRefused(Refused):
    """The account was not licensed, or its usage location not set, for a reason to act on."""


def account_license_assign(
    *, operation: Operation, account: AffectedAccount, actor: Actor, token: uuid.UUID
) -> Operation:
    """Give `account` (left behind by `operation`) a license of the upgrade's new subscription."""
    attempt = _attempt(Operation.Kind.LICENSE_ASSIGNMENT, operation, actor, token, customer_user=account.user)

    def change() -> Operation:
        target = _lock_target(attempt)
        if replay := replay_of(attempt, subscription=target, customer_user_id=account.user_id):
            return replay
        _refuse_unless_directory_writable(target)
        user = CustomerUser.objects.get(pk=account.user_id)
        if LicenseAssignment.objects.filter(subscription=target, user=user).exists():
            raise LeftBehindRefused(
                [
                    Reason(
                        reasons.ACCOUNT_ALREADY_LICENSED,
                        {"account": user.user_principal_name, "target": target.offer.name},
                    )
                ]
            )
        _refuse_unless_seats_left(target, needed=1)
        if errors := errors_for_users([user], target)[user.pk]:
            raise LeftBehindRefused([_cannot_be_licensed(user, errors)])
        LicenseAssignment.objects.create(user=user, subscription=target)
        return record_success(attempt, subscription=target, quantity=1)

    return run_attempt(attempt, change)


def account_usage_location_set(
    *, operation: Operation, account: AffectedAccount, usage_location: str, actor: Actor, token: uuid.UUID
) -> Operation:
    """Set the usage location (a country code) of `account`, left behind by `operation`."""
    attempt = _attempt(
        Operation.Kind.USAGE_LOCATION_CHANGE, operation, actor, token, customer_user=account.user
    )

    def change() -> Operation:
        target = _lock_target(attempt)
        if replay := replay_of(attempt, subscription=target, customer_user_id=account.user_id):
            return replay
        _refuse_unless_directory_writable(target)
        user = CustomerUser.objects.select_for_update().get(pk=account.user_id)
        was, user.usage_location = user.usage_location, usage_location
        user.full_clean(exclude=["customer"], validate_unique=False)
        user.save(update_fields=["usage_location"])
        return record_success(
            attempt, subscription=target, details={"usage_location": usage_location, "was": was}
        )

    return run_attempt(attempt, change)


def report_retry(*, operation: Operation, actor: Actor, token: uuid.UUID) -> Operation:
    """License every account `operation` left behind that the rules let through now, by user
    principal name, while the new subscription has licenses left."""
    attempt = _attempt(Operation.Kind.LICENSE_RETRY, operation, actor, token)

    def change() -> Operation:
        target = _lock_target(attempt)
        if replay := replay_of(attempt, subscription=target):
            return replay
        _refuse_unless_directory_writable(target)
        licensed_already = LicenseAssignment.objects.filter(subscription=target).values("user")
        waiting = CustomerUser.objects.filter(
            pk__in=operation.affected_accounts.exclude(outcome=MOVED).values("user")
        ).exclude(pk__in=licensed_already)
        users = list(waiting.order_by("user_principal_name"))
        if not users:
            raise LeftBehindRefused([Reason(reasons.NOTHING_TO_RETRY, {})])
        seats = _refuse_unless_seats_left(target, needed=1)
        errors = errors_for_users(waiting, target)
        passing = [user for user in users if not errors[user.pk]][:seats]
        if not passing:
            first = next(user for user in users if errors[user.pk])
            raise LeftBehindRefused([_cannot_be_licensed(first, errors[first.pk])])
        LicenseAssignment.objects.bulk_create(
            [LicenseAssignment(user=user, subscription=target) for user in passing]
        )
        licensed = {user.pk for user in passing}
        details = {
            "licensed": sorted(licensed),
            "refused": sorted(user.pk for user in users if user.pk not in licensed),
        }
        return record_success(attempt, subscription=target, quantity=len(passing), details=details)

    return run_attempt(attempt, change)


def seats_left(target: Subscription) -> int:
    """The licenses of `target` no account holds."""
    return max(target.quantity - target.licenses.count(), 0)


def _attempt(kind, operation, actor, token, *, customer_user=None) -> Attempt:
    return Attempt(
        kind=kind,
        actor=actor,
        subscription=operation.target_subscription,
        token=token,
        quantity=None,
        previous_quantity=None,
        refused=LeftBehindRefused,
        customer_user=customer_user,
    )


def _lock_target(attempt: Attempt) -> Subscription:
    # A blocking lock: two assignments of the last license queue, and the second is told none is left.
    target = lock_in_scope(actor=attempt.actor, pk=attempt.subscription.pk, of=("self",))
    if not target.is_active:
        raise LeftBehindRefused(
            [
                Reason(
                    reasons.SUBSCRIPTION_NOT_ACTIVE,
                    {"status": target.status, "change": reasons.CHANGE_QUANTITY},
                )
            ]
        )
    return target


def _refuse_unless_directory_writable(target: Subscription) -> None:
    grant = selling_partners_grant(target)
    if refusal := grant_refusal(grant, today=clock.today()):
        raise LeftBehindRefused([refusal])
    if not grant.transfers_licenses:
        raise LeftBehindRefused([Reason(reasons.DIRECTORY_READ_ONLY, {"role": grant.role})])


def _refuse_unless_seats_left(target: Subscription, *, needed: int) -> int:
    left = seats_left(target)
    if left < needed:
        raise LeftBehindRefused(
            [Reason(reasons.NO_LICENSE_LEFT, {"quantity": target.quantity, "target": target.offer.name})]
        )
    return left


def _cannot_be_licensed(user: CustomerUser, errors: list[dict]) -> Reason:
    return Reason(
        reasons.ACCOUNT_CANNOT_BE_LICENSED, {"account": user.user_principal_name, "entry": errors[0]}
    )
