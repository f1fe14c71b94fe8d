"""Second formulations of rules the app computes one way, kept here to check it by another.

They are not the app's code: each reads the database directly, the way the rule is worded in
docs/domain.md, so a test can compare the app's answer with an independent one.
"""

import datetime

from django.db.models import Count, Q

from customers.models import DelegatedAdminGrant
from partnercenter import clock
from subscriptions.models import AffectedAccount, Operation


def grants_counting_on(day: datetime.date | None = None):
    """The grants that count on `day` (docs/domain.md §1: active and not past their end date), in SQL."""
    day = day or clock.today()
    return DelegatedAdminGrant.objects.filter(status=DelegatedAdminGrant.Status.ACTIVE).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def outcome_counts(operation: Operation) -> dict[str, int]:
    """Accounts per outcome of an upgrade, counted by the database (the report's headline)."""
    counts = dict.fromkeys(AffectedAccount.Outcome.values, 0)
    for row in operation.affected_accounts.order_by().values("outcome").annotate(count=Count("pk")):
        counts[row["outcome"]] = row["count"]
    return counts
