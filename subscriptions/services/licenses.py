"""Moving the licenses of an upgrade, user by user (docs/domain.md §5).

Every user licensed on the source ends with one license on the target, or is listed with the
error that kept them off it and holds neither. The per-user rules read only what they need in a
few joined queries (never an IN list of every user: SQLite bounds bound variables); the writes
are the hand-written statements of `services.bulk_sql`.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from subscriptions import reasons
from subscriptions.models import (
    AffectedAccount,
    LicenseAssignment,
    Offer,
    Operation,
    ServicePlan,
    Subscription,
)
from subscriptions.services.bulk_sql import transfer_licenses, write_affected_accounts


@dataclass
class _Account:
    """What the per-user rules need; the account's names are copied by the database itself
    when its row is written (`bulk_sql.write_affected_accounts`)."""

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


def move_licenses(*, source, target, upgrade_type: str, operation: Operation) -> None:
    target_name = target.offer.name
    accounts = _source_accounts(source)
    affected = []
    moved_license_pks = []

    if upgrade_type == Operation.UpgradeType.UPGRADE_ONLY:
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
    transfer_licenses(source=source, target=target, moved=moved_license_pks, kept=kept)
    write_affected_accounts(operation, affected)


# The entries of an account with none of its own (most moved accounts): one shared list.
_NO_ENTRIES: list[dict] = []


def _affected(account: _Account, outcome, services: list[dict]) -> tuple:
    """(user, outcome, error code, entries): an `AffectedAccount` row but for what the database
    copies from the user (object id and names) and the operation."""
    errors = [entry["code"] for entry in services if entry["code"] in reasons.LICENSE_ERROR_CODES]
    return (account.user_id, outcome, errors[0] if errors else "", services or _NO_ENTRIES)
