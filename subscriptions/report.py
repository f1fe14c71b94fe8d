"""The list of accounts and services an upgrade affected (docs/domain.md §5).

The operation stores codes: the upgrade-wide service changes once (`Operation.service_changes`)
and, per account, its outcome and the services concerned for that account alone
(`AffectedAccount.services`). Here they are expanded into one line per account and service, in
words of the active language: errors first, then actions, then information.
"""

import bisect
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from subscriptions import exports, reasons
from subscriptions.models import AffectedAccount, Operation

KINDS = (reasons.ERROR, reasons.ACTION, reasons.INFO)
KIND_LABELS = {
    reasons.ERROR: gettext_lazy("Error"),
    reasons.ACTION: gettext_lazy("Action"),
    reasons.INFO: gettext_lazy("Info"),
}

CSV_COLUMNS = (
    gettext_lazy("Account name"),
    gettext_lazy("User principal name"),
    gettext_lazy("Service"),
    gettext_lazy("Outcome"),
    gettext_lazy("Kind"),
    gettext_lazy("Code"),
    gettext_lazy("Message"),
)


@dataclass(frozen=True)
class AffectedRow:
    account_name: str
    user_principal_name: str
    service: str
    outcome: str
    kind: str  # "error" | "action" | "info"
    code: str
    message: str

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def _entry_kind(code: str) -> str:
    """The kind of line an account's own entry makes."""
    if code in reasons.LICENSE_ERROR_CODES:
        return reasons.ERROR
    if code in (reasons.MANUAL_ASSIGNMENT, reasons.PLAN_REENABLED):
        return reasons.ACTION
    return reasons.INFO


def _account_entries(account: AffectedAccount, operation: Operation, target_name: str):
    """(service, kind, code, params) for one account, in the order they are listed."""
    entries = []
    for entry in account.services:
        code, params = entry["code"], entry.get("params", {})
        if code in reasons.LICENSE_ERROR_CODES:
            service = params.get("family") or target_name
        elif code == reasons.MANUAL_ASSIGNMENT:
            service = target_name
        else:
            service = params.get("family", "")
        entries.append((service, _entry_kind(code), code, params))
    if account.outcome == AffectedAccount.Outcome.MOVED:
        changes = operation.service_changes or {}
        for group in ("changed", "lost", "added"):
            for change in changes.get(group, []):
                entries.append((change["family"], change["kind"], change["code"], change))
    return entries


_OUTCOME_LABELS = dict(AffectedAccount.Outcome.choices)


def account_rows(account: AffectedAccount, operation: Operation, target_name: str) -> list[AffectedRow]:
    """An account's lines of every kind, in the order they are listed."""
    outcome = str(_OUTCOME_LABELS.get(account.outcome, account.outcome))
    return [
        AffectedRow(
            account_name=account.display_name,
            user_principal_name=account.user_principal_name,
            service=service,
            outcome=outcome,
            kind=kind,
            code=code,
            message=reasons.describe_account_entry(code, params),
        )
        for service, kind, code, params in _account_entries(account, operation, target_name)
    ]


def target_offer_name(operation: Operation) -> str:
    return operation.target_offer.label if operation.target_offer_id else ""


def kind_filter(value) -> str | None:
    """The kind of lines asked for (`?kind=`), or None for all of them, whatever `value` is."""
    return value if value in KINDS else None


# Every line of the report (`?kind=all`); without `?kind=`, the page shows what needs doing and
# says the facts every moved account shares once, above the table (`shared_facts`).
ALL = "all"
DEFAULT_KINDS = (reasons.ERROR, reasons.ACTION)


def view_kinds(value) -> tuple[str, ...]:
    """The kinds of lines a view of the report shows (`?kind=`): one, all, or the default view's."""
    if value in KINDS:
        return (value,)
    return KINDS if value == ALL else DEFAULT_KINDS


def shared_facts(operation: Operation) -> tuple[list[str], list[tuple[str, str]]]:
    """The informational changes every moved account gets: services gained, and plans becoming a
    richer tier ((from, to) names)."""
    changes = operation.service_changes or {}
    gained = [change["name"] for change in changes.get("added", []) if change["kind"] == reasons.INFO]
    tiers = [
        (change["from_name"], change["to_name"])
        for change in changes.get("changed", [])
        if change["kind"] == reasons.INFO
    ]
    return gained, tiers


def affected_rows(operation: Operation, kind: str | None = None) -> list[AffectedRow]:
    """One line per account and service: errors, then actions, then infos; by UPN within each.

    With `kind`, only the lines of that kind. The whole report at once, in memory: the page and
    the CSV read theirs a part at a time (`ReportLayout`, subscriptions/report_csv.py).
    """
    target_name = target_offer_name(operation)
    rows = []
    for account in operation.affected_accounts.order_by("user_principal_name", "pk"):
        rows.extend(row for row in account_rows(account, operation, target_name) if kind in (None, row.kind))
    rank = {kind: index for index, kind in enumerate(KINDS)}
    # sorted() is stable: within a kind and an account, the entries keep their listed order.
    return sorted(rows, key=lambda row: (rank[row.kind], row.user_principal_name))


