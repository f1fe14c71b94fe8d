"""Every row and every page answers with what can be done: no advice on a subscription that is
not active, a second tab that says what the first one did, and Add licenses only where it can
succeed (docs/domain.md §4).

Uses the `world` fixture of tests/subscriptions/conftest.py; the browser side is
tests/browser/test_dead_ends.py.
"""

import datetime
import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from customers.models import DelegatedAdminGrant
from subscriptions import eligibility, reasons
from subscriptions.models import Subscription
from tests import html
from tests.factories import PartnerUserFactory
from tests.offer_names import BUSINESS, E3, ESSENTIALS, PREMIUM

HTMX = {"HX-Request": "true"}


def customer_page(client, world):
    return html.parse(client.get(reverse("customers:detail", args=[world.customer.pk])).content)


def row_of(page, subscription):
    return page.find("tr", id=f"subscription-{subscription.pk}")


def upgrade_url(subscription) -> str:
    return reverse("subscriptions:upgrade", args=[subscription.pk])


# --- 1. A subscription that is not active gets its state, never advice -----------------------


def test_an_upgraded_away_subscription_is_evaluated_only_as_not_active(world):
    source = world.subscription(ESSENTIALS, users=2)
    world.upgrade(source, E3)
    source.refresh_from_db()

    options = eligibility.upgrade_options(source)

    assert options, "the paths still exist"
    for option in options:
        assert [reason.code for reason in option.reasons] == [reasons.SUBSCRIPTION_NOT_ACTIVE]
    # Above all, no reason tells the partner to cancel the subscription the upgrade created.
    assert all("Cancel" not in reason.message for option in options for reason in option.reasons)


def test_the_old_row_of_an_upgrade_says_what_it_became_when_by_whom_with_the_report(agent_client, world):
    world.agent.first_name, world.agent.last_name = "Dana", "Agent"
    world.agent.save()
    source = world.subscription(ESSENTIALS, friendly_name="Old plan", users=2)
    operation = world.upgrade(source, E3)

    row = row_of(customer_page(agent_client, world), source)

    assert "be upgraded?" not in row.text
    assert not row.find_all("span", class_="reasons")
    note = row.find("span", class_="status-note")
    day = date_format(timezone.localtime(operation.created_at), "DATE_FORMAT")
    assert note.text == f"Upgraded to {E3} on {day} by Dana Agent – see the report"
    new_url = reverse("subscriptions:detail", args=[operation.target_subscription_id])
    assert note.find("a", href=new_url).text == E3
    report_url = reverse("subscriptions:operation", args=[operation.pk])
    assert note.find("a", href=report_url).text == "see the report"
    assert not row.find_all("a", class_="row-action")


@pytest.mark.parametrize("status", [Subscription.Status.SUSPENDED, Subscription.Status.DELETED])
def test_a_suspended_or_cancelled_row_shows_only_its_state(agent_client, world, status):
    subscription = world.subscription(BUSINESS, friendly_name="Stopped plan", status=status)

    row = row_of(customer_page(agent_client, world), subscription)

    assert row.find("span", class_="badge").text == Subscription.Status(status).label
    assert "be upgraded?" not in row.text
    assert "Reactivate" not in row.text
    assert "Add licenses" not in row.text


def test_cancelled_rows_come_after_the_active_ones_with_a_dash_where_no_date_applies(agent_client, world):
    cancelled = world.subscription(
        BUSINESS, friendly_name="A cancelled plan", status=Subscription.Status.DELETED
    )
    suspended = world.subscription(
        BUSINESS, friendly_name="B suspended plan", status=Subscription.Status.SUSPENDED
    )
    active = world.subscription(BUSINESS, friendly_name="C active plan")

    page = customer_page(agent_client, world)

    names = [row.find_all("a")[0].text for row in page.find("tbody").find_all("tr")]
    assert names == ["B suspended plan", "C active plan", "A cancelled plan"]
    anniversary, term_end = (
        row_of(page, cancelled).find("td", data_label=label) for label in ("Billing anniversary", "Term end")
    )
    for cell in (anniversary, term_end):
        assert cell.find("span", aria_hidden="true").text == "—"
        assert cell.find("span", class_="visually-hidden").text == "Does not apply"
    assert row_of(page, suspended).find("td", data_label="Term end").text != "—"
    assert "—" not in row_of(page, active).find("td", data_label="Billing anniversary").text


# --- 2. A second tab says what the first one did ----------------------------------------------


