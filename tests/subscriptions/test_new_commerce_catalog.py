"""The new-commerce catalog in the database is docs/domain.md §2's "Microsoft 365 (new commerce,
2026)": its offers, price rows, add-on bases and transition paths, and the rules that keep a
subscription on it consistent.

The expected catalog is docs/domain.md's own tables, pasted here verbatim, so the test shares no
line of data with `subscriptions.new_commerce_catalog_data`.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from subscriptions.catalog import SERVICE_PLANS, load_catalog
from subscriptions.models import Offer, OfferPrice, ServicePlan, UpgradePath
from tests.factories import CustomerFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

# fmt: off
OFFER_TABLE = """
| Microsoft 365 Business Basic | DEMO0BASIC | DEMO_M365_BUSINESS_BASIC | P1M, P1Y, P3Y | 300 | 6.00 | 7.00 | 5.60 | 6.50 | yes | |
| Microsoft 365 Business Standard | DEMO0STANDARD | DEMO_M365_BUSINESS_STANDARD | P1M, P1Y, P3Y | 300 | 12.50 | 14.00 | 11.70 | 13.10 | yes | |
| Microsoft 365 Business Premium | DEMO0PREMIUM | DEMO_M365_BUSINESS_PREMIUM | P1M, P1Y, P3Y | 300 | 22.00 | 22.00 | 20.60 | 20.60 | yes | |
| Microsoft 365 Apps for business | DEMO0APPSBIZ | DEMO_M365_APPS_BUSINESS | P1M, P1Y, P3Y | 300 | 8.25 | 8.25 | 7.70 | 7.70 | yes | |
| Microsoft 365 Apps for enterprise | DEMO0APPSENT | DEMO_M365_APPS_ENTERPRISE | P1M, P1Y, P3Y | 10,000,000 | 12.00 | 12.00 | 11.20 | 11.20 | yes | |
| Office 365 E1 | DEMO0O365E1 | DEMO_O365_E1 | P1M, P1Y, P3Y | 10,000,000 | 10.00 | 10.00 | 9.40 | 9.40 | yes | |
| Office 365 E3 | DEMO0O365E3 | DEMO_O365_E3 | P1M, P1Y, P3Y | 10,000,000 | 23.00 | 26.00 | 21.60 | 24.40 | yes | |
| Office 365 E5 | DEMO0O365E5 | DEMO_O365_E5 | P1M, P1Y, P3Y | 10,000,000 | 38.00 | 38.00 | 35.70 | 35.70 | yes | |
| Microsoft 365 E3 | DEMO0M365E3 | DEMO_M365_E3 | P1M, P1Y, P3Y | 10,000,000 | 36.00 | 39.00 | 33.80 | 36.60 | yes | |
| Microsoft 365 E5 | DEMO0M365E5 | DEMO_M365_E5 | P1M, P1Y, P3Y | 10,000,000 | 57.00 | 60.00 | 53.60 | 56.40 | yes | |
| Office 365 E1 (no Teams) | DEMO0O365E1NT | DEMO_O365_E1_NOTEAMS | P1M, P1Y, P3Y | 10,000,000 | 7.75 | 7.75 | 7.30 | 7.30 | yes | |
| Office 365 E3 (no Teams) | DEMO0O365E3NT | DEMO_O365_E3_NOTEAMS | P1M, P1Y, P3Y | 10,000,000 | 20.75 | 23.75 | 19.50 | 22.30 | yes | |
| Office 365 E5 (no Teams) | DEMO0O365E5NT | DEMO_O365_E5_NOTEAMS | P1M, P1Y, P3Y | 10,000,000 | 35.75 | 35.75 | 33.60 | 33.60 | yes | |
| Microsoft 365 E3 (no Teams) | DEMO0M365E3NT | DEMO_M365_E3_NOTEAMS | P1M, P1Y, P3Y | 10,000,000 | 33.75 | 36.75 | 31.70 | 34.50 | yes | |
| Microsoft 365 E5 (no Teams) | DEMO0M365E5NT | DEMO_M365_E5_NOTEAMS | P1M, P1Y, P3Y | 10,000,000 | 54.75 | 57.75 | 51.50 | 54.30 | yes | |
| Microsoft 365 F1 | DEMO0F1 | DEMO_M365_F1 | P1M, P1Y, P3Y | 10,000,000 | 2.25 | 3.00 | 2.10 | 2.80 | no | |
| Microsoft 365 F3 | DEMO0F3 | DEMO_M365_F3 | P1M, P1Y, P3Y | 10,000,000 | 8.00 | 10.00 | 7.50 | 9.40 | no | |
| Microsoft Teams Enterprise | DEMO0TEAMSENT | DEMO_TEAMS_ENTERPRISE | P1M, P1Y | 10,000,000 | 5.25 | 5.25 | 4.90 | 4.90 | yes | the (no Teams) suites |
| Microsoft 365 Copilot | DEMO0COPILOT | DEMO_M365_COPILOT | P1M, P1Y | 10,000,000 | 30.00 | 30.00 | 28.10 | 28.10 | no | every suite above |
"""  # noqa: E501

PATH_TABLE = """
| Microsoft 365 Business Basic | Business Standard, Business Premium, Microsoft 365 E3, Microsoft 365 E5 |
| Microsoft 365 Business Standard | Business Premium, Microsoft 365 E3, Microsoft 365 E5 |
| Microsoft 365 Business Premium | Microsoft 365 E3, Microsoft 365 E5 |
| Microsoft 365 Apps for business | Business Standard, Business Premium, Apps for enterprise |
| Office 365 E1 | Office 365 E3, Microsoft 365 E3, Office 365 E5, Microsoft 365 E5 |
| Office 365 E3 | Office 365 E5, Microsoft 365 E3, Microsoft 365 E5 |
| Microsoft 365 E3 | Microsoft 365 E5 |
| Microsoft 365 F1 | Microsoft 365 F3 |
| Office 365 E1 (no Teams) | Office 365 E3 (no Teams), Microsoft 365 E3 (no Teams), Office 365 E5 (no Teams), Microsoft 365 E5 (no Teams) |
| Office 365 E3 (no Teams) | Office 365 E5 (no Teams), Microsoft 365 E3 (no Teams), Microsoft 365 E5 (no Teams) |
| Office 365 E5 (no Teams) | Microsoft 365 E5 (no Teams) |
| Microsoft 365 E3 (no Teams) | Microsoft 365 E5 (no Teams) |
"""  # noqa: E501

PRICE_RULE_TABLE = """
| P1M | monthly | figure × 1.20, to the cent |
| P1Y | monthly | figure × 1.05, to the cent |
| P1Y | annual | figure × 12 |
| P3Y | monthly | figure × 1.05, to the cent |
| P3Y | annual | figure × 12 |
"""
# fmt: on

SHORT_NAMES = {  # how the path table abbreviates a target
    "Business Standard": "Microsoft 365 Business Standard",
    "Business Premium": "Microsoft 365 Business Premium",
    "Apps for enterprise": "Microsoft 365 Apps for enterprise",
}
# The demo's rows take effect relative to the day the catalog is loaded (docs/domain.md §2, rule 5).
PUBLISHED_DAYS_BEFORE, RISE_DAYS_AFTER = 1098, 20
COST_SHARE = Decimal("0.85")


def rows(table: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")] for line in table.strip().splitlines()
    ]


def expected_offers() -> dict[str, dict]:
    offers = {}
    for name, product, part, terms, seats, usd, usd_rise, eur, eur_rise, cost, add_on in rows(OFFER_TABLE):
        offers[name] = {
            "product_id": product,
            "sku_part_number": part,
            "terms": set(terms.split(", ")),
            "max_quantity": int(seats.replace(",", "")),
            "figures": {"USD": (usd, usd_rise), "EUR": (eur, eur_rise)},
            "has_cost": cost == "yes",
            "add_on_of": add_on,
        }
    return offers


def expected_paths() -> set[tuple[str, str]]:
    return {
        (source, SHORT_NAMES.get(target, target))
        for source, targets in rows(PATH_TABLE)
        for target in targets.split(", ")
    }


def expected_rules() -> dict[tuple[str, str], tuple[Decimal, int]]:
    """(term, cycle) -> (factor, months per period) from the rule table's words."""
    rules = {}
    for term, cycle, words in rows(PRICE_RULE_TABLE):
        factor = re.search(r"× ([\d.]+)", words).group(1)
        rules[(term, cycle)] = (Decimal(1), 12) if factor == "12" else (Decimal(factor), 1)
    return rules


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def new_commerce():
    return Offer.objects.filter(commerce_type="new_commerce")


