"""The catalog in the database is docs/domain.md §2.

The expected catalog is docs/domain.md's own tables, pasted here verbatim and read by the small parsers
below, so the test does not share a line of data with `subscriptions.catalog`.
"""

import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import currency_for_market
from subscriptions.catalog import load_catalog
from subscriptions.models import Offer, OfferPrice, ServicePlan, UpgradePath

OFFER_TABLE = """
| Office 365 Business | O365_BUSINESS | cdd28e44-67e3-425e-be4c-737fab2899d3 | all but IN | 8.25 | 8.80 | | 300 |
| Office 365 Business Essentials | O365_BUSINESS_ESSENTIALS | 3b555118-da6a-4418-894f-7df1e2096870 | all but IN | 5.00 | 4.20 | | 300 |
| Office 365 Business Premium | O365_BUSINESS_PREMIUM | f245ecc8-75af-4f8e-b61f-27d8114de5f3 | all but IN | 12.50 | 10.50 | | 300 |
| Office 365 Business India | O365_BUSINESS (IN) | (make one up, stable) | IN | | | 500.00 | 300 |
| Office 365 Business Essentials India | O365_BUSINESS_ESSENTIALS (IN) | (make one up, stable) | IN | | | 300.00 | 300 |
| Office 365 Business Premium India | O365_BUSINESS_PREMIUM (IN) | (make one up, stable) | IN | | | 750.00 | 300 |
| Office 365 ProPlus | OFFICESUBSCRIPTION | c2273bd0-dff7-4215-9ef5-2c7bcfb06425 | all | 12.00 | 10.50 | 720.00 | 10,000,000 |
| Office 365 Enterprise E1 | STANDARDPACK | 18181a46-0d4e-45cd-891e-60aabd171b4e | all | 8.00 | 6.70 | 480.00 | 10,000,000 |
| Office 365 Enterprise E3 | ENTERPRISEPACK | 6fd2c87f-b296-42f0-b197-1e91e994b900 | all | 20.00 | 19.70 | 1200.00 | 10,000,000 |
| Office 365 Enterprise E5 | ENTERPRISEPREMIUM | c7df2760-2c81-4ef7-b578-5b5392b571df | all | 35.00 | 33.70 | 2100.00 | 10,000,000 |
| Power BI Pro | POWER_BI_PRO | f8a1db68-be16-40ed-86d5-cb42ce701560 | all | 9.99 | 8.40 | 600.00 | 10,000,000 |
| Exchange Online (Plan 1) | EXCHANGESTANDARD | 4b9405b0-7788-4568-add1-99614e613b69 | all | 4.00 | 3.40 | 240.00 | 10,000,000 |
"""  # noqa: E501

