"""Eligibility (docs/domain.md §4): every target with its reasons, side-effect free, in bulk."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import DelegatedAdminGrant
from subscriptions import catalog_cache, reasons
from subscriptions.eligibility import (
    evaluate_upgrade,
    is_upgradable,
    upgrade_options,
    upgrade_options_for_page,
)
from subscriptions.models import Operation, Subscription, UpgradePath
from tests.factories import CustomerFactory, DelegatedAdminGrantFactory, SubscriptionFactory
from tests.offer_names import (
    BUSINESS,
    BUSINESS_INDIA,
    E1,
    E3,
    E5,
    ESSENTIALS,
    ESSENTIALS_INDIA,
    EXCHANGE_PLAN_1,
    POWER_BI_PRO,
    PREMIUM,
    PREMIUM_INDIA,
    PROPLUS,
)


def options_by_target(subscription) -> dict:
    return {option.target_offer.name: option for option in upgrade_options(subscription)}


def codes(option) -> list[str]:
    return [reason.code for reason in option.reasons]


# --- The demo scenarios of docs/domain.md §9, exactly as the table says -------------------

# customer -> (source offer, {eligible targets}, {refused target: reason codes}); targets not
# listed are not shown at all.
DEMO_TABLE = {
    "Contoso Ltd": (ESSENTIALS, {PREMIUM, E1, E3, E5}, {}),
    "Adatum Corporation": (BUSINESS, {PREMIUM, PROPLUS, E3, E5}, {}),
    "Litware, Inc.": (PREMIUM, {E3, E5}, {}),
    "Trey Research": (BUSINESS, {PREMIUM, E3, E5}, {PROPLUS: [reasons.TARGET_ALREADY_OWNED]}),
    "Alpine Ski House": (ESSENTIALS, {PREMIUM, E1, E3}, {E5: [reasons.CONFLICTING_SERVICES]}),
    "Proseware, Inc.": (ESSENTIALS, {PREMIUM, E1, E3, E5}, {}),
    "Tailspin Toys": (
        ESSENTIALS,
        set(),
        dict.fromkeys([PREMIUM, E1, E3, E5], [reasons.SUBSCRIPTION_NOT_ACTIVE]),
    ),
    "Wingtip Toys": (PREMIUM, set(), dict.fromkeys([E3, E5], [reasons.SUBSCRIPTION_NOT_ACTIVE])),
    "Wide World Importers": (PREMIUM, set(), dict.fromkeys([E3, E5], [reasons.SUBSCRIPTION_NOT_ACTIVE])),
    "Fourth Coffee": (
        ESSENTIALS,
        set(),
        dict.fromkeys([PREMIUM, E1, E3, E5], [reasons.DELEGATED_ADMIN_MISSING]),
    ),
    "Coho Winery": (
        BUSINESS,
        set(),
        dict.fromkeys([PREMIUM, PROPLUS, E3, E5], [reasons.DELEGATED_ADMIN_MISSING]),
    ),
    "Relecloud": (ESSENTIALS_INDIA, {PREMIUM_INDIA, E1, E3, E5}, {}),
    "Lamna Healthcare": (BUSINESS_INDIA, {PREMIUM_INDIA, PROPLUS, E3, E5}, {}),
}


@pytest.mark.parametrize("customer_name", DEMO_TABLE)
def test_every_demo_customer_gets_the_upgrade_options_of_the_table(
    demo, fabrikam_subscription, customer_name
):
    source_offer, eligible, refused = DEMO_TABLE[customer_name]
    options = options_by_target(fabrikam_subscription(customer_name, source_offer))

    assert set(options) == eligible | set(refused)
    assert {name for name, option in options.items() if option.is_eligible} == eligible
    assert {name: codes(option) for name, option in options.items() if not option.is_eligible} == refused
    assert is_upgradable(options.values()) == bool(eligible)


def test_the_demo_reasons_say_what_the_table_says(demo, fabrikam_subscription):
    trey = options_by_target(fabrikam_subscription("Trey Research", BUSINESS))[PROPLUS].reasons[0]
    assert trey.params["channel"] == "other_partner"
    assert "through another partner" in trey.message and "cancel" in trey.message
    assert "Northwind" not in trey.message

    alpine = options_by_target(fabrikam_subscription("Alpine Ski House", ESSENTIALS))[E5].reasons[0]
    assert alpine.params["services"] == [POWER_BI_PRO]
    assert "Power BI Pro" in alpine.message and "directly from Microsoft" in alpine.message

    coho = options_by_target(fabrikam_subscription("Coho Winery", BUSINESS))[E3].reasons[0]
    assert coho.params["state"] == reasons.GRANT_EXPIRED and "expired" in coho.message
    fourth = options_by_target(fabrikam_subscription("Fourth Coffee", ESSENTIALS))[E3].reasons[0]
    assert fourth.params["state"] == reasons.GRANT_MISSING

    pending = options_by_target(fabrikam_subscription("Wide World Importers", PREMIUM))[E3].reasons[0]
    assert pending.partner_center_code == "subscription_not_provisioned"


def test_proseware_is_offered_upgrade_only_and_the_others_a_license_transfer(demo, fabrikam_subscription):
    proseware = upgrade_options(fabrikam_subscription("Proseware, Inc.", ESSENTIALS))
    contoso = upgrade_options(fabrikam_subscription("Contoso Ltd", ESSENTIALS))

    assert {option.upgrade_type for option in proseware} == {Operation.UpgradeType.UPGRADE_ONLY}
    assert {option.upgrade_type for option in contoso} == {Operation.UpgradeType.WITH_LICENSE_TRANSFER}


def test_india_customers_never_see_business_premium(demo, fabrikam_subscription):
    for customer_name, source in [("Relecloud", ESSENTIALS_INDIA), ("Lamna Healthcare", BUSINESS_INDIA)]:
        options = upgrade_options(fabrikam_subscription(customer_name, source))
        assert PREMIUM not in {option.target_offer.name for option in options}
        assert {option.currency for option in options} == {"INR"}


def test_northwinds_proplus_at_trey_has_no_upgrade_path(demo):
    proplus = Subscription.objects.get(customer=demo.customers["Trey Research"], sold_by=demo.northwind)

    assert upgrade_options(proplus) == []


# --- One test per reason code ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "partner_center_code"),
    [
        (Subscription.Status.SUSPENDED, "subscription_status_not_active"),
        (Subscription.Status.EXPIRED, "subscription_status_not_active"),
        (Subscription.Status.DISABLED, "subscription_status_not_active"),
        (Subscription.Status.DELETED, "subscription_status_not_active"),
        (Subscription.Status.PENDING, "subscription_not_provisioned"),
    ],
)
def test_a_subscription_that_is_not_active_cannot_be_upgraded(world, status, partner_center_code):
    source = world.subscription(ESSENTIALS, status=status)

    options = upgrade_options(source)

    assert len(options) == 4 and not is_upgradable(options)
    for option in options:
        (reason,) = option.reasons
        assert reason.code == reasons.SUBSCRIPTION_NOT_ACTIVE
        assert reason.params == {"status": status}
        assert reason.partner_center_code == partner_center_code
        assert str(Subscription.Status(status).label) in reason.details


def test_a_target_off_the_upgrade_paths_is_refused_with_no_upgrade_path(world):
    source = world.subscription(PREMIUM)

    option = evaluate_upgrade(source, world.offers[E1])

    assert not option.is_eligible
    assert codes(option) == [reasons.NO_UPGRADE_PATH]
    assert option.reasons[0].partner_center_code == "subscription_target_offer_not_found"
    assert "Choose one of the possible upgrades" in option.reasons[0].message


def test_an_offer_with_no_upgrade_path_at_all_shows_nothing_and_refuses_any_target(world):
    source = world.subscription(EXCHANGE_PLAN_1)

    assert upgrade_options(source) == []
    reason = evaluate_upgrade(source, world.offers[E3]).reasons[0]
    assert reason.code == reasons.NO_UPGRADE_PATH
    assert reason.partner_center_code == "subscription_does_not_have_any_upgrade_paths"


def test_a_path_target_not_sold_in_the_customers_market_is_shown_refused(world):
    world.customer.market = "IN"
    world.customer.save()
    # Only an admin adding such a path makes this possible (docs/domain.md §2).
    UpgradePath.objects.create(source_offer=world.offers[BUSINESS_INDIA], target_offer=world.offers[PREMIUM])
    source = world.subscription(BUSINESS_INDIA)

    option = options_by_target(source)[PREMIUM]

    assert codes(option) == [reasons.TARGET_NOT_SOLD_IN_MARKET]
    assert option.reasons[0].params == {"target": PREMIUM, "market": "IN"}
    assert option.price is None


@pytest.mark.parametrize(
    ("grant_fields", "state", "words"),
    [
        (None, reasons.GRANT_MISSING, "do not have delegated admin privileges"),
        ({"status": DelegatedAdminGrant.Status.EXPIRED}, reasons.GRANT_EXPIRED, "expired"),
        ({"end_date": datetime.date(2020, 1, 1)}, reasons.GRANT_EXPIRED, "expired"),
        ({"status": DelegatedAdminGrant.Status.TERMINATED}, reasons.GRANT_TERMINATED, "terminated"),
    ],
)
def test_a_grant_that_does_not_count_refuses_every_target_and_says_why(world, grant_fields, state, words):
    if grant_fields is None:
        world.grant.delete()
    else:
        DelegatedAdminGrant.objects.filter(pk=world.grant.pk).update(**grant_fields)
    source = world.subscription(ESSENTIALS)

    options = upgrade_options(source)

    assert options and not is_upgradable(options)
    for option in options:
        (reason,) = option.reasons
        assert reason.code == reasons.DELEGATED_ADMIN_MISSING
        assert reason.params["state"] == state
        assert reason.partner_center_code == "delegated_admin_permissions_disabled"
        assert words in reason.message


def test_a_grant_ending_today_still_counts(world):
    DelegatedAdminGrant.objects.filter(pk=world.grant.pk).update(end_date=timezone.localdate())

    assert is_upgradable(upgrade_options(world.subscription(ESSENTIALS)))


def test_only_the_grant_of_the_partner_that_sold_the_subscription_counts(world):
    source = world.subscription(ESSENTIALS, sold_by="other")

    options = upgrade_options(source)

    assert {tuple(codes(option)) for option in options} == {(reasons.DELEGATED_ADMIN_MISSING,)}
    DelegatedAdminGrantFactory(partner=world.other_partner, customer=world.customer)
    assert is_upgradable(upgrade_options(source))


@pytest.mark.parametrize(
    ("sold_by", "channel", "words"),
    [
        ("self", "this_partner", "from you"),
        ("other", "other_partner", "through another partner; the customer must cancel it with that partner"),
        ("direct", "direct", "directly from Microsoft; the customer must cancel it in their Microsoft 365"),
    ],
)
def test_a_target_the_customer_already_holds_is_refused_whatever_the_channel(world, sold_by, channel, words):
    source = world.subscription(BUSINESS)
    world.subscription(PROPLUS, sold_by=sold_by)

    option = options_by_target(source)[PROPLUS]

    assert codes(option) == [reasons.TARGET_ALREADY_OWNED]
    reason = option.reasons[0]
    assert reason.params == {"target": PROPLUS, "channel": channel}
    assert reason.partner_center_code == "conflicting_service_types"
    assert words in reason.message
    assert world.other_partner.name not in reason.message


def test_a_cancelled_holding_of_the_target_does_not_count(world):
    source = world.subscription(BUSINESS)
    world.subscription(PROPLUS, sold_by="other", status=Subscription.Status.DELETED)

    assert options_by_target(source)[PROPLUS].is_eligible


@pytest.mark.parametrize(
    ("sold_by", "channel", "words"),
    [
        ("direct", "direct", "bought directly from Microsoft"),
        ("other", "other_partner", "bought through another partner"),
        ("self", "this_partner", "from you"),
    ],
)
def test_a_holding_with_a_service_the_target_adds_conflicts_and_is_named(world, sold_by, channel, words):
    source = world.subscription(ESSENTIALS)
    world.subscription(POWER_BI_PRO, sold_by=sold_by)

    options = options_by_target(source)

    assert {name for name, option in options.items() if option.is_eligible} == {PREMIUM, E1, E3}
    (reason,) = options[E5].reasons
    assert reason.code == reasons.CONFLICTING_SERVICES
    assert reason.params == {
        "services": [POWER_BI_PRO],
        "offer": POWER_BI_PRO,
        "channel": channel,
        "target": E5,
    }
    assert reason.partner_center_code == "conflicting_service_types"
    assert "Power BI Pro" in reason.message and words in reason.message
    assert "Power BI Pro" in reason.details
    assert world.other_partner.name not in reason.message


def test_a_plan_change_inside_a_family_is_not_an_added_service(world):
    # Litware's standalone Exchange Online (Plan 1): E3 changes the Exchange plan, it adds none.
    source = world.subscription(PREMIUM)
    world.subscription(EXCHANGE_PLAN_1)

    assert is_upgradable(upgrade_options(source))
    assert all(option.is_eligible for option in upgrade_options(source))


def test_a_suspended_holding_does_not_conflict(world):
    source = world.subscription(ESSENTIALS)
    world.subscription(POWER_BI_PRO, status=Subscription.Status.SUSPENDED)

    assert options_by_target(source)[E5].is_eligible


def test_every_failed_check_of_an_active_subscription_is_listed(world):
    world.grant.delete()
    source = world.subscription(ESSENTIALS)
    world.subscription(POWER_BI_PRO, sold_by="direct")
    world.subscription(E5, sold_by="other")

    option = options_by_target(source)[E5]

    assert codes(option) == [
        reasons.DELEGATED_ADMIN_MISSING,
        reasons.TARGET_ALREADY_OWNED,
        reasons.CONFLICTING_SERVICES,
    ]


def test_upgrade_in_progress_has_its_code_and_words():
    reason = reasons.Reason(reasons.UPGRADE_IN_PROGRESS, {})

    assert reason.partner_center_code == "concurrency_conflicts"
    assert "in progress" in reason.message
    assert reasons.describe(reasons.UPGRADE_IN_PROGRESS, {}) == reason.message


# The seven eligibility reasons of docs/domain.md §4.
ELIGIBILITY_CODES = (
    reasons.SUBSCRIPTION_NOT_ACTIVE,
    reasons.NO_UPGRADE_PATH,
    reasons.TARGET_NOT_SOLD_IN_MARKET,
    reasons.DELEGATED_ADMIN_MISSING,
    reasons.TARGET_ALREADY_OWNED,
    reasons.CONFLICTING_SERVICES,
    reasons.UPGRADE_IN_PROGRESS,
)


def test_all_seven_eligibility_reasons_have_words_and_a_partner_center_code():
    assert len(set(ELIGIBILITY_CODES)) == 7
    for code in ELIGIBILITY_CODES:
        reason = reasons.Reason(code, {})
        assert reason.message and reason.message != code
        assert reason.partner_center_code and reason.partner_center_code != code


# --- Upgrade type, price, quantity, services ------------------------------------------------


@pytest.mark.parametrize(
    ("role", "upgrade_type"),
    [
        (DelegatedAdminGrant.Role.ADMIN_AGENT, Operation.UpgradeType.WITH_LICENSE_TRANSFER),
        (DelegatedAdminGrant.Role.DIRECTORY_WRITER, Operation.UpgradeType.WITH_LICENSE_TRANSFER),
        (DelegatedAdminGrant.Role.DIRECTORY_READER, Operation.UpgradeType.UPGRADE_ONLY),
        (DelegatedAdminGrant.Role.GLOBAL_READER, Operation.UpgradeType.UPGRADE_ONLY),
    ],
)
def test_the_upgrade_type_follows_the_grants_role(world, role, upgrade_type):
    DelegatedAdminGrant.objects.filter(pk=world.grant.pk).update(role=role)

    options = upgrade_options(world.subscription(ESSENTIALS))

    assert {option.upgrade_type for option in options} == {upgrade_type}
    assert is_upgradable(options)


def test_options_come_in_the_catalogs_order_with_their_price(world):
    source = world.subscription(BUSINESS, quantity=12)

    options = upgrade_options(source)

    # The source article's order (Offer.rank), not the alphabet's (ProPlus would come last).
    assert [option.target_offer.name for option in options] == [PREMIUM, PROPLUS, E3, E5]
    assert [option.price for option in options] == [
        Decimal("12.50"),
        Decimal("12.00"),
        Decimal("20.00"),
        Decimal("35.00"),
    ]
    assert {option.currency for option in options} == {"USD"}


def test_the_default_quantity_is_the_sources_within_the_targets_limits(world):
    premium, e3 = world.offers[PREMIUM], world.offers[E3]
    assert premium.default_quantity(12) == 12
    # Business Premium stops at 300 seats; E3 does not.
    assert premium.default_quantity(500) == 300
    assert e3.default_quantity(500) == 500
    assert e3.default_quantity(0) == e3.min_quantity == 1
    # The upgrade asked for no quantity takes that default.
    assert world.upgrade(world.subscription(BUSINESS, quantity=500), PREMIUM).quantity == 300


def test_prices_are_in_the_customers_market_currency(world):
    world.customer.market = "FR"
    world.customer.save()

    option = options_by_target(world.subscription(ESSENTIALS))[E3]

    assert (option.currency, option.price) == ("EUR", Decimal("19.70"))


def test_the_service_comparison_sets_the_targets_services_beside_the_sources(world):
    comparison = options_by_target(world.subscription(PREMIUM))[E3].service_changes

    assert {(a.plan_id, b.plan_id) for a, b in comparison.changed} == {
        ("EXCHANGE_S_STANDARD", "EXCHANGE_S_ENTERPRISE"),
        ("SHAREPOINTSTANDARD", "SHAREPOINTENTERPRISE"),
        ("OFFICE_BUSINESS", "OFFICESUBSCRIPTION"),
        ("FORMS_PLAN_E1", "FORMS_PLAN_E3"),
    }
    assert {plan.plan_id for plan in comparison.lost} == {
        "MICROSOFTBOOKINGS",
        "O365_SB_Relationship_Management",
    }
    assert {plan.plan_id for plan in comparison.gained} == {"STREAM_O365_E3", "RMS_S_ENTERPRISE"}
    assert {plan.plan_id for plan in comparison.kept} == {
        "SHAREPOINTWAC",
        "MCOSTANDARD",
        "TEAMS1",
        "YAMMER_ENTERPRISE",
        "PROJECTWORKMANAGEMENT",
        "Deskless",
        "SWAY",
    }
    assert comparison.added_families == {"Microsoft Stream", "Azure Rights Management"}


# --- Side-effect free and bounded -----------------------------------------------------------


def test_eligibility_only_reads(world):
    source = world.subscription(ESSENTIALS, users=3)
    world.subscription(POWER_BI_PRO, sold_by="direct")

    with CaptureQueriesContext(connection) as queries:
        upgrade_options(source)
        evaluate_upgrade(source, world.offers[E5])

    assert queries.captured_queries
    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in queries.captured_queries)


def page_of(world, size: int) -> list[Subscription]:
    offers = [ESSENTIALS, BUSINESS, PREMIUM, BUSINESS_INDIA]
    subscriptions = []
    for index in range(size):
        customer = CustomerFactory(partner=world.partner, market="IN" if index % 4 == 3 else "US")
        if index % 5:
            DelegatedAdminGrantFactory(partner=world.partner, customer=customer)
        subscriptions.append(
            SubscriptionFactory(
                customer=customer, offer=world.offers[offers[index % 4]], sold_by=world.partner
            )
        )
        SubscriptionFactory(customer=customer, offer=world.offers[POWER_BI_PRO], sold_by=None)
    return subscriptions


def count_queries(subscriptions) -> tuple[int, dict]:
    page = list(Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]))
    catalog_cache.current()  # warm, as a serving process is; test_catalog_cache.py reads it cold
    with CaptureQueriesContext(connection) as queries:
        options = upgrade_options_for_page(page)
        # Reading what a page shows must not query either.
        for subscription_options in options.values():
            for option in subscription_options:
                [reason.message for reason in option.reasons]
                [plan.name for plan in option.service_changes.gained]
    return len(queries.captured_queries), options


def test_a_page_of_subscriptions_is_evaluated_in_a_fixed_number_of_queries(world):
    small, small_options = count_queries(page_of(world, 5))
    large, large_options = count_queries(page_of(world, 50))

    assert len(small_options) == 5 and len(large_options) == 50
    assert small == large
    assert large <= 8


def test_the_page_answer_equals_the_one_subscription_answer(world):
    subscriptions = page_of(world, 8)

    page = upgrade_options_for_page(subscriptions)

    for subscription in subscriptions:
        alone = upgrade_options(subscription)
        assert [(o.target_offer.pk, o.is_eligible, codes(o)) for o in page[subscription.pk]] == [
            (o.target_offer.pk, o.is_eligible, codes(o)) for o in alone
        ]


def test_an_empty_page_needs_no_query(db):
    with CaptureQueriesContext(connection) as queries:
        assert upgrade_options_for_page([]) == {}
    assert not queries.captured_queries


def test_an_admin_reranking_an_offer_reorders_the_possible_upgrades(world):
    # Saved as the admin saves it: its signal gives the catalog a new stamp (a bare queryset
    # update would not, docs/architecture.md "The catalog cache").
    e5 = world.offers[E5]
    e5.rank = 1
    e5.save(update_fields=["rank"])

    options = upgrade_options(world.subscription(BUSINESS))

    assert [option.target_offer.name for option in options] == [E5, PREMIUM, PROPLUS, E3]
