"""The upgrade: one service function, one transaction, all or nothing (DOMAIN.md section 5).

`subscription_upgrade` locks the source, re-checks eligibility (the page may be stale),
creates the target, cancels the source, moves the licenses user by user and records the
operation with its affected accounts and billing lines. Refusals are `UpgradeRefused`
(a `ValidationError`); every refused or failed attempt is logged in its own `Operation` row,
written after the upgrade's transaction is rolled back, so the log is the one table such an
attempt changes.

`subscription_change_quantity` (Add licenses) follows the same pattern: one transaction under
a (blocking) row lock, the quantity the form was based on compared with the current one, the
prorated billing line stored, refusals and failures logged in their own `Operation` row.

Query budget: a fixed number of queries plus one per 1,000 rows written. License rows are
read in a few joined queries (never an IN list of every user: SQLite bounds bound variables),
moved to the target in place and deleted in a few statements; affected accounts are inserted
1,000 to a statement without building model instances (`_write_affected_accounts`).
"""

import datetime
import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.functional import lazy

from customers.models import CustomerUser
from subscriptions import reasons
from subscriptions.billing import BillingImpact, quantity_change_billing_impact, upgrade_billing_impact
from subscriptions.eligibility import ServiceComparison, UpgradeOption, evaluate_upgrade
from subscriptions.models import (
    AffectedAccount,
    BillingLine,
    LicenseAssignment,
    Offer,
    Operation,
    ServicePlan,
    Subscription,
    add_months,
)
from subscriptions.quantity import quantity_change_refusal
from subscriptions.reasons import Reason

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# PositiveIntegerField's range on every backend we run on.
_MAX_STORED_INTEGER = 2_147_483_647

_describe_lazily = lazy(reasons.describe, str)


class UpgradeRefused(ValidationError):
    """The upgrade was not made, for reasons the partner can act on."""

    def __init__(self, refusal_reasons):
        self.reasons = tuple(refusal_reasons)
        # Lazy messages: a form shows them in the language of the response, not of the raise.
        super().__init__(
            [ValidationError(_describe_lazily(r.code, r.params), code=r.code) for r in self.reasons]
        )

    @property
    def reason(self) -> Reason:
        return self.reasons[0]


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


# --- Service changes ------------------------------------------------------------------------

# A change inside one of these families needs nothing from anyone: it is a richer tier.
_TIER_FAMILIES = frozenset({"Microsoft Forms", "Microsoft Stream"})


def classify_change(from_plan: ServicePlan, to_plan: ServicePlan) -> tuple[str, str]:
    """(code, kind) of a plan change inside a family, as the affected-accounts report shows it."""
    if from_plan.family == "Exchange Online":
        return reasons.MAILBOX_PLAN_CHANGE, reasons.ACTION
    if from_plan.family == "Office desktop apps":
        return reasons.OFFICE_APPS_REACTIVATION, reasons.ACTION
    if from_plan.plan_id == "ONEDRIVESTANDARD":
        return reasons.ONEDRIVE_MOVES_TO_SHAREPOINT, reasons.ACTION
    if from_plan.family in _TIER_FAMILIES:
        return reasons.SERVICE_TIER_CHANGE, reasons.INFO
    return reasons.SERVICE_PLAN_CHANGE, reasons.ACTION


def service_changes_record(comparison: ServiceComparison) -> dict:
    """The upgrade-wide changes every moved account gets, as stored on `Operation.service_changes`."""
    changed = []
    for from_plan, to_plan in comparison.changed:
        code, kind = classify_change(from_plan, to_plan)
        changed.append(
            {
                "family": to_plan.family,
                "code": code,
                "kind": kind,
                "from_plan": from_plan.plan_id,
                "from_name": from_plan.name,
                "to_plan": to_plan.plan_id,
                "to_name": to_plan.name,
            }
        )
    lost = [
        {
            "family": p.family,
            "code": reasons.SERVICE_LOST,
            "kind": reasons.ACTION,
            "plan": p.plan_id,
            "name": p.name,
        }
        for p in comparison.lost
    ]
    added = [
        {
            "family": p.family,
            "code": reasons.SERVICE_ADDED,
            "kind": reasons.INFO,
            "plan": p.plan_id,
            "name": p.name,
        }
        for p in comparison.gained
    ]
    return {"changed": changed, "lost": lost, "added": added}


