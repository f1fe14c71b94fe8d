"""The upgrade page, its billing preview, Submit, and the result page with its CSV, through HTTP.

Uses the `world` (one partner, one customer with a counting admin_agent grant, a signed-in
agent, the real catalog) and `snapshot` fixtures of tests/subscriptions/conftest.py.
"""

import csv
import io
import uuid
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import DelegatedAdminGrant, PartnerUser
from subscriptions import billing, report, services
from subscriptions.formatting import money
from subscriptions.models import Operation, Subscription
from tests import html
from tests.factories import PartnerUserFactory
from tests.offer_names import BUSINESS, E3, E5, PREMIUM, PROPLUS

HTMX = {"HX-Request": "true"}


@pytest.fixture
def source(world) -> Subscription:
    """Office 365 Business, 10 seats, 3 licensed users: Premium, ProPlus, E3 and E5 eligible."""
    return world.subscription(BUSINESS, users=3)


def upgrade_url(subscription) -> str:
    return reverse("subscriptions:upgrade", args=[subscription.pk])


def operation_url(operation) -> str:
    return reverse("subscriptions:operation", args=[operation.pk])


def token_in(response) -> str:
    return html.find(response.content, "input", type="hidden", name="token").attrs["value"]


def submit(client, subscription, *, target, quantity, token=None, headers=None, **extra):
    """POST the upgrade form as the page draws it: the current version unless told."""
    data = {
        "target_offer": target,
        "quantity": quantity,
        "token": token or str(uuid.uuid4()),
        "version": Subscription.objects.get(pk=subscription.pk).version,
        **extra,
    }
    return client.post(upgrade_url(subscription), data, headers=headers or {})


def nothing_changed(snapshot, before) -> bool:
    return snapshot() == before and not Operation.objects.filter(result=Operation.Result.SUCCEEDED).exists()


# --- The upgrade page -----------------------------------------------------------------------


def test_signed_out_visitors_of_the_upgrade_page_are_sent_to_the_login_page(client, source):
    response = client.get(upgrade_url(source))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_the_upgrade_page_offers_each_eligible_target_as_a_radio_labelled_with_its_name(
    agent_client, world, source
):
    response = agent_client.get(upgrade_url(source))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    page = html.parse(content)
    assert page.find("h1").text == "Upgrade a subscription"
    for name in (PREMIUM, PROPLUS, E3, E5):
        offer = world.offers[name]
        radio = page.find("input", type="radio", name="target_offer", value=offer.pk)
        assert "disabled" not in radio.attrs
        label = page.find("label", for_=f"target-{offer.pk}")
        assert label.find("span", class_="offer-option__name").text == name
    assert "$20.00 per license per month" in content, "E3's price, money formatted"
    assert page.find("button", type="submit", class_="button--primary").text == "Submit"
    # Every Submit of the form (the phone's sticky bar has one too) is disabled while one is sent.
    assert page.find("form", hx_post=True).attrs["hx_disabled_elt"] == ".submit-action"


def test_the_refused_targets_are_listed_disabled_with_their_reason_never_naming_the_other_partner(
    agent_client, world, source
):
    world.subscription(PROPLUS, sold_by="other")

    content = agent_client.get(upgrade_url(source)).content.decode()

    proplus = world.offers[PROPLUS]
    page = html.parse(content)
    radio = page.find("input", type="radio", name="target_offer", value=proplus.pk)
    assert "disabled" in radio.attrs
    assert radio.attrs["aria_describedby"] == f"target-{proplus.pk}-reasons"
    reasons_list = page.find("ul", class_="offer-option__reasons", id=f"target-{proplus.pk}-reasons")
    assert "through another partner; the customer must cancel it with that partner" in reasons_list.text
    assert world.other_partner.name not in content