# Columns: Plan | Name | Family | Bus | Ess | Prem | ProPlus | E1 | E3 | E5 | Other
PLAN_TABLE = """
| EXCHANGE_S_STANDARD | Exchange Online (Plan 1) | Exchange Online | | x | x | | x | | | Exchange Online (Plan 1) |
| EXCHANGE_S_ENTERPRISE | Exchange Online (Plan 2) | Exchange Online | | | | | | x | x | |
| ONEDRIVESTANDARD | OneDrive for Business (Plan 1) | SharePoint Online | x | | | x | | | | |
| SHAREPOINTSTANDARD | SharePoint Online (Plan 1) | SharePoint Online | | x | x | | x | | | |
| SHAREPOINTENTERPRISE | SharePoint Online (Plan 2) | SharePoint Online | | | | | | x | x | |
| SHAREPOINTWAC | Office Online | Office Online | x | x | x | x | x | x | x | |
| OFFICE_BUSINESS | Office 365 Business desktop apps | Office desktop apps | x | | x | | | | | |
| OFFICESUBSCRIPTION | Office 365 ProPlus desktop apps | Office desktop apps | | | | x | | x | x | |
| MCOSTANDARD | Skype for Business Online (Plan 2) | Skype for Business Online | | x | x | | x | x | x | |
| TEAMS1 | Microsoft Teams | Microsoft Teams | | x | x | | x | x | x | |
| YAMMER_ENTERPRISE | Yammer Enterprise | Yammer | | x | x | | x | x | x | |
| PROJECTWORKMANAGEMENT | Microsoft Planner | Microsoft Planner | | x | x | | x | x | x | |
| MICROSOFTBOOKINGS | Microsoft Bookings | Microsoft Bookings | | | x | | | | | |
| O365_SB_Relationship_Management | Outlook Customer Manager | Outlook Customer Manager | | | x | | | | | |
| Deskless | Microsoft StaffHub | Microsoft StaffHub | | | x | | x | x | x | |
| STREAM_O365_E1 / _E3 / _E5 | Microsoft Stream for O365 E1 / E3 / E5 | Microsoft Stream | | | | | E1 | E3 | E5 | |
| RMS_S_ENTERPRISE | Azure Rights Management | Azure Rights Management | | | | | | x | x | |
| BI_AZURE_P2 | Power BI Pro | Power BI | | | | | | | x | Power BI Pro |
| MCOEV | Phone System | Phone System | | | | | | | x | |
| MCOMEETADV | Audio Conferencing | Audio Conferencing | | | | | | | x | |
| THREAT_INTELLIGENCE | Office 365 Advanced Threat Protection (Plan 2) | Advanced Threat Protection | | | | | | | x | |
| SWAY | Sway | Sway | x | x | x | x | x | x | x | |
| FORMS_PLAN_E1 / _E3 / _E5 | Microsoft Forms (Plan E1 / E3 / E5) | Microsoft Forms | E1 | E1 | E1 | E1 | E1 | E3 | E5 | |
"""  # noqa: E501

PATH_TABLE = """
| Office 365 Business | Business Premium, ProPlus, Enterprise E3, Enterprise E5 |
| Office 365 Business Premium | Enterprise E3, Enterprise E5 |
| Office 365 Business Essentials | Business Premium, Enterprise E1, Enterprise E3, Enterprise E5 |
| Office 365 Business India | Business Premium India, ProPlus, Enterprise E3, Enterprise E5 |
| Office 365 Business Essentials India | Business Premium India, Enterprise E1, Enterprise E3, Enterprise E5 |
"""

# "The India offers carry the same plans as their global twins."
PLAN_COLUMN_OFFERS = {
    "Bus": ["Office 365 Business", "Office 365 Business India"],
    "Ess": ["Office 365 Business Essentials", "Office 365 Business Essentials India"],
    "Prem": ["Office 365 Business Premium", "Office 365 Business Premium India"],
    "ProPlus": ["Office 365 ProPlus"],
    "E1": ["Office 365 Enterprise E1"],
    "E3": ["Office 365 Enterprise E3"],
    "E5": ["Office 365 Enterprise E5"],
}
MADE_UP = "(make one up, stable)"


def rows(table: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")] for line in table.strip().splitlines()
    ]


def expected_offers() -> dict[str, dict]:
    offers = {}
    for name, part_number, sku_id, markets, usd, eur, inr, max_seats in rows(OFFER_TABLE):
        sold_in, not_sold_in = {"all": ("", ""), "all but IN": ("", "IN"), "IN": ("IN", "")}[markets]
        prices = {
            currency: Decimal(cell) for currency, cell in (("USD", usd), ("EUR", eur), ("INR", inr)) if cell
        }
        offers[name] = {
            "sku_part_number": part_number,
            "sku_id": sku_id,
            "sold_in": sold_in,
            "not_sold_in": not_sold_in,
            "min_quantity": 1,
            "max_quantity": int(max_seats.replace(",", "")),
            "prices": prices,
        }
    return offers


def expected_plans() -> tuple[dict[str, tuple[str, str]], dict[str, set[str]]]:
    """(plan id -> (name, family), offer name -> plan ids), the /E1/E3/E5 rows expanded."""
    plans, offer_plans = {}, {name: set() for name in expected_offers()}
    for plan_cell, name_cell, family, *marks in rows(PLAN_TABLE):
        *offer_marks, other = marks
        if " / " in plan_cell:
            stem = plan_cell.split(" / ")[0].rsplit("_", 1)[0]
            variants = {variant: f"{stem}_{variant}" for variant in ("E1", "E3", "E5")}
            for variant, plan_id in variants.items():
                plans[plan_id] = (name_cell.replace("E1 / E3 / E5", variant), family)
        else:
            variants = {"x": plan_cell}
            plans[plan_cell] = (name_cell, family)
        for column, mark in zip(PLAN_COLUMN_OFFERS, offer_marks, strict=True):
            if mark:
                for offer in PLAN_COLUMN_OFFERS[column]:
                    offer_plans[offer].add(variants[mark])
        if other:
            offer_plans[other].add(plan_cell)
    return plans, offer_plans


