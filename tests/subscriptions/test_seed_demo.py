"""`seed_demo` creates exactly the demo of docs/domain.md §9, idempotently.

The expected scenario is transcribed here from docs/domain.md §9, independently of `subscriptions.demo`.
"""

import datetime
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from customers.models import Customer, CustomerUser, DelegatedAdminGrant, Partner, PartnerUser
from subscriptions.demo import reset_demo
from subscriptions.models import LicenseAssignment, Offer, Operation, Subscription, add_months
from tests.factories import CustomerFactory, PartnerFactory, SubscriptionFactory
from tests.oracles import grants_counting_on

FABRIKAM = "Fabrikam Cloud Solutions"
NORTHWIND = "Northwind Cloud"
DIRECT = None

# name: (domain, market, user accounts, partners with a reseller relationship,
#        grants {partner: (role, status)}, subscriptions [(offer, seats, licensed users, status, sold by)])
SCENARIO = {
    "Contoso Ltd": (
        "contoso.example", "US", 20, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Office 365 Business Essentials", 25, 20, "active", FABRIKAM)],
    ),
    "Adatum Corporation": (
        "adatum.example", "US", 10, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Office 365 Business", 10, 10, "active", FABRIKAM)],
    ),
    "Litware, Inc.": (
        "litware.example", "US", 38, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Office 365 Business Premium", 40, 38, "active", FABRIKAM),
         ("Exchange Online (Plan 1)", 2, 2, "active", FABRIKAM)],
    ),
    "Trey Research": (
        "treyresearch.example", "US", 22, {FABRIKAM, NORTHWIND},
        {FABRIKAM: ("admin_agent", "active"), NORTHWIND: ("admin_agent", "active")},
        [("Office 365 Business", 15, 12, "active", FABRIKAM),
         ("Office 365 ProPlus", 15, 10, "active", NORTHWIND)],
    ),
    "Alpine Ski House": (
        "alpineskihouse.example", "US", 12, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Office 365 Business Essentials", 12, 12, "active", FABRIKAM),
         ("Power BI Pro", 5, 5, "active", DIRECT)],
    ),
    "Proseware, Inc.": (
        "proseware.example", "US", 8, {FABRIKAM}, {FABRIKAM: ("directory_reader", "active")},
        [("Office 365 Business Essentials", 8, 8, "active", FABRIKAM)],
    ),
    "Tailspin Toys": (
        "tailspintoys.example", "US", 5, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Office 365 Business Essentials", 10, 5, "suspended", FABRIKAM)],
    ),
    "Wingtip Toys": (
        "wingtiptoys.example", "US", 0, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Office 365 Business Premium", 10, 0, "deleted", FABRIKAM)],
    ),
    "Wide World Importers": (
        "wideworldimporters.example", "US", 0, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Office 365 Business Premium", 10, 0, "pending", FABRIKAM)],
    ),
    "Fourth Coffee": (
        "fourthcoffee.example", "US", 5, {FABRIKAM}, {},
        [("Office 365 Business Essentials", 10, 5, "active", FABRIKAM)],
    ),
    "Coho Winery": (
        "cohowinery.example", "US", 5, {FABRIKAM}, {FABRIKAM: ("admin_agent", "expired")},
        [("Office 365 Business", 10, 5, "active", FABRIKAM)],
    ),
    "Relecloud": (
        "relecloud.example", "IN", 15, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Office 365 Business Essentials India", 20, 15, "active", FABRIKAM)],
    ),
    "Lamna Healthcare": (
        "lamnahealthcare.example", "IN", 5, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Office 365 Business India", 5, 5, "active", FABRIKAM)],
    ),
    "Margie's Travel": (
        "margiestravel.example", "US", 8, {NORTHWIND}, {NORTHWIND: ("admin_agent", "active")},
        [("Office 365 Business Essentials", 10, 8, "active", NORTHWIND)],
    ),
}  # fmt: skip

