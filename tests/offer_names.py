"""The catalog's offer names, as docs/domain.md §2 spells them.

Written out here rather than imported from `subscriptions.catalog`, so that a typo in the
shipped catalog makes the tests fail instead of following it.
"""

BUSINESS = "Office 365 Business"
ESSENTIALS = "Office 365 Business Essentials"
PREMIUM = "Office 365 Business Premium"
BUSINESS_INDIA = "Office 365 Business India"
ESSENTIALS_INDIA = "Office 365 Business Essentials India"
PREMIUM_INDIA = "Office 365 Business Premium India"
PROPLUS = "Office 365 ProPlus"
E1 = "Office 365 Enterprise E1"
E3 = "Office 365 Enterprise E3"
E5 = "Office 365 Enterprise E5"
POWER_BI_PRO = "Power BI Pro"
EXCHANGE_PLAN_1 = "Exchange Online (Plan 1)"