def expected_paths() -> set[tuple[str, str]]:
    return {
        (source, f"Office 365 {target}")
        for source, targets in rows(PATH_TABLE)
        for target in targets.split(", ")
    }


# The tables above are the legacy catalog; the new-commerce one has its own test
# (tests/subscriptions/test_new_commerce_catalog.py).
def legacy_offers():
    return Offer.objects.filter(commerce_type="legacy")


def legacy_prices():
    return OfferPrice.objects.filter(offer__commerce_type="legacy")


def legacy_paths():
    return UpgradePath.objects.filter(source_offer__commerce_type="legacy")


def legacy_plans():
    return ServicePlan.objects.filter(offers__commerce_type="legacy").distinct()


def legacy_names(offers: dict) -> set[str]:
    return {name for name, offer in offers.items() if offer.commerce_type == "legacy"}


def database_catalog() -> dict:
    """Everything the catalog is made of, as plain values (primary keys of the rows included)."""
    return {
        "offers": sorted(Offer.objects.values_list()),
        "plans": sorted(ServicePlan.objects.values_list()),
        "offer_plans": sorted(Offer.service_plans.through.objects.values_list("offer", "serviceplan")),
        "prices": sorted(OfferPrice.objects.values_list()),
        "paths": sorted(UpgradePath.objects.values_list()),
    }


def test_a_migrated_database_already_has_the_catalog(db):
    # Migration 0002 loaded it: no fixture, no load_catalog call here.
    assert set(legacy_offers().values_list("name", flat=True)) == set(expected_offers())
    assert legacy_paths().count() == len(expected_paths())
    assert legacy_prices().count() == sum(len(offer["prices"]) for offer in expected_offers().values())


def test_the_offers_are_the_offers_of_the_domain_table(catalog):
    expected = expected_offers()

    assert set(legacy_offers().values_list("name", flat=True)) == set(expected)
    for offer in legacy_offers():
        want = expected[offer.name]
        assert offer.sku_part_number == want["sku_part_number"]
        if want["sku_id"] != MADE_UP:
            assert offer.sku_id == uuid.UUID(want["sku_id"])
        assert (offer.sold_in, offer.not_sold_in) == (want["sold_in"], want["not_sold_in"])
        assert (offer.min_quantity, offer.max_quantity) == (want["min_quantity"], want["max_quantity"])


def test_the_india_offers_have_their_own_sku_ids(catalog):
    india_ids = set(Offer.objects.filter(name__endswith=" India").values_list("sku_id", flat=True))

    assert len(india_ids) == 3
    assert india_ids.isdisjoint(
        Offer.objects.exclude(name__endswith=" India").values_list("sku_id", flat=True)
    )


def test_each_offer_is_sold_in_the_markets_of_the_table(catalog):
    offers = {offer.name: offer for offer in Offer.objects.all()}

    assert offers["Office 365 Business Premium"].is_sold_in("US")
    assert offers["Office 365 Business Premium"].is_sold_in("FR")
    assert not offers["Office 365 Business Premium"].is_sold_in("IN")
    assert offers["Office 365 Business Premium India"].is_sold_in("IN")
    assert not offers["Office 365 Business Premium India"].is_sold_in("US")
    assert all(offers["Office 365 Enterprise E3"].is_sold_in(market) for market in ("US", "FR", "IN"))


def test_the_price_list_has_one_price_per_filled_cell_and_none_for_an_empty_one(catalog):
    expected = {
        (name, currency): price
        for name, offer in expected_offers().items()
        for currency, price in offer["prices"].items()
    }

    stored = {
        (price.offer.name, price.currency): price.price for price in legacy_prices().select_related("offer")
    }

    assert stored == expected