# The new-commerce customers of docs/domain.md §9, same columns; their terms are below.
NEW_COMMERCE_SCENARIO = {
    "Bellows College": (
        "bellowscollege.example", "US", 25, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Microsoft 365 Business Standard", 30, 25, "active", FABRIKAM),
         ("Microsoft 365 Copilot", 10, 10, "active", FABRIKAM)],
    ),
    "Woodgrove Bank": (
        "woodgrovebank.example", "US", 100, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Microsoft 365 E3", 120, 100, "active", FABRIKAM)],
    ),
    "Consolidated Messenger": (
        "consolidatedmessenger.example", "US", 12, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Microsoft 365 Business Basic", 15, 12, "active", FABRIKAM)],
    ),
    "Humongous Insurance": (
        "humongousinsurance.example", "US", 40, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Office 365 E3 (no Teams)", 50, 40, "active", FABRIKAM),
         ("Microsoft Teams Enterprise", 40, 40, "active", FABRIKAM)],
    ),
    "Munson's Pickles and Preserves Farm": (
        "munsonspickles.example", "US", 30, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Microsoft 365 F1", 40, 30, "active", FABRIKAM)],
    ),
    "Lucerne Publishing": (
        "lucernepublishing.example", "FR", 18, {FABRIKAM}, {FABRIKAM: ("admin_agent", "active")},
        [("Microsoft 365 Business Premium", 20, 18, "active", FABRIKAM)],
    ),
}  # fmt: skip

O365_E3_NO_TEAMS = "Office 365 E3 (no Teams)"
# (customer, offer): (term, billing cycle, days since its start, the offer of its base or None)
NEW_COMMERCE_TERMS = {
    ("Bellows College", "Microsoft 365 Business Standard"): ("P1Y", "monthly", 100, None),
    ("Bellows College", "Microsoft 365 Copilot"): ("P1Y", "annual", 100, "Microsoft 365 Business Standard"),
    ("Woodgrove Bank", "Microsoft 365 E3"): ("P3Y", "annual", 400, None),
    ("Consolidated Messenger", "Microsoft 365 Business Basic"): ("P1M", "monthly", 10, None),
    ("Humongous Insurance", "Office 365 E3 (no Teams)"): ("P1Y", "annual", 100, None),
    ("Humongous Insurance", "Microsoft Teams Enterprise"): ("P1Y", "monthly", 100, O365_E3_NO_TEAMS),
    ("Munson's Pickles and Preserves Farm", "Microsoft 365 F1"): ("P1Y", "monthly", 100, None),
    ("Lucerne Publishing", "Microsoft 365 Business Premium"): ("P1Y", "annual", 100, None),
}  # fmt: skip

DEMO = SCENARIO | NEW_COMMERCE_SCENARIO

LOGINS = [
    ("demo", "demo-password", FABRIKAM, "admin_agent"),
    ("billing", "billing-password", FABRIKAM, "billing_admin"),
    ("northwind", "northwind-password", NORTHWIND, "admin_agent"),
]
UPN = re.compile(r"^[a-z]+\.[a-z]+@(?P<domain>[a-z]+\.example)$")


def seed(*args, **options) -> str:
    out = StringIO()
    call_command("seed_demo", *args, allow_demo_passwords=True, stdout=out, **options)
    return out.getvalue()


def every_row() -> dict[str, list]:
    """Every row of every model, as plain values: what "changes nothing" is measured on."""
    return {
        model._meta.label: sorted(model.objects.values_list(), key=lambda row: row[0])
        for model in apps.get_models(include_auto_created=True)
    }


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models(include_auto_created=True)}


def licensed_upns(subscription: Subscription) -> set[str]:
    return set(subscription.licenses.values_list("user__user_principal_name", flat=True))


