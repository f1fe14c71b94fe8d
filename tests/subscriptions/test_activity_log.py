"""The partner's activity log: every upgrade and quantity change, refused and failed attempts
too, filtered, paginated, exported as CSV, scoped to the partner; and the same log in Django
admin. Uses the `world` fixture of tests/subscriptions/conftest.py."""

import csv
import datetime
import io
import uuid
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from customers.models import PartnerUser
from subscriptions import activity, formatting, reasons, services
from subscriptions import quantity as quantity_rules
from subscriptions.models import BillingLine, Operation, Subscription
from tests import html
from tests.actors import acting
from tests.factories import CustomerFactory, DelegatedAdminGrantFactory, PartnerUserFactory, UserFactory
from tests.offer_names import BUSINESS, E3, ESSENTIALS, PREMIUM, PROPLUS

HTMX = {"HX-Request": "true"}
LOG_URL = "/subscriptions/activity/"


def log_url() -> str:
    return reverse("subscriptions:activity")


def csv_url() -> str:
    return reverse("subscriptions:activity-csv")


def refused_change(world, subscription, quantity, **kwargs):
    with pytest.raises(services.QuantityChangeRefused):
        world.change_quantity(subscription, quantity, **kwargs)
    return Operation.objects.filter(result=Operation.Result.REFUSED).first()


def failed_change(world, subscription, monkeypatch) -> Operation:
    def broken(**kwargs):
        raise RuntimeError("injected")

    with monkeypatch.context() as patch:
        patch.setattr(quantity_rules, "quantity_change_billing_impact", broken)
        with pytest.raises(RuntimeError):
            world.change_quantity(subscription, subscription.quantity + 1)
    return Operation.objects.get(result=Operation.Result.FAILED)


def row_of(content: str, operation: Operation) -> html.Element:
    return html.find(content, "tr", id=f"operation-{operation.pk}")


def badge(row: html.Element) -> tuple[str, str]:
    """The result badge of a row: (its modifier class, its words)."""
    element = row.find("span", class_="badge")
    return next(name for name in element.classes if name.startswith("badge--")), element.text


def shown_operations(response) -> list[Operation]:
    return [row.operation for row in response.context["rows"]]


def test_signed_out_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(log_url())

    assert log_url() == LOG_URL
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_the_log_shows_every_kind_of_operation_with_when_who_customer_subscription_what_result(
    agent_client, world, monkeypatch
):
    world.agent.first_name, world.agent.last_name = "Dana", "Agent"
    world.agent.save()
    essentials = world.subscription(ESSENTIALS, quantity=25, users=20)
    premium = world.subscription(PREMIUM, quantity=40)
    business = world.subscription(BUSINESS, quantity=10)
    added = world.change_quantity(essentials, 30)
    limit = refused_change(world, premium, 301)
    failed = failed_change(world, essentials, monkeypatch)
    # ProPlus adds no service family to Business: no conflict with the other holdings here.
    upgraded = world.upgrade(business, PROPLUS)

    response = agent_client.get(log_url())

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html.find(content, "h1").text == "Activity log"
    assert shown_operations(response) == [upgraded, failed, limit, added], "newest first"
    added_row = row_of(content, added)
    assert "Dana Agent" in added_row.text
    assert (
        added_row.find("a", href=reverse("customers:detail", args=[world.customer.pk])).text
        == "Test Customer"
    )
    assert added_row.find("a", href=reverse("subscriptions:detail", args=[essentials.pk])).text == ESSENTIALS
    assert "Quantity change" in added_row.text and "Licenses: 25 → 30" in added_row.text
    assert badge(added_row) == ("badge--succeeded", "Succeeded")
    assert added_row.find("time").attrs["datetime"]

    limit_row = row_of(content, limit)
    assert "Licenses: 40 → 301" in limit_row.text
    assert badge(limit_row) == ("badge--refused", "Refused")
    assert "Office 365 Business Premium is limited to 300 licenses." in limit_row.text

    failed_row = row_of(content, failed)
    assert badge(failed_row) == ("badge--failed", "Failed")
    assert "Something went wrong and nothing was changed." in failed_row.text

    upgraded_row = row_of(content, upgraded)
    assert "Upgrade to Office 365 ProPlus, 10 licenses" in upgraded_row.text
    report_url = reverse("subscriptions:operation", args=[upgraded.pk])
    assert upgraded_row.find("a", href=report_url).text == "Upgrade report"
    for row in (limit_row, added_row, failed_row):
        assert "Upgrade report" not in row.text