def test_the_quantity_defaults_to_the_current_one_and_the_comparison_lists_services(agent_client, source):
    content = agent_client.get(upgrade_url(source)).content.decode()

    assert html.find(content, "input", type="number", name="quantity").attrs["value"] == "10"
    assert "Services compared with Office 365 Business" in content
    assert 'Office 365 Business desktop apps <span aria-hidden="true">→</span>' in content
    assert "<li>Azure Rights Management</li>" in content


WITH_TRANSFER = "Upgrade with license transfer"
UPGRADE_ONLY = "Upgrade only: licenses must be assigned manually"


@pytest.mark.parametrize(
    ("grant_role", "stated", "not_stated"),
    [
        (DelegatedAdminGrant.Role.ADMIN_AGENT, WITH_TRANSFER, UPGRADE_ONLY),
        (DelegatedAdminGrant.Role.DIRECTORY_READER, UPGRADE_ONLY, WITH_TRANSFER),
    ],
)
def test_the_page_states_the_upgrade_type_from_the_grant(
    agent_client, world, source, grant_role, stated, not_stated
):
    world.grant.role = grant_role
    world.grant.save()

    content = agent_client.get(upgrade_url(source)).content.decode()
    assert stated in content
    assert not_stated not in content


def test_a_subscription_that_cannot_be_upgraded_says_why_and_shows_no_form(agent_client, world):
    suspended = world.subscription(BUSINESS, status=Subscription.Status.SUSPENDED)

    response = agent_client.get(upgrade_url(suspended))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "This subscription can't be upgraded right now" in content
    assert "This subscription is suspended." in content
    assert 'name="target_offer"' not in content
    assert ">Submit<" not in content


def test_another_partners_subscription_is_not_found_and_cannot_be_posted_to(agent_client, world, snapshot):
    theirs = world.subscription(BUSINESS, sold_by="other")
    before = snapshot()

    assert agent_client.get(upgrade_url(theirs)).status_code == HTTPStatus.NOT_FOUND
    response = submit(agent_client, theirs, target=world.offers[E3].pk, quantity=10)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert nothing_changed(snapshot, before)
    assert not Operation.objects.exists()


def test_a_billing_admin_is_forbidden_the_page_and_the_post(client, world, source, snapshot):
    client.force_login(PartnerUserFactory(partner=world.partner, role=PartnerUser.Role.BILLING_ADMIN).user)
    before = snapshot()

    assert client.get(upgrade_url(source)).status_code == HTTPStatus.FORBIDDEN
    response = submit(client, source, target=world.offers[E3].pk, quantity=10)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert nothing_changed(snapshot, before)
    assert not Operation.objects.exists()


# --- The billing preview --------------------------------------------------------------------


