"""No silent loss of seats or money on the upgrade page (docs/domain.md §5): a stale page is
refused, fewer licenses than licensed users is confirmed, the pre-flight says before Submit what
the report says after it, and the preview states the irreversible step with its monthly cost."""

import uuid
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subscriptions import billing, catalog_cache, eligibility, reasons, recurring_cost, services
from subscriptions.formatting import money
from subscriptions.license_rules import MOVED
from subscriptions.models import AffectedAccount, Offer, Operation, Subscription
from subscriptions.upgrade_preview import preview_upgrade
from tests import html
from tests.actors import acting
from tests.offer_names import BUSINESS, E3, ESSENTIALS, PREMIUM

HTMX = {"HX-Request": "true"}


@pytest.fixture
def demo_client(client, demo):
    client.force_login(demo.users["demo"])
    return client


def fabrikams(demo, customer_name: str, offer_name: str) -> Subscription:
    return Subscription.objects.select_related("customer", "offer").get(
        customer=demo.customers[customer_name], sold_by=demo.fabrikam, offer__name=offer_name
    )


def upgrade_url(subscription) -> str:
    return reverse("subscriptions:upgrade", args=[subscription.pk])


def form_of(client, subscription) -> dict:
    """The hidden fields of the upgrade page as a browser gets them."""
    page = html.parse(client.get(upgrade_url(subscription)).content)
    return {
        name: page.find("input", type="hidden", name=name).attrs["value"] for name in ("token", "version")
    }


def post(client, subscription, *, target, quantity, form, headers=None, **extra):
    data = {"target_offer": Offer.objects.get(name=target).pk, "quantity": quantity, **form, **extra}
    return client.post(upgrade_url(subscription), data, headers=headers or {})


def option_for(subscription, target_name):
    return next(o for o in eligibility.upgrade_options(subscription) if o.target_offer.name == target_name)


# --- A stale page is refused ------------------------------------------------------------------


def test_a_page_drawn_before_licenses_were_added_is_refused_with_the_new_count_and_a_fresh_preview(
    demo, demo_client, snapshot
):
    adatum = fabrikams(demo, "Adatum Corporation", BUSINESS)
    tab_a = form_of(demo_client, adatum)
    # Tab B adds 4 licenses.
    services.subscription_change_quantity(
        subscription=adatum, quantity=14, based_on=10, actor=acting(demo.users["demo"]), token=uuid.uuid4()
    )
    before = snapshot()

    response = post(demo_client, adatum, target=E3, quantity=10, form=tab_a)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = html.parse(response.content)
    alert = page.find("div", class_="alert--error", role="alert")
    assert "The subscription changed meanwhile: it now has 14 licenses." in alert.text
    assert snapshot() == before
    refused = Operation.objects.get(result=Operation.Result.REFUSED)
    assert refused.reason_code == reasons.SUBSCRIPTION_CHANGED_MEANWHILE
    # A fresh preview on the subscription as it is now: 14 licenses, its new version, same token.
    adatum.refresh_from_db()
    assert page.find("input", type="number", name="quantity").attrs["value"] == "14"
    assert page.find("input", type="hidden", name="version").attrs["value"] == str(adatum.version)
    assert page.find("input", type="hidden", name="token").attrs["value"] == tab_a["token"]
    fresh = billing.upgrade_billing_impact(
        subscription=adatum, target_offer=Offer.objects.get(name=E3), quantity=14
    )
    assert money(fresh.net, fresh.currency) in page.find(id="billing-preview").text

    # Submitted again from the fresh page, the same token goes through, with the 14 seats.
    again = post(demo_client, adatum, target=E3, quantity=14, form={**tab_a, "version": adatum.version})
    assert again.status_code == HTTPStatus.FOUND
    assert Operation.objects.get(result=Operation.Result.SUCCEEDED, kind="upgrade").quantity == 14


def test_an_admin_edit_or_a_status_change_makes_the_page_stale_too(world):
    source = world.subscription(BUSINESS, users=2)
    version = source.version
    Subscription.objects.filter(pk=source.pk).update(friendly_name="Renamed in the admin")

    with pytest.raises(services.UpgradeRefused) as refused:
        world.upgrade(source, E3, version=version)

    assert refused.value.reason.code == reasons.SUBSCRIPTION_CHANGED_MEANWHILE
    assert Subscription.objects.get(pk=source.pk).status == Subscription.Status.ACTIVE