def test_the_new_commerce_offers_are_those_of_the_domain_table(catalog):
    expected = expected_offers()

    assert set(new_commerce().values_list("name", flat=True)) == set(expected)
    for offer in new_commerce().prefetch_related("prices"):
        want = expected[offer.name]
        assert (offer.product_id, offer.sku_code, offer.sku_part_number) == (
            want["product_id"], "0001", want["sku_part_number"],
        ), offer.name  # fmt: skip
        assert (offer.min_quantity, offer.max_quantity) == (1, want["max_quantity"]), offer.name
        assert {row.term_duration for row in offer.prices.all()} == want["terms"], offer.name
        assert all(offer.is_sold_in(market) for market in ("US", "FR", "IN")), offer.name


def test_every_id_is_visibly_invented(catalog):
    for offer in new_commerce():
        assert offer.product_id.startswith("DEMO0"), offer.name
        assert offer.sku_part_number.startswith("DEMO_"), offer.name
        assert str(offer.sku_id).startswith("00000000-de70-2026-8000-"), offer.name
        for term in ("P1M", "P1Y", "P3Y"):
            assert offer.catalog_item_id(term) == f"{offer.product_id}:0001:DEMO0{term}01"
    assert Offer.objects.get(name="Microsoft 365 Business Basic").catalog_item_id("P1Y") == (
        "DEMO0BASIC:0001:DEMO0P1Y01"
    )