def disabled_plans_by_upn(subscription: Subscription) -> dict[str, set[str]]:
    result = {}
    for license in subscription.licenses.select_related("user").prefetch_related("disabled_plans"):
        plans = {plan.plan_id for plan in license.disabled_plans.all()}
        if plans:
            result[license.user.user_principal_name] = plans
    return result


def demo_offer(name: str) -> Offer:
    return Offer.objects.get(name=name)


def subscription_of(customer_name: str, offer_name: str) -> Subscription:
    return Subscription.objects.get(customer__name=customer_name, offer__name=offer_name)


# --- The scenario -----------------------------------------------------------------------------


def test_the_demo_customers_are_those_of_the_domain_table(demo):
    stored = {customer.name: (customer.domain, customer.market) for customer in Customer.objects.all()}

    assert stored == {name: (row[0], row[1]) for name, row in DEMO.items()}


def test_each_demo_customer_has_its_reseller_relationships_and_grants(demo):
    for name, (_, _, _, partners, grants, _) in DEMO.items():
        customer = Customer.objects.get(name=name)
        assert set(customer.reseller_relationships.values_list("partner__name", flat=True)) == partners, name
        stored_grants = {
            grant.partner.name: (grant.role, grant.status)
            for grant in customer.grants.select_related("partner")
        }
        assert stored_grants == grants, name
        assert set(customer.grants.values_list("service", flat=True)) <= {"office365"}


def test_each_demo_customer_has_the_subscriptions_seats_statuses_and_channels_of_the_table(demo):
    for name, (_, _, _, _, _, subscriptions) in DEMO.items():
        stored = [
            (sub.offer.name, sub.quantity, sub.licenses.count(), sub.status, sub.sold_by and sub.sold_by.name)
            for sub in Subscription.objects.filter(customer__name=name).select_related("offer", "sold_by")
        ]
        assert sorted(stored, key=str) == sorted(subscriptions, key=str), name


def test_each_demo_customer_has_its_user_accounts_named_first_dot_last_at_its_domain(demo):
    for name, (domain, market, user_count, *_) in DEMO.items():
        users = list(CustomerUser.objects.filter(customer__name=name))
        assert len(users) == user_count, name
        for user in users:
            match = UPN.match(user.user_principal_name)
            assert match and match["domain"] == domain, user.user_principal_name
            first, last = user.user_principal_name.split("@")[0].split(".")
            assert user.display_name.lower() == f"{first} {last}"
        if name != "Litware, Inc.":
            assert {user.usage_location for user in users} <= {market}, name


def test_the_seeded_names_are_stable_from_one_seeding_to_the_next(demo):
    names = set(CustomerUser.objects.values_list("display_name", "user_principal_name"))

    seed("--reset")

    assert set(CustomerUser.objects.values_list("display_name", "user_principal_name")) == names


def test_the_channel_fabrikam_sees_is_relative_to_fabrikam(demo):
    trey_proplus = subscription_of("Trey Research", "Office 365 ProPlus")
    alpine_power_bi = subscription_of("Alpine Ski House", "Power BI Pro")
    trey_business = subscription_of("Trey Research", "Office 365 Business")

    assert trey_proplus.channel_for(demo.fabrikam) == "other_partner"
    assert trey_proplus.channel_for(demo.northwind) == "this_partner"
    assert alpine_power_bi.channel_for(demo.fabrikam) == "direct"
    assert trey_business.channel_for(demo.fabrikam) == "this_partner"


def test_subscriptions_are_created_100_days_before_seeding_and_proseware_10(demo):
    today = timezone.localdate()

    for subscription in Subscription.objects.filter(commerce_type="legacy").select_related("customer"):
        days = 10 if subscription.customer.name == "Proseware, Inc." else 100
        assert subscription.created_on == today - datetime.timedelta(days=days), subscription
        assert subscription.term_end == add_months(subscription.created_on, 12)
        assert subscription.friendly_name == subscription.offer.name
        assert subscription.upgraded_to is None


