"""Every page `make bench` measures, one line each, and the floor it is judged against.

A later page joins the benchmark as one line here: its label, how to reach it in the bench's
data, which floor it is compared with, its ratio limit, and, for a page whose rows grow with
the data, the same page over a data set just large enough to fill it (`filled`): at scale it
must stay within `AT_SCALE` of that one, with the same query count.
"""

from collections.abc import Callable
from dataclasses import dataclass

# Ratio limits: a page's median over its floor's median in the same run, by database.
FLOOR_LIMIT = {"sqlite": 5, "postgresql": 7}  # the signed-in floor over hello
CORE = {"sqlite": 3, "postgresql": 3}  # the pages a partner opens most, over the signed-in floor
OTHER = {"sqlite": 6, "postgresql": 7}  # every other page, over the signed-in floor
AT_SCALE = 1.5  # a page at scale over the same page just filled
FILL = 50  # rows a page shows: the size of a data set "just large enough to fill it"
API_GET = {"sqlite": 3, "postgresql": 3}  # an API read over the API floor
API_UPGRADES = {"sqlite": 5, "postgresql": 5}  # the upgrade list, which runs eligibility
# A quantity change through the API over the API floor (BENCHMARKS.md, "The API"): the floor,
# the subscription read as a GET reads it (within 3x), and the change within 4x more: its write
# throttle, the idempotency key's claim and stored answer, the locked change's rules (assigned
# licenses, the grant), the subscription, its operation and billing line, in three transactions.
API_WRITE = {"sqlite": 8, "postgresql": 8}


@dataclass(frozen=True)
class Floor:
    key: str
    label: str
    url: str
    compared_with: str | None = None  # the floor this one is judged against
    limit: dict | None = None
    headers: Callable | None = None  # (bench) -> the request's headers


FLOORS = [
    Floor("hello", "hello (/_hello/: the framework)", "/_hello/"),
    Floor(
        "signed-in",
        "signed-in floor (/_signed-in/: session, user, header)",
        "/_signed-in/",
        compared_with="hello",
        limit=FLOOR_LIMIT,
    ),
    Floor(
        "api",
        "API floor (/api/_hello: bearer token, JSON)",
        "/api/_hello",
        compared_with="hello",
        limit=FLOOR_LIMIT,
        headers=lambda bench: bench.bearer,
    ),
]


@dataclass(frozen=True)
class Page:
    key: str
    label: Callable  # (bench) -> str
    url: Callable  # (bench) -> str, or None when this checkout has no such page
    limit: dict  # CORE or OTHER: the ratio allowed over the floor, by database
    floor: str = "signed-in"
    filled: str | None = None  # key of the same page just filled
    user: str = "demo"
    headers: dict | Callable | None = None  # or (bench) -> the headers
    # A write through the API: (bench, round) -> its JSON body, sent with `method` and a new
    # `MS-RequestId` every round, measured after every read so that no page sees its changes.
    body: Callable | None = None
    method: str = "get"


HTMX = {"HX-Request": "true"}
BILLING = {"HX-Request": "true", "HX-Target": "billing-preview"}


def _url(name: str, *args) -> Callable:
    return lambda bench: bench.url(name, *(arg(bench) if callable(arg) else arg for arg in args))


def _with_upgrade_choice(name: str, tenant: str) -> Callable:
    """A page of `tenant`'s subscription asked for the upgrade to E3 of every licensed user."""

    def url(bench):
        source = bench.tenant(tenant)
        base = bench.url(name, source.subscription.pk)
        return f"{base}?target_offer={bench.data.target_offer.pk}&quantity={source.users}"

    return url


def _subscription(tenant: str) -> Callable:
    return lambda bench: bench.tenant(tenant).subscription.pk


def _api_subscription(tenant: str, tail: str = "") -> Callable:
    def url(bench):
        subscription = bench.tenant(tenant).subscription
        customer = subscription.customer.tenant_id
        return f"/api/v1/customers/{customer}/subscriptions/{subscription.subscription_id}{tail}"

    return url


def _demo_subscription(customer_name: str) -> Callable:
    """The pk of a demo customer's only subscription (docs/domain.md §9): the bench seeds the demo."""

    def pk(bench):
        from subscriptions.models import Subscription  # Django is set up once the bench runs

        return Subscription.objects.get(customer__name=customer_name).pk

    return pk


def _bearer(bench) -> dict:
    return bench.bearer


def _patched_url(bench) -> str:
    subscription = bench.patched
    return f"/api/v1/customers/{subscription.customer.tenant_id}/subscriptions/{subscription.subscription_id}"


def _quantity_of_round(bench, number: int) -> dict:
    """The subscription as read, sent back with one or two seats more than it had, alternately:
    every round changes the quantity (Partner Center's PATCH: the whole resource, a new
    `quantity`)."""
    return {**bench.patched_resource, "quantity": bench.patched.quantity + 1 + number % 2}