# --- The upgrade ----------------------------------------------------------------------------


def subscription_upgrade(
    *,
    subscription: Subscription,
    target_offer: Offer,
    quantity: int | None,
    actor,
    token: uuid.UUID,
) -> Operation:
    """Upgrade `subscription` to `target_offer` with `quantity` seats (None: the default).

    Returns the succeeded Operation, or the earlier one when `token` was already used with the
    same parameters. Raises `UpgradeRefused` (logged as a refused Operation) or re-raises any
    other error (logged as a failed Operation); either way nothing else changes.
    """
    partner = actor.partner_user.partner
    # Views reach subscriptions through the tenancy scope already; this keeps a wrong caller
    # from writing into another partner's log.
    if subscription.sold_by_id != partner.pk:
        raise PermissionDenied("This partner did not sell this subscription.")

    today = timezone.localdate()
    attempt = {
        "subscription": subscription,
        "target_offer": target_offer,
        "quantity": quantity,
        "actor": actor,
        "partner": partner,
        "token": token,
    }
    try:
        with transaction.atomic():
            return _upgrade(
                subscription_pk=subscription.pk,
                target_offer=target_offer,
                quantity=quantity,
                actor=actor,
                partner=partner,
                token=token,
                today=today,
            )
    except UpgradeRefused as refusal:
        _log_attempt(**attempt, result=Operation.Result.REFUSED, reason=refusal.reason)
        raise
    except OperationalError as error:
        if not _is_lock_conflict(error):
            _log_failure(error, attempt)
            raise
        refusal = UpgradeInProgress()
        _log_attempt(**attempt, result=Operation.Result.REFUSED, reason=refusal.reason)
        raise refusal from error
    except Exception as error:
        _log_failure(error, attempt)
        raise


def _upgrade(*, subscription_pk, target_offer, quantity, actor, partner, token, today) -> Operation:
    source = _lock_source(subscription_pk)

    # Checked under the lock, so a replay waiting behind the first submit sees its result. No
    # token, no replay protection (a script calling the service directly).
    replay = (
        Operation.objects.filter(token=token, result=Operation.Result.SUCCEEDED).first()
        if token is not None
        else None
    )
    if quantity is None:
        quantity = min(max(source.quantity, target_offer.min_quantity), target_offer.max_quantity)
    if replay is not None:
        if (
            replay.kind == Operation.Kind.UPGRADE
            and replay.partner_id == partner.pk
            and replay.subscription_id == source.pk
            and replay.target_offer_id == target_offer.pk
            and replay.quantity == quantity
        ):
            return replay
        raise TokenReused()

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
    # Figures of the source as it was, on the same day as the preview.
    impact = upgrade_billing_impact(
        subscription=source, target_offer=target_offer, quantity=quantity, today=today
    )
    target = _create_target(
        source=source, target_offer=target_offer, quantity=quantity, partner=partner, today=today
    )
    _cancel_source(source=source, target=target)
    operation = _record_operation(
        source=source,
        target=target,
        option=option,
        quantity=quantity,
        actor=actor,
        partner=partner,
        token=token,
        impact=impact,
    )
    _move_licenses(source=source, target=target, option=option, operation=operation)
    return operation


def _lock_source(pk: int) -> Subscription:
    # The customer is locked too: two upgrades of one customer's subscriptions to the same
    # target must not both pass the "already owned" check. NOWAIT: a second submit is told at
    # once that a change is in progress instead of queueing behind it. NO KEY: rows that merely
    # reference the subscription (the refused attempt's log line) need not wait for the lock.
    # A no-op on SQLite, whose IMMEDIATE transactions serialise writers instead.
    return (
        Subscription.objects.select_for_update(nowait=True, no_key=True, of=("self", "customer"))
        .select_related("customer", "offer")
        .get(pk=pk)
    )


