"""The report is not a dead end (docs/domain.md §5): from it, the partner licenses the accounts an
upgrade left behind while licenses remain, sets a missing usage location, or tries them all
again; the upgrade's own per-user rules decide, each action is logged, and the report says what
changed since."""

import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse

from subscriptions import reasons, services
from subscriptions.models import AffectedAccount, LicenseAssignment, Offer, Operation, Subscription
from tests import html
from tests.actors import acting
from tests.offer_names import BUSINESS, E3, ESSENTIALS, PREMIUM


@pytest.fixture
def demo_client(client, demo):
    client.force_login(demo.users["demo"])
    return client


def upgraded(demo, customer_name, offer_name, *, quantity=None) -> Operation:
    source = Subscription.objects.get(
        customer=demo.customers[customer_name], sold_by=demo.fabrikam, offer__name=offer_name
    )
    return services.subscription_upgrade(
        subscription=source,
        target_offer=Offer.objects.get(name=E3),
        quantity=quantity,
        actor=acting(demo.users["demo"]),
        token=uuid.uuid4(),
        accept_unlicensed=source.licenses.count(),
    )


def report(client, operation):
    return html.parse(client.get(reverse("subscriptions:operation", args=[operation.pk])).content)


def account(operation, error_code) -> AffectedAccount:
    return operation.affected_accounts.filter(error_code=error_code).order_by("user_principal_name").first()


def act(client, name, operation, account=None, **data):
    """POST the action's form and follow the redirect to the report, as a browser does."""
    args = [operation.pk] + ([account.pk] if account else [])
    url = reverse(f"subscriptions:{name}", args=args)
    return client.post(url, {"token": str(uuid.uuid4()), **data}, follow=True)


def messages_of(response) -> list[str]:
    """The messages the report shows after an action."""
    return [message.text for message in html.find(response.content, "div", class_="messages").find_all("p")]


def licensed_on_target(operation, account) -> bool:
    return LicenseAssignment.objects.filter(
        subscription=operation.target_subscription, user_id=account.user_id
    ).exists()


def test_the_report_lists_the_accounts_left_behind_with_the_licenses_left(demo, demo_client):
    litware = upgraded(demo, "Litware, Inc.", PREMIUM)

    section = report(demo_client, litware).find("section", id="left-behind")

    names = [
        item.find("span", class_="account-list__name").text
        for item in section.find_all("li", class_="account-list__item")
    ]
    assert names == sorted(
        litware.affected_accounts.exclude(outcome="moved").values_list("user_principal_name", flat=True)
    )
    assert "5 licenses of Office 365 Enterprise E3 are left for them." in section.text
    no_location = account(litware, reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION)
    row = section.find("li", id=f"account-{no_location.pk}")
    assert row.find("input", name="usage_location").attrs["list"] == "countries"
    assert section.find("datalist", id="countries").find("option", value="US").text == "United States"


def test_an_account_without_usage_location_is_refused_then_set_then_licensed(demo, demo_client):
    litware = upgraded(demo, "Litware, Inc.", PREMIUM)
    no_location = account(litware, reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION)

    refused = act(demo_client, "account-assign", litware, no_location)
    assert refused.redirect_chain[-1] == (
        reverse("subscriptions:operation", args=[litware.pk]) + "#left-behind",
        HTTPStatus.FOUND,
    )
    assert "no usage location" in messages_of(refused)[0]
    assert not licensed_on_target(litware, no_location)

    act(demo_client, "account-usage-location", litware, no_location, usage_location="us")
    no_location.user.refresh_from_db()
    assert no_location.user.usage_location == "US"

    assigned = act(demo_client, "account-assign", litware, no_location)
    assert messages_of(assigned) == [f"{no_location.user_principal_name} got a license of {E3}."]
    assert licensed_on_target(litware, no_location)

    page = report(demo_client, litware)
    row = page.find("li", id=f"account-{no_location.pk}")
    assert row.find("span", class_="badge").text == "Licensed now" and not row.find_all("form")
    changes = [item.text for item in page.find("ul", class_="changes-since").find_all("li")]
    assert changes[0].endswith(f"{no_location.user_principal_name} got a license of {E3}.")
    assert changes[1].endswith(f"The usage location of {no_location.user_principal_name} was set to US.")
    logged = Operation.objects.filter(customer_user=no_location.user).order_by("pk")
    assert [(o.kind, o.result) for o in logged] == [
        ("license_assignment", "refused"),
        ("usage_location_change", "succeeded"),
        ("license_assignment", "succeeded"),
    ]


