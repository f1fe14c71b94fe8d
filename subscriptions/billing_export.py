"""Every billing line of the partner's (filtered) activity log, as CSV (docs/domain.md §8).

One line per stored billing line, with the figures that make it (price, daily price, days,
licenses) and, for a role that sees them, the partner's cost and margin: what a partner's
accountant reconciles against Microsoft's invoice. The same writer as every download
(subscriptions/exports.py).
"""

from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from subscriptions import exports
from subscriptions.models import BillingLine

ROWS_PER_QUERY = 500
COLUMNS = (
    pgettext_lazy("date of an operation", "When"),
    gettext_lazy("Customer"),
    gettext_lazy("Subscription"),
    gettext_lazy("Subscription id"),
    gettext_lazy("Commerce type"),
    gettext_lazy("Term"),
    gettext_lazy("Billing cycle"),
    gettext_lazy("Line"),
    gettext_lazy("Period start"),
    gettext_lazy("Period end"),
    gettext_lazy("Licenses"),
    gettext_lazy("Price per license"),
    gettext_lazy("Daily price"),
    gettext_lazy("Days"),
    gettext_lazy("Amount"),
    gettext_lazy("Currency"),
)
MARGIN_COLUMNS = (
    gettext_lazy("Partner's cost per license"),
    gettext_lazy("Partner's cost"),
    gettext_lazy("Margin"),
)


def lines_of(operations):
    """The billing lines of `operations` (a filtered `activity.operations_for`), oldest first."""
    return (
        BillingLine.objects.filter(operation__in=Subquery(operations.values("pk")))
        .select_related("operation", "subscription__customer")
        .order_by("operation__created_at", "pk")
    )


def csv_lines(lines, *, with_margin: bool):
    rows = (_row(line, with_margin) for line in lines.iterator(chunk_size=ROWS_PER_QUERY))
    return exports.csv_lines((*COLUMNS, *MARGIN_COLUMNS) if with_margin else COLUMNS, rows)


def _row(line: BillingLine, with_margin: bool) -> list:
    subscription = line.subscription
    cells = [
        timezone.localtime(line.operation.created_at).isoformat(timespec="seconds"),
        subscription.customer.name,
        subscription.friendly_name,
        str(subscription.subscription_id),
        subscription.get_commerce_type_display(),
        subscription.get_term_duration_display() if subscription.term_duration else "",
        subscription.get_billing_cycle_display(),
        line.get_kind_display(),
        line.period_start.isoformat(),
        line.period_end.isoformat(),
        line.quantity,
        line.unit_price,
        line.daily_price,
        line.days,
        line.amount,
        line.currency,
    ]
    return [*cells, line.unit_cost, line.cost, line.margin] if with_margin else cells
