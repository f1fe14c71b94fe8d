"""Writing an upgrade's license moves, as `license_rules.plan_license_moves` decided them.

Moved licenses change subscription in place, the others go with the source's cancellation, and
every licensed user gets an affected-account row: the hand-written statements of
`services.bulk_sql`, a fixed number of queries plus one per 1,000 rows (docs/domain.md §5).
"""

from subscriptions.license_rules import LicensePlan
from subscriptions.models import Operation, Subscription
from subscriptions.services.bulk_sql import transfer_licenses, write_affected_accounts


def write_license_moves(
    plan: LicensePlan, *, source: Subscription, target: Subscription, operation: Operation
) -> None:
    transfer_licenses(source=source, target=target, moved=plan.moved_license_pks, kept=plan.kept_license_pks)
    write_affected_accounts(
        operation,
        [
            (account.user_id, account.outcome, account.error_code, account.entries)
            for account in plan.accounts
        ],
    )
