"""The partner's subscription pages, one module per page (docs/architecture.md).

Thin function views: the subscription is loaded through the partner's scope
(`partnercenter.tenancy`; anything else is a 404), the rules come from the engine
(`eligibility`, `quantity`, `billing`), the changes from `services`, and one URL serves a page
and, for htmx, its fragment (`partnercenter.htmx`).
"""

from subscriptions.views.activity import activity_csv, activity_log, billing_lines_csv
from subscriptions.views.add_licenses import subscription_change_quantity
from subscriptions.views.left_behind import account_assign, account_usage_location, accounts_retry
from subscriptions.views.operation import operation_csv, operation_detail
from subscriptions.views.subscription import subscription_detail
from subscriptions.views.upgrade import subscription_upgrade, upgrade_accounts
from subscriptions.views.upgrade_reasons import upgrade_reasons

__all__ = [
    "account_assign",
    "account_usage_location",
    "accounts_retry",
    "activity_csv",
    "activity_log",
    "billing_lines_csv",
    "operation_csv",
    "operation_detail",
    "subscription_change_quantity",
    "subscription_detail",
    "subscription_upgrade",
    "upgrade_accounts",
    "upgrade_reasons",
]