def _is_lock_conflict(error: OperationalError) -> bool:
    if connection.vendor == "postgresql":
        return getattr(error.__cause__, "sqlstate", None) == "55P03"  # lock_not_available
    return "locked" in str(error).lower()


def _validate(instance) -> None:
    """`full_clean()` without its queries: field values are checked here, in Python.

    The rows a foreign key points at were just loaded, and the database holds the unique and
    check constraints itself; asking it first would cost two dozen queries per upgrade.
    """
    foreign_keys = [field.name for field in instance._meta.concrete_fields if field.is_relation]
    instance.full_clean(exclude=foreign_keys, validate_unique=False, validate_constraints=False)


def _create_target(*, source, target_offer, quantity, partner, today) -> Subscription:
    target = Subscription(
        customer=source.customer,
        offer=target_offer,
        friendly_name=target_offer.name,
        quantity=quantity,
        status=Subscription.Status.ACTIVE,
        sold_by=partner,
        created_on=today,
        term_end=add_months(today, 12),
    )
    _validate(target)
    target.save()
    return target


def _cancel_source(*, source, target) -> None:
    source.status = Subscription.Status.DELETED
    source.upgraded_to = target
    _validate(source)
    source.save(update_fields=["status", "upgraded_to"])


def _record_operation(*, source, target, option, quantity, actor, partner, token, impact: BillingImpact):
    operation = Operation(
        kind=Operation.Kind.UPGRADE,
        result=Operation.Result.SUCCEEDED,
        actor=actor,
        partner=partner,
        customer=source.customer,
        subscription=source,
        target_offer=option.target_offer,
        target_subscription=target,
        upgrade_type=option.upgrade_type,
        previous_quantity=source.quantity,
        quantity=quantity,
        token=token,
        service_changes=service_changes_record(option.service_changes),
    )
    _validate(operation)
    operation.save()
    BillingLine.objects.bulk_create(
        [
            line.as_billing_line(operation=operation, subscription=line.subscription or target)
            for line in impact.lines
        ]
    )
    return operation


# --- Moving the licenses --------------------------------------------------------------------


@dataclass
class _Account:
    """What the per-user rules need; the account's names are copied by the database itself
    when its row is written (`_write_affected_accounts`)."""

    license_pk: int
    user_id: int
    usage_location: str
    disabled_families: set[str] = field(default_factory=set)
    # (family, plan name, offer name) of the plans enabled on the user's other licenses.
    other_plans: list[tuple[str, str, str]] = field(default_factory=list)


def _source_accounts(source: Subscription) -> list[_Account]:
    accounts = [
        _Account(*row)
        for row in LicenseAssignment.objects.filter(subscription=source)
        .order_by("user__user_principal_name")
        .values_list("pk", "user_id", "user__usage_location")
    ]
    by_license = {account.license_pk: account for account in accounts}
    through = LicenseAssignment.disabled_plans.through
    for license_pk, family in through.objects.filter(licenseassignment__subscription=source).values_list(
        "licenseassignment_id", "serviceplan__family"
    ):
        by_license[license_pk].disabled_families.add(family)
    return accounts


