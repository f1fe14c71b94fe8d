"""The demo's scenarios as data (docs/domain.md §9): sign-ins, customers, their subscriptions.

`CUSTOMERS` (the legacy scenarios, then the new-commerce ones) reads like the tables of
docs/domain.md §9; `subscriptions.demo` writes it. The generated names of `seed_demo --scale`
customers and users are data too.
"""

import zlib
from dataclasses import dataclass, field

from customers.models import DelegatedAdminGrant, PartnerUser
from subscriptions import new_commerce_catalog_data as nce
from subscriptions.models import BillingCycle, Subscription, TermDuration

FABRIKAM = "Fabrikam Cloud Solutions"
NORTHWIND = "Northwind Cloud"
DIRECT = None  # bought directly from Microsoft

BUSINESS = "Office 365 Business"
ESSENTIALS = "Office 365 Business Essentials"
PREMIUM = "Office 365 Business Premium"
BUSINESS_INDIA = "Office 365 Business India"
ESSENTIALS_INDIA = "Office 365 Business Essentials India"
PROPLUS = "Office 365 ProPlus"
POWER_BI_PRO = "Power BI Pro"
EXCHANGE_PLAN_1 = "Exchange Online (Plan 1)"

ADMIN_AGENT = DelegatedAdminGrant.Role.ADMIN_AGENT
DIRECTORY_READER = DelegatedAdminGrant.Role.DIRECTORY_READER
ACTIVE = Subscription.Status.ACTIVE

DAYS_SINCE_CREATION = 100  # out of the first month, so cancelling credits the days left
DAYS_SINCE_GRANT_EXPIRED = 30


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    partner: str | None  # None: the Django admin superuser
    role: str


LOGINS = [
    Login("demo", "demo-password", FABRIKAM, PartnerUser.Role.ADMIN_AGENT),
    Login("billing", "billing-password", FABRIKAM, PartnerUser.Role.BILLING_ADMIN),
    Login("northwind", "northwind-password", NORTHWIND, PartnerUser.Role.ADMIN_AGENT),
]
SUPERUSER = Login("admin", "admin-password", None, "superuser")
SITE_URL = "http://127.0.0.1:8000/"  # what `make run` serves without PORT= (seed_demo --url)


@dataclass(frozen=True)
class Sub:
    """A subscription of a demo customer; `users` are indexes into the customer's user accounts."""

    offer: str
    seats: int
    users: tuple[int, ...]
    sold_by: str | None = FABRIKAM
    status: str = ACTIVE
    days_old: int = DAYS_SINCE_CREATION
    # user index -> plan ids switched off on this license
    disabled_plans: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # New commerce: the term (blank: a legacy subscription) and its billing cycle.
    term: str = ""
    cycle: str = BillingCycle.MONTHLY
    # An add-on: the index of its base among the customer's subscriptions.
    base: int | None = None


@dataclass(frozen=True)
class Grant:
    partner: str
    role: str = ADMIN_AGENT
    status: str = DelegatedAdminGrant.Status.ACTIVE


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    domain: str
    partners: tuple[str, ...]
    subscriptions: tuple[Sub, ...]
    grants: tuple[Grant, ...]
    market: str = "US"
    # user indexes whose usage location is blank
    no_usage_location: tuple[int, ...] = ()

    @property
    def user_count(self) -> int:
        return max((index + 1 for sub in self.subscriptions for index in sub.users), default=0)


def first(count: int, *, after: int = 0) -> tuple[int, ...]:
    """User indexes `after` .. `after + count - 1`."""
    return tuple(range(after, after + count))


YAMMER_AND_SWAY = ("YAMMER_ENTERPRISE", "SWAY")
EXCHANGE_ONLINE_PLAN_1 = ("EXCHANGE_S_STANDARD",)
LITWARE_EXCHANGE_USERS = (10, 11)