def test_the_header_links_the_activity_log_next_to_customers(agent_client, world):
    content = agent_client.get(log_url()).content.decode()

    links = html.find(content, "nav", class_="topbar__nav").find_all("a")
    assert [link.text for link in links] == ["Customers", "Activity log", "Settings"]
    assert [link.attrs.get("aria_current") for link in links] == [None, "page", None]
    assert links[1].attrs["href"] == log_url()


def test_the_log_never_shows_another_partners_operations(agent_client, world):
    ours = world.change_quantity(world.subscription(ESSENTIALS, quantity=10), 12)
    rival_customer = CustomerFactory(name="Rival Customer", partner=world.other_partner)
    DelegatedAdminGrantFactory(partner=world.other_partner, customer=rival_customer)
    theirs = Subscription.objects.create(
        customer=rival_customer,
        offer=world.offers[ESSENTIALS],
        friendly_name="Rival plan",
        quantity=10,
        sold_by=world.other_partner,
        term_end=timezone.localdate() + datetime.timedelta(days=365),
    )
    rival = PartnerUserFactory(partner=world.other_partner).user
    services.subscription_change_quantity(
        subscription=theirs, quantity=12, based_on=10, actor=acting(rival), token=uuid.uuid4()
    )

    response = agent_client.get(log_url())
    # Even asked for by the filters, the other partner's rows stay out.
    by_customer = agent_client.get(log_url(), {"customer": rival_customer.pk})
    by_subscription = agent_client.get(log_url(), {"subscription": theirs.pk})
    exported = agent_client.get(csv_url(), {"subscription": theirs.pk})

    assert shown_operations(response) == [ours]
    assert "Rival" not in response.content.decode()
    assert shown_operations(by_customer) == [ours], "an unknown customer filters nothing"
    assert by_customer.context["form"].errors["customer"]
    assert shown_operations(by_subscription) == []
    assert "Rival" not in b"".join(exported.streaming_content).decode()


def test_a_billing_admin_reads_the_log(client, world):
    operation = world.change_quantity(world.subscription(ESSENTIALS, quantity=10), 12)
    client.force_login(PartnerUserFactory(partner=world.partner, role=PartnerUser.Role.BILLING_ADMIN).user)

    response = client.get(log_url())

    assert response.status_code == HTTPStatus.OK
    assert shown_operations(response) == [operation]


def test_the_log_is_read_only(agent_client, world):
    response = agent_client.post(log_url(), {})

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert agent_client.post(csv_url(), {}).status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- Filters --------------------------------------------------------------------------------


@pytest.fixture
def mixed_log(world):
    """Two customers; a success, a refusal and an upgrade, on three different days."""
    other_customer = CustomerFactory(name="Another Customer", partner=world.partner)
    DelegatedAdminGrantFactory(partner=world.partner, customer=other_customer)
    elsewhere = Subscription.objects.create(
        customer=other_customer,
        offer=world.offers[ESSENTIALS],
        friendly_name="Elsewhere",
        quantity=10,
        sold_by=world.partner,
        term_end=timezone.localdate() + datetime.timedelta(days=365),
    )
    essentials = world.subscription(ESSENTIALS, quantity=25, users=20)
    added = world.change_quantity(essentials, 30)
    below = refused_change(world, essentials, 5)
    elsewhere_added = world.change_quantity(elsewhere, 11)
    upgraded = world.upgrade(world.subscription(BUSINESS), PROPLUS)
    now = timezone.now()
    days = {added: 10, below: 5, elsewhere_added: 2, upgraded: 0}
    for operation, days_ago in days.items():
        Operation.objects.filter(pk=operation.pk).update(created_at=now - datetime.timedelta(days=days_ago))
    return {
        "added": added,
        "below": below,
        "elsewhere": elsewhere_added,
        "upgraded": upgraded,
        "other_customer": other_customer,
        "essentials": essentials,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["upgraded", "elsewhere", "below", "added"]),
        ({"kind": "quantity_change"}, ["elsewhere", "below", "added"]),
        ({"kind": "upgrade"}, ["upgraded"]),
        ({"result": "refused"}, ["below"]),
        ({"result": "succeeded", "kind": "quantity_change"}, ["elsewhere", "added"]),
        ({"customer": "other"}, ["elsewhere"]),
        ({"date_from": 6}, ["upgraded", "elsewhere", "below"]),
        ({"date_to": 3}, ["below", "added"]),
        ({"date_from": 6, "date_to": 1}, ["elsewhere", "below"]),
        ({"date_from": 5, "date_to": 5}, ["below"]),
        ({"subscription": "essentials"}, ["below", "added"]),
        ({"kind": "bogus", "result": "bogus"}, ["upgraded", "elsewhere", "below", "added"]),
    ],
)
def test_the_filters_narrow_the_log(agent_client, mixed_log, params, expected):
    today = timezone.localdate()
    query = {}
    for name, value in params.items():
        if name in ("date_from", "date_to"):
            value = (today - datetime.timedelta(days=value)).isoformat()
        elif name == "customer":
            value = mixed_log["other_customer"].pk
        elif name == "subscription":
            value = mixed_log["essentials"].pk
        query[name] = value

    response = agent_client.get(log_url(), query)

    assert response.status_code == HTTPStatus.OK
    assert shown_operations(response) == [mixed_log[name] for name in expected]