def _other_enabled_plans(source: Subscription) -> dict[int, list[tuple[str, str, str]]]:
    """Per user of the source: the plans enabled on their licenses of other subscriptions."""
    others = list(
        LicenseAssignment.objects.filter(user__licenses__subscription=source)
        .exclude(subscription=source)
        .values_list("pk", "user_id", "subscription__offer_id", "subscription__offer__name")
    )
    if not others:
        return {}
    through = LicenseAssignment.disabled_plans.through
    disabled = defaultdict(set)
    for license_pk, plan_pk in (
        through.objects.filter(licenseassignment__user__licenses__subscription=source)
        .exclude(licenseassignment__subscription=source)
        .values_list("licenseassignment_id", "serviceplan_id")
    ):
        disabled[license_pk].add(plan_pk)
    offer_plans = defaultdict(list)
    for offer_id, plan_pk, family, name in Offer.service_plans.through.objects.filter(
        offer_id__in={offer_id for _, _, offer_id, _ in others}
    ).values_list("offer_id", "serviceplan_id", "serviceplan__family", "serviceplan__name"):
        offer_plans[offer_id].append((plan_pk, family, name))
    plans = defaultdict(list)
    for license_pk, user_id, offer_id, offer_name in others:
        for plan_pk, family, name in offer_plans[offer_id]:
            if plan_pk not in disabled[license_pk]:
                plans[user_id].append((family, name, offer_name))
    return plans


def _license_errors(account: _Account, target_plans: list[ServicePlan], target_name: str) -> list[dict]:
    errors = []
    if not account.usage_location:
        errors.append(
            {"code": reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION, "params": {"target": target_name}}
        )
    if not account.other_plans:  # most users hold no other license
        return errors
    # Every plan the target brings counts (disabled plans are not carried over), against
    # the plans the user has switched on elsewhere.
    for target_plan in target_plans:
        for family, name, offer_name in account.other_plans:
            if family == target_plan.family:
                errors.append(
                    {
                        "code": reasons.MUTUALLY_EXCLUSIVE_VIOLATION,
                        "params": {
                            "family": family,
                            "plan": name,
                            "offer": offer_name,
                            "target_plan": target_plan.name,
                            "target": target_name,
                        },
                    }
                )
    return errors


def _move_licenses(*, source, target, option: UpgradeOption, operation: Operation) -> None:
    target_name = target.offer.name
    accounts = _source_accounts(source)
    affected = []
    moved_license_pks = []

    if option.upgrade_type == Operation.UpgradeType.UPGRADE_ONLY:
        manual = [{"code": reasons.MANUAL_ASSIGNMENT, "params": {"target": target_name}}]
        for account in accounts:
            affected.append(_affected(account, AffectedAccount.Outcome.MANUAL_ASSIGNMENT, manual))
    else:
        other_plans = _other_enabled_plans(source)
        target_plans = sorted(target.offer.service_plans.all(), key=lambda plan: plan.plan_id)
        target_by_family = {plan.family: plan for plan in target_plans}
        seats_left = target.quantity
        for account in accounts:  # by user principal name: the overflow is the last ones
            account.other_plans = other_plans.get(account.user_id, [])
            errors = _license_errors(account, target_plans, target_name)
            if not errors and seats_left == 0:
                errors = [
                    {
                        "code": reasons.COUNT_VIOLATION,
                        "params": {"target": target_name, "quantity": target.quantity},
                    }
                ]
            if errors:
                affected.append(_affected(account, AffectedAccount.Outcome.NOT_MOVED, errors))
                continue
            seats_left -= 1
            moved_license_pks.append(account.license_pk)
            reenabled = [
                {
                    "code": reasons.PLAN_REENABLED,
                    "params": {
                        "family": family,
                        "plan": target_by_family[family].plan_id,
                        "name": target_by_family[family].name,
                    },
                }
                for family in sorted(account.disabled_families)
                if family in target_by_family
            ]
            affected.append(_affected(account, AffectedAccount.Outcome.MOVED, reenabled))

    moved = set(moved_license_pks)
    kept = [account.license_pk for account in accounts if account.license_pk not in moved]
    _transfer_licenses(source=source, target=target, moved=moved_license_pks, kept=kept)
    _write_affected_accounts(operation, affected)


# The entries of an account with none of its own (most moved accounts): one shared list.
_NO_ENTRIES: list[dict] = []


