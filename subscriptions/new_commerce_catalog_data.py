"""The catalog "Microsoft 365 (new commerce, 2026)" as data (docs/domain.md §2).

Everything that would identify a real Partner Center product is visibly invented: product ids
start with `DEMO0`, availabilities are `DEMO0P1Y01` and so on (`models.availability_id`), SKU
ids are GUIDs of the form `00000000-de70-2026-…`, SKU part numbers start with `DEMO_`. The prices
are demo data taken from public secondary sources (Microsoft's announcements as reported by
distributors and the press): the published monthly figure of a one-year term billed annually,
before and after the rise Microsoft announced for July 2026. `subscriptions.catalog` turns each
figure into the price rows of every term and billing cycle by the rules of `PRICE_RULES`.
"""

from dataclasses import dataclass
from decimal import Decimal

# (plan id, friendly name, family): the plans the legacy catalog does not have already.
NEW_SERVICE_PLANS = [
    ("EXCHANGE_S_DESKLESS", "Exchange Online Kiosk", "Exchange Online"),
    ("SHAREPOINTDESKLESS", "SharePoint Online Kiosk", "SharePoint Online"),
    ("INTUNE_A", "Microsoft Intune Plan 1", "Microsoft Intune"),
    ("AAD_PREMIUM", "Microsoft Entra ID P1", "Microsoft Entra ID"),
    ("AAD_PREMIUM_P2", "Microsoft Entra ID P2", "Microsoft Entra ID"),
    ("ATP_ENTERPRISE", "Microsoft Defender for Office 365 (Plan 1)", "Advanced Threat Protection"),
    ("WIN10_PRO_ENT_SUB", "Windows Enterprise", "Windows"),
    ("DEMO_M365_COPILOT", "Microsoft 365 Copilot", "Microsoft 365 Copilot"),
]

BASIC_PLANS = (
    "EXCHANGE_S_STANDARD",
    "SHAREPOINTSTANDARD",
    "SHAREPOINTWAC",
    "TEAMS1",
    "PROJECTWORKMANAGEMENT",
    "MICROSOFTBOOKINGS",
    "FORMS_PLAN_E1",
    "SWAY",
)
STANDARD_PLANS = (*BASIC_PLANS, "OFFICE_BUSINESS")
PREMIUM_PLANS = (*STANDARD_PLANS, "INTUNE_A", "AAD_PREMIUM", "ATP_ENTERPRISE")
APPS_BUSINESS_PLANS = ("OFFICE_BUSINESS", "ONEDRIVESTANDARD", "SHAREPOINTWAC")
APPS_ENTERPRISE_PLANS = ("OFFICESUBSCRIPTION", "ONEDRIVESTANDARD", "SHAREPOINTWAC")
O365_E1_PLANS = BASIC_PLANS
O365_E3_PLANS = (
    "EXCHANGE_S_ENTERPRISE",
    "SHAREPOINTENTERPRISE",
    "SHAREPOINTWAC",
    "OFFICESUBSCRIPTION",
    "TEAMS1",
    "PROJECTWORKMANAGEMENT",
    "MICROSOFTBOOKINGS",
    "FORMS_PLAN_E3",
    "SWAY",
    "RMS_S_ENTERPRISE",
)
O365_E5_PLANS = (
    *(plan for plan in O365_E3_PLANS if plan != "FORMS_PLAN_E3"),
    "FORMS_PLAN_E5",
    "MCOEV",
    "MCOMEETADV",
    "THREAT_INTELLIGENCE",
    "BI_AZURE_P2",
)
M365_E3_PLANS = (*O365_E3_PLANS, "INTUNE_A", "AAD_PREMIUM", "WIN10_PRO_ENT_SUB")
M365_E5_PLANS = (*O365_E5_PLANS, "INTUNE_A", "AAD_PREMIUM_P2", "WIN10_PRO_ENT_SUB")
F1_PLANS = ("SHAREPOINTDESKLESS", "TEAMS1", "PROJECTWORKMANAGEMENT", "INTUNE_A", "AAD_PREMIUM")
F3_PLANS = (
    "EXCHANGE_S_DESKLESS",
    "SHAREPOINTDESKLESS",
    "SHAREPOINTWAC",
    "TEAMS1",
    "PROJECTWORKMANAGEMENT",
    "INTUNE_A",
    "AAD_PREMIUM",
)