def csv_cells(row: AffectedRow) -> list[str]:
    """A line's cells, in the order of `CSV_COLUMNS`."""
    return [
        row.account_name,
        row.user_principal_name,
        row.service,
        row.outcome,
        row.kind_label,
        row.code,
        row.message,
    ]


def write_csv(rows, file) -> None:
    """`rows` as CSV (subscriptions/exports.py), headers in the active language (`file` is any
    text stream); the download streams its rows instead (subscriptions/report_csv.py)."""
    file.writelines(exports.csv_lines(CSV_COLUMNS, map(csv_cells, rows)))


# --- One page of the report ----------------------------------------------------------------


class ReportLayout:
    """Where every line of an operation's report falls, without putting any of them into words.

    The report of an upgrade of 10,000 users has 80,000 lines; a page shows 50. The layout reads
    two narrow columns: every account's outcome in report order, and the stored entries of the
    accounts that have any (errors, manual assignments, re-enabled plans: few, usually). Every
    other account is a moved one whose lines are the operation-wide service changes, the same
    count for each. `lines(kind)` is then a sequence the paginator slices, and only the page it
    asks for is read in full and described: a fixed number of queries, whatever the size.
    """

    def __init__(self, operation: Operation):
        self.operation = operation
        accounts = operation.affected_accounts.order_by("user_principal_name", "pk")
        order = list(accounts.values_list("pk", "outcome"))
        own_entries = dict(accounts.exclude(services=[]).values_list("pk", "services"))
        changes = operation.service_changes or {}
        moved_kinds = Counter(
            change["kind"] for group in ("changed", "lost", "added") for change in changes.get(group, [])
        )
        # Per kind, the accounts with lines of that kind and how many, in report order.
        self._accounts: dict[str, list[int]] = {kind: [] for kind in KINDS}
        sizes: dict[str, list[int]] = {kind: [] for kind in KINDS}
        moved = AffectedAccount.Outcome.MOVED.value
        # The common case, a moved account with no entry of its own, without a Counter each.
        moved_lines = [
            (self._accounts[kind].append, sizes[kind].append, moved_kinds[kind])
            for kind in KINDS
            if moved_kinds[kind]
        ]
        for pk, outcome in order:
            entries = own_entries.get(pk)
            if entries is None:
                if outcome == moved:
                    for add_account, add_size, count in moved_lines:
                        add_account(pk)
                        add_size(count)
                continue
            per_kind = Counter(_entry_kind(entry["code"]) for entry in entries)
            if outcome == moved:
                per_kind.update(moved_kinds)
            for kind in KINDS:
                if per_kind[kind]:
                    self._accounts[kind].append(pk)
                    sizes[kind].append(per_kind[kind])
        # Line number just past each account's lines, per kind.
        self._ends = {kind: list(itertools.accumulate(sizes[kind])) for kind in KINDS}
        self.counts = {kind: (self._ends[kind][-1] if self._ends[kind] else 0) for kind in KINDS}
        self.total = sum(self.counts.values())
        self.outcomes = dict.fromkeys(AffectedAccount.Outcome.values, 0)
        self.outcomes.update(Counter(outcome for _, outcome in order))

    def lines(self, kind: str | None = None, *, kinds: tuple[str, ...] | None = None) -> "AffectedLines":
        """All lines (errors, then actions, then infos), those of one kind, or of some `kinds`."""
        return AffectedLines(self, kinds or ((kind,) if kind else KINDS))

    def _slice(self, kinds: tuple[str, ...], start: int, stop: int) -> list[AffectedRow]:
        wanted = []  # (kind, account pk, first line of the account's kind lines to show, how many)
        offset = 0  # line number where the current kind starts
        for kind in kinds:
            ends, accounts = self._ends[kind], self._accounts[kind]
            low, high = max(start - offset, 0), min(stop - offset, self.counts[kind])
            index = bisect.bisect_right(ends, low)
            while low < high:
                first = ends[index - 1] if index else 0
                take = min(ends[index], high) - low
                wanted.append((kind, accounts[index], low - first, take))
                low += take
                index += 1
            offset += self.counts[kind]
        if not wanted:
            return []
        loaded = self.operation.affected_accounts.in_bulk({pk for _, pk, _, _ in wanted})
        target_name = target_offer_name(self.operation)
        rows = []
        for kind, pk, skip, take in wanted:
            of_kind = [
                row for row in account_rows(loaded[pk], self.operation, target_name) if row.kind == kind
            ]
            rows.extend(of_kind[skip : skip + take])
        return rows


class AffectedLines(Sequence):
    """A report's lines of some kinds, read a slice at a time (what `Paginator` asks for)."""

    def __init__(self, layout: ReportLayout, kinds: tuple[str, ...]):
        self.layout, self.kinds = layout, kinds

    def __len__(self) -> int:
        return sum(self.layout.counts[kind] for kind in self.kinds)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("Report lines are read in contiguous slices.")
            return self.layout._slice(self.kinds, start, stop)
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.layout._slice(self.kinds, index, index + 1)[0]
