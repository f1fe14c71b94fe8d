"""The demo data of DOMAIN.md section 7, and the generated customers of `seed_demo --scale`.

The scenarios are data (`CUSTOMERS` below reads like DOMAIN.md's table); the functions write them.
Seeding only creates what is missing, found by natural keys (partner name, username, customer
domain, user principal name, subscription by customer, offer and seller): a second run changes
nothing, and a scenario the demo user has since played through (an upgrade, a quantity change)
is left as it is. A subscription's licenses are written only with the subscription itself, so an
upgraded-away subscription never gets its licenses back. `reset_demo` clears the slate.
"""

import datetime
import functools
import random
import zlib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from customers.models import (
    Customer,
    CustomerUser,
    DelegatedAdminGrant,
    Partner,
    PartnerUser,
    ResellerRelationship,
)
from subscriptions.catalog import load_catalog
from subscriptions.models import LicenseAssignment, Offer, Operation, ServicePlan, Subscription, add_months

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
SITE_URL = "http://127.0.0.1:8000/"  # what `make run` serves


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
CUSTOMERS = [
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
    # The reference report of DOMAIN.md section 5: two users hold a standalone Exchange Online
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


@dataclass(frozen=True)
class DemoData:
    """The seeded demo, for tests and fixtures: partners, sign-ins and customers by name."""

    fabrikam: Partner
    northwind: Partner
    users: dict[str, object]  # username -> auth user
    customers: dict[str, Customer]
    passwords: dict[str, str]


def demo_data() -> DemoData:
    partners = {partner.name: partner for partner in Partner.objects.filter(name__in=[FABRIKAM, NORTHWIND])}
    usernames = [login.username for login in [*LOGINS, SUPERUSER]]
    return DemoData(
        fabrikam=partners[FABRIKAM],
        northwind=partners[NORTHWIND],
        users={user.username: user for user in get_user_model().objects.filter(username__in=usernames)},
        customers={
            customer.name: customer
            for customer in Customer.objects.filter(domain__in=[spec.domain for spec in CUSTOMERS])
        },
        passwords={login.username: login.password for login in [*LOGINS, SUPERUSER]},
    )


# --- Writing -------------------------------------------------------------------------------


@functools.cache
def _password_hash(password: str) -> str:
    # Hashing costs about half a second; tests seed the demo many times in one process.
    return make_password(password)


@transaction.atomic
def seed_demo(*, today: datetime.date | None = None) -> None:
    """Create whatever of DOMAIN.md section 7 is missing."""
    today = today or timezone.localdate()
    offers = load_catalog()
    partners = {name: Partner.objects.get_or_create(name=name)[0] for name in (FABRIKAM, NORTHWIND)}
    _seed_logins(partners)
    plans = {plan.plan_id: plan for plan in ServicePlan.objects.all()}
    for spec in CUSTOMERS:
        _seed_customer(spec, partners=partners, offers=offers, plans=plans, today=today)


def _seed_logins(partners: dict[str, Partner]) -> None:
    User = get_user_model()
    for login in LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User.objects.create(username=login.username, password=_password_hash(login.password))
        PartnerUser.objects.get_or_create(
            user=user, defaults={"partner": partners[login.partner], "role": login.role}
        )
    if not User.objects.filter(username=SUPERUSER.username).exists():
        User.objects.create(
            username=SUPERUSER.username,
            password=_password_hash(SUPERUSER.password),
            is_staff=True,
            is_superuser=True,
        )


def _seed_customer(spec: DemoCustomer, *, partners, offers, plans, today) -> None:
    customer, _ = Customer.objects.get_or_create(
        domain=spec.domain, defaults={"name": spec.name, "market": spec.market}
    )
    for partner_name in spec.partners:
        ResellerRelationship.objects.get_or_create(partner=partners[partner_name], customer=customer)
    for grant in spec.grants:
        expired = grant.status != DelegatedAdminGrant.Status.ACTIVE
        DelegatedAdminGrant.objects.get_or_create(
            partner=partners[grant.partner],
            customer=customer,
            service=DelegatedAdminGrant.Service.OFFICE365,
            defaults={
                "role": grant.role,
                "status": grant.status,
                "end_date": (
                    today - datetime.timedelta(days=DAYS_SINCE_GRANT_EXPIRED)
                    if expired
                    else add_months(today, 12)
                ),
            },
        )

    wanted = {}
    for index in range(spec.user_count):
        display_name, upn = user_name(spec.domain, index)
        location = "" if index in spec.no_usage_location else spec.market
        wanted[upn] = CustomerUser(
            customer=customer, display_name=display_name, user_principal_name=upn, usage_location=location
        )
    existing = set(
        CustomerUser.objects.filter(user_principal_name__in=wanted).values_list(
            "user_principal_name", flat=True
        )
    )
    CustomerUser.objects.bulk_create([user for upn, user in wanted.items() if upn not in existing])
    users = {
        user.user_principal_name: user for user in CustomerUser.objects.filter(user_principal_name__in=wanted)
    }
    users_by_index = [users[upn] for upn in wanted]

    for sub in spec.subscriptions:
        offer, sold_by = offers[sub.offer], partners.get(sub.sold_by)
        if Subscription.objects.filter(customer=customer, offer=offer, sold_by=sold_by).exists():
            continue
        created_on = today - datetime.timedelta(days=sub.days_old)
        subscription = Subscription.objects.create(
            customer=customer,
            offer=offer,
            friendly_name=offer.name,
            quantity=sub.seats,
            status=sub.status,
            sold_by=sold_by,
            created_on=created_on,
            term_end=add_months(created_on, 12),
        )
        licenses = LicenseAssignment.objects.bulk_create(
            [LicenseAssignment(user=users_by_index[index], subscription=subscription) for index in sub.users]
        )
        Disabled = LicenseAssignment.disabled_plans.through
        Disabled.objects.bulk_create(
            [
                Disabled(licenseassignment=license, serviceplan=plans[plan_id])
                for license, index in zip(licenses, sub.users, strict=True)
                for plan_id in sub.disabled_plans.get(index, ())
            ]
        )


@transaction.atomic
def seed_scale(count: int, *, today: datetime.date | None = None) -> int:
    """Add the missing "Scale Customer 0001" .. `count` to Fabrikam; returns how many were added.

    Each customer's content comes from a random generator seeded with its number, so it is the
    same whichever run creates it.
    """
    today = today or timezone.localdate()
    fabrikam = Partner.objects.get(name=FABRIKAM)
    offers = {offer.name: offer for offer in Offer.objects.filter(name__in=SCALE_OFFERS)}
    domains = {SCALE_DOMAIN.format(number=number): number for number in range(1, count + 1)}
    existing = set(Customer.objects.filter(domain__in=domains).values_list("domain", flat=True))
    numbers = [number for domain, number in domains.items() if domain not in existing]
    if not numbers:
        return 0

    customers = Customer.objects.bulk_create(
        [
            Customer(
                name=SCALE_NAME.format(number=number), domain=SCALE_DOMAIN.format(number=number), market="US"
            )
            for number in numbers
        ],
        batch_size=SCALE_BATCH_SIZE,
    )
    ResellerRelationship.objects.bulk_create(
        [ResellerRelationship(partner=fabrikam, customer=customer) for customer in customers],
        batch_size=SCALE_BATCH_SIZE,
    )
    DelegatedAdminGrant.objects.bulk_create(
        [
            DelegatedAdminGrant(
                partner=fabrikam, customer=customer, role=ADMIN_AGENT, end_date=add_months(today, 12)
            )
            for customer in customers
        ],
        batch_size=SCALE_BATCH_SIZE,
    )

    users, subscriptions, licensed = [], [], []  # licensed: (user position, subscription position)
    for number, customer in zip(numbers, customers, strict=True):
        rng = random.Random(f"scale-customer-{number}")
        chosen = rng.sample(SCALE_OFFERS, rng.randint(1, len(SCALE_OFFERS)))
        user_count = rng.randint(5, 50)
        first_subscription = len(subscriptions)
        for position, offer_name in enumerate(chosen):
            # One license per user, on one subscription: Business and Business Essentials share
            # the SharePoint family, so no user may hold both.
            licensed_here = len(range(position, user_count, len(chosen)))
            created_on = today - datetime.timedelta(days=rng.randint(35, 330))
            subscriptions.append(
                Subscription(
                    customer=customer,
                    offer=offers[offer_name],
                    friendly_name=offer_name,
                    quantity=licensed_here + rng.randint(0, 5),
                    sold_by=fabrikam,
                    created_on=created_on,
                    term_end=add_months(created_on, 12),
                )
            )
        for index in range(user_count):
            display_name, upn = user_name(customer.domain, index)
            licensed.append((len(users), first_subscription + index % len(chosen)))
            users.append(
                CustomerUser(
                    customer=customer, display_name=display_name, user_principal_name=upn, usage_location="US"
                )
            )

    CustomerUser.objects.bulk_create(users, batch_size=SCALE_BATCH_SIZE)
    Subscription.objects.bulk_create(subscriptions, batch_size=SCALE_BATCH_SIZE)
    LicenseAssignment.objects.bulk_create(
        [LicenseAssignment(user=users[u], subscription=subscriptions[s]) for u, s in licensed],
        batch_size=SCALE_BATCH_SIZE,
    )
    return len(customers)


def _demo_customers():
    scale = Q(
        name__startswith="Scale Customer ", domain__startswith="scalecustomer", domain__endswith=".example"
    )
    return Customer.objects.filter(Q(domain__in=[spec.domain for spec in CUSTOMERS]) | scale)


@transaction.atomic
def reset_demo() -> None:
    """Delete the demo partners, sign-ins and customers (scale customers too), and all that hangs on them.

    The operation log is append-only for the product, but a reset is a developer's clean slate:
    its rows would otherwise block the deletion (they protect what they record).
    """
    User = get_user_model()
    customers = _demo_customers()
    partners = Partner.objects.filter(name__in=[FABRIKAM, NORTHWIND])
    users = User.objects.filter(username__in=[login.username for login in [*LOGINS, SUPERUSER]])
    subscriptions = Subscription.objects.filter(Q(customer__in=customers) | Q(sold_by__in=partners))
    Operation.objects.filter(
        Q(customer__in=customers)
        | Q(partner__in=partners)
        | Q(actor__in=users)
        | Q(subscription__in=subscriptions)
        | Q(target_subscription__in=subscriptions)
    ).delete()
    # An upgraded subscription protects the one it points at.
    subscriptions.filter(upgraded_to__isnull=False).update(upgraded_to=None)
    Subscription.objects.filter(upgraded_to__in=subscriptions).update(upgraded_to=None)
    subscriptions.delete()
    customers.delete()
    partners.delete()
    users.delete()
