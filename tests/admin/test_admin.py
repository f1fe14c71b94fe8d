"""Django admin for the people who manage offers and upgrade paths."""

from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subscriptions.models import Operation, Subscription, UpgradePath
from tests.factories import (
    CustomerFactory,
    CustomerUserFactory,
    DelegatedAdminGrantFactory,
    OfferFactory,
    PartnerUserFactory,
    SubscriptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The values a browser would submit for the page's main form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "checkbox", "radio"}:
            self.values.append((name, attrs.get("value") or ""))
        elif tag == "input" and name and "checked" in attrs:
            self.values.append((name, attrs.get("value", "on")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            name, value = self.values.pop()
            self.values.append((name, value + data))


def form_data(response) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.values:
        data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_an_admin_adds_an_upgrade_path_on_the_offers_page_and_sees_it_in_the_list(admin_client):
    business = OfferFactory(name="Test Business")
    e3 = OfferFactory(name="Test Enterprise E3")
    change_url = reverse("admin:subscriptions_offer_change", args=[business.pk])

    page = admin_client.get(change_url)
    assert page.status_code == HTTPStatus.OK
    data = form_data(page)
    prefix = "upgrade_paths"
    assert f"{prefix}-TOTAL_FORMS" in data
    data[f"{prefix}-0-target_offer"] = [str(e3.pk)]
    data["_save"] = ["Save"]

    response = admin_client.post(change_url, data)

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert UpgradePath.objects.filter(source_offer=business, target_offer=e3).exists()
    listing = admin_client.get(reverse("admin:subscriptions_upgradepath_changelist"))
    assert "Test Enterprise E3" in listing.content.decode()
    offer_page = admin_client.get(change_url).content.decode()
    assert f'<option value="{e3.pk}" selected>' in offer_page


def test_the_offer_page_edits_service_plans_and_prices(admin_client):
    offer = OfferFactory(prices={"USD": "8.25", "EUR": "8.80"})
    page = admin_client.get(reverse("admin:subscriptions_offer_change", args=[offer.pk])).content.decode()
    assert 'name="service_plans"' in page
    assert 'name="prices-0-price"' in page
    assert 'name="prices-1-price"' in page


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries)


def grow(size):
    for _ in range(size):
        subscription = SubscriptionFactory()
        CustomerUserFactory(customer=subscription.customer)
        DelegatedAdminGrantFactory(customer=subscription.customer, partner=subscription.sold_by)
        PartnerUserFactory(partner=subscription.sold_by)


@pytest.mark.parametrize(
    "changelist",
    [
        "customers_customer",
        "customers_customeruser",
        "customers_delegatedadmingrant",
        "customers_partner",
        "customers_partneruser",
        "subscriptions_subscription",
        "subscriptions_offer",
        "subscriptions_upgradepath",
        "subscriptions_operation",
    ],
)
def test_admin_lists_run_no_query_per_row(admin_client, changelist):
    url = reverse(f"admin:{changelist}_changelist")
    grow(3)
    few = queries_for(admin_client, url)
    grow(12)
    many = queries_for(admin_client, url)
    assert few == many


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=suspended", {"Suspended one"}),
        ("channel=direct", {"Direct one"}),
        ("channel=partner", {"Suspended one", "Active one"}),
    ],
)
def test_subscriptions_filter_by_status_and_channel(admin_client, query, expected):
    SubscriptionFactory(friendly_name="Suspended one", status="suspended")
    SubscriptionFactory(friendly_name="Active one")
    SubscriptionFactory(friendly_name="Direct one", sold_by=None)

    page = admin_client.get(reverse("admin:subscriptions_subscription_changelist") + "?" + query)

    shown = {name for name in ("Suspended one", "Active one", "Direct one") if name in page.content.decode()}
    assert shown == expected


def test_customers_are_searchable_by_name_and_domain(admin_client):
    CustomerFactory(name="Blue Yonder Airlines", domain="blueyonder.test")
    CustomerFactory(name="Consolidated Messenger", domain="consolidated.test")
    by_name = admin_client.get(reverse("admin:customers_customer_changelist") + "?q=yonder").content.decode()
    by_domain = admin_client.get(reverse("admin:customers_customer_changelist") + "?q=consolidated.te")
    assert "Blue Yonder Airlines" in by_name and "Consolidated Messenger" not in by_name
    assert "Consolidated Messenger" in by_domain.content.decode()


def test_the_operation_log_is_read_only(admin_client):
    subscription = SubscriptionFactory()
    operation = Operation.objects.create(
        kind="upgrade",
        result="refused",
        partner=subscription.sold_by,
        customer=subscription.customer,
        subscription=subscription,
        reason_code="delegated_admin_missing",
    )

    assert admin_client.get(reverse("admin:subscriptions_operation_add")).status_code == HTTPStatus.FORBIDDEN
    change_url = reverse("admin:subscriptions_operation_change", args=[operation.pk])
    page = admin_client.get(change_url)
    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(change_url, {"result": "succeeded"}).status_code == HTTPStatus.FORBIDDEN
    delete_url = reverse("admin:subscriptions_operation_delete", args=[operation.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    operation.refresh_from_db()
    assert operation.result == "refused"


def test_partner_users_cannot_open_the_admin(client):
    client.force_login(PartnerUserFactory().user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("admin:login") in response["Location"]


def test_a_new_commerce_subscriptions_term_is_fixed_once_created_and_a_post_cannot_change_it(
    admin_client, demo
):
    woodgrove = Subscription.objects.get(customer__name="Woodgrove Bank")
    url = reverse("admin:subscriptions_subscription_change", args=[woodgrove.pk])
    page = admin_client.get(url)
    fixed = ("commerce_type", "term_duration", "billing_cycle", "price_locked_on", "base_subscription")
    assert not set(fixed) & set(page.context["adminform"].form.fields)

    data = {name: values[0] for name, values in form_data(page).items()}
    response = admin_client.post(url, {**data, "term_duration": "P1M", "billing_cycle": "monthly"})

    assert response.status_code == HTTPStatus.FOUND
    woodgrove.refresh_from_db()
    assert (woodgrove.term_duration, woodgrove.billing_cycle) == ("P3Y", "annual")
    add = admin_client.get(reverse("admin:subscriptions_subscription_add"))
    assert set(fixed) <= set(add.context["adminform"].form.fields)