# fmt: off
LEGACY_CUSTOMERS = [
    DemoCustomer(
        "Contoso Ltd", "contoso.example", partners=(FABRIKAM,), grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(ESSENTIALS, 25, first(20), disabled_plans={0: YAMMER_AND_SWAY, 1: YAMMER_AND_SWAY}),
        ),
    ),
    DemoCustomer(
        "Adatum Corporation", "adatum.example", partners=(FABRIKAM,), grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(BUSINESS, 10, first(10)),
        ),
    ),
    # The reference report of docs/domain.md §5: two users hold a standalone Exchange Online
    # (Plan 1) license, so their Business Premium one has it switched off; one has no usage location.
    DemoCustomer(
        "Litware, Inc.", "litware.example", partners=(FABRIKAM,), grants=(Grant(FABRIKAM),),
        no_usage_location=(5,),
        subscriptions=(
            Sub(PREMIUM, 40, first(38),
                disabled_plans=dict.fromkeys(LITWARE_EXCHANGE_USERS, EXCHANGE_ONLINE_PLAN_1)),
            Sub(EXCHANGE_PLAN_1, 2, LITWARE_EXCHANGE_USERS),
        ),
    ),
    DemoCustomer(
        "Trey Research", "treyresearch.example", partners=(FABRIKAM, NORTHWIND),
        grants=(Grant(FABRIKAM), Grant(NORTHWIND)),
        subscriptions=(
            Sub(BUSINESS, 15, first(12)),
            Sub(PROPLUS, 15, first(10, after=12), sold_by=NORTHWIND),
        ),
    ),
    DemoCustomer(
        "Alpine Ski House", "alpineskihouse.example", partners=(FABRIKAM,), grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(ESSENTIALS, 12, first(12)),
            Sub(POWER_BI_PRO, 5, first(5), sold_by=DIRECT),
        ),
    ),
    DemoCustomer(
        "Proseware, Inc.", "proseware.example", partners=(FABRIKAM,),
        grants=(Grant(FABRIKAM, role=DIRECTORY_READER),),
        subscriptions=(
            Sub(ESSENTIALS, 8, first(8), days_old=10),  # still in its first month
        ),
    ),
    DemoCustomer(
        "Tailspin Toys", "tailspintoys.example", partners=(FABRIKAM,), grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(ESSENTIALS, 10, first(5), status=Subscription.Status.SUSPENDED),
        ),
    ),
    DemoCustomer(
        "Wingtip Toys", "wingtiptoys.example", partners=(FABRIKAM,), grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(PREMIUM, 10, (), status=Subscription.Status.DELETED),
        ),
    ),
    DemoCustomer(
        "Wide World Importers", "wideworldimporters.example", partners=(FABRIKAM,), grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(PREMIUM, 10, (), status=Subscription.Status.PENDING),
        ),
    ),
    DemoCustomer(
        "Fourth Coffee", "fourthcoffee.example", partners=(FABRIKAM,), grants=(),  # relationship only
        subscriptions=(
            Sub(ESSENTIALS, 10, first(5)),
        ),
    ),
    DemoCustomer(
        "Coho Winery", "cohowinery.example", partners=(FABRIKAM,),
        grants=(Grant(FABRIKAM, status=DelegatedAdminGrant.Status.EXPIRED),),
        subscriptions=(
            Sub(BUSINESS, 10, first(5)),
        ),
    ),
    DemoCustomer(
        "Relecloud", "relecloud.example", market="IN", partners=(FABRIKAM,), grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(ESSENTIALS_INDIA, 20, first(15)),
        ),
    ),
    DemoCustomer(
        "Lamna Healthcare", "lamnahealthcare.example", market="IN", partners=(FABRIKAM,),
        grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(BUSINESS_INDIA, 5, first(5)),
        ),
    ),
    # Northwind's own customer: Fabrikam has no relationship with it.
    DemoCustomer(
        "Margie's Travel", "margiestravel.example", partners=(NORTHWIND,), grants=(Grant(NORTHWIND),),
        subscriptions=(
            Sub(ESSENTIALS, 10, first(8), sold_by=NORTHWIND),
        ),
    ),
]
# fmt: on

# New commerce (docs/domain.md §9): one term, cycle or add-on rule each, on the 2026 catalog.
P1M, P1Y, P3Y = TermDuration.P1M, TermDuration.P1Y, TermDuration.P3Y
MONTHLY, ANNUAL = BillingCycle.MONTHLY, BillingCycle.ANNUAL