def test_htmx_gets_the_billing_preview_fragment_for_the_chosen_offer_and_quantity(
    agent_client, world, source
):
    e3 = world.offers[E3]
    impact = billing.upgrade_billing_impact(subscription=source, target_offer=e3, quantity=12)

    response = agent_client.get(upgrade_url(source), {"target_offer": e3.pk, "quantity": 12}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<html" not in content and "<form" not in content
    for line in impact.lines:
        assert money(line.amount, line.currency) in content
    assert money(impact.net, impact.currency) in content
    assert 'id="billing-status" hx-swap-oob="innerHTML"' in content
    assert "HX-Request" in response["Vary"]


def test_the_page_without_javascript_shows_the_preview_for_the_choice_in_the_url(agent_client, world, source):
    e3 = world.offers[E3]
    impact = billing.upgrade_billing_impact(subscription=source, target_offer=e3, quantity=10)

    response = agent_client.get(upgrade_url(source), {"target_offer": e3.pk, "quantity": 10})

    content = response.content.decode()
    assert "<html" in content
    assert money(impact.net, impact.currency) in content
    assert "checked" in html.find(content, "input", type="radio", name="target_offer", value=e3.pk).attrs


def test_the_preview_explains_a_quantity_out_of_the_targets_range(agent_client, world, source):
    premium = world.offers[PREMIUM]

    response = agent_client.get(
        upgrade_url(source), {"target_offer": premium.pk, "quantity": 301}, headers=HTMX
    )

    assert "Enter a quantity between 1 and 300 for Office 365 Business Premium." in response.content.decode()


def test_the_preview_button_of_the_plain_form_changes_nothing(agent_client, world, source, snapshot):
    e3 = world.offers[E3]
    impact = billing.upgrade_billing_impact(subscription=source, target_offer=e3, quantity=10)
    before = snapshot()

    response = submit(agent_client, source, target=e3.pk, quantity=10, preview="1")

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    for line in impact.lines:
        assert money(line.amount, line.currency) in content
    assert money(impact.net, impact.currency) in content
    assert nothing_changed(snapshot, before)
    assert not Operation.objects.exists()


# --- Submit ---------------------------------------------------------------------------------


def test_a_plain_submit_upgrades_and_redirects_to_the_report(agent_client, world, source):
    token = token_in(agent_client.get(upgrade_url(source)))

    response = submit(agent_client, source, target=world.offers[E3].pk, quantity=12, token=token)

    operation = Operation.objects.get(subscription=source, result=Operation.Result.SUCCEEDED)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == operation_url(operation)
    source.refresh_from_db()
    target = source.upgraded_to
    assert (source.status, target.offer.name, target.quantity) == (Subscription.Status.DELETED, E3, 12)
    assert str(operation.token) == token
    customer_page = agent_client.get(reverse("customers:detail", args=[source.customer_id])).content
    note = html.find(customer_page, "span", class_="status-note")
    assert note.text.startswith("Upgraded to Office 365 Enterprise E3 on ")
    assert note.text.endswith(" – see the report")


def test_an_htmx_submit_answers_with_a_client_redirect_to_the_report(agent_client, world, source):
    response = submit(agent_client, source, target=world.offers[E3].pk, quantity=10, headers=HTMX)

    operation = Operation.objects.get(subscription=source, result=Operation.Result.SUCCEEDED)
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Redirect"] == operation_url(operation)


def test_the_same_form_submitted_twice_makes_one_upgrade(agent_client, world, source):
    token = str(uuid.uuid4())

    first = submit(agent_client, source, target=world.offers[E3].pk, quantity=10, token=token)
    second = submit(agent_client, source, target=world.offers[E3].pk, quantity=10, token=token)

    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert first["Location"] == second["Location"]
    assert Operation.objects.filter(subscription=source).count() == 1
    assert Subscription.objects.filter(customer=world.customer, offer__name=E3).count() == 1


@pytest.mark.parametrize("forged", ["abc", "", "999999", "power-bi", "premium-india"])
def test_a_forged_target_is_a_form_error_and_changes_nothing(agent_client, world, source, snapshot, forged):
    # Power BI Pro exists but is on no path from Business; India's Premium is on another source's path.
    target = {
        "power-bi": world.offers["Power BI Pro"].pk,
        "premium-india": world.offers["Office 365 Business Premium India"].pk,
    }.get(forged, forged)
    before = snapshot()

    response = submit(agent_client, source, target=target, quantity=10)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'role="alert"' in content
    assert "Choose one of the offers listed." in content or "Choose the new offer." in content
    assert nothing_changed(snapshot, before)
    assert not Operation.objects.exists()


@pytest.mark.parametrize("quantity", ["abc", "", "0", "-3", "301", "1e3", "99999999999999999999"])
def test_a_bad_quantity_is_a_form_error_and_changes_nothing(agent_client, world, source, snapshot, quantity):
    before = snapshot()

    response = submit(agent_client, source, target=world.offers[PREMIUM].pk, quantity=quantity)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert html.find(response.content, "p", class_="field__error", id="quantity-errors").text
    assert nothing_changed(snapshot, before)
    assert not Operation.objects.exists()


def test_a_form_error_keeps_the_token_and_the_choices(agent_client, world, source):
    token = str(uuid.uuid4())

    response = submit(agent_client, source, target=world.offers[E3].pk, quantity="abc", token=token)

    assert token_in(response) == token
    e3 = world.offers[E3].pk
    chosen = html.find(response.content, "input", type="radio", name="target_offer", value=e3)
    assert "checked" in chosen.attrs


def test_a_lost_token_is_a_form_error_and_the_form_comes_back_with_a_fresh_one(
    agent_client, world, source, snapshot
):
    before = snapshot()

    response = submit(agent_client, source, target=world.offers[E3].pk, quantity=10, token="not-a-uuid")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This form has expired. Reload the page and try again." in response.content.decode()
    uuid.UUID(token_in(response))
    assert nothing_changed(snapshot, before)


def test_a_refusal_by_the_engine_shows_the_reason_with_the_same_token(agent_client, world, source, snapshot):
    world.subscription(PROPLUS, sold_by="other")
    token = str(uuid.uuid4())
    before = snapshot()

    response = submit(agent_client, source, target=world.offers[PROPLUS].pk, quantity=10, token=token)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    alert = html.find(content, "div", class_="alert--error", role="alert")
    assert "through another partner; the customer must cancel it with that partner" in alert.text
    assert token_in(response) == token
    assert snapshot() == before
    assert Operation.objects.get().result == Operation.Result.REFUSED


def test_an_htmx_refusal_swaps_the_form_fragment_with_status_200(agent_client, world, source):
    world.subscription(PROPLUS, sold_by="other")

    response = submit(agent_client, source, target=world.offers[PROPLUS].pk, quantity=10, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert content.lstrip().startswith('<div id="upgrade-form">')
    assert 'role="alert"' in content
    assert "<html" not in content


def test_a_stale_page_is_refused_with_the_current_situation(agent_client, world, source, snapshot):
    token = token_in(agent_client.get(upgrade_url(source)))
    Subscription.objects.filter(pk=source.pk).update(status=Subscription.Status.SUSPENDED)
    before = snapshot()

    response = submit(agent_client, source, target=world.offers[E3].pk, quantity=10, token=token)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This subscription is suspended." in content
    assert 'name="target_offer"' not in content, "no form for a subscription that cannot be upgraded"
    assert snapshot() == before


# --- The result page ------------------------------------------------------------------------


def upgrade(world, *, users: int, without_usage_location: int = 0, quantity=None) -> Operation:
    source = world.subscription(BUSINESS, users=users, quantity=max(10, users + without_usage_location))
    for _ in range(without_usage_location):
        world.license(source, world.user(usage_location=""))
    return services.subscription_upgrade(
        subscription=source,
        target_offer=world.offers[E3],
        quantity=quantity,
        actor=world.actor,
        token=uuid.uuid4(),
    )


def test_signed_out_visitors_of_a_report_are_sent_to_the_login_page(client, world):
    operation = upgrade(world, users=1)

    response = client.get(operation_url(operation))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_the_report_confirms_the_upgrade_with_its_billing_and_the_affected_accounts(agent_client, world):
    operation = upgrade(world, users=2, without_usage_location=1)
    rows = report.affected_rows(operation)

    response = agent_client.get(operation_url(operation))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert f"{BUSINESS} → {E3}" in content
    lines = list(operation.billing_lines.all())
    for line in lines:
        assert money(line.amount, line.currency) in content
    assert money(sum(line.amount for line in lines), lines[0].currency) in content
    assert "Upgrade with license transfer" in content
    assert "Accounts and services that were affected" in content
    assert f"All ({len(rows)})" in content
    first_error = content.index("Prohibited<wbr>In<wbr>Usage<wbr>Location<wbr>Violation")
    assert first_error < content.index("<span>Moved</span>"), "errors first"
    assert 'href="https://go.microsoft.com/fwlink/p/?LinkId=723576"' in content
    assert "Problems in reassigning licenses while you switch plans in Office 365" in content
    assert f'href="{reverse("subscriptions:operation-csv", args=[operation.pk])}"' in content
    customer_url = reverse("customers:detail", args=[world.customer.pk])
    assert [link.text for link in html.find_all(content, "a", href=customer_url)] == [
        world.customer.name,
        f"Back to {world.customer.name}",
    ]


def test_the_rows_filter_by_kind_and_htmx_gets_the_fragment(agent_client, world):
    operation = upgrade(world, users=2, without_usage_location=1)

    response = agent_client.get(operation_url(operation), {"kind": "error"}, headers=HTMX)

    content = response.content.decode()
    assert content.lstrip().startswith('<div id="affected"')
    assert "<html" not in content
    assert {row.kind for row in response.context["page"].object_list} == {"error"}
    assert html.find(content, "a", href="?kind=error").attrs["aria_current"] == "true"


def test_an_unknown_kind_shows_the_default_view(agent_client, world):
    operation = upgrade(world, users=1)

    response = agent_client.get(operation_url(operation), {"kind": "bogus"})

    assert response.context["page"].paginator.count == len(
        [row for row in report.affected_rows(operation) if row.kind in report.DEFAULT_KINDS]
    )


def test_the_rows_are_paginated_50_per_page(agent_client, world):
    operation = upgrade(world, users=8)
    total = len(report.affected_rows(operation))
    assert total > 50

    first = agent_client.get(operation_url(operation), {"kind": "all"})
    second = agent_client.get(operation_url(operation), {"kind": "all", "page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == total - 50
    assert f"Rows 1–50 of {total}" in first.content.decode()


def test_another_partners_report_and_a_refused_attempt_are_not_found(client, world):
    operation = upgrade(world, users=1)
    refused = Operation.objects.create(
        kind=Operation.Kind.UPGRADE,
        result=Operation.Result.REFUSED,
        partner=world.partner,
        customer=world.customer,
        subscription=world.subscription(BUSINESS),
    )
    client.force_login(PartnerUserFactory(partner=world.other_partner).user)

    assert client.get(operation_url(operation)).status_code == HTTPStatus.NOT_FOUND
    csv_url = reverse("subscriptions:operation-csv", args=[operation.pk])
    assert client.get(csv_url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(world.agent)
    assert client.get(operation_url(refused)).status_code == HTTPStatus.NOT_FOUND


def test_the_csv_has_every_row_with_the_operation_in_its_file_name(agent_client, world):
    operation = upgrade(world, users=2, without_usage_location=1)
    rows = report.affected_rows(operation)

    # Unfiltered: the kind filter is tests/subscriptions/test_exports.py's.
    response = agent_client.get(reverse("subscriptions:operation-csv", args=[operation.pk]))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="operation-{operation.pk}-affected-accounts.csv"' in response["Content-Disposition"]
    header, *exported = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert header == [str(column) for column in report.CSV_COLUMNS]
    assert [(line[1], line[5]) for line in exported] == [(row.user_principal_name, row.code) for row in rows]


def test_the_report_query_count_does_not_grow_with_rows(agent_client, world):
    # Each with an account left behind, so both pages show that section too.
    few = upgrade(world, users=1, without_usage_location=1)
    # The customer now owns E3; suspending it lets a second source upgrade to E3 too.
    Subscription.objects.filter(pk=few.target_subscription_id).update(status=Subscription.Status.SUSPENDED)
    many = upgrade(world, users=6, without_usage_location=1)
    assert len(report.affected_rows(few)) <= 12 < 60 <= len(report.affected_rows(many))

    def queries(operation):
        with CaptureQueriesContext(connection) as captured:
            assert agent_client.get(operation_url(operation)).status_code == HTTPStatus.OK
        return len(captured)

    assert queries(few) == queries(many)