def test_the_add_ons_have_the_bases_of_the_domain_table(catalog):
    suites = {name for name, offer in expected_offers().items() if not offer["add_on_of"]}
    no_teams = {name for name in suites if name.endswith("(no Teams)")}

    bases = {
        offer.name: {base.name for base in offer.base_offers.all()}
        for offer in new_commerce().prefetch_related("base_offers")
    }

    assert bases["Microsoft 365 Copilot"] == suites
    assert bases["Microsoft Teams Enterprise"] == no_teams
    assert len(no_teams) == 5
    assert all(not bases[name] for name in suites)


def test_the_price_rows_follow_the_figures_the_rules_and_the_days_of_the_domain(catalog):
    expected, rules = expected_offers(), expected_rules()
    published = OfferPrice.objects.filter(offer__commerce_type="new_commerce").earliest("effective_from")
    loaded_on = published.effective_from + datetime.timedelta(days=PUBLISHED_DAYS_BEFORE)
    rise_day = loaded_on + datetime.timedelta(days=RISE_DAYS_AFTER)

    for offer in new_commerce().prefetch_related("prices"):
        want = expected[offer.name]
        wanted = set()
        for currency, (now, later) in want["figures"].items():
            for (term, cycle), (factor, months) in rules.items():
                if term not in want["terms"]:
                    continue
                for day, figure in ((published.effective_from, now), (rise_day, later)):
                    if day == rise_day and later == now:
                        continue  # no rise: one row
                    price = cents(Decimal(figure) * factor * months)
                    cost = cents(price * COST_SHARE) if want["has_cost"] else None
                    wanted.add((currency, term, cycle, day, price, cost))
        stored = {
            (row.currency, row.term_duration, row.billing_cycle, row.effective_from, row.price, row.cost)
            for row in offer.prices.all()
        }
        assert stored == wanted, offer.name