def test_the_new_commerce_subscriptions_have_the_terms_cycles_and_bases_of_the_table(demo):
    today = timezone.localdate()
    stored = {}
    for subscription in Subscription.objects.filter(commerce_type="new_commerce").select_related(
        "customer", "offer", "base_subscription__offer"
    ):
        key = (subscription.customer.name, subscription.offer.name)
        base = subscription.base_subscription
        stored[key] = (
            subscription.term_duration,
            subscription.billing_cycle,
            (today - subscription.created_on).days,
            base and base.offer.name,
        )
        assert subscription.offer.commerce_type == "new_commerce", key
        # The price lock is the term's start (docs/domain.md §2); the term ends a term later.
        assert subscription.price_locked_on == subscription.created_on, key
        months = {"P1M": 1, "P1Y": 12, "P3Y": 36}[subscription.term_duration]
        assert subscription.term_end == add_months(subscription.created_on, months) - datetime.timedelta(1), (
            key
        )
        assert base is None or base.customer_id == subscription.customer_id

    assert stored == NEW_COMMERCE_TERMS


def test_contoso_has_two_users_with_yammer_and_sway_disabled(demo):
    disabled = disabled_plans_by_upn(subscription_of("Contoso Ltd", "Office 365 Business Essentials"))

    assert len(disabled) == 2
    assert all(plans == {"YAMMER_ENTERPRISE", "SWAY"} for plans in disabled.values())


def test_litware_has_the_accounts_of_the_reference_report(demo):
    premium = subscription_of("Litware, Inc.", "Office 365 Business Premium")
    exchange = subscription_of("Litware, Inc.", "Exchange Online (Plan 1)")
    no_location = set(
        CustomerUser.objects.filter(customer__name="Litware, Inc.", usage_location="").values_list(
            "user_principal_name", flat=True
        )
    )

    assert len(licensed_upns(premium)) == 38
    assert len(no_location) == 1
    assert no_location <= licensed_upns(premium)
    assert len(licensed_upns(exchange)) == 2
    assert licensed_upns(exchange) <= licensed_upns(premium) - no_location
    assert disabled_plans_by_upn(premium) == dict.fromkeys(licensed_upns(exchange), {"EXCHANGE_S_STANDARD"})
    assert disabled_plans_by_upn(exchange) == {}
    assert set(
        CustomerUser.objects.filter(customer__name="Litware, Inc.").values_list("usage_location", flat=True)
    ) == {
        "US",
        "",
    }


def test_trey_proplus_goes_to_ten_other_users(demo):
    business = licensed_upns(subscription_of("Trey Research", "Office 365 Business"))
    proplus = licensed_upns(subscription_of("Trey Research", "Office 365 ProPlus"))

    assert (len(business), len(proplus)) == (12, 10)
    assert business.isdisjoint(proplus)


def test_alpine_power_bi_goes_to_five_of_the_essentials_users(demo):
    essentials = licensed_upns(subscription_of("Alpine Ski House", "Office 365 Business Essentials"))
    power_bi = licensed_upns(subscription_of("Alpine Ski House", "Power BI Pro"))

    assert len(power_bi) == 5
    assert power_bi <= essentials


def test_only_contoso_and_litware_have_disabled_plans(demo):
    with_disabled = set(
        LicenseAssignment.objects.filter(disabled_plans__isnull=False).values_list(
            "subscription__customer__name", flat=True
        )
    )

    assert with_disabled == {"Contoso Ltd", "Litware, Inc."}


def test_coho_grant_has_expired_and_fourth_coffee_has_none(demo):
    coho = Customer.objects.get(name="Coho Winery")
    fourth_coffee = Customer.objects.get(name="Fourth Coffee")
    coho_grant = coho.grants.get()
    today = timezone.localdate()

    assert coho_grant.status == "expired"
    assert coho_grant.end_date < today
    assert not coho_grant.counts_on(today)
    assert not grants_counting_on().filter(customer=coho).exists()
    assert not fourth_coffee.grants.exists()
    assert fourth_coffee.reseller_relationships.filter(partner=demo.fabrikam).exists()


