"""The partner's cost and margin, through HTTP: shown to admin agents and billing admins wherever
money is shown, never to sales or helpdesk agents, and never another partner's (docs/domain.md §8).

On the seeded demo: Bellows College's Business Standard (new commerce, one year billed monthly,
with the partner's cost) and Munson's F1 (no cost row).
"""

import csv
import io
import uuid
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer
from subscriptions import eligibility, services
from subscriptions.formatting import money as format_money
from subscriptions.models import BillingLine, Offer, OfferPrice, Operation, Subscription
from tests.actors import acting
from tests.factories import PartnerUserFactory

BOM = "\ufeff"
STANDARD, PREMIUM = "Microsoft 365 Business Standard", "Microsoft 365 Business Premium"
MARGIN_HEADER = ["Partner's cost per license", "Partner's cost", "Margin"]


def signed_in(client, demo, role):
    user = demo.users["demo"] if role == "admin_agent" else None
    if role == "billing_admin":
        user = demo.users["billing"]
    if user is None:
        user = PartnerUserFactory(partner=demo.fabrikam, role=role).user
    client.force_login(user)
    return client


def bellows_standard() -> Subscription:
    return Subscription.objects.get(customer__name="Bellows College", offer__name=STANDARD)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix(BOM)
    return list(csv.reader(io.StringIO(text)))


def transition(demo, subscription, target_name=PREMIUM):
    return services.subscription_upgrade(
        subscription=subscription,
        target_offer=Offer.objects.get(name=target_name),
        quantity=None,
        actor=acting(demo.users["demo"]),
        token=uuid.uuid4(),
    )


SEES = ["admin_agent", "billing_admin"]
DOES_NOT_SEE = ["sales_agent", "helpdesk_agent"]


@pytest.mark.parametrize("role", SEES + DOES_NOT_SEE)
def test_the_subscription_page_shows_the_cost_and_margin_per_license_to_the_roles_that_see_it(
    client, demo, role
):
    page = signed_in(client, demo, role).get(reverse("subscriptions:detail", args=[bellows_standard().pk]))
    text = page.content.decode()

    assert page.status_code == HTTPStatus.OK
    # One year billed monthly at the published figure 12.50 × 1.05 = 13.125 → 13.13; cost 85%.
    assert "$13.13 a month" in text
    assert "1 year, billed monthly" in text
    assert "DEMO0STANDARD:0001:DEMO0P1Y01" in text
    assert ("(cost $11.16, margin $1.97)" in text) is (role in SEES)


@pytest.mark.parametrize("role", ["admin_agent", *DOES_NOT_SEE])
def test_the_add_licenses_preview_has_the_margin_column_for_an_admin_agent_only(client, demo, role):
    subscription = bellows_standard()
    url = reverse("subscriptions:change-quantity", args=[subscription.pk])

    text = signed_in(client, demo, role).get(url, {"quantity": 35}).content.decode()

    assert "Licenses added, for the rest of the period" in text
    assert ('<th scope="col" class="num">Margin</th>' in text) is (role in SEES)
    assert ("billing-preview__margin" in text) is (role in SEES)


@pytest.mark.parametrize("role", ["admin_agent", *DOES_NOT_SEE])
def test_the_upgrade_preview_has_the_margin_and_net_margin_for_an_admin_agent_only(client, demo, role):
    subscription = bellows_standard()
    premium = Offer.objects.get(name=PREMIUM)
    url = reverse("subscriptions:upgrade", args=[subscription.pk])

    text = (
        signed_in(client, demo, role).get(url, {"target_offer": premium.pk, "quantity": 30}).content.decode()
    )

    assert "Charge for the new subscription" in text
    assert ("billing-preview__net-margin" in text) is (role in SEES)
    assert ("Your margin:" in text) is (role in SEES)


def test_a_subscription_without_cost_rows_shows_no_margin_even_to_an_admin_agent(client, demo):
    munson = Subscription.objects.get(customer__name="Munson's Pickles and Preserves Farm")
    signed_in(client, demo, "admin_agent")

    page = client.get(reverse("subscriptions:detail", args=[munson.pk])).content.decode()
    preview = client.get(reverse("subscriptions:change-quantity", args=[munson.pk]), {"quantity": 45})

    assert "(cost" not in page
    assert "billing-preview__margin" not in preview.content.decode()


def test_the_result_page_shows_each_lines_cost_and_margin_and_the_net_margin(client, demo):
    operation = transition(demo, bellows_standard())
    lines = list(operation.billing_lines.order_by("pk"))
    assert all(line.cost is not None and line.margin == line.amount - line.cost for line in lines)
    net_margin = sum(line.margin for line in lines)

    text = (
        signed_in(client, demo, "admin_agent")
        .get(reverse("subscriptions:operation", args=[operation.pk]))
        .content.decode()
    )
    hidden = (
        signed_in(client, demo, "sales_agent")
        .get(reverse("subscriptions:operation", args=[operation.pk]))
        .content.decode()
    )

    assert format_money(net_margin, "USD") in text
    assert all(format_money(line.margin, "USD") in text for line in lines)
    assert ">Margin<" in text and ">Margin<" not in hidden