def test_a_date_range_ending_before_it_starts_is_an_error(agent_client, mixed_log):
    today = timezone.localdate()

    response = agent_client.get(
        log_url(),
        {"date_from": today.isoformat(), "date_to": (today - datetime.timedelta(days=3)).isoformat()},
    )

    assert "The end date comes before the start date." in response.content.decode()


def test_the_filter_form_is_a_plain_get_form_that_htmx_also_sends(agent_client, mixed_log):
    content = agent_client.get(log_url(), {"kind": "upgrade"}).content.decode()

    form = html.find(content, "form", class_="activity-filters")
    assert (form.attrs["method"], form.attrs["action"]) == ("get", log_url())
    assert (form.attrs["hx_get"], form.attrs["hx_push_url"]) == (log_url(), "true")
    for name in ("customer", "kind", "result"):
        assert form.find("select", name=name)
    assert form.find("input", type="date", name="date_from")
    assert form.find("input", type="date", name="date_to")
    assert form.find("select", name="kind").find("option", selected=True).attrs["value"] == "upgrade"
    # Only the customers the log can show are offered.
    offered = {option.text for option in form.find("select", name="customer").find_all("option")}
    assert offered == {"All customers", "Another Customer", "Test Customer"}


def test_htmx_gets_the_results_fragment_with_the_new_count(agent_client, mixed_log):
    response = agent_client.get(log_url(), {"result": "refused"}, headers=HTMX)

    content = response.content.decode()
    assert content.lstrip().startswith('<div id="activity-results"')
    assert "<html" not in content
    assert '<p id="activity-count" hx-swap-oob="innerHTML">1 operation' in content
    assert f'href="{csv_url()}?result=refused"' in content
    assert "HX-Request" in response["Vary"]


def test_the_log_is_paginated_50_per_page(agent_client, world):
    subscription = world.subscription(E3, quantity=100)
    for quantity in range(101, 156):
        world.change_quantity(subscription, quantity)

    first = agent_client.get(log_url())
    second = agent_client.get(log_url(), {"page": 2, "kind": "quantity_change"})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 5
    assert "55 operations" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    assert html.find(first.content, "a", class_="button", rel="next").attrs["href"] == "?page=2"
    previous = html.find(second.content, "a", class_="button", rel="prev").attrs["href"]
    assert previous == "?page=1&kind=quantity_change"


# --- By person -------------------------------------------------------------------------------


@pytest.fixture
def two_people(world):
    """Two partner users of the world's partner with an operation each, and one with none."""
    dana = world.agent
    dana.first_name, dana.last_name = "Dana", "Agent"
    dana.save()
    lee = PartnerUserFactory(partner=world.partner, user=UserFactory(username="lee")).user
    PartnerUserFactory(partner=world.partner, user=UserFactory(username="idle"))
    subscription = world.subscription(ESSENTIALS, quantity=10)
    by_dana = world.change_quantity(subscription, 11)
    by_lee = world.change_quantity(subscription, 12, actor=acting(lee))
    return {"dana": dana, "lee": lee, "by_dana": by_dana, "by_lee": by_lee}