def test_annual_billing_is_never_offered_on_a_one_month_term(catalog):
    assert not OfferPrice.objects.filter(term_duration="P1M", billing_cycle="annual").exists()
    assert OfferPrice.objects.filter(term_duration="P3Y", billing_cycle="annual").exists()


def test_the_legacy_price_list_is_one_row_per_offer_and_currency_from_2011(catalog):
    legacy = OfferPrice.objects.filter(offer__commerce_type="legacy")

    assert set(legacy.values_list("term_duration", "billing_cycle", "effective_from")) == {
        ("", "monthly", datetime.date(2011, 6, 28))
    }
    assert legacy.count() == len(set(legacy.values_list("offer", "currency")))
    assert not legacy.exclude(cost=None).exists()


def test_the_transition_paths_are_those_of_the_domain_table_and_only_go_up(catalog):
    stored = set(
        UpgradePath.objects.filter(source_offer__commerce_type="new_commerce").values_list(
            "source_offer__name", "target_offer__name"
        )
    )

    assert stored == expected_paths()
    # Up-tier: every target costs more than its source.
    usd = {name: Decimal(offer["figures"]["USD"][0]) for name, offer in expected_offers().items()}
    assert all(usd[source] < usd[target] for source, target in stored)
    assert not UpgradePath.objects.exclude(
        source_offer__commerce_type=F("target_offer__commerce_type")
    ).exists()


def test_a_path_between_the_two_catalogs_is_refused(catalog):
    path = UpgradePath(
        source_offer=Offer.objects.get(name="Office 365 Business"),
        target_offer=Offer.objects.get(name="Microsoft 365 Business Premium"),
    )

    with pytest.raises(ValidationError, match="same commerce type"):
        path.full_clean()


def test_loading_twice_changes_nothing_and_redating_moves_only_the_days(catalog):
    before = set(OfferPrice.objects.values_list("offer", "currency", "term_duration", "billing_cycle",
                                                 "effective_from", "price", "cost"))  # fmt: skip
    load_catalog()
    assert set(OfferPrice.objects.values_list("offer", "currency", "term_duration", "billing_cycle",
                                              "effective_from", "price", "cost")) == before  # fmt: skip

    published = OfferPrice.objects.filter(offer__commerce_type="new_commerce").earliest("effective_from")
    loaded_on = published.effective_from + datetime.timedelta(days=PUBLISHED_DAYS_BEFORE)
    load_catalog(as_of=loaded_on + datetime.timedelta(days=10), redate=True)

    after = set(OfferPrice.objects.values_list("offer", "currency", "term_duration", "billing_cycle",
                                               "effective_from", "price", "cost"))  # fmt: skip
    moved = {(o, c, t, b, day - datetime.timedelta(days=10), p, k) for o, c, t, b, day, p, k in after if t}
    assert moved | {row for row in after if not row[2]} == before


# --- A subscription on the catalog --------------------------------------------------------


def nce_subscription(offer_name, *, customer=None, term="P1Y", cycle="monthly", **fields):
    return SubscriptionFactory.build(
        customer=customer or CustomerFactory(),
        offer=Offer.objects.get(name=offer_name),
        sold_by=None,
        commerce_type="new_commerce",
        term_duration=term,
        billing_cycle=cycle,
        price_locked_on=datetime.date(2026, 1, 1),
        created_on=datetime.date(2026, 1, 1),
        term_end=datetime.date(2026, 12, 31),
        **fields,
    )


