"""The landing page (the partner's customers) and a customer's subscriptions, through HTTP."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format

from customers.models import DelegatedAdminGrant, PartnerUser
from partnercenter import clock
from subscriptions import catalog_cache
from subscriptions.models import Subscription
from tests import html
from tests.factories import (
    CustomerFactory,
    DelegatedAdminGrantFactory,
    LicenseAssignmentFactory,
    PartnerFactory,
    PartnerUserFactory,
    SubscriptionFactory,
)

LIST_URL = reverse("customers:list")


@pytest.fixture
def partner(db):
    return PartnerFactory(name="Fabrikam View Tests")


@pytest.fixture
def agent(partner):
    return PartnerUserFactory(partner=partner, role=PartnerUser.Role.ADMIN_AGENT).user


@pytest.fixture
def billing_admin(partner):
    return PartnerUserFactory(partner=partner, role=PartnerUser.Role.BILLING_ADMIN).user


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def detail_url(customer) -> str:
    return reverse("customers:detail", args=[customer.pk])


def upgradable_subscription(customer, partner, catalog, **fields) -> Subscription:
    """Office 365 Business Essentials sold by `partner`, with a counting grant: four targets eligible."""
    DelegatedAdminGrantFactory(partner=partner, customer=customer)
    return SubscriptionFactory(
        customer=customer, offer=catalog["Office 365 Business Essentials"], sold_by=partner, **fields
    )


def count_queries(client, url) -> int:
    catalog_cache.current()  # warm, as a serving process is; test_catalog_cache.py reads it cold
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries)


# --- The customer list ----------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(LIST_URL)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('login')}?next={LIST_URL}"


def test_a_user_without_a_partner_is_forbidden(client, db):
    admin = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(admin)

    assert client.get(LIST_URL).status_code == HTTPStatus.FORBIDDEN


def test_the_list_shows_the_partners_customers_and_no_other(agent_client, partner):
    CustomerFactory(name="Contoso Ltd", partner=partner)
    CustomerFactory(name="Margie's Travel", partner=PartnerFactory())

    response = agent_client.get(LIST_URL)

    assert response.status_code == HTTPStatus.OK
    assert response.templates[0].name == "customers/customer_list.html"
    content = response.content.decode()
    assert "<html" in content
    assert f'href="{detail_url(response.context["page"][0])}"' in content
    assert "Contoso Ltd" in content
    assert "Margie" not in content


def test_the_shell_names_the_signed_in_user_and_partner_and_signs_out_with_a_post(
    agent_client, agent, partner
):
    content = agent_client.get(LIST_URL).content.decode()

    assert agent.username in content
    assert partner.name in content
    assert html.find(content, "form", action=reverse("logout")).attrs["method"] == "post"
    assert '<html lang="en">' in content
    assert 'hx-headers=\'{"X-CSRFToken": "' in content
    assert 'role="status"' in content


def test_each_customer_shows_how_many_subscriptions_this_partner_sold_it(agent_client, partner, catalog):
    customer = CustomerFactory(name="Contoso Ltd", partner=partner)
    for _ in range(3):
        SubscriptionFactory(customer=customer, sold_by=partner, offer=catalog["Power BI Pro"])
    SubscriptionFactory(customer=customer, sold_by=PartnerFactory(), offer=catalog["Power BI Pro"])
    SubscriptionFactory(customer=customer, sold_by=None, offer=catalog["Power BI Pro"])

    response = agent_client.get(LIST_URL)

    assert [c.subscription_count for c in response.context["page"]] == [3]


def test_the_search_matches_name_or_domain(agent_client, partner):
    CustomerFactory(name="Contoso Ltd", domain="contoso.test", partner=partner)
    CustomerFactory(name="Adatum Corporation", domain="adatum.test", partner=partner)
    CustomerFactory(name="Litware, Inc.", domain="lit-contoso.test", partner=partner)

    by_name = agent_client.get(LIST_URL, {"q": "adatum"})
    by_domain = agent_client.get(LIST_URL, {"q": "CONTOSO"})

    assert [c.name for c in by_name.context["page"]] == ["Adatum Corporation"]
    assert [c.name for c in by_domain.context["page"]] == ["Contoso Ltd", "Litware, Inc."]


def test_a_search_with_no_match_says_so(agent_client, partner):
    CustomerFactory(name="Contoso Ltd", partner=partner)

    response = agent_client.get(LIST_URL, {"q": "zzz"})

    assert "No customer matches “zzz”." in response.content.decode()


def test_a_search_never_reaches_another_partners_customers(agent_client, partner):
    CustomerFactory(name="Contoso Ltd", partner=partner)
    CustomerFactory(name="Contoso Secret", partner=PartnerFactory())

    response = agent_client.get(LIST_URL, {"q": "contoso"})

    assert [c.name for c in response.context["page"]] == ["Contoso Ltd"]


def test_htmx_gets_only_the_results_fragment_with_the_new_count(agent_client, partner):
    CustomerFactory(name="Contoso Ltd", partner=partner)
    CustomerFactory(name="Adatum Corporation", partner=partner)

    response = agent_client.get(LIST_URL, {"q": "conto"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<html" not in content
    assert content.lstrip().startswith('<div id="customer-results"')
    assert "Contoso Ltd" in content and "Adatum" not in content
    assert 'id="customer-count" hx-swap-oob="innerHTML">1 customer matches “conto”' in content
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(agent_client, partner):
    CustomerFactory(name="Contoso Ltd", partner=partner)

    response = agent_client.get(
        LIST_URL, {"q": "conto"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()


def test_the_search_box_filters_as_you_type_and_works_as_a_plain_form(agent_client):
    content = agent_client.get(LIST_URL).content.decode()

    form = html.find(content, "form", class_="search")
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/customers/")
    box = form.find("input", name="q")
    assert (box.attrs["hx_trigger"], box.attrs["hx_target"], box.attrs["hx_push_url"]) == (
        "input changed delay:300ms, search",
        "#customer-results",
        "true",
    )
    assert form.find("button", type="submit").text == "Search"


def test_the_list_is_paginated_50_per_page(agent_client, partner):
    CustomerFactory.create_batch(60, partner=partner)

    first = agent_client.get(LIST_URL)
    second = agent_client.get(LIST_URL, {"page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 10
    assert 'href="?page=2"' in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_the_list_query_count_does_not_grow_with_customers(client, partner, catalog):
    agent = PartnerUserFactory(partner=partner).user
    client.force_login(agent)

    def customers(count):
        for customer in CustomerFactory.create_batch(count, partner=partner):
            SubscriptionFactory(customer=customer, sold_by=partner, offer=catalog["Power BI Pro"])

    customers(5)
    with_5 = count_queries(client, LIST_URL)
    customers(55)
    with_60 = count_queries(client, LIST_URL)

    assert with_5 == with_60


# --- A customer's subscriptions -------------------------------------------------------------


def test_signed_out_visitors_of_a_customer_page_are_sent_to_the_login_page(client, partner):
    customer = CustomerFactory(partner=partner)

    response = client.get(detail_url(customer))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_another_partners_customer_is_not_found(agent_client):
    stranger = CustomerFactory(partner=PartnerFactory())

    assert agent_client.get(detail_url(stranger)).status_code == HTTPStatus.NOT_FOUND
    assert agent_client.get(reverse("customers:detail", args=[999_999])).status_code == HTTPStatus.NOT_FOUND


def test_the_customer_page_lists_the_subscriptions_this_partner_sold(agent_client, partner, catalog):
    customer = CustomerFactory(name="Contoso Ltd", partner=partner)
    ours = upgradable_subscription(customer, partner, catalog, quantity=25)
    for _ in range(20):
        LicenseAssignmentFactory(subscription=ours)
    SubscriptionFactory(
        customer=customer, sold_by=PartnerFactory(name="Rival"), offer=catalog["Office 365 ProPlus"]
    )

    response = agent_client.get(detail_url(customer))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    page = html.parse(content)
    assert page.find("h1").text == "Contoso Ltd"
    assert [item.text for item in page.find("nav", class_="breadcrumb").find_all("li")] == [
        "Customers",
        "Contoso Ltd",
    ]
    assert page.find("h2", id="subscriptions-heading").text == "Subscriptions"
    assert [row.subscription for row in response.context["rows"]] == [ours]
    assert "25 · 20 assigned" in content
    assert "This partner" in content
    assert date_format(ours.next_anniversary(clock.today()), "DATE_FORMAT") in content
    assert "Office 365 ProPlus" not in content
    assert "Rival" not in content


def test_an_upgradable_subscription_has_the_info_icon_with_upgrade_now(agent_client, partner, catalog):
    customer = CustomerFactory(partner=partner)
    subscription = upgradable_subscription(customer, partner, catalog, friendly_name="Main plan")

    content = agent_client.get(detail_url(customer)).content.decode()

    page = html.parse(content)
    button = page.find("button", type="button", class_="icon-button")
    assert (button.attrs["aria_expanded"], button.attrs["aria_controls"], button.attrs["aria_label"]) == (
        "false",
        f"upgrade-options-{subscription.pk}",
        "Upgrade options for Main plan",
    )
    panel = page.find(id=f"upgrade-options-{subscription.pk}")
    upgrade_url = reverse("subscriptions:upgrade", args=[subscription.pk])
    assert panel.find("a", href=upgrade_url).text == "Upgrade now"
    # Right after the name: nothing but white space between the name and the icon's disclosure.
    name = page.find("a", href=reverse("subscriptions:detail", args=[subscription.pk]))
    assert name.text == "Main plan"
    disclosure = page.next_after(name)
    assert disclosure.tag == "span" and "disclosure" in disclosure.classes
    assert disclosure.find("button") is button


def test_a_subscription_with_paths_but_no_eligible_target_links_to_why_without_upgrade_now(
    agent_client, partner, catalog
):
    customer = CustomerFactory(partner=partner)
    subscription = upgradable_subscription(customer, partner, catalog, friendly_name="Main plan")
    DelegatedAdminGrant.objects.filter(customer=customer).delete()

    response = agent_client.get(detail_url(customer))

    content = response.content.decode()
    page = html.parse(content)
    reasons_url = reverse("subscriptions:upgrade-reasons", args=[subscription.pk])
    # A real link to the reasons' page (no JavaScript), which disclosure.js turns into the button.
    why = page.find("a", href=reasons_url)
    assert (why.text, why.attrs["aria_label"]) == (
        "Why can't this be upgraded?",
        "Why can't Main plan be upgraded?",
    )
    assert "data_disclosure_button" in why.attrs
    # Its panel is fetched when it first opens: empty but for "Loading…", no reason in words.
    panel = page.find(id=f"upgrade-reasons-{subscription.pk}")
    assert (panel.attrs["hx_get"], panel.attrs["hx_trigger"]) == (reasons_url, "disclosure-open once")
    assert panel.text == "Loading…"
    assert "Offers concerned" not in content
    assert "Why this subscription can't be upgraded" not in content
    assert content.count("You do not have delegated admin privileges") == 1, "only in place of Add licenses"
    assert (
        "You do not have delegated admin privileges"
        in page.find(id=f"license-reasons-{subscription.pk}").text
    )
    assert "Upgrade options for" not in content
    assert "Upgrade now" not in content
    assert [row.has_refusals for row in response.context["rows"]] == [True]


def test_a_subscription_without_upgrade_paths_has_no_control(agent_client, partner, catalog):
    customer = CustomerFactory(partner=partner)
    DelegatedAdminGrantFactory(partner=partner, customer=customer)
    SubscriptionFactory(customer=customer, offer=catalog["Power BI Pro"], sold_by=partner)

    content = agent_client.get(detail_url(customer)).content.decode()

    assert "Upgrade options for" not in content
    assert "be upgraded?" not in content
    assert "Upgrade now" not in content


def test_a_billing_admin_sees_neither_icon_nor_link_nor_reasons(client, billing_admin, partner, catalog):
    customer = CustomerFactory(partner=partner)
    upgradable_subscription(customer, partner, catalog)
    SubscriptionFactory(
        customer=customer,
        offer=catalog["Office 365 Business"],
        sold_by=partner,
        status=Subscription.Status.SUSPENDED,
    )
    client.force_login(billing_admin)

    response = client.get(detail_url(customer))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["rows"]) == 2
    for row in response.context["rows"]:
        assert reverse("subscriptions:upgrade", args=[row.subscription.pk]) not in content
        assert reverse("subscriptions:change-quantity", args=[row.subscription.pk]) not in content
    assert "Upgrade options for" not in content
    assert "be upgraded?" not in content


def test_an_upgraded_subscription_shows_as_cancelled_upgraded_to_its_successor(
    agent_client, partner, catalog
):
    customer = CustomerFactory(partner=partner)
    target = SubscriptionFactory(
        customer=customer, offer=catalog["Office 365 Enterprise E3"], sold_by=partner, friendly_name="New E3"
    )
    upgradable_subscription(
        customer, partner, catalog, status=Subscription.Status.DELETED, upgraded_to=target
    )

    content = agent_client.get(detail_url(customer)).content.decode()

    page = html.parse(content)
    status = page.find("span", class_="status-note")
    assert status.text == "Upgraded to Office 365 Enterprise E3"
    assert page.parent_of(status).find("span", class_="badge").text == "Cancelled"


def test_the_subscription_list_query_count_does_not_grow_with_subscriptions(client, partner, catalog):
    customer = CustomerFactory(partner=partner)
    DelegatedAdminGrantFactory(partner=partner, customer=customer)
    client.force_login(PartnerUserFactory(partner=partner).user)
    offers = [
        catalog[name] for name in ("Office 365 Business Essentials", "Office 365 Business", "Power BI Pro")
    ]

    def subscriptions(count):
        for index in range(count):
            subscription = SubscriptionFactory(
                customer=customer,
                offer=offers[index % 3],
                sold_by=partner,
                created_on=datetime.date(2024, 1, 1 + index % 28),
            )
            LicenseAssignmentFactory.create_batch(2, subscription=subscription)

    subscriptions(3)
    with_3 = count_queries(client, detail_url(customer))
    subscriptions(27)
    with_30 = count_queries(client, detail_url(customer))

    assert with_3 == with_30


# --- The delegated admin grant, in the customer page's header -------------------------------------


def grant_summary(response) -> dict[str, str]:
    """The header's grant: {"Delegated admin privileges": role or "None", "Status": …, "End date": …}."""
    summary = html.parse(response.content.decode()).find("dl", id="grant-summary")
    return {item.find("dt").text: item.find("dd").text for item in summary.find_all("div")}