def test_every_other_grant_counts_today(demo):
    counting = grants_counting_on()

    assert counting.count() == DelegatedAdminGrant.objects.exclude(customer__name="Coho Winery").count()
    assert counting.count() == 13 + len(NEW_COMMERCE_SCENARIO)


def test_the_india_customers_hold_india_offers_and_their_users_are_located_in_india(demo):
    for name in ("Relecloud", "Lamna Healthcare"):
        customer = Customer.objects.get(name=name)
        assert customer.currency == "INR"
        assert all(sub.offer.name.endswith(" India") for sub in customer.subscriptions.all())
        assert set(customer.users.values_list("usage_location", flat=True)) == {"IN"}


def test_fabrikam_sees_its_customers_and_not_margies_travel(demo):
    fabrikam_sees = set(Customer.objects.for_partner(demo.fabrikam).values_list("name", flat=True))
    northwind_sees = set(Customer.objects.for_partner(demo.northwind).values_list("name", flat=True))

    assert fabrikam_sees == set(DEMO) - {"Margie's Travel"}
    assert northwind_sees == {"Margie's Travel", "Trey Research"}


def test_northwind_sells_only_trey_proplus_and_margies_essentials(demo):
    sold = set(Subscription.objects.in_scope_of(demo.northwind).values_list("customer__name", "offer__name"))

    assert sold == {
        ("Trey Research", "Office 365 ProPlus"),
        ("Margie's Travel", "Office 365 Business Essentials"),
    }


def test_the_demo_logins_sign_in_with_their_partner_and_role(demo):
    for username, password, partner, role in LOGINS:
        user = authenticate(username=username, password=password)
        assert user is not None, username
        assert (user.partner_user.partner.name, user.partner_user.role) == (partner, role)
        assert not user.is_staff
    admin = authenticate(username="admin", password="admin-password")
    assert admin is not None
    assert admin.is_staff and admin.is_superuser
    assert not PartnerUser.objects.filter(user=admin).exists()
    assert set(Partner.objects.values_list("name", flat=True)) == {FABRIKAM, NORTHWIND}


def test_the_demo_fixture_returns_partners_users_and_customers_by_name(demo):
    assert demo.fabrikam.name == FABRIKAM
    assert demo.northwind.name == NORTHWIND
    assert set(demo.users) == {"demo", "billing", "northwind", "admin"}
    assert demo.users["demo"].check_password(demo.passwords["demo"])
    assert set(demo.customers) == set(DEMO)


@pytest.mark.django_db(transaction=True)
def test_the_demo_fixture_works_in_a_transactional_test(demo):
    assert Customer.objects.count() == len(DEMO)
    assert Subscription.objects.filter(offer__name="Office 365 Business Premium India").count() == 0
    assert Subscription.objects.filter(offer__name="Office 365 Business India").count() == 1


# --- Running it ------------------------------------------------------------------------------


def test_the_logins_are_printed_at_the_end(db):
    output = seed()

    for username, password, partner, role in [
        *LOGINS,
        ("admin", "admin-password", "(Django admin)", "superuser"),
    ]:
        assert re.search(rf"^\s*{username}\s+{password}\s+{re.escape(partner)}\s+{role}\s*$", output, re.M), (
            username
        )
    assert "http://127.0.0.1:8000/admin/" in output


def test_a_quiet_run_prints_nothing(db):
    assert seed(verbosity=0) == ""
    assert Customer.objects.count() == len(DEMO)


def test_seeding_twice_changes_no_row(demo):
    before = every_row()

    with CaptureQueriesContext(connection) as queries:
        seed()

    assert every_row() == before
    assert [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}] == []