@pytest.mark.parametrize("role", SEES + DOES_NOT_SEE)
def test_the_billing_lines_csv_has_every_line_and_the_margin_columns_for_the_roles_that_see_them(
    client, demo, role
):
    operation = transition(demo, bellows_standard())
    stored = list(BillingLine.objects.filter(operation=operation).order_by("pk"))

    response = signed_in(client, demo, role).get(reverse("subscriptions:billing-lines-csv"))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="billing-lines.csv"'
    header, *rows = csv_rows(response)
    assert (header[-3:] == MARGIN_HEADER) is (role in SEES)
    assert len(rows) == len(stored)
    amount = header.index("Amount")
    assert [Decimal(row[amount]) for row in rows] == [line.amount for line in stored]
    assert {row[header.index("Customer")] for row in rows} == {"Bellows College"}
    assert {row[header.index("Term")] for row in rows} == {"1 year"}
    if role in SEES:
        assert [(Decimal(row[-2]), Decimal(row[-1])) for row in rows] == [
            (line.cost, line.margin) for line in stored
        ]
        assert all(Decimal(row[amount]) - Decimal(row[-2]) == Decimal(row[-1]) for row in rows)


def test_the_billing_lines_csv_never_has_another_partners_lines_and_follows_the_filters(client, demo):
    mine = transition(demo, bellows_standard())
    contoso = Subscription.objects.get(customer__name="Contoso Ltd")
    services.subscription_change_quantity(
        subscription=contoso, quantity=26, based_on=25, actor=acting(demo.users["demo"]), token=uuid.uuid4()
    )
    margies = Subscription.objects.get(customer__name="Margie's Travel")
    services.subscription_change_quantity(
        subscription=margies,
        quantity=12,
        based_on=10,
        actor=acting(demo.users["northwind"]),
        token=uuid.uuid4(),
    )
    signed_in(client, demo, "admin_agent")
    url = reverse("subscriptions:billing-lines-csv")

    header, *rows = csv_rows(client.get(url))
    assert {row[header.index("Customer")] for row in rows} == {"Bellows College", "Contoso Ltd"}
    assert len(rows) == mine.billing_lines.count() + 1
    # A legacy line: no term, monthly, no cost.
    (legacy,) = [row for row in rows if row[header.index("Customer")] == "Contoso Ltd"]
    assert (legacy[header.index("Commerce type")], legacy[header.index("Term")]) == ("Legacy", "")
    assert legacy[-3:] == ["", "", ""]

    bellows = Customer.objects.get(name="Bellows College")
    header, *filtered = csv_rows(client.get(url, {"customer": bellows.pk}))
    assert {row[header.index("Customer")] for row in filtered} == {"Bellows College"}

    client.force_login(demo.users["northwind"])
    header, *theirs = csv_rows(client.get(url))
    assert {row[header.index("Customer")] for row in theirs} == {"Margie's Travel"}


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://x","c")', "+1+1", "@SUM(1)", "-2+3"])
def test_a_hostile_subscription_name_is_text_in_the_billing_lines_csv(client, demo, hostile):
    subscription = bellows_standard()
    Subscription.objects.filter(pk=subscription.pk).update(friendly_name=hostile)
    services.subscription_change_quantity(
        subscription=Subscription.objects.get(pk=subscription.pk),
        quantity=31,
        based_on=30,
        actor=acting(demo.users["demo"]),
        token=uuid.uuid4(),
    )

    header, row = csv_rows(
        signed_in(client, demo, "admin_agent").get(reverse("subscriptions:billing-lines-csv"))
    )

    assert row[header.index("Subscription")] == "'" + hostile
    assert Decimal(row[header.index("Amount")]) > 0  # a number stays a number


def test_the_activity_log_shows_the_net_margin_of_an_operation_to_an_admin_agent(client, demo):
    operation = transition(demo, bellows_standard())
    net_margin = sum(line.margin for line in operation.billing_lines.all())
    shown = signed_in(client, demo, "admin_agent").get(reverse("subscriptions:activity")).content.decode()
    hidden = signed_in(client, demo, "sales_agent").get(reverse("subscriptions:activity")).content.decode()

    assert format_money(net_margin, "USD") in shown
    assert ">Margin<" in shown and ">Margin<" not in hidden


# --- Query counts ---------------------------------------------------------------------------


