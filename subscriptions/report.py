"""The list of accounts and services an upgrade affected (docs/domain.md §5).

The operation stores codes: the upgrade-wide service changes once (`Operation.service_changes`)
and, per account, its outcome and the services concerned for that account alone
(`AffectedAccount.services`). Here they are expanded into one line per account and service, in
words of the active language: errors first, then actions, then information.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q
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
    """Where the lines of an operation's report fall, reading only as far as the page asked for.

    The report of an upgrade of 10,000 users has 80,000 lines; a page shows 50. Every account
    without entries of its own is a moved one whose lines are the operation-wide service changes,
    the same for each; the accounts with entries (errors, manual assignments, re-enabled plans:
    few, usually) are read once, narrowly. The counts come from one GROUP BY. A slice then walks
    the accounts in report order (`user_principal_name`, then pk: an index) only until its last
    line, so page 1 of a 10,000-account report reads what page 1 of a 50-account one reads, and
    only the accounts on the page are read in full and put into words.
    """

    WALK_CHUNK = 500  # accounts read at a time while walking to a slice

    def __init__(self, operation: Operation):
        self.operation = operation
        self._accounts = operation.affected_accounts.order_by("user_principal_name", "pk")
        self.outcomes = dict.fromkeys(AffectedAccount.Outcome.values, 0)
        by_outcome = self._accounts.order_by().values("outcome").annotate(count=Count("pk"))
        self.outcomes.update(by_outcome.values_list("outcome", "count"))
        changes = operation.service_changes or {}
        self._moved_kinds = Counter(
            change["kind"] for group in ("changed", "lost", "added") for change in changes.get(group, [])
        )
        # The accounts with entries of their own, in report order: their lines per kind.
        self._own: dict[int, Counter] = {}
        self._own_order: list[tuple[str, int]] = []
        self._moved: set[int] = set()
        for pk, upn, outcome, entries in self._accounts.exclude(services=[]).values_list(
            "pk", "user_principal_name", "outcome", "services"
        ):
            self._own[pk] = Counter(_entry_kind(entry["code"]) for entry in entries)
            self._own_order.append((upn, pk))
            if outcome == AffectedAccount.Outcome.MOVED:
                self._moved.add(pk)
        moved = self.outcomes[AffectedAccount.Outcome.MOVED]
        self.counts = {
            kind: self._moved_kinds[kind] * moved + sum(own[kind] for own in self._own.values())
            for kind in KINDS
        }
        self.total = sum(self.counts.values())

    def lines(self, kind: str | None = None, *, kinds: tuple[str, ...] | None = None) -> "AffectedLines":
        """All lines (errors, then actions, then infos), those of one kind, or of some `kinds`."""
        return AffectedLines(self, kinds or ((kind,) if kind else KINDS))

    def _lines_of(self, pk: int, kind: str) -> int:
        own = self._own.get(pk)
        if own is None:  # no entries of its own: a moved account
            return self._moved_kinds[kind]
        return own[kind] + (self._moved_kinds[kind] if pk in self._moved else 0)

    def _sequence(self, kind: str):
        """The accounts with lines of `kind`, in report order: an iterator of (pk, how many lines).

        Where moved accounts have lines of `kind`, the first chunk of the walk is read at once,
        even if the page ends before this kind: a page's queries do not depend on where its
        lines fall, only on which kinds it shows.
        """
        if not self._moved_kinds[kind]:  # only accounts with entries have lines of this kind
            return ((pk, self._own[pk][kind]) for _upn, pk in self._own_order if self._own[pk][kind])
        # Every moved account has some, and so may an account with entries that was not moved.
        others = [pk for pk, own in self._own.items() if own[kind] and pk not in self._moved]
        having = self._accounts.filter(Q(outcome=AffectedAccount.Outcome.MOVED) | Q(pk__in=others))
        first = list(having.values_list("pk", flat=True)[: self.WALK_CHUNK])

        def walk():
            chunk, start = first, 0
            while chunk:
                for pk in chunk:
                    yield pk, self._lines_of(pk, kind)
                start += self.WALK_CHUNK
                chunk = list(having.values_list("pk", flat=True)[start : start + self.WALK_CHUNK])

        return walk()

    def _slice(self, kinds: tuple[str, ...], start: int, stop: int) -> list[AffectedRow]:
        wanted = []  # (kind, account pk, first line of the account's kind lines to show, how many)
        offset = 0  # line number where the current kind starts
        sequences = {kind: self._sequence(kind) for kind in kinds}
        for kind in kinds:
            low, high = max(start - offset, 0), min(stop - offset, self.counts[kind])
            if low < high:
                line = 0  # line number where the current account's lines start
                for pk, count in sequences[kind]:
                    if line + count > low:
                        take = min(line + count, high) - low
                        wanted.append((kind, pk, low - line, take))
                        low += take
                        if low >= high:
                            break
                    line += count
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
