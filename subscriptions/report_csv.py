"""An upgrade's report as a streamed CSV (docs/domain.md §5, the report and its CSV).

The report of an upgrade of 10,000 accounts has 80,000 lines. The download reads the accounts a
page at a time and puts each page into words as it is sent, so its first byte leaves at once and
its memory stays the same however many accounts there are. The lines are the report's
(`report.account_rows`), in its order: errors, then actions, then infos, by UPN within each.

That order is kind first, so the accounts are read once per kind the CSV has, and each time only
those that can have lines of that kind: an account's own entries (errors, manual assignments,
re-enabled plans: few) and, when the upgrade-wide service changes have that kind, every moved
account.

A page starts after the previous one's last (UPN, pk): one short query per page, the last one
short or empty, rather than a cursor held open for as long as a slow download lasts.
"""

from collections.abc import Iterator

from django.db.models import Q

from subscriptions import exports, report
from subscriptions.models import AffectedAccount, Operation

ACCOUNTS_PER_QUERY = 500
# What `report.account_rows` reads of an account.
_FIELDS = ("pk", "display_name", "user_principal_name", "outcome", "services")


def csv_lines(operation: Operation, kind: str | None = None) -> Iterator[str]:
    """The report's CSV (subscriptions/exports.py), every line or those of `kind`, a piece at a time."""
    return exports.csv_lines(report.CSV_COLUMNS, map(report.csv_cells, report_rows(operation, kind)))


def report_rows(operation: Operation, kind: str | None = None) -> Iterator[report.AffectedRow]:
    """Every line of the report, or those of `kind`, in order, reading the accounts in pages."""
    target_name = report.target_offer_name(operation)
    changes = operation.service_changes or {}
    moved_kinds = {
        change["kind"] for group in ("changed", "lost", "added") for change in changes.get(group, [])
    }
    own_entries = ~Q(services=[])
    for line_kind in (kind,) if kind else report.KINDS:
        having = (
            own_entries | Q(outcome=AffectedAccount.Outcome.MOVED)
            if line_kind in moved_kinds
            else own_entries
        )
        for account in accounts_in_pages(operation.affected_accounts.filter(having)):
            for row in report.account_rows(account, operation, target_name):
                if row.kind == line_kind:
                    yield row


def accounts_in_pages(accounts) -> Iterator[AffectedAccount]:
    """`accounts` by (UPN, pk), read `ACCOUNTS_PER_QUERY` at a time: one query per page, and one
    page in memory at a time."""
    accounts = accounts.order_by("user_principal_name", "pk").only(*_FIELDS)
    after = Q()
    while True:
        page = list(accounts.filter(after)[:ACCOUNTS_PER_QUERY])
        yield from page
        if len(page) < ACCOUNTS_PER_QUERY:
            return
        upn, pk = page[-1].user_principal_name, page[-1].pk
        del page  # before the next page is read, not once it is
        after = Q(user_principal_name__gt=upn) | Q(user_principal_name=upn, pk__gt=pk)