def _affected(account: _Account, outcome, services: list[dict]) -> tuple:
    """(user, outcome, error code, entries): an `AffectedAccount` row but for what the database
    copies from the user (object id and names) and the operation."""
    errors = [entry["code"] for entry in services if entry["code"] in reasons.LICENSE_ERROR_CODES]
    return (account.user_id, outcome, errors[0] if errors else "", services or _NO_ENTRIES)


def _transfer_licenses(
    *, source: Subscription, target: Subscription, moved: list[int], kept: list[int]
) -> None:
    """Moved licenses change subscription in place; the others go with the source's cancellation.

    `moved` and `kept` are license keys (`kept`: not moved, deleted). A moved license keeps its
    row and gets the target's subscription, without its disabled plans (every service of the
    target is enabled). Statements: one for the disabled plans, one per 1,000 licenses of the
    smaller group, one for the rest; no license is loaded, created or deleted one by one.
    """
    LicenseAssignment.disabled_plans.through.objects.filter(licenseassignment__subscription=source).delete()
    ops = connection.ops
    table = ops.quote_name(LicenseAssignment._meta.db_table)
    subscription = ops.quote_name(LicenseAssignment._meta.get_field("subscription").column)
    pk = ops.quote_name(LicenseAssignment._meta.pk.column)

    def in_batches(pks):
        for start in range(0, len(pks), BATCH_SIZE):
            batch = pks[start : start + BATCH_SIZE]
            yield f"{pk} IN ({', '.join(['%s'] * len(batch))})", batch

    with connection.cursor() as cursor:
        if len(kept) <= len(moved):
            for condition, batch in in_batches(kept):
                cursor.execute(f"DELETE FROM {table} WHERE {condition}", batch)
            cursor.execute(
                f"UPDATE {table} SET {subscription} = %s WHERE {subscription} = %s", [target.pk, source.pk]
            )
        else:
            for condition, batch in in_batches(moved):
                cursor.execute(
                    f"UPDATE {table} SET {subscription} = %s WHERE {condition}", [target.pk, *batch]
                )
            cursor.execute(f"DELETE FROM {table} WHERE {subscription} = %s", [source.pk])


def _write_affected_accounts(operation: Operation, rows: list[tuple]) -> None:
    """One INSERT per 1,000 accounts, each row completed from its user in SQL.

    `rows` are `_affected` tuples. The account's object id, display name and user principal
    name are copied from `CustomerUser` by the statement itself (INSERT ... SELECT ... JOIN),
    so 10,000 of each are neither read into Python nor sent back; and no model instance is
    built (`bulk_create` of 10,000 `AffectedAccount` cost about 0.8 s of Python). Rows often
    share one entries list: each distinct list is encoded once.
    """
    ops = connection.ops
    meta, user_meta = AffectedAccount._meta, CustomerUser._meta
    columns = ", ".join(
        ops.quote_name(meta.get_field(name).column)
        for name in ("operation", "user", "user_object_id", "display_name", "user_principal_name")
        + ("outcome", "error_code", "services")
    )
    copied = ", ".join(
        f"u.{ops.quote_name(user_meta.get_field(name).column)}"
        for name in ("id", "object_id", "display_name", "user_principal_name")
    )
    table, users = ops.quote_name(meta.db_table), ops.quote_name(user_meta.db_table)
    head = f"INSERT INTO {table} ({columns}) SELECT %s, {copied}, a.outcome, a.error_code, a.services FROM"
    # LEFT: a user that vanished meanwhile makes a NULL the NOT NULL columns refuse, loudly,
    # instead of a row quietly missing from the report.
    join = f"LEFT JOIN {users} u ON u.{ops.quote_name(user_meta.pk.column)} = a.user_id"
    services_field = meta.get_field("services")
    encoded = {}

    def entries(value):
        if id(value) not in encoded:
            encoded[id(value)] = json.dumps(value, cls=services_field.encoder)
        return encoded[id(value)]

    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            if connection.vendor == "postgresql":
                # One array literal per column: a VALUES list is 4,000 parameters for psycopg
                # to quote one by one and PostgreSQL to parse, and Python lists as array
                # parameters are dumped element by element too.
                cursor.execute(
                    f"{head} unnest(%s::bigint[], %s::text[], %s::text[], %s::jsonb[])"
                    f" AS a(user_id, outcome, error_code, services) {join}",
                    [
                        operation.pk,
                        _array_literal(str(row[0]) for row in batch),
                        _array_literal(row[1] for row in batch),
                        _array_literal(row[2] for row in batch),
                        _array_literal(entries(row[3]) for row in batch),
                    ],
                )
            else:
                values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
                cursor.execute(
                    f"{head} (SELECT column1 AS user_id, column2 AS outcome, column3 AS error_code,"
                    f" column4 AS services FROM (VALUES {values})) a {join}",
                    [operation.pk]
                    + [value for row in batch for value in (row[0], row[1], row[2], entries(row[3]))],
                )