def test_the_customer_page_shows_the_partners_grant_role_status_and_end_date(agent_client, partner):
    customer = CustomerFactory(partner=partner)
    end = clock.today() + datetime.timedelta(days=90)
    DelegatedAdminGrantFactory(partner=partner, customer=customer, role="directory_reader", end_date=end)
    # Another partner's grant over the same customer is none of this partner's business.
    DelegatedAdminGrantFactory(partner=PartnerFactory(), customer=customer, role="global_reader")

    response = agent_client.get(detail_url(customer))

    assert grant_summary(response) == {
        "Delegated admin privileges": "Directory reader",
        "Status": "Active",
        "End date": date_format(end, "DATE_FORMAT"),
    }
    badge = html.parse(response.content.decode()).find("dl", id="grant-summary").find("span", class_="badge")
    assert "badge--active" in badge.classes


def test_a_customer_without_a_grant_says_none(agent_client, partner):
    customer = CustomerFactory(partner=partner)
    DelegatedAdminGrantFactory(partner=PartnerFactory(), customer=customer)

    assert grant_summary(agent_client.get(detail_url(customer))) == {"Delegated admin privileges": "None"}


@pytest.mark.parametrize("status", ["expired", "active"])
def test_a_grant_past_its_end_date_or_marked_expired_says_expired_on_that_date(agent_client, partner, status):
    customer = CustomerFactory(partner=partner)
    end = clock.today() - datetime.timedelta(days=30)
    DelegatedAdminGrantFactory(partner=partner, customer=customer, status=status, end_date=end)

    response = agent_client.get(detail_url(customer))

    assert grant_summary(response) == {
        "Delegated admin privileges": "Admin agent (full delegated admin)",
        "Status": f"Expired on {date_format(end, 'DATE_FORMAT')}",
    }