def test_seeding_again_fills_in_what_was_deleted_and_keeps_what_was_changed(demo):
    counts = row_counts()
    CustomerUser.objects.filter(customer__name="Adatum Corporation").first().delete()
    Customer.objects.get(name="Fourth Coffee").delete()
    contoso = subscription_of("Contoso Ltd", "Office 365 Business Essentials")
    contoso.quantity = 30
    contoso.save()

    seed()

    contoso.refresh_from_db()
    assert contoso.quantity == 30
    assert Customer.objects.filter(name="Fourth Coffee").exists()
    # The re-created Adatum user has no license: a subscription's licenses come only with it.
    assert CustomerUser.objects.filter(customer__name="Adatum Corporation").count() == 10
    assert subscription_of("Adatum Corporation", "Office 365 Business").licenses.count() == 9
    counts["subscriptions.LicenseAssignment"] -= 1
    assert row_counts() == counts


def test_seeding_again_does_not_give_an_upgraded_subscription_its_licenses_back(demo):
    adatum = subscription_of("Adatum Corporation", "Office 365 Business")
    target = SubscriptionFactory(
        customer=adatum.customer, offer=demo_offer("Office 365 Business Premium"), sold_by=demo.fabrikam
    )
    for license in adatum.licenses.all():
        license.subscription = target
        license.save()
    adatum.status = Subscription.Status.DELETED
    adatum.upgraded_to = target
    adatum.save()

    seed()

    assert adatum.licenses.count() == 0
    assert target.licenses.count() == 10
    assert Subscription.objects.filter(customer=adatum.customer).count() == 2


def test_reset_recreates_the_scenario_over_played_and_logged_changes(demo):
    counts = row_counts()
    demo.users["demo"].set_password("changed")
    demo.users["demo"].save()
    litware = subscription_of("Litware, Inc.", "Office 365 Business Premium")
    target = SubscriptionFactory(
        customer=litware.customer, offer=demo_offer("Office 365 Enterprise E3"), sold_by=demo.fabrikam
    )
    litware.status = Subscription.Status.DELETED
    litware.upgraded_to = target
    litware.save()
    Operation.objects.create(
        kind="upgrade",
        result="succeeded",
        actor=demo.users["demo"],
        partner=demo.fabrikam,
        customer=litware.customer,
        subscription=litware,
        target_offer=target.offer,
        target_subscription=target,
    )
    other_partner = PartnerFactory()
    other_customer = CustomerFactory(partner=other_partner)
    SubscriptionFactory(customer=other_customer, sold_by=other_partner)
    counts = {**counts, "customers.Partner": counts["customers.Partner"] + 1}
    counts["customers.Customer"] += 1
    counts["customers.ResellerRelationship"] += 1
    counts["subscriptions.Subscription"] += 1
    counts["subscriptions.Offer"] += 1
    counts["subscriptions.OfferPrice"] += 1

    output = seed("--reset")

    assert "demo-password" in output
    assert authenticate(username="demo", password="demo-password") is not None
    assert not Operation.objects.exists()
    assert subscription_of("Litware, Inc.", "Office 365 Business Premium").status == "active"
    assert not Subscription.objects.filter(
        customer__name="Litware, Inc.", offer__name="Office 365 Enterprise E3"
    )
    assert Customer.objects.filter(pk=other_customer.pk).exists()
    assert row_counts() == counts


def test_reset_removes_the_scale_customers(demo):
    seed(scale=3)

    seed("--reset")

    assert not Customer.objects.filter(name__startswith="Scale Customer").exists()
    assert Customer.objects.count() == len(DEMO)


# --- Scale -------------------------------------------------------------------------------------