def test_an_add_on_needs_a_base_of_an_eligible_offer_of_the_same_customer(catalog):
    customer = CustomerFactory()
    standard = nce_subscription("Microsoft 365 Business Standard", customer=customer)
    standard.save()
    teams_base = nce_subscription("Office 365 E3 (no Teams)", customer=customer)
    teams_base.save()
    elsewhere = nce_subscription("Microsoft 365 Business Standard")
    elsewhere.customer.save()
    elsewhere.save()

    nce_subscription("Microsoft 365 Copilot", customer=customer, base_subscription=standard).clean()
    nce_subscription("Microsoft Teams Enterprise", customer=customer, base_subscription=teams_base).clean()
    refused = {
        "no base": nce_subscription("Microsoft 365 Copilot", customer=customer),
        "another customer's base": nce_subscription(
            "Microsoft 365 Copilot", customer=customer, base_subscription=elsewhere
        ),
        "a base Teams Enterprise is not sold beside": nce_subscription(
            "Microsoft Teams Enterprise", customer=customer, base_subscription=standard
        ),
        "a base offer with a base": nce_subscription(
            "Microsoft 365 Business Premium", customer=customer, base_subscription=standard
        ),
    }
    for case, subscription in refused.items():
        with pytest.raises(ValidationError) as error:
            subscription.clean()
        assert "base_subscription" in error.value.message_dict, case


def test_a_subscription_has_its_offers_commerce_type_and_one_of_its_terms_and_cycles(catalog):
    with pytest.raises(ValidationError, match="commerce type"):
        nce_subscription("Office 365 Business", term="P1Y").clean()
    with pytest.raises(ValidationError, match="term and billing cycle"):
        nce_subscription("Microsoft 365 Copilot", term="P3Y", cycle="annual").clean()
    with pytest.raises(ValidationError):
        nce_subscription("Microsoft 365 Business Basic", term="P1M", cycle="annual").full_clean(
            exclude=["customer", "offer", "sold_by"]
        )
    nce_subscription("Microsoft 365 Business Basic", term="P3Y", cycle="annual").clean()


def catalog_by_natural_keys() -> dict[str, set]:
    """The whole catalog without its primary keys: what two ways of loading it must agree on."""
    offer_fields = [f.name for f in Offer._meta.concrete_fields if f.name != "id"]
    return {
        "plans": set(ServicePlan.objects.values_list("plan_id", "name", "family")),
        "offers": set(Offer.objects.values_list(*offer_fields)),
        "included": set(
            Offer.service_plans.through.objects.values_list("offer__name", "serviceplan__plan_id")
        ),
        "bases": set(Offer.base_offers.through.objects.values_list("from_offer__name", "to_offer__name")),
        "prices": set(
            OfferPrice.objects.values_list(
                "offer__name", "currency", "term_duration", "billing_cycle", "effective_from", "price", "cost"
            )
        ),
        "paths": set(UpgradePath.objects.values_list("source_offer__name", "target_offer__name")),
    }


@pytest.mark.django_db(transaction=True)
def test_an_empty_database_gets_in_a_few_bulk_inserts_the_catalog_the_row_by_row_load_writes():
    day = datetime.date(2026, 12, 1)
    call_command("flush", interactive=False, verbosity=0)
    with CaptureQueriesContext(connection) as bulk_queries:
        load_catalog(as_of=day)
    bulk = catalog_by_natural_keys()

    call_command("flush", interactive=False, verbosity=0)
    plan_id, name, family = SERVICE_PLANS[0]
    ServicePlan.objects.create(plan_id=plan_id, name=name, family=family)  # not empty: row by row
    with CaptureQueriesContext(connection) as row_queries:
        load_catalog(as_of=day)

    assert catalog_by_natural_keys() == bulk
    assert len(bulk["offers"]) == 31 and len(bulk["prices"]) > 300  # 12 legacy offers, 19 new-commerce ones
    assert len(bulk_queries) <= 20 < 200 < len(row_queries)