def _array_literal(texts) -> str:
    """A PostgreSQL array literal with every element quoted (so commas, braces, spaces and
    the word NULL stay text); backslashes and double quotes escaped."""
    return (
        "{" + ",".join('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in texts) + "}"
    )


# --- The log of refused and failed attempts -------------------------------------------------


def _storable_quantity(quantity) -> int | None:
    if isinstance(quantity, int) and 0 <= quantity <= _MAX_STORED_INTEGER:
        return quantity
    return None


def _log_attempt(
    *, result, reason: Reason, subscription, target_offer, quantity, actor, partner, token
) -> None:
    """One Operation row for an attempt that changed nothing; never hides the original error."""
    try:
        Operation.objects.create(
            kind=Operation.Kind.UPGRADE,
            result=result,
            actor=actor,
            partner=partner,
            customer_id=subscription.customer_id,
            subscription_id=subscription.pk,
            target_offer=target_offer,
            quantity=_storable_quantity(quantity),
            previous_quantity=_storable_quantity(subscription.quantity),
            token=token,
            reason_code=reason.code,
            reason_params=reason.params,
        )
    except Exception:
        logger.exception("Could not log the %s upgrade attempt of subscription %s", result, subscription.pk)


def _log_failure(error, attempt: dict) -> None:
    logger.exception("Upgrade of subscription %s failed", attempt["subscription"].pk)
    _log_attempt(
        **attempt,
        result=Operation.Result.FAILED,
        reason=Reason(reasons.UNEXPECTED_ERROR, {"error": type(error).__name__}),
    )


# --- Changing the quantity ------------------------------------------------------------------


class QuantityChangeRefused(ValidationError):
    """The quantity was not changed, for a reason the partner can act on."""

    def __init__(self, reason: Reason):
        self.reason = reason
        self.reasons = (reason,)
        super().__init__(_describe_lazily(reason.code, reason.params), code=reason.code)


def subscription_change_quantity(
    *,
    subscription: Subscription,
    quantity: int,
    based_on: int,
    actor,
    token: uuid.UUID,
    today: datetime.date | None = None,
) -> Operation:
    """Set `subscription`'s quantity to `quantity`, the form having shown `based_on` seats.

    Returns the succeeded Operation with its prorated billing line (licenses added or removed),
    or the earlier one when `token` already succeeded with the same parameters. Raises
    `QuantityChangeRefused` (logged as a refused Operation; the token stays usable) or re-raises
    any other error (logged as a failed Operation); either way the subscription is unchanged.
    """
    partner = actor.partner_user.partner
    if subscription.sold_by_id != partner.pk:
        raise PermissionDenied("This partner did not sell this subscription.")

    today = today or timezone.localdate()
    attempt = {
        "subscription": subscription,
        "quantity": quantity,
        "based_on": based_on,
        "actor": actor,
        "partner": partner,
        "token": token,
    }
    try:
        with transaction.atomic():
            return _change_quantity(**attempt, today=today)
    except QuantityChangeRefused as refusal:
        _log_quantity_attempt(**attempt, result=Operation.Result.REFUSED, reason=refusal.reason)
        raise
    except OperationalError as error:
        if not _is_lock_conflict(error):
            _log_quantity_failure(error, attempt)
            raise
        refusal = QuantityChangeRefused(Reason(reasons.UPGRADE_IN_PROGRESS, {}))
        _log_quantity_attempt(**attempt, result=Operation.Result.REFUSED, reason=refusal.reason)
        raise refusal from error
    except Exception as error:
        _log_quantity_failure(error, attempt)
        raise


def _change_quantity(*, subscription, quantity, based_on, actor, partner, token, today) -> Operation:
    # A blocking lock, unlike the upgrade's NOWAIT: a second change waits for the first, then
    # compares its `based_on` with the quantity the first one left, and is refused with the new
    # number ("changed meanwhile"), so no update is lost. Only the subscription's row is locked;
    # locking the joined offer would queue every change of that offer behind this one.
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("customer", "offer")
        .get(pk=subscription.pk)
    )

    # Under the lock, so a double click waiting behind the first submit sees its result.
    replay = Operation.objects.filter(token=token, result=Operation.Result.SUCCEEDED).first()
    if replay is not None:
        if (
            replay.kind == Operation.Kind.QUANTITY_CHANGE
            and replay.partner_id == partner.pk
            and replay.subscription_id == subscription.pk
            and replay.quantity == quantity
            and replay.previous_quantity == based_on
        ):
            return replay
        raise QuantityChangeRefused(Reason(reasons.TOKEN_REUSED, {"change": reasons.CHANGE_QUANTITY}))

    refusal = quantity_change_refusal(
        subscription,
        quantity=quantity,
        based_on=based_on,
        assigned=subscription.licenses.count(),
        today=today,
    )
    if refusal is not None:
        raise QuantityChangeRefused(refusal)

    # The preview's figures for the same day, from the quantity before the change.
    impact = quantity_change_billing_impact(subscription=subscription, new_quantity=quantity, today=today)
    previous_quantity = subscription.quantity
    subscription.quantity = quantity
    _validate(subscription)
    subscription.save(update_fields=["quantity"])

    operation = Operation(
        kind=Operation.Kind.QUANTITY_CHANGE,
        result=Operation.Result.SUCCEEDED,
        actor=actor,
        partner=partner,
        customer=subscription.customer,
        subscription=subscription,
        previous_quantity=previous_quantity,
        quantity=quantity,
        token=token,
    )
    _validate(operation)
    operation.save()
    BillingLine.objects.bulk_create(
        [line.as_billing_line(operation=operation, subscription=subscription) for line in impact.lines]
    )
    return operation


def _log_quantity_attempt(*, result, reason: Reason, subscription, quantity, based_on, actor, partner, token):
    """One Operation row for a quantity change that changed nothing; never hides the original error.

    `previous_quantity` is the quantity the partner's form was based on: the log says what was
    asked ("25 → 30"), and the reason says what stood in the way.
    """
    try:
        Operation.objects.create(
            kind=Operation.Kind.QUANTITY_CHANGE,
            result=result,
            actor=actor,
            partner=partner,
            customer_id=subscription.customer_id,
            subscription_id=subscription.pk,
            quantity=_storable_quantity(quantity),
            previous_quantity=_storable_quantity(based_on),
            token=token,
            reason_code=reason.code,
            reason_params=reason.params,
        )
    except Exception:
        logger.exception("Could not log the %s quantity change of subscription %s", result, subscription.pk)


def _log_quantity_failure(error, attempt: dict) -> None:
    logger.exception("Quantity change of subscription %s failed", attempt["subscription"].pk)
    _log_quantity_attempt(
        **attempt,
        result=Operation.Result.FAILED,
        reason=Reason(reasons.UNEXPECTED_ERROR, {"error": type(error).__name__}),
    )