def test_scale_adds_fabrikam_customers_with_subscriptions_users_and_a_grant(demo):
    seed(scale=5)

    scale = Customer.objects.filter(name__startswith="Scale Customer").order_by("name")
    assert [customer.name for customer in scale] == [f"Scale Customer {n:04d}" for n in range(1, 6)]
    for customer in scale:
        assert set(customer.reseller_relationships.values_list("partner__name", flat=True)) == {FABRIKAM}
        assert [
            (g.partner.name, g.role, g.counts_on(timezone.localdate())) for g in customer.grants.all()
        ] == [(FABRIKAM, "admin_agent", True)]
        subscriptions = list(customer.subscriptions.select_related("offer", "sold_by"))
        assert 1 <= len(subscriptions) <= 3
        assert len({sub.offer.name for sub in subscriptions}) == len(subscriptions)
        for sub in subscriptions:
            assert sub.offer.name in {
                "Office 365 Business",
                "Office 365 Business Essentials",
                "Office 365 Business Premium",
            }
            assert (sub.status, sub.sold_by) == ("active", demo.fabrikam)
            assert 1 <= sub.licenses.count() <= sub.quantity
            assert sub.term_end == add_months(sub.created_on, 12)
        licensed = LicenseAssignment.objects.filter(subscription__customer=customer)
        assert 5 <= licensed.count() <= 50
        # One license per user: the Business offers share plan families.
        assert licensed.values("user").distinct().count() == licensed.count() == customer.users.count()


def test_scale_rerun_with_the_same_number_adds_nothing_and_a_larger_one_adds_the_missing(demo):
    seed(scale=5)
    before = every_row()

    output = seed(scale=5)

    assert every_row() == before
    assert "0 added" in output
    seed(scale=7)
    assert Customer.objects.filter(name__startswith="Scale Customer").count() == 7


def test_scale_customers_are_the_same_whichever_run_creates_them(demo):
    def content():
        return sorted(
            Subscription.objects.filter(customer__name__startswith="Scale Customer").values_list(
                "customer__name", "offer__name", "quantity", "created_on"
            )
        ), sorted(
            LicenseAssignment.objects.filter(
                subscription__customer__name__startswith="Scale Customer"
            ).values_list("user__user_principal_name", "subscription__offer__name")
        )

    seed(scale=4)
    first = content()
    seed("--reset", scale=2)
    seed(scale=4)

    assert content() == first


def test_scale_refuses_a_negative_number(db):
    customers = Customer.objects.count()

    with pytest.raises(CommandError):
        seed(scale=-1)

    assert Customer.objects.count() == customers


# --- Demo passwords on a real server ----------------------------------------------------------


def test_seed_demo_refuses_to_create_demo_passwords_when_debug_is_off(db, settings):
    reset_demo()  # an empty slate: the session's demo would hide a partial seed
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--allow-demo-passwords"):
        call_command("seed_demo", stdout=StringIO())

    assert not get_user_model().objects.exists()
    assert not Partner.objects.exists()
    assert not Customer.objects.exists()


def test_seed_demo_creates_demo_passwords_when_debug_is_off_and_allowed(db, settings):
    settings.DEBUG = False

    call_command("seed_demo", "--allow-demo-passwords", stdout=StringIO())

    assert authenticate(username="demo", password="demo-password") is not None


def test_seed_demo_needs_no_flag_when_debug_is_on(db, settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=StringIO())

    assert Customer.objects.count() == len(DEMO)


# --- Its help ----------------------------------------------------------------------------------


def test_help_prints_what_the_command_does_and_its_options(capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("seed_demo", "--help")

    assert exit_.value.code == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "Create the demo partners, sign-ins, customers, subscriptions" in printed
    assert "--reset Delete the demo data (and the scale customers) first" in printed
    assert "--allow-demo-passwords Create the well-known demo passwords" in printed


def test_help_is_printed_in_the_active_language(capsys):
    with translation.override("fr"), pytest.raises(SystemExit):
        call_command("seed_demo", "--help")

    printed = " ".join(capsys.readouterr().out.split())
    assert "Crée les partenaires, comptes de connexion, clients, abonnements" in printed