def test_an_india_offer_has_an_inr_price_only(catalog):
    india_currencies = set(
        OfferPrice.objects.filter(offer__sold_in="IN").values_list("currency", flat=True).distinct()
    )

    assert india_currencies == {currency_for_market("IN")} == {"INR"}


def test_the_service_plans_are_those_of_the_domain_table(catalog):
    plans, _ = expected_plans()

    stored = {plan.plan_id: (plan.name, plan.family) for plan in legacy_plans()}

    assert stored == plans
    assert {"STREAM_O365_E1", "STREAM_O365_E3", "STREAM_O365_E5"} <= stored.keys()
    assert {"FORMS_PLAN_E1", "FORMS_PLAN_E3", "FORMS_PLAN_E5"} <= stored.keys()


def test_each_offer_includes_the_plans_of_the_domain_table(catalog):
    _, offer_plans = expected_plans()

    stored = {
        offer.name: {plan.plan_id for plan in offer.service_plans.all()}
        for offer in legacy_offers().prefetch_related("service_plans")
    }

    assert stored == offer_plans
    assert stored["Power BI Pro"] == {"BI_AZURE_P2"}
    assert stored["Exchange Online (Plan 1)"] == {"EXCHANGE_S_STANDARD"}
    assert stored["Office 365 Business Premium India"] == stored["Office 365 Business Premium"]


def test_no_offer_includes_two_plans_of_one_family(catalog):
    for offer in Offer.objects.prefetch_related("service_plans"):
        families = [plan.family for plan in offer.service_plans.all()]
        assert len(families) == len(set(families)), offer.name


def test_the_upgrade_paths_are_those_of_the_domain_table(catalog):
    stored = set(legacy_paths().values_list("source_offer__name", "target_offer__name"))

    assert stored == expected_paths()
    assert ("Office 365 Business India", "Office 365 Business Premium") not in stored
    assert ("Office 365 Business Essentials India", "Office 365 Business Premium") not in stored


def test_loading_the_catalog_again_changes_nothing(catalog):
    before = database_catalog()

    with CaptureQueriesContext(connection) as queries:
        offers = load_catalog()

    assert database_catalog() == before
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert legacy_names(offers) == set(expected_offers())


def test_loading_the_catalog_restores_an_edited_offer_and_keeps_what_an_admin_added(catalog):
    before = database_catalog()
    premium = Offer.objects.get(name="Office 365 Business Premium")
    premium.max_quantity = 5
    premium.save()
    premium.service_plans.remove(ServicePlan.objects.get(plan_id="MICROSOFTBOOKINGS"))
    OfferPrice.objects.filter(offer=premium, currency="USD").update(price=Decimal("1.00"))
    UpgradePath.objects.filter(source_offer=premium, target_offer__name="Office 365 Enterprise E5").delete()
    added_path = UpgradePath.objects.create(
        source_offer=premium, target_offer=Offer.objects.get(name="Office 365 ProPlus")
    )

    load_catalog()

    after = database_catalog()
    assert UpgradePath.objects.filter(pk=added_path.pk).exists()
    after["paths"] = [row for row in after["paths"] if row[0] != added_path.pk]
    # The deleted path comes back as a new row: compare paths by offers, not by key.
    assert sorted(row[1:] for row in after.pop("paths")) == sorted(row[1:] for row in before.pop("paths"))
    assert after == before


def test_loading_the_catalog_fills_an_emptied_database(db):
    # What a flushed (transactional or live-server) test database looks like.
    call_command("flush", interactive=False, verbosity=0)
    assert not Offer.objects.exists() and not ServicePlan.objects.exists()

    offers = load_catalog()

    assert legacy_names(offers) == set(expected_offers())
    paths = legacy_paths().values_list("source_offer__name", "target_offer__name")
    assert set(paths) == expected_paths()
    assert set(legacy_plans().values_list("plan_id", flat=True)) == set(expected_plans()[0])
    assert legacy_prices().count() == sum(len(offer["prices"]) for offer in expected_offers().values())


@pytest.mark.django_db(transaction=True)
def test_the_catalog_fixture_works_in_a_transactional_test(catalog):
    assert legacy_names(catalog) == set(expected_offers())
    assert legacy_offers().count() == len(expected_offers())
