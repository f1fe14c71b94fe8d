"""What Submit will do, said before it is pressed (docs/domain.md §5).

Side-effect free. For the chosen target and quantity: the billing impact and the monthly cost
it leaves, and the pre-flight: each licensed account's outcome from the upgrade's own per-user
function (`license_rules.plan_license_moves`), so the report after Submit says what the preview
said. The words are put together here, in the active language, from pieces that each take their
own plural.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers.models import CustomerUser
from subscriptions import billing, reasons, recurring_cost
from subscriptions.eligibility import UpgradeOption
from subscriptions.formatting import money, number
from subscriptions.license_rules import LicensePlan, plan_license_moves
from subscriptions.models import BillingCycle, Operation, Subscription

# The accounts named in the preview before "and N more"; the full list is a page of its own.
NAMED_ACCOUNTS = 10


@dataclass(frozen=True)
class UpgradePreview:
    subscription: Subscription
    option: UpgradeOption
    quantity: int
    impact: billing.BillingImpact
    recurring: recurring_cost.RecurringCost
    plan: LicensePlan

    @property
    def is_upgrade_only(self) -> bool:
        return self.option.upgrade_type == Operation.UpgradeType.UPGRADE_ONLY

    @property
    def unlicensed_count(self) -> int:
        """Accounts the quantity leaves without a license: what Submit must be told to accept."""
        return len(self.plan.unlicensed_by_quantity)

    @cached_property
    def unlicensed_named(self) -> list[str]:
        """The user principal names of the first unlicensed accounts (one query)."""
        first = self.plan.unlicensed_by_quantity[:NAMED_ACCOUNTS]
        names = user_principal_names(first)
        return [names[user_id] for user_id in first if user_id in names]

    @property
    def unlicensed_more(self) -> int:
        return max(self.unlicensed_count - NAMED_ACCOUNTS, 0)

    def statement(self) -> str:
        """The irreversible step in one sentence, as it stands right above Submit."""
        recurring = self.recurring
        # The recurring cost is a billing period's: a year for annual billing (docs/domain.md §8).
        annual = recurring.billing_cycle == BillingCycle.ANNUAL
        values = {
            "source": _licenses_of(self.subscription.offer.name, self.subscription.quantity),
            "target": _licenses_of(self.option.target_offer.name, self.quantity),
            "net": money(self.impact.net, self.impact.currency),
            "after": money(recurring.after, recurring.currency),
            "before": money(recurring.before, recurring.currency),
        }
        if self.is_upgrade_only:
            manual = len(self.plan.accounts)
            values["manual"] = ngettext(
                "%(count)s account needs a manual assignment",
                "%(count)s accounts need a manual assignment",
                manual,
            ) % {"count": number(manual)}
            if annual:
                return (
                    _(
                        "This cancels %(source)s and creates %(target)s; no license moves: %(manual)s. "
                        "Net today: %(net)s; from the next billing anniversary: %(after)s per year (was "
                        "%(before)s)."
                    )
                    % values
                )
            return (
                _(
                    "This cancels %(source)s and creates %(target)s; no license moves: %(manual)s. Net "
                    "today: %(net)s; from the next billing anniversary: %(after)s per month (was %(before)s)."
                )
                % values
            )
        moved = self.plan.moved
        values["moved"] = ngettext("%(count)s account", "%(count)s accounts", moved) % {
            "count": number(moved)
        }
        values["attention"] = _attention(self.plan.needing_attention)
        if annual:
            return (
                _(
                    "This cancels %(source)s, creates %(target)s, moves %(moved)s; %(attention)s. Net today: "
                    "%(net)s; from the next billing anniversary: %(after)s per year (was %(before)s)."
                )
                % values
            )
        return (
            _(
                "This cancels %(source)s, creates %(target)s, moves %(moved)s; %(attention)s. Net today: "
                "%(net)s; from the next billing anniversary: %(after)s per month (was %(before)s)."
            )
            % values
        )

    def summary(self) -> str:
        """The pre-flight in one sentence: how many move, and what the others need."""
        if self.is_upgrade_only:
            count = len(self.plan.accounts)
            return ngettext(
                "No license moves (upgrade only): %(count)s account will need a manual assignment.",
                "No license moves (upgrade only): %(count)s accounts will need a manual assignment.",
                count,
            ) % {"count": number(count)}
        moved = self.plan.moved
        moves = ngettext("%(count)s account will move", "%(count)s accounts will move", moved) % {
            "count": number(moved)
        }
        if not self.plan.needing_attention:
            return _("%(moves)s; none needs attention.") % {"moves": moves}
        return _("%(moves)s; %(attention)s: %(details)s.") % {
            "moves": moves,
            "attention": _attention(self.plan.needing_attention),
            "details": ", ".join(self.attention_details()),
        }

    def attention_details(self) -> list[str]:
        """What the accounts that do not move need, one phrase per cause."""
        conflicts = Counter(
            entry["params"].get("family", "")
            for account in self.plan.accounts
            for entry in account.entries[:1]
            if account.error_code == reasons.MUTUALLY_EXCLUSIVE_VIOLATION
        )
        details = [
            ngettext("%(count)s %(family)s conflict", "%(count)s %(family)s conflicts", count)
            % {"count": number(count), "family": family}
            for family, count in sorted(conflicts.items())
        ]
        errors = self.plan.error_counts
        if count := errors[reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION]:
            details.append(
                ngettext("%(count)s without usage location", "%(count)s without usage location", count)
                % {"count": number(count)}
            )
        if count := errors[reasons.COUNT_VIOLATION]:
            details.append(
                ngettext(
                    "%(count)s left without a license by the quantity",
                    "%(count)s left without a license by the quantity",
                    count,
                )
                % {"count": number(count)}
            )
        return details

    def services_lost(self) -> list[str]:
        """The services every account that moves loses."""
        return [plan.name for plan in self.option.service_changes.lost]


def preview_upgrade(
    subscription: Subscription, *, option: UpgradeOption, quantity: int, today: datetime.date | None = None
) -> UpgradePreview:
    """What an upgrade of `subscription` to the eligible `option` with `quantity` seats would do."""
    target = option.target_offer
    return UpgradePreview(
        subscription=subscription,
        option=option,
        quantity=quantity,
        impact=billing.upgrade_billing_impact(
            subscription=subscription, target_offer=target, quantity=quantity, today=today
        ),
        recurring=recurring_cost.upgrade_recurring_cost(
            subscription=subscription, target_offer=target, quantity=quantity, today=today
        ),
        plan=plan_license_moves(
            subscription, target_offer=target, quantity=quantity, upgrade_type=option.upgrade_type
        ),
    )


def user_principal_names(user_ids) -> dict[int, str]:
    """{user id: user principal name} for a page's worth of `user_ids` (one query)."""
    return dict(CustomerUser.objects.filter(pk__in=list(user_ids)).values_list("pk", "user_principal_name"))


def _licenses_of(offer_name: str, count: int) -> str:
    return ngettext("%(offer)s (%(count)s license)", "%(offer)s (%(count)s licenses)", count) % {
        "offer": offer_name,
        "count": number(count),
    }


def _attention(count: int) -> str:
    if not count:
        return _("none needs attention")
    return ngettext("%(count)s needs attention", "%(count)s need attention", count) % {"count": number(count)}