def test_the_log_filters_by_the_person_who_acted(agent_client, two_people):
    response = agent_client.get(log_url(), {"who": two_people["lee"].pk})
    exported = agent_client.get(csv_url(), {"who": two_people["lee"].pk})

    assert shown_operations(response) == [two_people["by_lee"]]
    assert [row[1] for row in exported_rows(exported)[1:]] == ["lee"]
    assert shown_operations(agent_client.get(log_url())) == [two_people["by_lee"], two_people["by_dana"]]


def test_the_person_filter_offers_the_partners_people_who_appear_in_its_log(agent_client, world, two_people):
    # Someone of another partner, acting in that partner's log only.
    rival = PartnerUserFactory(partner=world.other_partner, user=UserFactory(username="rival")).user

    content = agent_client.get(log_url(), {"who": two_people["dana"].pk}).content.decode()

    select = html.find(content, "form", class_="activity-filters").find("select", name="who")
    label = html.find(content, "label", for_=select.attrs["id"])
    assert label.text == "Who"
    assert [option.text for option in select.find_all("option")] == ["Everyone", "Dana Agent", "lee"]
    assert select.find("option", selected=True).attrs["value"] == str(two_people["dana"].pk)
    unknown = agent_client.get(log_url(), {"who": rival.pk})
    assert len(shown_operations(unknown)) == 2, "someone the filter does not offer filters nothing"
    assert unknown.context["form"].errors["who"]


# --- Amounts --------------------------------------------------------------------------------


def test_each_row_shows_its_net_billing_amount_in_the_customers_currency(agent_client, world):
    upgraded = world.upgrade(world.subscription(BUSINESS, quantity=10, users=4), E3)
    removed = world.change_quantity(upgraded.target_subscription, 8)
    refused = refused_change(world, upgraded.target_subscription, 9, based_on=10)
    # An Indian customer's lines are in rupees: the amount says the lines' currency.
    BillingLine.objects.filter(operation=removed).update(currency="INR")

    def net(operation):
        return sum(line.amount for line in BillingLine.objects.filter(operation=operation))

    english = agent_client.get(log_url()).content.decode()
    french = agent_client.get(log_url(), headers={"accept-language": "fr"}).content.decode()

    def amount(content, operation, label):
        return row_of(content, operation).find("td", data_label=label).text

    assert "Amount" in [th.text for th in html.find(english, "thead").find_all("th")]
    assert net(removed) < 0 < net(upgraded)
    with translation.override("en"):
        assert amount(english, upgraded, "Amount") == formatting.money(net(upgraded), "USD")
        assert amount(english, removed, "Amount") == formatting.money(net(removed), "INR")
    assert amount(english, refused, "Amount") == "", "no billing line, no amount"
    with translation.override("fr"):
        # The page's text, white space folded (the no-break space before "$US" included).
        assert amount(french, upgraded, "Montant") == " ".join(formatting.money(net(upgraded), "USD").split())
    assert "$US" in amount(french, upgraded, "Montant")


# --- CSV ------------------------------------------------------------------------------------


def exported_rows(response, delimiter: str = ",") -> list[list[str]]:
    """The CSV's lines; the BOM and separators are tests/subscriptions/test_exports.py's."""
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_the_csv_exports_every_filtered_row_not_only_the_page(agent_client, world):
    subscription = world.subscription(E3, quantity=100)
    for quantity in range(101, 156):
        world.change_quantity(subscription, quantity)
    refused_change(world, subscription, 155, based_on=1)

    response = agent_client.get(csv_url(), {"kind": "quantity_change", "result": "succeeded", "page": 2})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="activity-log.csv"'
    header, *rows = exported_rows(response)
    assert header == [str(column) for column in (*activity.CSV_COLUMNS, activity.MARGIN_COLUMN)]
    assert header[:4] == ["When", "Who", "Customer", "Subscription"]
    assert len(rows) == 55
    assert rows[0][6] == "Licenses: 154 → 155" and rows[-1][6] == "Licenses: 100 → 101"
    assert {row[7] for row in rows} == {"Succeeded"}
    assert {row[4] for row in rows} == {str(subscription.subscription_id)}


