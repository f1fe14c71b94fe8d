"""Who gets a license on the target of an upgrade, and why not (docs/domain.md §5).

Side-effect free: the same per-user function decides the pre-flight shown before Submit, the
upgrade itself (which then writes what it decided, `services.licenses`), and every later attempt
to license an account left behind. It reads only what the rules need, in a few joined queries
(never an IN list of every user: SQLite bounds bound variables), whatever the number of users.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import QuerySet

from subscriptions import catalog_cache, reasons
from subscriptions.models import (
    AffectedAccount,
    LicenseAssignment,
    Offer,
    Operation,
    ServicePlan,
    Subscription,
)

MOVED = AffectedAccount.Outcome.MOVED.value
NOT_MOVED = AffectedAccount.Outcome.NOT_MOVED.value
MANUAL_ASSIGNMENT = AffectedAccount.Outcome.MANUAL_ASSIGNMENT.value


@dataclass
class _Account:
    """What the per-user rules need of one licensed user; names are not read (the report's rows
    copy them in SQL, and a page reads only those it shows)."""

    license_pk: int
    user_id: int
    usage_location: str
    disabled_families: set[str] = field(default_factory=set)
    # (family, plan name, offer name) of the plans enabled on the user's other licenses.
    other_plans: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class AccountOutcome:
    """What the upgrade does to one licensed user: moved, or not and why."""

    license_pk: int
    user_id: int
    outcome: str
    # [{"code": ..., "params": {...}}]: the account's own entries, as `AffectedAccount.services`.
    entries: list[dict]

    @cached_property  # asked for each account by every count of the plan: worked out once
    def error_code(self) -> str:
        codes = [entry["code"] for entry in self.entries if entry["code"] in reasons.LICENSE_ERROR_CODES]
        return codes[0] if codes else ""


@dataclass(frozen=True)
class LicensePlan:
    """The outcome of every licensed user of the source, by user principal name."""

    accounts: tuple[AccountOutcome, ...]
    upgrade_type: str
    quantity: int

    @cached_property
    def moved_license_pks(self) -> list[int]:
        return [account.license_pk for account in self.accounts if account.outcome == MOVED]

    @cached_property
    def kept_license_pks(self) -> list[int]:
        return [account.license_pk for account in self.accounts if account.outcome != MOVED]

    @cached_property
    def outcome_counts(self) -> Counter:
        return Counter(account.outcome for account in self.accounts)

    @cached_property
    def error_counts(self) -> Counter:
        """Accounts not moved, per Partner Center `licenseErrors` code."""
        return Counter(account.error_code for account in self.accounts if account.error_code)

    @property
    def moved(self) -> int:
        return self.outcome_counts[MOVED]

    @property
    def needing_attention(self) -> int:
        return len(self.accounts) - self.moved

    @cached_property
    def unlicensed_by_quantity(self) -> tuple[int, ...]:
        """User ids left without a license because the quantity is smaller than the users:
        with license transfer the count violations, in upgrade only the users past the quantity
        (the partner could not assign them one). What Submit must be told to accept."""
        if self.upgrade_type == Operation.UpgradeType.UPGRADE_ONLY:
            return tuple(account.user_id for account in self.accounts[self.quantity :])
        return tuple(
            account.user_id for account in self.accounts if account.error_code == reasons.COUNT_VIOLATION
        )


def plan_license_moves(
    source: Subscription, *, target_offer: Offer, quantity: int, upgrade_type: str
) -> LicensePlan:
    """Every licensed user of `source`, with what an upgrade to `target_offer` with `quantity`
    seats does to them. `target_offer` comes with its service plans (prefetched or not)."""
    target_name = target_offer.name
    accounts = _source_accounts(source)
    outcomes = []
    if upgrade_type == Operation.UpgradeType.UPGRADE_ONLY:
        manual = [{"code": reasons.MANUAL_ASSIGNMENT, "params": {"target": target_name}}]
        outcomes = [AccountOutcome(a.license_pk, a.user_id, MANUAL_ASSIGNMENT, manual) for a in accounts]
        return LicensePlan(accounts=tuple(outcomes), upgrade_type=upgrade_type, quantity=quantity)

    other_plans = _other_enabled_plans(
        LicenseAssignment.objects.filter(user__licenses__subscription=source).exclude(subscription=source)
    )
    target_plans = sorted(target_offer.service_plans.all(), key=lambda plan: plan.plan_id)
    target_by_family = {plan.family: plan for plan in target_plans}
    seats_left = quantity
    for account in accounts:  # by user principal name: the overflow is the last ones
        account.other_plans = other_plans.get(account.user_id, [])
        errors = license_errors(account, target_plans, target_name)
        if not errors and seats_left == 0:
            errors = [
                {"code": reasons.COUNT_VIOLATION, "params": {"target": target_name, "quantity": quantity}}
            ]
        if errors:
            outcomes.append(AccountOutcome(account.license_pk, account.user_id, NOT_MOVED, errors))
            continue
        seats_left -= 1
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
        outcomes.append(AccountOutcome(account.license_pk, account.user_id, MOVED, reenabled or _NO_ENTRIES))
    return LicensePlan(accounts=tuple(outcomes), upgrade_type=upgrade_type, quantity=quantity)


def errors_for_users(users, target: Subscription) -> dict[int, list[dict]]:
    """{user id: why that user may not take a license of `target` now ([] when they may)}, by the
    upgrade's per-user rules, for any number of users in a fixed number of queries."""
    # A queryset stays a subquery in SQL (no IN list of every user); a few users are listed.
    among = users if isinstance(users, QuerySet) else [user.pk for user in users]
    users = list(users)
    other_plans = _other_enabled_plans(
        LicenseAssignment.objects.filter(user__in=among).exclude(subscription=target)
    )
    target_offer = catalog_cache.offer(target.offer_id)
    target_plans = sorted(target_offer.service_plans.all(), key=lambda plan: plan.plan_id)
    errors = {}
    for user in users:
        account = _Account(license_pk=0, user_id=user.pk, usage_location=user.usage_location)
        account.other_plans = other_plans.get(user.pk, [])
        errors[user.pk] = license_errors(account, target_plans, target_offer.name)
    return errors


# The entries of an account with none of its own (most moved accounts): one shared list.
_NO_ENTRIES: list[dict] = []


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


def _other_enabled_plans(others) -> dict[int, list[tuple[str, str, str]]]:
    """Per user: the plans enabled on the licenses `others` (a LicenseAssignment queryset)."""
    others_rows = list(
        others.values_list("pk", "user_id", "subscription__offer_id", "subscription__offer__name")
    )
    if not others_rows:
        return {}
    through = LicenseAssignment.disabled_plans.through
    disabled = defaultdict(set)
    for license_pk, plan_pk in through.objects.filter(licenseassignment__in=others.values("pk")).values_list(
        "licenseassignment_id", "serviceplan_id"
    ):
        disabled[license_pk].add(plan_pk)
    offer_ids = {offer_id for _, _, offer_id, _ in others_rows}
    offers = catalog_cache.current(needing=offer_ids).offers
    offer_plans = {
        offer_id: [(plan.pk, plan.family, plan.name) for plan in offers[offer_id].service_plans.all()]
        for offer_id in offer_ids
    }
    plans = defaultdict(list)
    for license_pk, user_id, offer_id, offer_name in others_rows:
        for plan_pk, family, name in offer_plans[offer_id]:
            if plan_pk not in disabled[license_pk]:
                plans[user_id].append((family, name, offer_name))
    return plans


def license_errors(account: _Account, target_plans: list[ServicePlan], target_name: str) -> list[dict]:
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