# fmt: off
NEW_COMMERCE_CUSTOMERS = [
    # A Copilot add-on on its Business Standard base; both with the partner's cost but Copilot.
    DemoCustomer(
        "Bellows College", "bellowscollege.example", partners=(FABRIKAM,), grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(nce.STANDARD, 30, first(25), term=P1Y, cycle=MONTHLY),
            Sub(nce.COPILOT, 10, first(10), term=P1Y, cycle=ANNUAL, base=0),
        ),
    ),
    # A three-year term billed annually: the period is the term year.
    DemoCustomer(
        "Woodgrove Bank", "woodgrovebank.example", partners=(FABRIKAM,), grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(nce.M365_E3, 120, first(100), term=P3Y, cycle=ANNUAL, days_old=400),
        ),
    ),
    # A one-month term, monthly: priced 20% above the year's.
    DemoCustomer(
        "Consolidated Messenger", "consolidatedmessenger.example", partners=(FABRIKAM,),
        grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(nce.BASIC, 15, first(12), term=P1M, cycle=MONTHLY, days_old=10),
        ),
    ),
    # A (no Teams) suite with Teams Enterprise beside it.
    DemoCustomer(
        "Humongous Insurance", "humongousinsurance.example", partners=(FABRIKAM,), grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(nce.O365_E3_NO_TEAMS, 50, first(40), term=P1Y, cycle=ANNUAL),
            Sub(nce.TEAMS_ENTERPRISE, 40, first(40), term=P1Y, cycle=MONTHLY, base=0),
        ),
    ),
    # No cost row for F1: its pages show no margin.
    DemoCustomer(
        "Munson's Pickles and Preserves Farm", "munsonspickles.example", partners=(FABRIKAM,),
        grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(nce.F1, 40, first(30), term=P1Y, cycle=MONTHLY),
        ),
    ),
    # In euros, a year billed in advance.
    DemoCustomer(
        "Lucerne Publishing", "lucernepublishing.example", market="FR", partners=(FABRIKAM,),
        grants=(Grant(FABRIKAM),),
        subscriptions=(
            Sub(nce.PREMIUM, 20, first(18), term=P1Y, cycle=ANNUAL),
        ),
    ),
]
# fmt: on

CUSTOMERS = [*LEGACY_CUSTOMERS, *NEW_COMMERCE_CUSTOMERS]

# --scale: generated customers of Fabrikam for load work.
SCALE_NAME = "Scale Customer {number:04d}"
SCALE_DOMAIN = "scalecustomer{number:04d}.example"
SCALE_OFFERS = (BUSINESS, ESSENTIALS, PREMIUM)
SCALE_BATCH_SIZE = 1000

FIRST_NAMES = (
    "Aaron", "Bianca", "Carlos", "Dana", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kira", "Liam", "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara",
    "Umar", "Vera", "Wes", "Xenia", "Yusuf", "Zoe", "Amir", "Beth", "Chen", "Dario",
    "Esme", "Femi", "Gita", "Hugo", "Iris", "Jude", "Kofi", "Lena", "Marco", "Nadia",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Bauer", "Castro", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ito", "Jensen",
    "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Patel", "Quintero", "Rossi", "Silva", "Tanaka",
    "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zimmer", "Alvarez", "Brooks", "Costa", "Diaz",
    "Evans", "Ferreira", "Gomez", "Haddad", "Iyer", "Jovanovic", "Kim", "Lopez", "Mendes", "Nguyen",
)  # fmt: skip


def user_name(domain: str, index: int) -> tuple[str, str]:
    """(display name, user principal name) of a customer's user `index`: stable, unique per domain.

    Index i takes first name i and last name i + i // 40 (mod 40, shifted per domain so customers
    differ): distinct for the first 1,600 users of a domain.
    """
    size = len(FIRST_NAMES)
    shift = zlib.crc32(domain.encode())
    first_name = FIRST_NAMES[(index + shift) % size]
    last_name = LAST_NAMES[(index + index // size + shift // size) % size]
    return f"{first_name} {last_name}", f"{first_name}.{last_name}@{domain}".lower()