def test_the_csv_says_why_an_attempt_was_refused(agent_client, world):
    operation = refused_change(world, world.subscription(ESSENTIALS, quantity=25, users=20), 19)

    (row,) = exported_rows(agent_client.get(csv_url()))[1:]

    assert row[0] == timezone.localtime(operation.created_at).isoformat(timespec="seconds")
    assert row[5:10] == [
        "Quantity change",
        "Licenses: 25 → 19",
        "Refused",
        reasons.describe(reasons.QUANTITY_BELOW_ASSIGNED, {"assigned": 20, "quantity": 19}),
        reasons.QUANTITY_BELOW_ASSIGNED,
    ]


def test_the_csv_headers_and_words_follow_the_language(agent_client, world):
    refused_change(world, world.subscription(ESSENTIALS, quantity=25, users=20), 19)

    header, row = exported_rows(agent_client.get(csv_url(), headers={"Accept-Language": "fr"}), ";")

    assert header[:4] == ["Date", "Effectuée par", "Client", "Abonnement"]
    assert row[7] == "Refusée"
    assert "20 licences sont attribuées" in row[8]


# --- Query counts ---------------------------------------------------------------------------


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        assert response.status_code == HTTPStatus.OK
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(captured)


def test_the_log_query_count_does_not_grow_with_rows(agent_client, world):
    first = world.subscription(E3, quantity=100)
    world.change_quantity(first, 101)
    refused_change(world, first, 101, based_on=1)
    world.upgrade(world.subscription(BUSINESS), PROPLUS)
    few = queries(agent_client, log_url())
    few_filtered = queries(agent_client, log_url(), {"customer": world.customer.pk, "result": "succeeded"})
    csv_few = queries(agent_client, csv_url())

    for index in range(8):
        other = CustomerFactory(partner=world.partner)
        DelegatedAdminGrantFactory(partner=world.partner, customer=other)
        subscription = Subscription.objects.create(
            customer=other,
            offer=world.offers[E3],
            friendly_name=f"Plan {index}",
            quantity=10,
            sold_by=world.partner,
            term_end=timezone.localdate() + datetime.timedelta(days=365),
        )
        actor = PartnerUserFactory(partner=world.partner, user=UserFactory(username=f"agent{index}")).user
        for quantity in range(11, 18):
            world.change_quantity(subscription, quantity, actor=acting(actor))
        refused_change(world, subscription, 20, based_on=1, actor=acting(actor))
    many = queries(agent_client, log_url())

    assert Operation.objects.count() > 60
    assert few == many
    assert (
        queries(agent_client, log_url(), {"customer": world.customer.pk, "result": "succeeded"})
        == few_filtered
    )
    assert queries(agent_client, csv_url()) == csv_few


# --- Django admin ---------------------------------------------------------------------------


def test_the_admin_log_shows_quantity_changes_with_their_numbers(admin_client, world):
    operation = world.change_quantity(world.subscription(ESSENTIALS, quantity=25), 30)
    refused_change(world, world.subscription(PREMIUM, quantity=40), 301)

    listing = admin_client.get(
        reverse("admin:subscriptions_operation_changelist"), {"kind__exact": "quantity_change"}
    )
    detail = admin_client.get(reverse("admin:subscriptions_operation_change", args=[operation.pk]))

    content = listing.content.decode()
    assert "Licenses: 25 → 30" in content and "Licenses: 40 → 301" in content
    assert "quantity_above_maximum" in content
    page = detail.content.decode()
    assert "Previous quantity" in page and "Licenses added" in page


@pytest.mark.parametrize(
    "params",
    [
        {"subscription": "99999999999999999999"},
        {"subscription": "-1", "customer": "abc"},
        {"customer": "99999999999999999999"},
        {"date_from": "2024-13-45", "date_to": "yesterday"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"kind": "<script>", "result": "' OR 1=1"},
        {"who": "99999999999999999999"},
        {"who": "-1"},
    ],
)
def test_hostile_filters_get_the_unfiltered_log_not_an_error(agent_client, world, params):
    operation = world.change_quantity(world.subscription(ESSENTIALS, quantity=10), 12)

    response = agent_client.get(log_url(), params)
    exported = agent_client.get(csv_url(), params)

    assert response.status_code == HTTPStatus.OK
    assert shown_operations(response) == [operation]
    assert len(exported_rows(exported)) == 2
