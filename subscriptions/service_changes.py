"""What an upgrade changes in the services: the offers compared family by family (what the
upgrade page shows and eligibility checks for conflicts, docs/domain.md §4), and the changes
every moved account gets (docs/domain.md §5).

Stored once per upgrade on `Operation.service_changes`, as codes and plan ids: the report puts
them into words for each moved account.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from subscriptions import reasons
from subscriptions.models import ServicePlan


@dataclass(frozen=True)
class ServiceComparison:
    """The target's services beside the source's, family by family.

    `changed` holds (from_plan, to_plan) pairs: a plan change inside a family (Exchange Online
    Plan 1 to Plan 2) is a changed service, not an added one.
    """

    gained: tuple[ServicePlan, ...] = ()
    changed: tuple[tuple[ServicePlan, ServicePlan], ...] = ()
    lost: tuple[ServicePlan, ...] = ()
    kept: tuple[ServicePlan, ...] = ()

    @property
    def added_families(self) -> frozenset[str]:
        return frozenset(plan.family for plan in self.gained)


def _by_family(plans: Iterable[ServicePlan]) -> dict[str, ServicePlan]:
    # An offer carries at most one plan per family (that is what a family means).
    return {plan.family: plan for plan in sorted(plans, key=lambda plan: plan.plan_id)}


def compare_services(source_plans: list[ServicePlan], target_plans: list[ServicePlan]) -> ServiceComparison:
    """The target's services beside the source's, family by family."""
    source, target = _by_family(source_plans), _by_family(target_plans)
    gained, changed, kept = [], [], []
    for family in sorted(target):
        to_plan = target[family]
        from_plan = source.get(family)
        if from_plan is None:
            gained.append(to_plan)
        elif from_plan.plan_id == to_plan.plan_id:
            kept.append(to_plan)
        else:
            changed.append((from_plan, to_plan))
    lost = [source[family] for family in sorted(source) if family not in target]
    return ServiceComparison(gained=tuple(gained), changed=tuple(changed), lost=tuple(lost), kept=tuple(kept))


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