def queries_of(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        assert response.status_code == HTTPStatus.OK
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


def detail(subscription) -> str:
    return reverse("subscriptions:detail", args=[subscription.pk])


def test_a_new_commerce_page_costs_the_queries_of_a_legacy_one_whatever_its_margin(client, demo):
    signed_in(client, demo, "admin_agent")
    legacy = Subscription.objects.get(customer__name="Contoso Ltd")
    copilot = Subscription.objects.get(customer__name="Bellows College", offer__name="Microsoft 365 Copilot")
    queries_of(client, detail(legacy))  # the catalog, once per process

    assert queries_of(client, detail(bellows_standard())) == queries_of(client, detail(legacy))
    # An add-on's page names its base: the base comes with the subscription, in the same query.
    assert queries_of(client, detail(copilot)) == queries_of(client, detail(legacy))
    quantity = reverse("subscriptions:change-quantity", args=[bellows_standard().pk])
    assert queries_of(client, quantity, {"quantity": 35}) == queries_of(
        client, reverse("subscriptions:change-quantity", args=[legacy.pk]), {"quantity": 26}
    )


def test_the_billing_lines_csv_reads_a_fixed_number_of_queries_whatever_its_lines(client, demo):
    signed_in(client, demo, "admin_agent")
    url = reverse("subscriptions:billing-lines-csv")
    transition(demo, bellows_standard())
    few = queries_of(client, url)

    woodgrove = Subscription.objects.get(customer__name="Woodgrove Bank")
    for quantity in range(121, 133):
        services.subscription_change_quantity(
            subscription=Subscription.objects.get(pk=woodgrove.pk),
            quantity=quantity,
            based_on=quantity - 1,
            actor=acting(demo.users["demo"]),
            token=uuid.uuid4(),
        )

    assert queries_of(client, url) == few


@pytest.mark.parametrize("role", SEES + DOES_NOT_SEE)
def test_the_subscription_list_shows_each_terms_price_and_margin_to_the_roles_that_see_it(client, demo, role):
    bellows = demo.customers["Bellows College"]

    text = signed_in(client, demo, role).get(reverse("customers:detail", args=[bellows.pk])).content.decode()

    assert "1 year, billed monthly · $13.13 a month" in text
    # Copilot, a year in advance at 30.00 × 12, has no cost row: no margin even for a role that sees it.
    assert "1 year, billed annually · $360.00 a year" in text
    assert (text.count("(cost ") == 1) is (role in SEES)
    assert ("(cost $11.16, margin $1.97)" in text) is (role in SEES)


def test_a_new_commerce_subscription_list_costs_the_queries_of_a_legacy_one(client, demo):
    signed_in(client, demo, "admin_agent")
    legacy = reverse("customers:detail", args=[demo.customers["Litware, Inc."].pk])  # two subscriptions
    new_commerce = reverse("customers:detail", args=[demo.customers["Bellows College"].pk])  # two too
    queries_of(client, legacy)  # the catalog, once per process

    assert queries_of(client, new_commerce) == queries_of(client, legacy)


def test_a_subscription_whose_price_rows_are_gone_refuses_a_quantity_change_and_says_why(client, demo):
    woodgrove = Subscription.objects.get(customer__name="Woodgrove Bank")
    OfferPrice.objects.filter(offer=woodgrove.offer, term_duration="P3Y").delete()
    url = reverse("subscriptions:change-quantity", args=[woodgrove.pk])
    signed_in(client, demo, "admin_agent")

    preview = client.get(url, {"quantity": 130})
    submitted = client.post(url, {"quantity": 130, "based_on": 120, "token": str(uuid.uuid4())})

    assert preview.status_code == HTTPStatus.OK
    assert submitted.status_code == HTTPStatus.BAD_REQUEST
    for response in (preview, submitted):
        assert "The price list has no price for Microsoft 365 E3" in response.content.decode()
    woodgrove.refresh_from_db()
    assert woodgrove.quantity == 120
    refused = Operation.objects.get(subscription=woodgrove)
    assert (refused.result, refused.reason_code) == ("refused", "subscription_not_priced")
    assert not refused.billing_lines.exists()


def test_a_subscription_whose_price_rows_are_gone_is_not_upgradable_and_says_why(client, demo):
    woodgrove = Subscription.objects.get(customer__name="Woodgrove Bank")
    OfferPrice.objects.filter(offer=woodgrove.offer).delete()
    e5 = Offer.objects.get(name="Microsoft 365 E5")
    signed_in(client, demo, "admin_agent")

    page = client.get(
        reverse("subscriptions:upgrade", args=[woodgrove.pk]), {"target_offer": e5.pk, "quantity": 120}
    )
    reasons_fragment = client.get(reverse("subscriptions:upgrade-reasons", args=[woodgrove.pk]))

    assert page.status_code == reasons_fragment.status_code == HTTPStatus.OK
    assert "its credit cannot be billed" in reasons_fragment.content.decode()
    options = eligibility.upgrade_options(Subscription.objects.get(pk=woodgrove.pk))
    assert options and all("subscription_not_priced" in [r.code for r in o.reasons] for o in options)