def no_teams(plans: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(plan for plan in plans if plan != "TEAMS1")


ALL_TERMS = ("P1M", "P1Y", "P3Y")
NO_THREE_YEARS = ("P1M", "P1Y")


@dataclass(frozen=True)
class NewCommerceOffer:
    name: str
    product_id: str
    sku_code: str
    sku_part_number: str
    sku_id: str
    rank: int
    max_quantity: int
    plans: tuple[str, ...]
    # Currency -> (monthly figure before the rise, after it): one-year term, billed annually.
    prices: dict[str, tuple[str, str]]
    terms: tuple[str, ...] = ALL_TERMS
    # Whether the price list carries the partner's cost for this offer.
    has_cost: bool = True
    # The offers an add-on is sold beside; () for a base offer.
    bases: tuple[str, ...] = ()


BASIC = "Microsoft 365 Business Basic"
STANDARD = "Microsoft 365 Business Standard"
PREMIUM = "Microsoft 365 Business Premium"
APPS_BUSINESS = "Microsoft 365 Apps for business"
APPS_ENTERPRISE = "Microsoft 365 Apps for enterprise"
O365_E1 = "Office 365 E1"
O365_E3 = "Office 365 E3"
O365_E5 = "Office 365 E5"
M365_E3 = "Microsoft 365 E3"
M365_E5 = "Microsoft 365 E5"
O365_E1_NO_TEAMS = "Office 365 E1 (no Teams)"
O365_E3_NO_TEAMS = "Office 365 E3 (no Teams)"
O365_E5_NO_TEAMS = "Office 365 E5 (no Teams)"
M365_E3_NO_TEAMS = "Microsoft 365 E3 (no Teams)"
M365_E5_NO_TEAMS = "Microsoft 365 E5 (no Teams)"
F1 = "Microsoft 365 F1"
F3 = "Microsoft 365 F3"
TEAMS_ENTERPRISE = "Microsoft Teams Enterprise"
COPILOT = "Microsoft 365 Copilot"

NO_TEAMS_SUITES = (O365_E1_NO_TEAMS, O365_E3_NO_TEAMS, O365_E5_NO_TEAMS, M365_E3_NO_TEAMS, M365_E5_NO_TEAMS)
COPILOT_BASES = (
    BASIC,
    STANDARD,
    PREMIUM,
    APPS_BUSINESS,
    APPS_ENTERPRISE,
    O365_E1,
    O365_E3,
    O365_E5,
    M365_E3,
    M365_E5,
    *NO_TEAMS_SUITES,
    F1,
    F3,
)

BUSINESS_MAX = 300
ENTERPRISE_MAX = 10_000_000


def _nce(name, product_id, part_number, number, rank, max_quantity, plans, prices, **rest):
    """An offer of SKU 0001 of its product, its SKU id made from `number`: 00000000-de70-2026-…"""
    sku_id = f"00000000-de70-2026-8000-{number:012d}"
    return NewCommerceOffer(
        name, product_id, "0001", part_number, sku_id, rank, max_quantity, plans, prices, **rest
    )


# fmt: off
OFFERS = [
    # name, product id, SKU part number, SKU id number, rank, max seats;
    #   service plans, {currency: (monthly figure now, from the rise)}; what differs from a base offer
    _nce(BASIC, "DEMO0BASIC", "DEMO_M365_BUSINESS_BASIC", 1, 200, BUSINESS_MAX,
         BASIC_PLANS, {"USD": ("6.00", "7.00"), "EUR": ("5.60", "6.50")}),
    _nce(STANDARD, "DEMO0STANDARD", "DEMO_M365_BUSINESS_STANDARD", 2, 210, BUSINESS_MAX,
         STANDARD_PLANS, {"USD": ("12.50", "14.00"), "EUR": ("11.70", "13.10")}),
    _nce(PREMIUM, "DEMO0PREMIUM", "DEMO_M365_BUSINESS_PREMIUM", 3, 220, BUSINESS_MAX,
         PREMIUM_PLANS, {"USD": ("22.00", "22.00"), "EUR": ("20.60", "20.60")}),
    _nce(APPS_BUSINESS, "DEMO0APPSBIZ", "DEMO_M365_APPS_BUSINESS", 4, 230, BUSINESS_MAX,
         APPS_BUSINESS_PLANS, {"USD": ("8.25", "8.25"), "EUR": ("7.70", "7.70")}),
    _nce(APPS_ENTERPRISE, "DEMO0APPSENT", "DEMO_M365_APPS_ENTERPRISE", 5, 240, ENTERPRISE_MAX,
         APPS_ENTERPRISE_PLANS, {"USD": ("12.00", "12.00"), "EUR": ("11.20", "11.20")}),
    _nce(O365_E1, "DEMO0O365E1", "DEMO_O365_E1", 6, 250, ENTERPRISE_MAX,
         O365_E1_PLANS, {"USD": ("10.00", "10.00"), "EUR": ("9.40", "9.40")}),
    _nce(O365_E3, "DEMO0O365E3", "DEMO_O365_E3", 7, 260, ENTERPRISE_MAX,
         O365_E3_PLANS, {"USD": ("23.00", "26.00"), "EUR": ("21.60", "24.40")}),
    _nce(O365_E5, "DEMO0O365E5", "DEMO_O365_E5", 8, 270, ENTERPRISE_MAX,
         O365_E5_PLANS, {"USD": ("38.00", "38.00"), "EUR": ("35.70", "35.70")}),
    _nce(M365_E3, "DEMO0M365E3", "DEMO_M365_E3", 9, 280, ENTERPRISE_MAX,
         M365_E3_PLANS, {"USD": ("36.00", "39.00"), "EUR": ("33.80", "36.60")}),
    _nce(M365_E5, "DEMO0M365E5", "DEMO_M365_E5", 10, 290, ENTERPRISE_MAX,
         M365_E5_PLANS, {"USD": ("57.00", "60.00"), "EUR": ("53.60", "56.40")}),
    _nce(O365_E1_NO_TEAMS, "DEMO0O365E1NT", "DEMO_O365_E1_NOTEAMS", 11, 300, ENTERPRISE_MAX,
         no_teams(O365_E1_PLANS), {"USD": ("7.75", "7.75"), "EUR": ("7.30", "7.30")}),
    _nce(O365_E3_NO_TEAMS, "DEMO0O365E3NT", "DEMO_O365_E3_NOTEAMS", 12, 310, ENTERPRISE_MAX,
         no_teams(O365_E3_PLANS), {"USD": ("20.75", "23.75"), "EUR": ("19.50", "22.30")}),
    _nce(O365_E5_NO_TEAMS, "DEMO0O365E5NT", "DEMO_O365_E5_NOTEAMS", 13, 320, ENTERPRISE_MAX,
         no_teams(O365_E5_PLANS), {"USD": ("35.75", "35.75"), "EUR": ("33.60", "33.60")}),
    _nce(M365_E3_NO_TEAMS, "DEMO0M365E3NT", "DEMO_M365_E3_NOTEAMS", 14, 330, ENTERPRISE_MAX,
         no_teams(M365_E3_PLANS), {"USD": ("33.75", "36.75"), "EUR": ("31.70", "34.50")}),
    _nce(M365_E5_NO_TEAMS, "DEMO0M365E5NT", "DEMO_M365_E5_NOTEAMS", 15, 340, ENTERPRISE_MAX,
         no_teams(M365_E5_PLANS), {"USD": ("54.75", "57.75"), "EUR": ("51.50", "54.30")}),
    _nce(F1, "DEMO0F1", "DEMO_M365_F1", 16, 350, ENTERPRISE_MAX,
         F1_PLANS, {"USD": ("2.25", "3.00"), "EUR": ("2.10", "2.80")},
         has_cost=False),
    _nce(F3, "DEMO0F3", "DEMO_M365_F3", 17, 360, ENTERPRISE_MAX,
         F3_PLANS, {"USD": ("8.00", "10.00"), "EUR": ("7.50", "9.40")},
         has_cost=False),
    _nce(TEAMS_ENTERPRISE, "DEMO0TEAMSENT", "DEMO_TEAMS_ENTERPRISE", 18, 370, ENTERPRISE_MAX,
         ("TEAMS1",), {"USD": ("5.25", "5.25"), "EUR": ("4.90", "4.90")},
         terms=NO_THREE_YEARS, bases=NO_TEAMS_SUITES),
    _nce(COPILOT, "DEMO0COPILOT", "DEMO_M365_COPILOT", 19, 380, ENTERPRISE_MAX,
         ("DEMO_M365_COPILOT",), {"USD": ("30.00", "30.00"), "EUR": ("28.10", "28.10")},
         terms=NO_THREE_YEARS, has_cost=False, bases=COPILOT_BASES),
]
# fmt: on

# Up-tier only, as Partner Center's transition paths (docs/domain.md §2 "Transition paths").
TRANSITION_PATHS = {
    BASIC: [STANDARD, PREMIUM, M365_E3, M365_E5],
    STANDARD: [PREMIUM, M365_E3, M365_E5],
    PREMIUM: [M365_E3, M365_E5],
    APPS_BUSINESS: [STANDARD, PREMIUM, APPS_ENTERPRISE],
    O365_E1: [O365_E3, M365_E3, O365_E5, M365_E5],
    O365_E3: [O365_E5, M365_E3, M365_E5],
    M365_E3: [M365_E5],
    F1: [F3],
    O365_E1_NO_TEAMS: [O365_E3_NO_TEAMS, M365_E3_NO_TEAMS, O365_E5_NO_TEAMS, M365_E5_NO_TEAMS],
    O365_E3_NO_TEAMS: [O365_E5_NO_TEAMS, M365_E3_NO_TEAMS, M365_E5_NO_TEAMS],
    O365_E5_NO_TEAMS: [M365_E5_NO_TEAMS],
    M365_E3_NO_TEAMS: [M365_E5_NO_TEAMS],
}


@dataclass(frozen=True)
class PriceRule:
    """How a (term, billing cycle) row is priced from the offer's published monthly figure."""

    term: str
    cycle: str
    # Billing periods of one month are the monthly figure times `factor`; annual ones twelve of it.
    months_per_period: int
    factor: Decimal


# Partner Center's published rules: a one-month term costs 20% more than a one-year one, and
# monthly billing of a longer term 5% more than paying the year in advance (April 2025).
PRICE_RULES = (
    PriceRule("P1M", "monthly", 1, Decimal("1.20")),
    PriceRule("P1Y", "monthly", 1, Decimal("1.05")),
    PriceRule("P1Y", "annual", 12, Decimal("1")),
    PriceRule("P3Y", "monthly", 1, Decimal("1.05")),
    PriceRule("P3Y", "annual", 12, Decimal("1")),
)

# The partner's cost in the demo: 85% of the customer's price, to the cent.
DEMO_COST_SHARE = Decimal("0.85")

# When the two figures take effect, in days from the day the catalog is loaded: the published
# price long enough before that every demo subscription of a three-year term is priced, and the
# rise soon enough after that every renewal preview shows it (docs/domain.md §2).
PUBLISHED_FROM_DAYS = -3 * 366
RISE_FROM_DAYS = 20