def test_a_terminated_grant_and_a_grant_without_end_date_say_so(agent_client, partner):
    terminated, open_ended = CustomerFactory(partner=partner), CustomerFactory(partner=partner)
    DelegatedAdminGrantFactory(partner=partner, customer=terminated, status="terminated", end_date=None)
    DelegatedAdminGrantFactory(partner=partner, customer=open_ended, end_date=None)

    assert grant_summary(agent_client.get(detail_url(terminated)))["Status"] == "Terminated"
    assert grant_summary(agent_client.get(detail_url(open_ended)))["End date"] == "None"


def test_the_grant_is_in_french_for_a_french_user(agent_client, partner):
    customer = CustomerFactory(partner=partner)
    end = datetime.date(2020, 3, 1)
    DelegatedAdminGrantFactory(partner=partner, customer=customer, status="expired", end_date=end)

    response = agent_client.get(detail_url(customer), headers={"accept-language": "fr"})

    summary = html.parse(response.content.decode()).find("dl", id="grant-summary")
    assert "Agent d’administration (administration déléguée complète)" in summary.text
    assert "1 mars 2020" in summary.find("span", class_="badge--expired").text


def test_the_grant_costs_the_customer_page_one_query(agent_client, partner):
    # No subscription, so the eligibility checks read no grant: what is left is the header's.
    customer = CustomerFactory(partner=partner)
    DelegatedAdminGrantFactory(partner=partner, customer=customer)

    with CaptureQueriesContext(connection) as queries:
        agent_client.get(detail_url(customer))

    grant_queries = [query["sql"] for query in queries if "customers_delegatedadmingrant" in query["sql"]]
    assert len(grant_queries) == 1, grant_queries