PAGES = [
    Page(
        "customers",
        lambda b: f"customer list ({b.customers:,} customers, page 1)",
        _url("customers:list"),
        CORE,
        filled="customers-filled",
    ),
    Page(
        "customers-filled",
        lambda b: f"customer list ({FILL} customers)",
        _url("customers:list"),
        CORE,
        user="fill",
    ),
    Page(
        "customers-search",
        lambda b: "customer list (search: 1 customer)",
        lambda b: b.url("customers:list") + "?q=contoso",
        OTHER,
    ),
    Page(
        "subscriptions",
        lambda b: f"subscription list ({b.sizes.many:,} subscriptions, page 1)",
        _url("customers:detail", lambda b: b.data.many.pk),
        OTHER,
        filled="subscriptions-filled",
    ),
    Page(
        "subscriptions-filled",
        lambda b: f"subscription list ({FILL} subscriptions)",
        _url("customers:detail", lambda b: b.data.filled.pk),
        OTHER,
    ),
    Page(
        "subscriptions-few",
        lambda b: f"subscription list ({b.sizes.few} subscriptions)",
        _url("customers:detail", lambda b: b.data.few.pk),
        CORE,
    ),
    Page(
        "upgrade",
        lambda b: f"upgrade page ({b.sizes.licensed_users:,} licensed users)",
        _url("subscriptions:upgrade", _subscription("large")),
        CORE,
        filled="upgrade-filled",
    ),
    Page(
        "upgrade-filled",
        lambda b: f"upgrade page ({FILL} licensed users)",
        _url("subscriptions:upgrade", _subscription("filled")),
        CORE,
    ),
    Page(
        "billing",
        lambda b: f"billing preview fragment (htmx, {b.sizes.licensed_users:,} users)",
        _with_upgrade_choice("subscriptions:upgrade", "large"),
        CORE,
        filled="billing-filled",
        headers=BILLING,
    ),
    Page(
        "billing-filled",
        lambda b: f"billing preview fragment (htmx, {FILL} users)",
        _with_upgrade_choice("subscriptions:upgrade", "filled"),
        CORE,
        headers=BILLING,
    ),
    Page(
        "accounts",
        lambda b: f"pre-flight accounts list (htmx, page 1 of {b.sizes.licensed_users:,})",
        _with_upgrade_choice("subscriptions:upgrade-accounts", "large"),
        OTHER,
        filled="accounts-filled",
        headers=HTMX,
    ),
    Page(
        "accounts-filled",
        lambda b: f"pre-flight accounts list (htmx, {FILL} accounts)",
        _with_upgrade_choice("subscriptions:upgrade-accounts", "filled"),
        OTHER,
        headers=HTMX,
    ),
    Page(
        "report",
        lambda b: f"report ({b.report_accounts:,} accounts, page 1)",
        _url("subscriptions:operation", lambda b: b.report.pk),
        OTHER,
        filled="report-filled",
    ),
    Page(
        "report-filled",
        lambda b: f"report ({b.filled_report_accounts} accounts)",
        _url("subscriptions:operation", lambda b: b.filled_report.pk),
        OTHER,
    ),
    Page(
        "subscription",
        lambda b: f"subscription page ({b.sizes.licensed_users:,} licensed users, page 1)",
        _url("subscriptions:detail", _subscription("large")),
        OTHER,
        filled="subscription-filled",
    ),
    Page(
        "subscription-filled",
        lambda b: f"subscription page ({FILL} licensed users)",
        _url("subscriptions:detail", _subscription("filled")),
        OTHER,
    ),
    Page(
        "add-licenses",
        lambda b: f"Add licenses page ({b.sizes.licensed_users:,} licensed users)",
        _url("subscriptions:change-quantity", _subscription("large")),
        OTHER,
        filled="add-licenses-filled",
    ),
    Page(
        "add-licenses-filled",
        lambda b: f"Add licenses page ({FILL} licensed users)",
        _url("subscriptions:change-quantity", _subscription("filled")),
        OTHER,
    ),
    Page(
        "subscription-nce",
        lambda b: "subscription page (new commerce, three-year term, 100 licensed users)",
        _url("subscriptions:detail", _demo_subscription("Woodgrove Bank")),
        OTHER,
    ),
    Page(
        "add-licenses-nce",
        lambda b: "Add licenses preview (htmx, new commerce, with the margin)",
        lambda b: (
            b.url("subscriptions:change-quantity", _demo_subscription("Woodgrove Bank")(b)) + "?quantity=130"
        ),
        OTHER,
        headers={"HX-Request": "true", "HX-Target": "quantity-preview"},
    ),
    Page(
        "activity",
        lambda b: f"activity log ({b.log_entries:,} entries, page 1)",
        _url("subscriptions:activity"),
        OTHER,
        filled="activity-filled",
    ),
    Page(
        "activity-filled",
        lambda b: f"activity log ({FILL} entries)",
        _url("subscriptions:activity"),
        OTHER,
        user="fill",
    ),
    Page("settings", lambda b: "settings page (time zone)", _url("account_settings"), OTHER),
    Page(
        "reasons",
        lambda b: "a row's upgrade refusals (htmx, on open)",
        _url("subscriptions:upgrade-reasons", lambda b: b.refused_subscription.pk),
        OTHER,
        headers=HTMX,
    ),
    Page(
        "api-customers",
        lambda b: f"API: customers ({b.customers:,}, 50 a page)",
        lambda b: "/api/v1/customers?size=50",
        API_GET,
        floor="api",
        headers=_bearer,
    ),
    Page(
        "api-subscriptions",
        lambda b: f"API: subscriptions ({b.sizes.many:,}, 50 a page)",
        lambda b: f"/api/v1/customers/{b.data.many.tenant_id}/subscriptions?size=50",
        API_GET,
        floor="api",
        headers=_bearer,
    ),
    Page(
        "api-subscription",
        lambda b: "API: a subscription",
        _api_subscription("large"),
        API_GET,
        floor="api",
        headers=_bearer,
    ),
    Page(
        "api-upgrades",
        lambda b: f"API: upgrades ({b.sizes.licensed_users:,} licensed users)",
        _api_subscription("large", "/upgrades"),
        API_UPGRADES,
        floor="api",
        headers=_bearer,
    ),
    Page(
        "api-quantity",
        lambda b: f"API: quantity PATCH (E3, {b.patched_licenses:,} licensed users)",
        _patched_url,
        API_WRITE,
        floor="api",
        headers=_bearer,
        body=_quantity_of_round,
        method="patch",
    ),
]
