"""What an upgrade changes in the services of every moved account (docs/domain.md §5).

Stored once per upgrade on `Operation.service_changes`, as codes and plan ids: the report puts
them into words for each moved account.
"""

from subscriptions import reasons
from subscriptions.eligibility import ServiceComparison
from subscriptions.models import ServicePlan

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