def test_a_double_submit_of_a_page_lands_on_the_first_report_before_the_version_is_checked(world):
    source = world.subscription(BUSINESS, users=2)
    token, version = uuid.uuid4(), source.version
    first = services.subscription_upgrade(
        subscription=source,
        target_offer=world.offers[E3],
        quantity=None,
        actor=world.actor,
        token=token,
        version=version,
    )

    # The first submit moved the version; the second carries the page's.
    again = services.subscription_upgrade(
        subscription=source,
        target_offer=world.offers[E3],
        quantity=None,
        actor=world.actor,
        token=token,
        version=version,
    )

    assert again == first


# --- Fewer licenses than licensed users ---------------------------------------------------


def test_the_preview_names_the_accounts_a_smaller_quantity_leaves_without_a_license(demo, demo_client):
    adatum = fabrikams(demo, "Adatum Corporation", BUSINESS)
    users = sorted(adatum.licenses.values_list("user__user_principal_name", flat=True))

    response = demo_client.get(
        upgrade_url(adatum), {"target_offer": Offer.objects.get(name=E3).pk, "quantity": 5}, headers=HTMX
    )

    page = html.parse(response.content)
    warning = page.find("div", class_="unlicensed")
    assert "5 accounts will be left without a license: 5 licenses for 10 licensed users." in warning.text
    assert [item.text for item in warning.find("ul").find_all("li")] == users[5:]
    checkbox = warning.find("input", type="checkbox", name="accept_unlicensed")
    assert checkbox.attrs["value"] == "5" and "checked" not in checkbox.attrs
    assert page.find("label", for_=checkbox.attrs["id"]).text == "Leave 5 accounts without a license"
    # The live region says it too.
    live = page.find("p", id="billing-status")
    assert live.attrs["hx_swap_oob"] == "innerHTML"
    assert "5 accounts will be left without a license" in live.text


def test_past_ten_names_the_preview_says_how_many_more(world, agent_client):
    source = world.subscription(ESSENTIALS, quantity=15, users=15)

    response = agent_client.get(
        upgrade_url(source), {"target_offer": world.offers[E3].pk, "quantity": 3}, headers=HTMX
    )

    names = html.find(response.content, "ul", class_="unlicensed__names").find_all("li")
    assert len(names) == 11 and names[-1].text == "and 2 more"


def test_submit_without_the_confirmation_is_refused_and_changes_nothing(demo, demo_client, snapshot):
    adatum = fabrikams(demo, "Adatum Corporation", BUSINESS)
    form = form_of(demo_client, adatum)
    before = snapshot()

    # A forged POST without the checkbox, and one that accepts fewer than the preview named.
    unconfirmed = post(demo_client, adatum, target=E3, quantity=5, form=form)
    too_few = post(demo_client, adatum, target=E3, quantity=5, form=form, accept_unlicensed=4)

    for response in (unconfirmed, too_few):
        assert response.status_code == HTTPStatus.BAD_REQUEST
        alert = html.find(response.content, "div", class_="alert--error", role="alert")
        assert "5 accounts would be left without a license" in alert.text
    assert snapshot() == before
    refusals = Operation.objects.filter(result=Operation.Result.REFUSED)
    assert list(refusals.values_list("reason_code", flat=True)) == [reasons.UNLICENSED_NOT_CONFIRMED] * 2


def test_submit_with_the_confirmation_upgrades_and_the_report_lists_them(demo, demo_client):
    adatum = fabrikams(demo, "Adatum Corporation", BUSINESS)

    response = post(
        demo_client, adatum, target=E3, quantity=5, form=form_of(demo_client, adatum), accept_unlicensed=5
    )

    assert response.status_code == HTTPStatus.FOUND
    operation = Operation.objects.get(result=Operation.Result.SUCCEEDED)
    violations = operation.affected_accounts.filter(error_code=reasons.COUNT_VIOLATION)
    assert violations.count() == 5


def test_a_service_called_without_the_number_it_accepts_refuses_to_leave_anyone_out(world):
    source = world.subscription(ESSENTIALS, quantity=10, users=4)

    with pytest.raises(services.UpgradeRefused) as refused:
        services.subscription_upgrade(
            subscription=source,
            target_offer=world.offers[E3],
            quantity=3,
            actor=world.actor,
            token=uuid.uuid4(),
        )

    assert refused.value.reason.code == reasons.UNLICENSED_NOT_CONFIRMED
    assert refused.value.reason.params == {"count": 1, "accepted": 0, "quantity": 3, "users": 4}


def test_upgrade_only_counts_the_accounts_past_the_quantity(demo):
    proseware = fabrikams(demo, "Proseware, Inc.", ESSENTIALS)

    preview = preview_upgrade(proseware, option=option_for(proseware, E3), quantity=5)

    assert preview.is_upgrade_only and preview.unlicensed_count == 3


