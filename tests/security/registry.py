"""Every URL of the project, and how to point each one at another partner's object.

tests/security/test_tenancy.py walks the URL patterns and FAILS when a pattern is in neither
`TENANCY_REGISTRY` (it takes an object id) nor `WITHOUT_OBJECT_ID`: adding a URL means saying
here how to reach another partner's object through it, as the entries below do (a `Route`
per way in, built from the `Tenancy` world).

A `Route` gives, from the `Tenancy` of tests/security/world.py:
- `own`: kwargs naming the viewer's own object (the roles and CSRF sweeps must get past
  tenancy to prove their point);
- `foreign`: label -> kwargs naming another partner's object; each must answer 404 to GET, and
  to POST when the view accepts POST;
- `data`: a plausible POST body, so a POST is refused for its object, not for its form.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.offer_names import E3
from tests.security.world import Tenancy

Kwargs = Callable[[Tenancy], dict]


@dataclass(frozen=True)
class Route:
    own: Kwargs
    foreign: dict[str, Kwargs]
    data: Callable[[Tenancy], dict] = field(default=lambda tenancy: {})


def _subscription_route(data: Callable[[Tenancy], dict] = lambda tenancy: {}) -> Route:
    """A URL taking `subscription_id`: only the subscriptions the viewer's partner sold."""
    return Route(
        own=lambda t: {"subscription_id": t.own_subscription.pk},
        foreign={
            "subscription of a customer with no reseller relationship": lambda t: {
                "subscription_id": t.foreign_subscription.pk
            },
            "shared customer's subscription sold by another partner (Trey Research's ProPlus)": lambda t: {
                "subscription_id": t.shared_customer_subscription.pk
            },
            "subscription the other partner's upgrade created": lambda t: {
                "subscription_id": t.foreign_operation.target_subscription_id
            },
            "shared customer's subscription another partner's upgrade created": lambda t: {
                "subscription_id": t.shared_customer_operation.target_subscription_id
            },
            "subscription sold to a customer the partner has no relationship with any more": lambda t: {
                "subscription_id": t.lapsed_subscription.pk
            },
        },
        data=data,
    )


def _operation_route() -> Route:
    """A URL taking `operation_id`: only the reports of the viewer's partner's own upgrades."""
    return Route(
        own=lambda t: {"operation_id": t.own_operation.pk},
        foreign={
            "another partner's upgrade of its own customer": lambda t: {
                "operation_id": t.foreign_operation.pk
            },
            "another partner's upgrade of a shared customer's subscription": lambda t: {
                "operation_id": t.shared_customer_operation.pk
            },
            "a refused attempt, which has no report": lambda t: {"operation_id": t.own_refused_attempt.pk},
        },
    )


def _account_route() -> Route:
    """A URL taking `operation_id` and `account_id`: an account of one of the viewer's partner's
    own reports, and of that report only."""
    return Route(
        own=lambda t: {
            "operation_id": t.own_operation.pk,
            "account_id": t.own_operation.affected_accounts.first().pk,
        },
        foreign={
            "an account of another partner's upgrade": lambda t: {
                "operation_id": t.foreign_operation.pk,
                "account_id": t.foreign_operation.affected_accounts.first().pk,
            },
            "another partner's account under the viewer's own report": lambda t: {
                "operation_id": t.own_operation.pk,
                "account_id": t.foreign_operation.affected_accounts.first().pk,
            },
        },
        data=lambda t: {"token": str(uuid.uuid4()), "usage_location": "US"},
    )


TENANCY_REGISTRY: dict[str, Route] = {
    "customers:detail": Route(
        own=lambda t: {"customer_id": t.own_customer.pk},
        foreign={"customer with no reseller relationship": lambda t: {"customer_id": t.foreign_customer.pk}},
    ),
    "subscriptions:upgrade": _subscription_route(
        data=lambda t: {
            "target_offer": t.offers[E3].pk,
            "quantity": 5,
            "token": str(uuid.uuid4()),
            "version": t.own_subscription.version,
        }
    ),
    # The pre-flight's list of accounts, for the same choice as the upgrade form.
    "subscriptions:upgrade-accounts": _subscription_route(),
    # Why a subscription can't be upgraded: the customer page's popover (htmx) and its page.
    "subscriptions:upgrade-reasons": _subscription_route(),
    # The subscription page and its "Add licenses" form.
    "subscriptions:detail": _subscription_route(),
    "subscriptions:change-quantity": _subscription_route(
        data=lambda t: {
            "quantity": t.own_subscription.quantity + 1,
            "based_on": t.own_subscription.quantity,
            "token": str(uuid.uuid4()),
        }
    ),
    "subscriptions:operation": _operation_route(),
    "subscriptions:operation-csv": _operation_route(),
    # From the report, for the accounts the upgrade left behind.
    "subscriptions:account-assign": _account_route(),
    "subscriptions:account-usage-location": _account_route(),
    "subscriptions:accounts-retry": Route(
        own=_operation_route().own,
        foreign=_operation_route().foreign,
        data=lambda t: {"token": str(uuid.uuid4())},
    ),
}

# URL name -> why it takes no object id. A pattern with a parameter never belongs here.
WITHOUT_OBJECT_ID: dict[str, str] = {
    "home": "redirects to the customer list",
    "login": "sign-in (public)",
    "logout": "sign-out",
    "set_language": "Django's language switcher (i18n)",
    "account_settings": "the signed-in partner user's own settings (time zone)",
    "hello": "the benchmark's floor: no database, no user",
    "signed-in-floor": "the benchmark's signed-in floor: the page header, no partner data",
    "customers:list": "the partner's own customers, scoped by partnercenter.tenancy",
    "subscriptions:activity": "the partner's own operations (the activity log)",
    "subscriptions:activity-csv": "the same, as CSV",
    "subscriptions:billing-lines-csv": "the billing lines of the same operations, as CSV",
}

# The partner pages among them: the sweep checks that none shows another partner's data.
PARTNER_PAGES_WITHOUT_OBJECT_ID = [
    "customers:list",
    "subscriptions:activity",
    "subscriptions:activity-csv",
    "subscriptions:billing-lines-csv",
    "account_settings",
    "signed-in-floor",
]
