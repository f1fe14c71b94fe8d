"""New commerce on the wire: a subscription's term, billing cycle and catalog item id, an offer's
Partner Center split `productId/skuId/availabilityId`, add-on prerequisites and price list, the
partner's cost for the roles that see it (docs/api.md, docs/domain.md §2)."""

from decimal import Decimal

import pytest

from api.models import ApiApplication
from partnercenter import clock
from subscriptions import prices
from subscriptions.demo_data import ESSENTIALS
from subscriptions.models import Offer, Subscription
from tests.api.paths import subscription_path

pytestmark = pytest.mark.django_db

STANDARD, COPILOT = "Microsoft 365 Business Standard", "Microsoft 365 Copilot"


def offers_of(api, country="US") -> dict[str, dict]:
    return {item["name"]: item for item in api.get("/api/v1/offers", {"country": country}).json()["items"]}


def test_a_new_commerce_subscription_has_its_term_cycle_and_catalog_item_id(fabrikam_api, demo):
    woodgrove = Subscription.objects.get(customer__name="Woodgrove Bank")
    bellows = Subscription.objects.get(customer__name="Bellows College", offer__name=STANDARD)

    three_years = fabrikam_api.get(subscription_path(woodgrove)).json()
    one_year = fabrikam_api.get(subscription_path(bellows)).json()

    assert (three_years["termDuration"], three_years["billingCycle"]) == ("P3Y", "annual")
    assert three_years["catalogItemId"] == "DEMO0M365E3:0001:DEMO0P3Y01"
    assert (one_year["termDuration"], one_year["billingCycle"]) == ("P1Y", "monthly")
    assert one_year["catalogItemId"] == "DEMO0STANDARD:0001:DEMO0P1Y01"
    assert one_year["commitmentEndDate"].startswith(bellows.term_end.isoformat())


def test_a_legacy_subscription_is_billed_monthly_with_no_term(fabrikam_api, demo):
    contoso = Subscription.objects.get(customer__name="Contoso Ltd", offer__name=ESSENTIALS)

    resource = fabrikam_api.get(subscription_path(contoso)).json()

    assert resource["billingCycle"] == "monthly"
    assert resource["termDuration"] is None and resource["catalogItemId"] is None


def test_an_offer_carries_the_partner_center_split_and_its_add_on_bases(fabrikam_api, demo):
    offers = offers_of(fabrikam_api)

    standard, copilot = offers[STANDARD], offers[COPILOT]
    assert (standard["productId"], standard["skuId"]) == ("DEMO0STANDARD", "0001")
    assert standard["isAddOn"] is False and standard["prerequisiteOffers"] == []
    assert copilot["isAddOn"] is True
    bases = Offer.objects.get(name=COPILOT).base_offers.all()
    assert set(copilot["prerequisiteOffers"]) == {str(base.sku_id).upper() for base in bases}
    assert offers[ESSENTIALS]["productId"] is None and offers[ESSENTIALS]["skuId"] is None
    assert set(standard["supportedBillingCycles"]) == {"monthly", "annual"}
    assert offers[ESSENTIALS]["supportedBillingCycles"] == ["monthly"]


def test_the_offer_list_has_every_price_row_of_the_market_currency_with_its_availability(fabrikam_api, demo):
    standard = offers_of(fabrikam_api)[STANDARD]
    stored = Offer.objects.get(name=STANDARD).prices.filter(currency="USD")

    wire = {
        (row["termDuration"], row["billingCycle"], row["effectiveDate"][:10]): row
        for row in standard["prices"]
    }
    assert set(wire) == {
        (row.term_duration, row.billing_cycle, row.effective_from.isoformat()) for row in stored
    }
    for row in stored:
        priced = wire[(row.term_duration, row.billing_cycle, row.effective_from.isoformat())]
        assert Decimal(str(priced["unitPrice"])) == row.price
        assert Decimal(str(priced["partnerCost"])) == row.cost
        assert priced["currency"] == "USD"
        assert priced["availabilityId"] == f"DEMO0{row.term_duration}01"
        assert priced["catalogItemId"] == f"DEMO0STANDARD:0001:DEMO0{row.term_duration}01"
    # The demo's rise: a later row for the one-year term billed annually (docs/domain.md §2).
    today = clock.today()
    rows = list(stored)
    now = prices.price_in_effect(rows, "USD", today, term_duration="P1Y", billing_cycle="annual")
    later = prices.price_in_effect(rows, "USD", today.replace(year=today.year + 1), term_duration="P1Y",
                                   billing_cycle="annual")  # fmt: skip
    assert later.price > now.price
    assert {price["currency"] for price in offers_of(fabrikam_api, "FR")[STANDARD]["prices"]} == {"EUR"}


def test_a_billing_admin_application_sees_the_cost_and_no_other_role_does(billing_api, demo):
    priced = offers_of(billing_api)[STANDARD]["prices"]
    assert all(row["partnerCost"] is not None for row in priced)

    ApiApplication.objects.filter(client_id="fabrikam-billing-app").update(role="sales_agent")
    hidden = offers_of(billing_api)[STANDARD]["prices"]

    assert hidden and all(row["partnerCost"] is None for row in hidden)
    assert [row["unitPrice"] for row in hidden] == [row["unitPrice"] for row in priced]


def test_an_offer_without_cost_rows_has_no_partner_cost(fabrikam_api, demo):
    assert all(row["partnerCost"] is None for row in offers_of(fabrikam_api)["Microsoft 365 F1"]["prices"])