# --- The pre-flight ---------------------------------------------------------------------


PREFLIGHTS = [
    # (customer, source, target, quantity: None is the default)
    ("Litware, Inc.", PREMIUM, E3, None),
    ("Adatum Corporation", BUSINESS, E3, 5),
    ("Contoso Ltd", ESSENTIALS, E3, None),
]


@pytest.mark.parametrize(("customer_name", "source_offer", "target", "quantity"), PREFLIGHTS)
def test_the_pre_flight_is_what_the_stored_report_says_after_submit(
    demo, customer_name, source_offer, target, quantity
):
    source = fabrikams(demo, customer_name, source_offer)
    option = option_for(source, target)
    quantity = quantity or option.target_offer.default_quantity(source.quantity)
    preview = preview_upgrade(source, option=option, quantity=quantity)

    operation = services.subscription_upgrade(
        subscription=source,
        target_offer=option.target_offer,
        quantity=quantity,
        actor=acting(demo.users["demo"]),
        token=uuid.uuid4(),
        accept_unlicensed=preview.unlicensed_count,
    )

    stored = {
        (account.user_id, account.outcome, account.error_code)
        for account in operation.affected_accounts.all()
    }
    assert {(a.user_id, a.outcome, a.error_code) for a in preview.plan.accounts} == stored
    assert sum(1 for _, outcome, _ in stored if outcome == MOVED) == preview.plan.moved


def test_the_pre_flight_summary_of_litware_names_what_needs_attention(demo, demo_client):
    litware = fabrikams(demo, "Litware, Inc.", PREMIUM)

    response = demo_client.get(
        upgrade_url(litware), {"target_offer": Offer.objects.get(name=E3).pk, "quantity": 40}, headers=HTMX
    )

    preflight = html.find(response.content, "section", id="preflight")
    assert preflight.find("p", class_="preflight__summary").text == (
        "35 accounts will move; 3 need attention: 2 Exchange Online conflicts, 1 without usage location."
    )
    assert "Every account that moves loses Microsoft Bookings, Outlook Customer Manager." in preflight.text


def test_the_accounts_that_need_attention_are_listed_on_demand_with_their_reasons(demo, demo_client):
    litware = fabrikams(demo, "Litware, Inc.", PREMIUM)
    url = reverse("subscriptions:upgrade-accounts", args=[litware.pk])
    query = {"target_offer": Offer.objects.get(name=E3).pk, "quantity": 40, "show": "attention"}

    fragment = demo_client.get(url, query, headers=HTMX)
    page = demo_client.get(url, query)

    assert "<html" not in fragment.content.decode() and "<html" in page.content.decode()
    rows = html.find(fragment.content, "ul", class_="account-list").find_all("li")
    not_moved = litware.licenses.exclude(user__usage_location="US").values_list(
        "user__user_principal_name", flat=True
    )
    assert len(rows) == 3
    assert set(not_moved) <= {row.find("span", class_="account-list__name").text for row in rows}
    assert sum("cannot be combined" in row.text for row in rows) == 2
    assert sum("no usage location" in row.text for row in rows) == 1


def test_the_accounts_list_is_paged_and_its_queries_do_not_grow_with_accounts(world, agent_client):
    small = world.subscription(ESSENTIALS, quantity=5, users=5)
    large = world.subscription(ESSENTIALS, quantity=120, users=120, friendly_name="Large")
    url = lambda s: reverse("subscriptions:upgrade-accounts", args=[s.pk])  # noqa: E731
    query = {"target_offer": world.offers[E3].pk, "quantity": 120}

    def queries(subscription, **extra):
        catalog_cache.current()  # warm, as a serving process is; test_catalog_cache.py reads it cold
        with CaptureQueriesContext(connection) as captured:
            response = agent_client.get(url(subscription), {**query, **extra}, headers=HTMX)
        assert response.status_code == HTTPStatus.OK
        return len(captured), response

    few, _ = queries(small)
    many, first = queries(large)
    _, last = queries(large, page=3)

    assert few == many
    assert len(html.find(first.content, "ul", class_="account-list").find_all("li")) == 50
    assert len(html.find(last.content, "ul", class_="account-list").find_all("li")) == 20


def test_the_preview_runs_the_same_queries_for_5_and_120_accounts(world, agent_client):
    small = world.subscription(ESSENTIALS, quantity=5, users=5)
    large = world.subscription(ESSENTIALS, quantity=120, users=120, friendly_name="Large")

    def queries(subscription):
        catalog_cache.current()  # warm, as a serving process is; test_catalog_cache.py reads it cold
        with CaptureQueriesContext(connection) as captured:
            agent_client.get(
                upgrade_url(subscription),
                {"target_offer": world.offers[E3].pk, "quantity": 120},
                headers=HTMX,
            )
        return len(captured)

    assert queries(small) == queries(large)


