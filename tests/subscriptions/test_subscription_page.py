"""The subscription page: figures, seat usage, services, licensed users, billing and history,
with Add licenses and Upgrade now for the roles that may change things; and the customer page's
links to it. Uses the `world` and `snapshot` fixtures of tests/subscriptions/conftest.py."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from customers.models import PartnerUser
from subscriptions.formatting import money
from subscriptions.models import BillingLine, Subscription
from tests import html
from tests.factories import LicenseAssignmentFactory, PartnerUserFactory
from tests.offer_names import BUSINESS, E3, ESSENTIALS

HTMX = {"HX-Request": "true"}


@pytest.fixture
def billing_client(client, world):
    client.force_login(PartnerUserFactory(partner=world.partner, role=PartnerUser.Role.BILLING_ADMIN).user)
    return client


def detail_url(subscription) -> str:
    return reverse("subscriptions:detail", args=[subscription.pk])


def section(content: str, heading_id: str) -> html.Element:
    return html.find(content, "section", class_="card", aria_labelledby=heading_id)


def test_signed_out_visitors_are_sent_to_the_login_page(client, world):
    subscription = world.subscription(ESSENTIALS)

    response = client.get(detail_url(subscription))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_the_page_shows_the_subscriptions_figures_dates_and_seat_usage(agent_client, world):
    subscription = world.subscription(ESSENTIALS, quantity=25, users=20, friendly_name="Contoso mail")
    today = timezone.localdate()

    response = agent_client.get(detail_url(subscription))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    page = html.parse(content)
    assert page.find("h1").text == "Contoso mail"
    assert [item.text for item in page.find("nav", class_="breadcrumb").find_all("li")] == [
        "Customers",
        "Test Customer",
        "Contoso mail",
    ]
    overview = section(content, "overview-heading").text
    for shown in (
        ESSENTIALS,
        "Active",
        "This partner",
        date_format(subscription.created_on, "DATE_FORMAT"),
        date_format(subscription.next_anniversary(today), "DATE_FORMAT"),
        date_format(subscription.term_end, "DATE_FORMAT"),
        str(subscription.subscription_id),
    ):
        assert shown in overview
    licenses = section(content, "licenses-heading")
    assert "25 licenses" in licenses.text and "20 assigned" in licenses.text
    meter = licenses.find("meter", id="seat-usage")
    assert (meter.attrs["min"], meter.attrs["max"], meter.attrs["value"]) == ("0", "25", "20")
    assert licenses.find("label", for_="seat-usage").text == "Licenses assigned"
    assert "style=" not in content, "no inline style under the CSP"


def test_the_page_lists_the_service_plans_of_the_offer(agent_client, world):
    subscription = world.subscription(ESSENTIALS)

    services_section = section(
        agent_client.get(detail_url(subscription)).content.decode(), "services-heading"
    )

    listed = {item.text for item in services_section.find_all("li")}
    assert listed == {plan.name for plan in world.offers[ESSENTIALS].service_plans.all()}


def test_an_agent_gets_add_licenses_and_upgrade_now(agent_client, world):
    subscription = world.subscription(BUSINESS)

    content = agent_client.get(detail_url(subscription)).content.decode()

    form_url = reverse("subscriptions:change-quantity", args=[subscription.pk])
    upgrade_url = reverse("subscriptions:upgrade", args=[subscription.pk])
    page = html.parse(content)
    assert page.find("a", class_="button--primary", href=form_url).text == "Add licenses"
    assert page.find("a", class_="button", href=upgrade_url).text == "Upgrade now"
    assert (
        "Possible upgrades: Office 365 Business Premium, Office 365 ProPlus, Office 365 Enterprise E3"
        in content
    )


def test_a_billing_admin_reads_the_page_without_any_action(billing_client, world):
    subscription = world.subscription(BUSINESS, users=2)

    response = billing_client.get(detail_url(subscription))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert reverse("subscriptions:upgrade", args=[subscription.pk]) not in content
    assert reverse("subscriptions:change-quantity", args=[subscription.pk]) not in content
    assert "Add licenses" not in content
    assert "Upgrade now" not in content


def test_a_subscription_that_is_not_active_offers_neither_action(agent_client, world):
    subscription = world.subscription(BUSINESS, status=Subscription.Status.SUSPENDED)

    content = agent_client.get(detail_url(subscription)).content.decode()

    assert "Add licenses" not in content and "Upgrade now" not in content
    assert "Suspended" in content


def test_another_partners_subscription_is_not_found(agent_client, world):
    theirs = world.subscription(ESSENTIALS, sold_by="other")
    direct = world.subscription(ESSENTIALS, sold_by="direct")

    assert agent_client.get(detail_url(theirs)).status_code == HTTPStatus.NOT_FOUND
    assert agent_client.get(detail_url(direct)).status_code == HTTPStatus.NOT_FOUND
    assert (
        agent_client.get(reverse("subscriptions:detail", args=[999_999])).status_code == HTTPStatus.NOT_FOUND
    )


def test_the_history_links_an_upgrade_both_ways_and_lists_quantity_changes(agent_client, world):
    source = world.subscription(BUSINESS, quantity=10, users=2)
    world.change_quantity(source, 12)
    operation = world.upgrade(source, E3)
    target = operation.target_subscription
    world.change_quantity(target, 15)

    source_page = agent_client.get(detail_url(source)).content.decode()
    target_page = agent_client.get(detail_url(target)).content.decode()

    report_url = reverse("subscriptions:operation", args=[operation.pk])
    source_history = section(source_page, "history-heading")
    assert source_history.find("a", href=detail_url(target)).text == E3
    assert f"Upgraded to {E3}" in source_history.text
    assert source_history.find("a", href=report_url).text == "Upgrade report"
    assert "Licenses: 10 → 12" in source_history.text
    source_overview = section(source_page, "overview-heading")
    assert source_overview.find("a", href=detail_url(target)).text == E3
    assert f"Upgraded to {E3}" in source_overview.text
    target_history = section(target_page, "history-heading")
    assert target_history.find("a", href=detail_url(source)).text == BUSINESS
    assert f"Upgraded from {BUSINESS}" in target_history.text
    assert target_history.find("a", href=report_url).text == "Upgrade report"
    assert "Licenses: 12 → 15" in target_history.text
    assert "Licenses: 10 → 12" not in target_history.text
    activity_url = reverse("subscriptions:activity") + f"?subscription={target.pk}"
    assert f'href="{activity_url}"' in target_page


def test_the_billing_lines_of_the_subscription_are_listed_with_their_amounts(agent_client, world):
    source = world.subscription(BUSINESS, quantity=10)
    world.change_quantity(source, 12)
    world.upgrade(source, E3)

    billing = section(agent_client.get(detail_url(source)).content.decode(), "billing-heading").text

    lines = BillingLine.objects.filter(subscription=source)
    assert {line.kind for line in lines} == {"licenses_added", "cancellation_credit"}
    for line in lines:
        assert money(line.amount, line.currency) in billing
    assert "Licenses added" in billing and "Credit for the cancelled subscription" in billing


def test_a_new_subscription_says_it_has_no_billing_line_or_change_yet(agent_client, world):
    content = agent_client.get(detail_url(world.subscription(ESSENTIALS))).content.decode()

    assert "No billing line yet" in content
    assert "No change was made to this subscription yet." in content


# --- Licensed users -------------------------------------------------------------------------


def test_the_licensed_users_are_paginated_50_per_page(agent_client, world):
    subscription = world.subscription(ESSENTIALS, quantity=60, users=55)

    first = agent_client.get(detail_url(subscription))
    second = agent_client.get(detail_url(subscription), {"page": 2})

    assert len(first.context["users_page"].object_list) == 50
    assert len(second.context["users_page"].object_list) == 5
    assert "55 users" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    upns = [license.user.user_principal_name for license in first.context["users_page"].object_list]
    assert upns == sorted(upns)


def test_the_users_are_searched_by_name_or_user_principal_name(agent_client, world):
    subscription = world.subscription(ESSENTIALS, quantity=10)
    world.license(
        subscription, world.user(display_name="Ada Lovelace", user_principal_name="ada@test.example")
    )
    world.license(
        subscription, world.user(display_name="Grace Hopper", user_principal_name="grace@test.example")
    )
    world.license(
        subscription, world.user(display_name="Alan Turing", user_principal_name="turing@x.example")
    )

    by_name = agent_client.get(detail_url(subscription), {"q": "hopper"})
    by_upn = agent_client.get(detail_url(subscription), {"q": "test.example"})
    nothing = agent_client.get(detail_url(subscription), {"q": "nobody"})

    def names(response):
        return [license.user.display_name for license in response.context["users_page"].object_list]

    assert names(by_name) == ["Grace Hopper"]
    assert names(by_upn) == ["Ada Lovelace", "Grace Hopper"]
    assert "No licensed user matches “nobody”." in nothing.content.decode()


def test_htmx_gets_only_the_users_fragment_with_the_new_count(agent_client, world):
    subscription = world.subscription(ESSENTIALS, quantity=10, users=3)
    world.license(subscription, world.user(display_name="Ada Lovelace"))

    response = agent_client.get(detail_url(subscription), {"q": "ada"}, headers=HTMX)

    content = response.content.decode()
    assert content.lstrip().startswith('<div id="licensed-users"')
    assert "<html" not in content and "Billing" not in content
    assert '<p id="user-count" hx-swap-oob="innerHTML">1 user</p>' in content
    assert "HX-Request" in response["Vary"]


def test_the_search_box_filters_as_you_type_and_works_as_a_plain_form(agent_client, world):
    subscription = world.subscription(ESSENTIALS)

    content = agent_client.get(detail_url(subscription)).content.decode()

    form = html.find(content, "form", class_="search", role="search")
    assert (form.attrs["method"], form.attrs["action"]) == ("get", detail_url(subscription))
    search_input = form.find("input", type="search", name="q")
    assert (search_input.attrs["hx_trigger"], search_input.attrs["hx_target"]) == (
        "input changed delay:300ms, search",
        "#licensed-users",
    )


def test_disabled_services_and_a_missing_usage_location_are_shown(agent_client, world):
    subscription = world.subscription(ESSENTIALS)
    world.license(subscription, world.user(usage_location=""), disabled=("YAMMER_ENTERPRISE", "SWAY"))

    users = section(agent_client.get(detail_url(subscription)).content.decode(), "users-heading").text

    assert "Not set" in users
    assert "Sway, Yammer Enterprise" in users or "Yammer Enterprise, Sway" in users


# --- Query counts ---------------------------------------------------------------------------


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == HTTPStatus.OK
    return len(captured)


def test_the_page_query_count_does_not_grow_with_users_billing_lines_or_history(agent_client, world):
    subscription = world.subscription(BUSINESS, quantity=200, users=3, created_on=timezone.localdate())
    world.license(subscription, world.user(), disabled=("SWAY",))
    world.change_quantity(subscription, 201)
    few = queries(agent_client, detail_url(subscription))

    LicenseAssignmentFactory.create_batch(60, subscription=subscription)
    for quantity in range(202, 214):
        world.change_quantity(subscription, quantity)
    for _ in range(3):
        world.license(subscription, world.user(), disabled=("SWAY", "SHAREPOINTWAC"))
    many = queries(agent_client, detail_url(subscription))

    assert few == many
    assert queries(agent_client, detail_url(subscription), {"page": 2}) == few


# --- The customer page's links --------------------------------------------------------------


def test_the_customer_page_links_each_name_and_offers_add_licenses_on_active_subscriptions(
    agent_client, world
):
    active = world.subscription(ESSENTIALS, friendly_name="Main plan")
    suspended = world.subscription(
        ESSENTIALS, friendly_name="Paused plan", status=Subscription.Status.SUSPENDED
    )

    content = agent_client.get(reverse("customers:detail", args=[world.customer.pk])).content.decode()

    assert f'<a href="{detail_url(active)}">Main plan</a>' in content
    assert f'<a href="{detail_url(suspended)}">Paused plan</a>' in content
    add_link = html.find(content, "a", class_="row-action", aria_label="Add licenses to Main plan")
    assert add_link.attrs["href"] == reverse("subscriptions:change-quantity", args=[active.pk])
    assert "Add licenses to Paused plan" not in content


def test_a_billing_admin_gets_the_links_to_the_subscription_pages_but_no_add_licenses(billing_client, world):
    subscription = world.subscription(ESSENTIALS, friendly_name="Main plan")

    content = billing_client.get(reverse("customers:detail", args=[world.customer.pk])).content.decode()

    assert f'<a href="{detail_url(subscription)}">Main plan</a>' in content
    assert reverse("subscriptions:change-quantity", args=[subscription.pk]) not in content
    assert reverse("subscriptions:upgrade", args=[subscription.pk]) not in content
    assert "Add licenses" not in content


def test_hostile_query_strings_get_a_page_not_an_error(agent_client, world):
    subscription = world.subscription(ESSENTIALS, users=2)

    for params in ({"page": "abc"}, {"page": "99999999999999999999"}, {"q": "x" * 500}, {"q": "%_\\'\""}):
        assert agent_client.get(detail_url(subscription), params).status_code == HTTPStatus.OK
