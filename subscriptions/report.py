"""The list of accounts and services an upgrade affected (DOMAIN.md section 5).

The operation stores codes: the upgrade-wide service changes once (`Operation.service_changes`)
and, per account, its outcome and the services concerned for that account alone
(`AffectedAccount.services`). Here they are expanded into one line per account and service, in
words of the active language: errors first, then actions, then information.
"""

import csv
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext_lazy

from subscriptions import reasons
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


def _account_entries(account: AffectedAccount, operation: Operation, target_name: str):
    """(service, kind, code, params) for one account, in the order they are listed."""
    entries = []
    for entry in account.services:
        code, params = entry["code"], entry.get("params", {})
        if code in reasons.LICENSE_ERROR_CODES:
            entries.append((params.get("family") or target_name, reasons.ERROR, code, params))
        elif code == reasons.MANUAL_ASSIGNMENT:
            entries.append((target_name, reasons.ACTION, code, params))
        elif code == reasons.PLAN_REENABLED:
            entries.append((params.get("family", ""), reasons.ACTION, code, params))
        else:
            entries.append((params.get("family", ""), reasons.INFO, code, params))
    if account.outcome == AffectedAccount.Outcome.MOVED:
        changes = operation.service_changes or {}
        for group in ("changed", "lost", "added"):
            for change in changes.get(group, []):
                entries.append((change["family"], change["kind"], change["code"], change))
    return entries


def affected_rows(operation: Operation) -> list[AffectedRow]:
    """One line per account and service: errors, then actions, then infos; by UPN within each."""
    target_name = operation.target_offer.name if operation.target_offer_id else ""
    outcomes = dict(AffectedAccount.Outcome.choices)
    rows = []
    for account in operation.affected_accounts.order_by("user_principal_name", "pk"):
        outcome = str(outcomes.get(account.outcome, account.outcome))
        for service, kind, code, params in _account_entries(account, operation, target_name):
            rows.append(
                AffectedRow(
                    account_name=account.display_name,
                    user_principal_name=account.user_principal_name,
                    service=service,
                    outcome=outcome,
                    kind=kind,
                    code=code,
                    message=reasons.describe_account_entry(code, params),
                )
            )
    rank = {kind: index for index, kind in enumerate(KINDS)}
    # sorted() is stable: within a kind and an account, the entries keep their listed order.
    return sorted(rows, key=lambda row: (rank[row.kind], row.user_principal_name))


def write_csv(rows, file) -> None:
    """The report as CSV, headers in the active language (`file` is any text stream)."""
    writer = csv.writer(file)
    writer.writerow([str(column) for column in CSV_COLUMNS])
    for row in rows:
        writer.writerow(
            [
                row.account_name,
                row.user_principal_name,
                row.service,
                row.outcome,
                row.kind_label,
                row.code,
                row.message,
            ]
        )


def summary(operation: Operation) -> dict[str, int]:
    """Accounts per outcome, for the result page's headline."""
    counts = dict.fromkeys(AffectedAccount.Outcome.values, 0)
    for row in operation.affected_accounts.order_by().values("outcome").annotate(count=Count("pk")):
        counts[row["outcome"]] = row["count"]
    return counts