# --- The statement of the irreversible step, and the monthly cost ----------------------------


def test_the_statement_above_submit_says_what_submit_does_with_the_monthly_cost(demo, demo_client):
    litware = fabrikams(demo, "Litware, Inc.", PREMIUM)
    e3 = Offer.objects.get(name=E3)
    impact = billing.upgrade_billing_impact(subscription=litware, target_offer=e3, quantity=40)

    response = demo_client.get(upgrade_url(litware), {"target_offer": e3.pk, "quantity": 40}, headers=HTMX)

    page = html.parse(response.content)
    statement = page.find("p", id="upgrade-statement").text
    assert statement == (
        "This cancels Office 365 Business Premium (40 licenses), creates Office 365 Enterprise E3 "
        f"(40 licenses), moves 35 accounts; 3 need attention. Net today: {money(impact.net, 'USD')}; from "
        "the next billing anniversary: $800.00 per month (was $500.00)."
    )
    assert page.find("p", id="billing-status").text.endswith(statement)
    assert page.find("p", id="recurring-cost").text.startswith("From the next billing anniversary (")


def test_upgrade_only_states_that_no_license_moves(demo, demo_client):
    proseware = fabrikams(demo, "Proseware, Inc.", ESSENTIALS)

    response = demo_client.get(
        upgrade_url(proseware), {"target_offer": Offer.objects.get(name=E3).pk, "quantity": 8}, headers=HTMX
    )

    statement = html.find(response.content, "p", id="upgrade-statement").text
    assert "no license moves: 8 accounts need a manual assignment" in statement
    assert "$160.00 per month (was $40.00)" in statement


def test_the_monthly_cost_before_and_after_is_in_the_add_licenses_preview(world, agent_client):
    subscription = world.subscription(ESSENTIALS, quantity=25, users=20)

    response = agent_client.get(
        reverse("subscriptions:change-quantity", args=[subscription.pk]), {"quantity": 30}, headers=HTMX
    )

    recurring = html.find(response.content, "p", id="recurring-cost").text
    assert "$150.00 per month (was $125.00)" in recurring
    assert recurring_cost.quantity_change_recurring_cost(
        subscription=subscription, new_quantity=30
    ).after == Decimal("150.00")


def test_accounts_that_need_attention_get_a_warning_on_the_report_not_a_success(demo, demo_client):
    litware = fabrikams(demo, "Litware, Inc.", PREMIUM)

    response = post(demo_client, litware, target=E3, quantity=40, form=form_of(demo_client, litware))

    page = html.parse(demo_client.get(response["Location"]).content)
    assert not page.find_all("p", class_="message--success")
    warning = page.find("div", class_="alert--warning", id="attention")
    assert warning.find("strong").text == "3 accounts need your attention"
    assert "3 accounts hold no license of the new subscription" in warning.text
    assert AffectedAccount.objects.exclude(outcome=MOVED).count() == 3


def test_a_clean_upgrade_keeps_the_green_confirmation_and_no_warning(demo, demo_client):
    contoso = fabrikams(demo, "Contoso Ltd", ESSENTIALS)

    response = post(demo_client, contoso, target=E3, quantity=25, form=form_of(demo_client, contoso))

    page = html.parse(demo_client.get(response["Location"]).content)
    assert page.find("p", class_="message--success").text.endswith(
        "was upgraded to Office 365 Enterprise E3."
    )
    assert not page.find_all(id="attention")


def test_the_report_and_the_customer_page_link_the_new_subscription_and_the_report(demo, demo_client):
    contoso = fabrikams(demo, "Contoso Ltd", ESSENTIALS)
    response = post(demo_client, contoso, target=E3, quantity=25, form=form_of(demo_client, contoso))
    operation = Operation.objects.get(result=Operation.Result.SUCCEEDED)
    target_url = reverse("subscriptions:detail", args=[operation.target_subscription_id])

    report = html.parse(demo_client.get(response["Location"]).content)
    customer_page = html.parse(
        demo_client.get(reverse("customers:detail", args=[contoso.customer_id])).content
    )

    assert (
        report.find("section", aria_labelledby="confirmation-heading").find("a", href=target_url).text == E3
    )
    note = customer_page.find("span", class_="status-note")
    assert note.find("a", href=target_url).text == E3
    assert (
        note.find("a", href=reverse("subscriptions:operation", args=[operation.pk])).text == "see the report"
    )