def test_a_still_conflicting_account_is_refused_with_its_reason_and_nothing_changes(
    demo, demo_client, snapshot
):
    litware = upgraded(demo, "Litware, Inc.", PREMIUM)
    conflicting = account(litware, reasons.MUTUALLY_EXCLUSIVE_VIOLATION)
    before = snapshot()

    response = act(demo_client, "account-assign", litware, conflicting)

    assert "cannot be combined with Exchange Online (Plan 2)" in messages_of(response)[0]
    assert snapshot() == before
    assert (
        Operation.objects.get(customer_user=conflicting.user).reason_code
        == reasons.ACCOUNT_CANNOT_BE_LICENSED
    )


def test_an_unknown_country_is_refused_by_the_form(demo, demo_client, snapshot):
    litware = upgraded(demo, "Litware, Inc.", PREMIUM)
    before = snapshot()

    response = act(
        demo_client,
        "account-usage-location",
        litware,
        account(litware, reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION),
        usage_location="ZZ",
    )

    assert messages_of(response) == ["Choose the country the account is used in."]
    assert snapshot() == before


def test_with_no_license_left_the_partner_is_told_to_add_some_and_the_retry_then_licenses_by_upn(
    demo, demo_client
):
    adatum = upgraded(demo, "Adatum Corporation", BUSINESS, quantity=5)
    first = account(adatum, reasons.COUNT_VIOLATION)

    refused = act(demo_client, "account-assign", adatum, first)
    assert messages_of(refused) == [
        "All 5 licenses of Office 365 Enterprise E3 are assigned. Add licenses to the subscription, then try "
        "again."
    ]

    target = adatum.target_subscription
    services.subscription_change_quantity(
        subscription=target, quantity=7, based_on=5, actor=acting(demo.users["demo"]), token=uuid.uuid4()
    )
    retried = act(demo_client, "accounts-retry", adatum)

    assert messages_of(retried) == ["Tried again: 2 accounts licensed, 3 still left behind."]
    left = adatum.affected_accounts.filter(error_code=reasons.COUNT_VIOLATION).order_by("user_principal_name")
    assert [licensed_on_target(adatum, a) for a in left] == [True, True, False, False, False]
    assert target.licenses.count() == 7
    retry = Operation.objects.get(kind="license_retry")
    assert (retry.quantity, len(retry.details["licensed"]), len(retry.details["refused"])) == (2, 2, 3)


def test_a_double_submit_of_an_assignment_licenses_once(demo, demo_client):
    adatum = upgraded(demo, "Adatum Corporation", BUSINESS, quantity=5)
    services.subscription_change_quantity(
        subscription=adatum.target_subscription,
        quantity=6,
        based_on=5,
        actor=acting(demo.users["demo"]),
        token=uuid.uuid4(),
    )
    first = account(adatum, reasons.COUNT_VIOLATION)
    token = str(uuid.uuid4())
    url = reverse("subscriptions:account-assign", args=[adatum.pk, first.pk])

    demo_client.post(url, {"token": token}, follow=True)
    again = demo_client.post(url, {"token": token}, follow=True)

    assert messages_of(again) == [f"{first.user_principal_name} got a license of {E3}."]
    assert Operation.objects.filter(kind="license_assignment", result="succeeded").count() == 1


def test_a_read_only_grant_cannot_write_the_customers_directory(demo, demo_client):
    proseware = upgraded(demo, "Proseware, Inc.", ESSENTIALS)
    manual = proseware.affected_accounts.order_by("user_principal_name").first()

    response = act(demo_client, "account-assign", proseware, manual)

    assert "can read this customer's accounts but not change them" in messages_of(response)[0]
    assert not licensed_on_target(proseware, manual)


def test_the_activity_log_shows_each_action(demo, demo_client):
    litware = upgraded(demo, "Litware, Inc.", PREMIUM)
    no_location = account(litware, reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION)
    act(demo_client, "account-usage-location", litware, no_location, usage_location="FR")

    log = html.parse(demo_client.get(reverse("subscriptions:activity")).content)

    changed = Operation.objects.get(kind="usage_location_change")
    row = log.find("tr", id=f"operation-{changed.pk}")
    assert f"The usage location of {no_location.user_principal_name} was set to FR." in row.text
    assert "Usage location set" in row.text and "Succeeded" in row.text


def test_a_get_of_an_action_goes_back_to_the_report_and_changes_nothing(demo, demo_client, snapshot):
    litware = upgraded(demo, "Litware, Inc.", PREMIUM)
    before = snapshot()

    response = demo_client.get(reverse("subscriptions:accounts-retry", args=[litware.pk]))

    assert response["Location"] == reverse("subscriptions:operation", args=[litware.pk]) + "#left-behind"
    assert snapshot() == before