def test_the_second_tab_says_already_upgraded_by_whom_and_when_and_refreshes_the_card(agent_client, world):
    world.agent.first_name, world.agent.last_name = "Dana", "Agent"
    world.agent.save()
    source = world.subscription(BUSINESS, quantity=15, users=2)
    stale = agent_client.get(upgrade_url(source))
    token = html.find(stale.content, "input", type="hidden", name="token").attrs["value"]
    version = html.find(stale.content, "input", type="hidden", name="version").attrs["value"]
    operation = world.upgrade(source, E3)

    response = agent_client.post(
        upgrade_url(source),
        {"target_offer": world.offers[PREMIUM].pk, "quantity": 15, "token": token, "version": version},
        headers=HTMX,
    )

    assert response.status_code == HTTPStatus.OK
    page = html.parse(response.content)
    done = page.find(id="upgrade-done")
    local = timezone.localtime(operation.created_at)
    at = f"{date_format(local, 'TIME_FORMAT')} {date_format(local, 'T')}"
    assert done.text == f"Already upgraded to {E3} by Dana Agent at {at} – view the upgrade report"
    report_url = reverse("subscriptions:operation", args=[operation.pk])
    assert done.find("a", href=report_url).text == "view the upgrade report"
    assert "Nothing was changed" not in page.text, "no refusal contradicting the card"
    card = page.find(id="current-subscription")
    assert card.attrs["hx_swap_oob"] == "true"
    assert card.find("span", class_="badge").text == "Cancelled"


def test_a_page_opened_on_an_upgraded_subscription_says_so_instead_of_reasons(agent_client, world):
    source = world.subscription(BUSINESS, users=2)
    operation = world.upgrade(source, E3)

    page = html.parse(agent_client.get(upgrade_url(source)).content)

    assert page.find(id="upgrade-done").text.startswith(f"Already upgraded to {E3} by ")
    assert not page.find_all("h2", id="not-upgradable-heading")
    assert page.find(id="current-subscription").find("span", class_="badge").text == "Cancelled"
    assert operation.pk


# --- 3. Add licenses only where it can succeed ------------------------------------------------


def test_add_licenses_is_replaced_by_its_reason_when_the_grant_does_not_count(agent_client, world):
    world.grant.status = DelegatedAdminGrant.Status.EXPIRED
    world.grant.end_date = datetime.date(2026, 10, 31)
    world.grant.save()
    subscription = world.subscription(BUSINESS, friendly_name="Main plan")

    for page, scope in (
        (customer_page(agent_client, world), lambda page: row_of(page, subscription)),
        (
            html.parse(agent_client.get(reverse("subscriptions:detail", args=[subscription.pk])).content),
            lambda page: page.find("div", class_="page-header"),
        ),
    ):
        part = scope(page)
        change_url = reverse("subscriptions:change-quantity", args=[subscription.pk])
        assert not part.find_all("a", href=change_url), "never a link to a page that can only refuse"
        button = part.find("button", aria_controls=f"license-reasons-{subscription.pk}")
        assert button.text == "Why can't licenses be added?"
        expired_on = date_format(datetime.date(2026, 10, 31), "DATE_FORMAT")
        assert f"expired on {expired_on}" in part.find(id=f"license-reasons-{subscription.pk}").text


def test_add_licenses_is_absent_for_a_read_only_role_and_on_a_cancelled_subscription(client, world):
    cancelled = world.subscription(BUSINESS, friendly_name="Gone plan", status=Subscription.Status.DELETED)
    active = world.subscription(BUSINESS, friendly_name="Main plan")
    client.force_login(PartnerUserFactory(partner=world.partner, role="billing_admin").user)

    page = customer_page(client, world)

    assert "Add licenses" not in row_of(page, active).text
    assert "licenses be added?" not in row_of(page, active).text
    client.force_login(world.agent)
    row = row_of(customer_page(client, world), cancelled)
    assert "Add licenses" not in row.text and "licenses be added?" not in row.text


def test_add_licenses_stays_a_link_when_it_can_succeed(agent_client, world):
    subscription = world.subscription(BUSINESS, friendly_name="Main plan")

    row = row_of(customer_page(agent_client, world), subscription)

    link = row.find("a", class_="row-action")
    assert link.attrs["href"] == reverse("subscriptions:change-quantity", args=[subscription.pk])
    assert uuid.UUID(str(subscription.subscription_id))
