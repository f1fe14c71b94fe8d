"""The partner's activity log: every upgrade and quantity change, refused and failed attempts too.

Read-only, like Partner Center's activity log. Operations store codes and parameters; here they
are put into words of the active language, for the page and for the CSV export alike.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from customers.models import Partner
from subscriptions import exports, reasons
from subscriptions.formatting import number
from subscriptions.models import BillingLine, Operation
from subscriptions.reasons.wording import elide

ROWS_PER_QUERY = 500  # operations the CSV reads at a time (a chunk, and the next while it is read)
CSV_COLUMNS = (
    pgettext_lazy("date of an operation", "When"),
    pgettext_lazy("person who made an operation", "Who"),
    gettext_lazy("Customer"),
    gettext_lazy("Subscription"),
    gettext_lazy("Subscription id"),
    gettext_lazy("Kind"),
    gettext_lazy("Details"),
    gettext_lazy("Result"),
    gettext_lazy("Reason"),
    gettext_lazy("Reason code"),
    gettext_lazy("Licenses before"),
    gettext_lazy("Licenses after"),
    gettext_lazy("Net amount"),
    gettext_lazy("Currency"),
)
# For the roles that see the partner's margin (docs/domain.md §8), after the currency.
MARGIN_COLUMN = gettext_lazy("Margin")


def person_name(user) -> str:
    """How the log names a partner user: their full name, or their user name without one."""
    return user.get_full_name() or user.get_username()


def operations_for(partner: Partner):
    """The partner's log, newest first, with what every row shows joined in (no query per row)."""
    return _with_net_amount(
        Operation.objects.for_partner(partner)
        .select_related(
            "actor", "customer", "customer_user", "subscription__offer", "target_offer", "target_subscription"
        )
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class ActivityRow:
    operation: Operation
    details: str
    # The refusal or failure in words; blank for a success.
    reason: str

    @property
    def actor_name(self) -> str:
        return self.operation.made_by

    @property
    def net_amount(self) -> Decimal | None:
        """The sum of the operation's billing lines (`operations_for` adds them up); None without any."""
        return _cents(self.operation.net_amount)

    @property
    def net_margin(self) -> Decimal | None:
        """The sum of the lines' margins, when every line has one (`operations_for`); else None."""
        return _cents(self.operation.net_margin)

    @property
    def currency(self) -> str | None:
        # The lines' currency, which is the customer's (docs/domain.md §2, the price list).
        return self.operation.net_currency

    # The kind and result in words: the enum's labels, not `get_kind_display()`, which rebuilds a
    # hashable copy of the field's choices on every call (a fifth of a row's time).
    @property
    def kind_label(self) -> str:
        return Operation.Kind(self.operation.kind).label

    @property
    def result_label(self) -> str:
        return Operation.Result(self.operation.result).label

    @property
    def has_report(self) -> bool:
        operation = self.operation
        return operation.kind == Operation.Kind.UPGRADE and operation.result == Operation.Result.SUCCEEDED


# What the partner does from a report for the accounts an upgrade left behind.
ACTION_KINDS = (
    Operation.Kind.LICENSE_ASSIGNMENT,
    Operation.Kind.USAGE_LOCATION_CHANGE,
    Operation.Kind.LICENSE_RETRY,
)


def _quantity(value) -> str:
    return number(value) if value is not None else "?"


def describe_action(operation: Operation) -> str:
    """What an action on the accounts left behind did, as the report and the activity log say it."""
    account = operation.customer_user.user_principal_name if operation.customer_user else "?"
    if operation.kind == Operation.Kind.LICENSE_ASSIGNMENT:
        target = operation.subscription.offer.label
        return elide(_("%(account)s got a license of %(target)s.") % {"account": account, "target": target})
    if operation.kind == Operation.Kind.USAGE_LOCATION_CHANGE:
        location = operation.details.get("usage_location", "?")
        text = _("The usage location of %(account)s was set to %(location)s.")
        return elide(text % {"account": account, "location": location})
    licensed = len(operation.details.get("licensed", []))
    refused = len(operation.details.get("refused", []))
    return ngettext(
        "Tried again: %(licensed)s account licensed, %(refused)s still left behind.",
        "Tried again: %(licensed)s accounts licensed, %(refused)s still left behind.",
        licensed,
    ) % {"licensed": number(licensed), "refused": number(refused)}


def describe_details(operation: Operation) -> str:
    """What was asked: "Upgrade to Office 365 Enterprise E3, 25 licenses", or "Licenses: 25 → 30"."""
    if operation.kind in ACTION_KINDS:
        return describe_action(operation)
    # The quantity column cannot hold every number asked for; the log's reason details keep it.
    asked = (
        operation.quantity
        if operation.quantity is not None
        else operation.reason_params.get("asked_quantity")
    )
    if operation.kind == Operation.Kind.QUANTITY_CHANGE:
        return _("Licenses: %(before)s → %(after)s") % {
            "before": _quantity(operation.previous_quantity),
            "after": _quantity(asked),
        }
    target = operation.target_offer.label if operation.target_offer else "?"
    if asked is None:
        return _("Upgrade to %(target)s") % {"target": target}
    return ngettext(
        "Upgrade to %(target)s, %(quantity)s license",
        "Upgrade to %(target)s, %(quantity)s licenses",
        asked,
    ) % {"target": target, "quantity": number(asked)}


def activity_row(operation: Operation) -> ActivityRow:
    reason = reasons.describe(operation.reason_code, operation.reason_params) if operation.reason_code else ""
    return ActivityRow(operation=operation, details=describe_details(operation), reason=reason)


def _with_net_amount(operations):
    """`operations` with the sum of each one's billing lines, of their margins (when every line
    has one) and their currency (None without any).

    Two correlated subqueries on the indexed operation column, in the page's one query and in the
    one the CSV streams in chunks, rather than prefetch_related: that would add a query per chunk
    and build a model instance per billing line, only to add two amounts up in Python.
    """
    lines = BillingLine.objects.filter(operation=OuterRef("pk")).order_by()
    total = lines.values("operation").annotate(total=Sum("amount")).values("total")
    margin = (
        lines.values("operation")
        .annotate(margin_sum=Sum("margin"), without_cost=Count("pk", filter=Q(margin__isnull=True)))
        .filter(without_cost=0)
        .values("margin_sum")
    )
    return operations.annotate(
        net_amount=Subquery(total, output_field=BillingLine._meta.get_field("amount")),
        net_margin=Subquery(margin, output_field=BillingLine._meta.get_field("margin")),
        net_currency=Subquery(lines.values("currency")[:1]),
    )


def csv_lines(operations, *, with_margin: bool = False):
    """The (filtered) `operations_for` as CSV lines (subscriptions/exports.py), read in chunks;
    with the margin column for a role that sees it."""
    # Made after the view returns, in its language and zone all the same: exports keeps both.
    rows = (_csv_row(operation, with_margin) for operation in operations.iterator(chunk_size=ROWS_PER_QUERY))
    return exports.csv_lines((*CSV_COLUMNS, MARGIN_COLUMN) if with_margin else CSV_COLUMNS, rows)


def _csv_row(operation: Operation, with_margin: bool) -> list:
    row = activity_row(operation)
    cells = [
        # ISO 8601 with the offset of the user's zone: 2026-12-01T19:34:00+01:00.
        timezone.localtime(operation.created_at).isoformat(timespec="seconds"),
        row.actor_name,
        operation.customer.name,
        operation.subscription.friendly_name,
        str(operation.subscription.subscription_id),
        operation.get_kind_display(),
        row.details,
        operation.get_result_display(),
        row.reason,
        operation.reason_code,
        operation.previous_quantity,
        operation.quantity,
        row.net_amount,
        row.currency,
    ]
    return [*cells, row.net_margin] if with_margin else cells


def _cents(amount: Decimal | None) -> Decimal | None:
    # SQLite adds decimals up as floating point numbers (-39.9900000000000): back to cents.
    return None if amount is None else amount.quantize(Decimal("0.01"))
