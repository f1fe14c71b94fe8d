"""The engine's writes: every change to a subscription, whatever door it comes through.

One module per capability (`upgrade`, `add_licenses`, `left_behind`), the per-user license rules of the
upgrade (`licenses`), its hand-written bulk SQL (`bulk_sql`), and the one attempt protocol they
all run under (`attempts`, docs/domain.md §7). Services are keyword-only, take an `Actor`, and
refuse a subscription outside the actor's scope with `OutOfScope`. Callers import from here.
"""

from subscriptions.models import OutOfScope
from subscriptions.service_changes import classify_change, service_changes_record
from subscriptions.services.add_licenses import QuantityChangeRefused, subscription_change_quantity
from subscriptions.services.attempts import Refused
from subscriptions.services.bulk_sql import BATCH_SIZE
from subscriptions.services.left_behind import (
    LeftBehindRefused,
    account_license_assign,
    account_usage_location_set,
    report_retry,
    seats_left,
)
from subscriptions.services.upgrade import (
    QuantityOutOfRange,
    TokenReused,
    UpgradeInProgress,
    UpgradeNotEligible,
    UpgradeRefused,
    subscription_upgrade,
)

__all__ = [
    "BATCH_SIZE",
    "LeftBehindRefused",
    "account_license_assign",
    "account_usage_location_set",
    "report_retry",
    "seats_left",
    "OutOfScope",
    "QuantityChangeRefused",
    "QuantityOutOfRange",
    "Refused",
    "TokenReused",
    "UpgradeInProgress",
    "UpgradeNotEligible",
    "UpgradeRefused",
    "classify_change",
    "service_changes_record",
    "subscription_change_quantity",
    "subscription_upgrade",
]
