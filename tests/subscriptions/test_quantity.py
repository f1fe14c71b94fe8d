"""Adding and removing licenses (docs/domain.md §3, §6 and §8): the service, then the form.

The service is `subscription_change_quantity`: one transaction under a row lock, prorated
billing stored with the preview's figures, refusals logged with their reason, a one-time token.
Uses the `world`, `demo`, `fabrikam_subscription` and `snapshot` fixtures of
tests/subscriptions/conftest.py.
"""

import datetime
import threading
import time
import uuid
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.urls import reverse

from customers.models import DelegatedAdminGrant, PartnerUser, ResellerRelationship
from subscriptions import billing, reasons, services
from subscriptions import quantity as quantity_rules
from subscriptions.formatting import money
from subscriptions.models import BillingLine, Operation, OutOfScope, Subscription, UpgradePath
from subscriptions.services import QuantityChangeRefused, subscription_change_quantity
from tests import html
from tests.actors import acting
from tests.factories import PartnerUserFactory
from tests.offer_names import E3, E5, ESSENTIALS, PREMIUM

HTMX = {"HX-Request": "true"}


def change(subscription, quantity, *, actor, based_on=None, token=None, today=None) -> Operation:
    return subscription_change_quantity(
        subscription=subscription,
        quantity=quantity,
        based_on=subscription.quantity if based_on is None else based_on,
        actor=actor,
        token=token or uuid.uuid4(),
        today=today,
    )


def refused(subscription, quantity, *, actor, **kwargs) -> QuantityChangeRefused:
    with pytest.raises(QuantityChangeRefused) as refusal:
        change(subscription, quantity, actor=actor, **kwargs)
    return refusal.value


def quantity_of(subscription) -> int:
    return Subscription.objects.get(pk=subscription.pk).quantity


def e3_created_on(world, created_on: datetime.date, *, quantity=5, users=0) -> Subscription:
    """An Enterprise E3 subscription (20.00 USD a month), as in docs/domain.md §8's checks."""
    return world.subscription(
        E3,
        quantity=quantity,
        users=users,
        created_on=created_on,
        term_end=created_on + datetime.timedelta(days=365),
    )


# --- Billing: the figures of docs/domain.md §8 --------------------------------------------


@pytest.mark.parametrize(
    ("created_on", "today", "period", "daily", "days", "amount"),
    [
        # 2024: the period Feb 10 - Mar 9 has 29 days; 20.00 / 29 = 0.690; 19 days left.
        (
            datetime.date(2024, 1, 10),
            datetime.date(2024, 2, 20),
            (datetime.date(2024, 2, 10), datetime.date(2024, 3, 9)),
            "0.690",
            19,
            "39.33",
        ),
        # 2023: 28 days; 20.00 / 28 = 0.714; 18 days left.
        (
            datetime.date(2023, 1, 10),
            datetime.date(2023, 2, 20),
            (datetime.date(2023, 2, 10), datetime.date(2023, 3, 9)),
            "0.714",
            18,
            "38.56",
        ),
    ],
)
def test_adding_three_licenses_charges_the_prorated_reference_figures(
    world, created_on, today, period, daily, days, amount
):
    subscription = e3_created_on(world, created_on, quantity=5)
    preview = billing.quantity_change_billing_impact(subscription=subscription, new_quantity=8, today=today)

    operation = change(subscription, 8, actor=world.actor, today=today)

    assert (operation.kind, operation.result) == (Operation.Kind.QUANTITY_CHANGE, Operation.Result.SUCCEEDED)
    assert (operation.previous_quantity, operation.quantity) == (5, 8)
    assert quantity_of(subscription) == 8
    (line,) = BillingLine.objects.filter(operation=operation)
    assert line.kind == BillingLine.Kind.LICENSES_ADDED
    assert (line.subscription_id, line.currency, line.quantity) == (subscription.pk, "USD", 3)
    assert (line.unit_price, line.daily_price, line.days) == (Decimal("20.00"), Decimal(daily), days)
    assert (line.period_start, line.period_end) == period
    assert line.amount == Decimal(amount)
    # The preview shown before Submit and the stored line agree for the same day.
    assert [line.amount] == [preview_line.amount for preview_line in preview.lines]


def test_removing_licenses_credits_the_rest_of_the_period(world):
    subscription = e3_created_on(world, datetime.date(2024, 1, 10), quantity=8, users=5)

    operation = change(subscription, 5, actor=world.actor, today=datetime.date(2024, 2, 20))

    (line,) = operation.billing_lines.all()
    assert line.kind == BillingLine.Kind.LICENSES_REMOVED
    assert (line.quantity, line.daily_price, line.days) == (3, Decimal("0.690"), 19)
    assert line.amount == Decimal("-39.33")
    assert quantity_of(subscription) == 5


def test_a_change_in_the_first_month_is_prorated_too(world):
    # No first-month rule for quantity changes: created Mar 1, changed Mar 11, 31-day period.
    subscription = e3_created_on(world, datetime.date(2024, 3, 1), quantity=1)

    operation = change(subscription, 3, actor=world.actor, today=datetime.date(2024, 3, 11))

    (line,) = operation.billing_lines.all()
    assert (line.daily_price, line.days, line.quantity) == (Decimal("0.645"), 21, 2)
    assert line.amount == Decimal("27.09")


def test_the_customers_market_currency_is_charged(world):
    world.customer.market = "FR"
    world.customer.save()
    subscription = e3_created_on(world, datetime.date(2024, 1, 10), quantity=5)

    operation = change(subscription, 6, actor=world.actor, today=datetime.date(2024, 2, 20))

    (line,) = operation.billing_lines.all()
    # 19.70 EUR / 29 = 0.679; x 19 days x 1 license.
    assert (line.currency, line.unit_price, line.amount) == ("EUR", Decimal("19.70"), Decimal("12.90"))


# --- Refusals -------------------------------------------------------------------------------


def assert_refusal_logged(subscription, reason_code, *, based_on, quantity, token=None) -> Operation:
    (logged,) = Operation.objects.filter(subscription=subscription)
    assert (logged.kind, logged.result) == (Operation.Kind.QUANTITY_CHANGE, Operation.Result.REFUSED)
    assert logged.reason_code == reason_code
    assert (logged.previous_quantity, logged.quantity) == (based_on, quantity)
    if token is not None:
        assert logged.token == token
    assert not logged.billing_lines.exists()
    return logged


def test_a_decrease_below_the_assigned_licenses_is_refused_and_changes_nothing(world, snapshot):
    subscription = world.subscription(ESSENTIALS, quantity=25, users=20)
    token = uuid.uuid4()
    before = snapshot()

    refusal = refused(subscription, 19, actor=world.actor, token=token)

    assert refusal.reason.code == reasons.QUANTITY_BELOW_ASSIGNED
    # Partner Center's upgrade errors have no word for it: an HTTP error, invalid input.
    assert refusal.reason.partner_center_code is None
    assert refusal.reason.http_error == reasons.HttpError(400, 800002)
    assert refusal.reason.message == (
        "20 licenses are assigned to users, so the quantity cannot go below 20. "
        "Remove licenses from users first."
    )
    assert snapshot() == before
    logged = assert_refusal_logged(subscription, reasons.QUANTITY_BELOW_ASSIGNED, based_on=25, quantity=19)
    assert logged.reason_params == {"assigned": 20, "quantity": 19}

    # The refusal did not use the token up: down to exactly the assigned licenses is allowed.
    operation = change(subscription, 20, actor=world.actor, token=token)
    assert operation.result == Operation.Result.SUCCEEDED and operation.token == token
    assert quantity_of(subscription) == 20


def test_past_the_business_maximum_the_refusal_points_to_the_upgrades_that_take_the_seats(world, snapshot):
    subscription = world.subscription(PREMIUM, quantity=40, users=3)
    before = snapshot()

    refusal = refused(subscription, 301, actor=world.actor)

    assert refusal.reason.code == reasons.QUANTITY_ABOVE_MAXIMUM
    assert refusal.reason.params == {"offer": PREMIUM, "max": 300, "upgrade_targets": [E3, E5]}
    assert refusal.reason.message == (
        "Office 365 Business Premium is limited to 300 licenses. For more, upgrade the subscription to "
        "one of: Office 365 Enterprise E3, Office 365 Enterprise E5."
    )
    assert snapshot() == before
    assert_refusal_logged(subscription, reasons.QUANTITY_ABOVE_MAXIMUM, based_on=40, quantity=301)


def test_past_the_maximum_with_no_possible_upgrade_the_refusal_only_states_the_limit(world):
    subscription = world.subscription(PREMIUM, quantity=40)
    UpgradePath.objects.filter(source_offer=subscription.offer).delete()

    refusal = refused(subscription, 301, actor=world.actor)

    assert refusal.reason.params["upgrade_targets"] == []
    assert (
        refusal.reason.message == "Office 365 Business Premium is limited to 300 licenses per subscription."
    )


def test_enterprise_e3_does_not_stop_at_300_seats(world):
    subscription = world.subscription(E3, quantity=40)

    operation = change(subscription, 301, actor=world.actor)

    assert operation.quantity == 301 and quantity_of(subscription) == 301


@pytest.mark.parametrize(
    ("quantity", "code", "message"),
    [
        (0, reasons.QUANTITY_BELOW_MINIMUM, "Office 365 Business Essentials needs at least 1 license."),
        (
            10,
            reasons.QUANTITY_UNCHANGED,
            "The subscription already has 10 licenses: there is nothing to change. Enter another quantity.",
        ),
    ],
)
def test_nothing_or_less_than_the_minimum_is_refused(world, snapshot, quantity, code, message):
    subscription = world.subscription(ESSENTIALS, quantity=10)
    before = snapshot()

    refusal = refused(subscription, quantity, actor=world.actor)

    assert (refusal.reason.code, refusal.reason.message) == (code, message)
    assert snapshot() == before
    assert_refusal_logged(subscription, code, based_on=10, quantity=quantity)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            "suspended",
            "This subscription is suspended. Reactivate it in Microsoft Partner Center, then change its "
            "licenses.",
        ),
        ("deleted", "This subscription is cancelled, so its licenses can no longer change."),
        (
            "pending",
            "This subscription is still being provisioned. Wait until it is active to change its licenses.",
        ),
        ("expired", "This subscription is expired; only an active subscription can change its licenses."),
    ],
)
def test_only_an_active_subscription_changes_quantity(world, snapshot, status, message):
    subscription = world.subscription(ESSENTIALS, quantity=10, status=status)
    before = snapshot()

    refusal = refused(subscription, 12, actor=world.actor)

    assert refusal.reason.code == reasons.SUBSCRIPTION_NOT_ACTIVE
    assert refusal.reason.params == {"status": status, "change": "quantity"}
    assert refusal.reason.message == message
    assert snapshot() == before
    assert_refusal_logged(subscription, reasons.SUBSCRIPTION_NOT_ACTIVE, based_on=10, quantity=12)


@pytest.mark.parametrize(
    ("grant_change", "state"),
    [
        ({"status": DelegatedAdminGrant.Status.EXPIRED}, reasons.GRANT_EXPIRED),
        ({"status": DelegatedAdminGrant.Status.TERMINATED}, reasons.GRANT_TERMINATED),
        ({"end_date": datetime.date(2020, 1, 1)}, reasons.GRANT_EXPIRED),
        (None, reasons.GRANT_MISSING),
    ],
)
def test_without_a_counting_delegated_admin_grant_the_change_is_refused(world, snapshot, grant_change, state):
    subscription = world.subscription(ESSENTIALS, quantity=10)
    if grant_change is None:
        world.grant.delete()
    else:
        DelegatedAdminGrant.objects.filter(pk=world.grant.pk).update(**grant_change)
    before = snapshot()

    refusal = refused(subscription, 12, actor=world.actor)

    assert refusal.reason.code == reasons.DELEGATED_ADMIN_MISSING
    assert refusal.reason.params["state"] == state
    assert snapshot() == before
    assert_refusal_logged(subscription, reasons.DELEGATED_ADMIN_MISSING, based_on=10, quantity=12)


def test_a_change_made_meanwhile_is_refused_with_the_new_quantity(world, snapshot):
    subscription = world.subscription(ESSENTIALS, quantity=25)
    form_token = uuid.uuid4()
    # Someone else added 3 licenses after this partner's form was drawn with 25.
    change(subscription, 28, actor=acting(PartnerUserFactory(partner=world.partner).user))
    before = snapshot()

    refusal = refused(subscription, 30, actor=world.actor, based_on=25, token=form_token)

    assert refusal.reason.code == reasons.QUANTITY_CHANGED_MEANWHILE
    assert refusal.reason.params == {"now": 28, "based_on": 25}
    assert refusal.reason.partner_center_code == "concurrency_conflicts"
    assert refusal.reason.message.startswith("The quantity changed meanwhile: it is now 28 licenses.")
    assert snapshot() == before
    assert quantity_of(subscription) == 28
    logged = Operation.objects.get(result=Operation.Result.REFUSED)
    assert (logged.previous_quantity, logged.quantity, logged.token) == (25, 30, form_token)

    # On the fresh base, the same form's token goes through.
    assert change(subscription, 30, actor=world.actor, based_on=28, token=form_token).previous_quantity == 28


@pytest.mark.parametrize("outside", ["sold by another partner", "relationship ended"])
def test_a_subscription_outside_the_scope_is_not_found_and_nothing_is_logged(world, snapshot, outside):
    # The views' rule, applied by the service itself: sold by this partner to a customer it
    # still has a reseller relationship with (docs/domain.md §1).
    if outside == "sold by another partner":
        theirs = world.subscription(ESSENTIALS, quantity=10, sold_by="other")
    else:
        theirs = world.subscription(ESSENTIALS, quantity=10)
        ResellerRelationship.objects.filter(partner=world.partner, customer=world.customer).delete()
    before = snapshot()

    with pytest.raises(OutOfScope) as refused:
        change(theirs, 12, actor=world.actor)

    assert isinstance(refused.value, ObjectDoesNotExist)
    assert quantity_of(theirs) == 10
    assert snapshot() == before and not Operation.objects.exists()


# --- The one-time token ---------------------------------------------------------------------


def test_submitting_the_same_token_again_returns_the_first_change(world):
    subscription = world.subscription(ESSENTIALS, quantity=25)
    token = uuid.uuid4()

    first = change(subscription, 30, actor=world.actor, based_on=25, token=token)
    # A double click: the second submit carries the same form, based on 25.
    again = change(subscription, 30, actor=world.actor, based_on=25, token=token)

    assert again == first
    assert quantity_of(subscription) == 30
    assert Operation.objects.count() == 1
    assert BillingLine.objects.count() == 1


def test_the_token_of_a_success_is_refused_with_other_parameters(world, snapshot):
    subscription = world.subscription(ESSENTIALS, quantity=25)
    token = uuid.uuid4()
    change(subscription, 30, actor=world.actor, based_on=25, token=token)
    before = snapshot()

    refusal = refused(subscription, 35, actor=world.actor, based_on=30, token=token)

    assert refusal.reason.code == reasons.TOKEN_REUSED
    assert refusal.reason.message == (
        "This form was already submitted with another quantity. Reload the page to make a new change."
    )
    assert snapshot() == before
    assert quantity_of(subscription) == 30
    assert Operation.objects.filter(result=Operation.Result.SUCCEEDED).count() == 1


def test_an_upgrades_token_is_not_a_quantity_changes(world):
    source = world.subscription("Office 365 Business", quantity=10)
    token = uuid.uuid4()
    services.subscription_upgrade(
        subscription=source, target_offer=world.offers[E3], quantity=None, actor=world.actor, token=token
    )
    other = world.subscription(ESSENTIALS, quantity=10)

    assert refused(other, 12, actor=world.actor, token=token).reason.code == reasons.TOKEN_REUSED
    assert quantity_of(other) == 10


# --- Failures -------------------------------------------------------------------------------


def test_a_failure_changes_nothing_is_logged_and_leaves_the_token_usable(world, snapshot, monkeypatch):
    subscription = world.subscription(ESSENTIALS, quantity=10)
    token = uuid.uuid4()
    before = snapshot()

    def broken(**kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(quantity_rules, "quantity_change_billing_impact", broken)
    with pytest.raises(RuntimeError, match="injected"):
        change(subscription, 12, actor=world.actor, token=token)

    assert snapshot() == before
    (logged,) = Operation.objects.all()
    assert (logged.kind, logged.result) == (Operation.Kind.QUANTITY_CHANGE, Operation.Result.FAILED)
    assert (logged.reason_code, logged.reason_params) == (reasons.UNEXPECTED_ERROR, {"error": "RuntimeError"})
    assert (logged.previous_quantity, logged.quantity, logged.token) == (10, 12, token)

    monkeypatch.undo()
    assert change(subscription, 12, actor=world.actor, token=token).result == Operation.Result.SUCCEEDED


def test_a_quantity_too_large_to_store_is_refused_and_logged_without_it(world):
    subscription = world.subscription(E3, quantity=10)

    refusal = refused(subscription, 10**20, actor=world.actor)

    assert refusal.reason.code == reasons.QUANTITY_ABOVE_MAXIMUM
    logged = Operation.objects.get()
    assert (logged.previous_quantity, logged.quantity) == (10, None)


# --- Concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_second_change_waits_for_the_first_then_is_refused_with_its_result(world):
    """No lost update: the second writer queues behind the first, then sees the new quantity."""
    subscription = world.subscription(ESSENTIALS, quantity=25)
    waited = 0.0

    if connection.vendor == "postgresql":
        locked = threading.Event()

        def first_writer():
            # Its own connection: holds the row lock, changes the quantity, commits a moment later.
            try:
                with transaction.atomic():
                    Subscription.objects.select_for_update().get(pk=subscription.pk)
                    Subscription.objects.filter(pk=subscription.pk).update(quantity=28)
                    locked.set()
                    time.sleep(0.5)
            finally:
                connection.close()

        thread = threading.Thread(target=first_writer)
        thread.start()
        assert locked.wait(5)
        started = time.monotonic()
        refusal = refused(subscription, 30, actor=world.actor, based_on=25)
        waited = time.monotonic() - started
        thread.join()
        assert waited >= 0.3, "the second change waited for the first one's lock"
    else:
        # SQLite has no row locks: IMMEDIATE transactions run writers one after the other, so the
        # second one starts once the first has committed, which this reproduces.
        Subscription.objects.filter(pk=subscription.pk).update(quantity=28)
        refusal = refused(subscription, 30, actor=world.actor, based_on=25)

    assert refusal.reason.code == reasons.QUANTITY_CHANGED_MEANWHILE
    assert refusal.reason.params["now"] == 28
    assert quantity_of(subscription) == 28
    assert Operation.objects.get().result == Operation.Result.REFUSED


# --- The Add licenses form ------------------------------------------------------------------


@pytest.fixture
def essentials(world) -> Subscription:
    """Business Essentials, 25 seats, 20 licensed users (Contoso's shape)."""
    return world.subscription(ESSENTIALS, quantity=25, users=20)


def form_url(subscription) -> str:
    return reverse("subscriptions:change-quantity", args=[subscription.pk])


def detail_url(subscription) -> str:
    return reverse("subscriptions:detail", args=[subscription.pk])


def hidden(response, name) -> str:
    return html.find(response.content, "input", type="hidden", name=name).attrs["value"]


def post(client, subscription, *, quantity, based_on=None, token=None, headers=None, **extra):
    data = {
        "quantity": quantity,
        "based_on": subscription.quantity if based_on is None else based_on,
        "token": token or str(uuid.uuid4()),
        **extra,
    }
    return client.post(form_url(subscription), data, headers=headers or {})


def test_signed_out_visitors_of_the_form_are_sent_to_the_login_page(client, essentials):
    response = client.get(form_url(essentials))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_the_form_asks_for_the_new_quantity_within_the_assigned_and_the_offer_maximum(
    agent_client, essentials
):
    response = agent_client.get(form_url(essentials))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    page = html.parse(content)
    assert page.find("h1").text == "Add licenses"
    quantity_input = page.find("input", type="number", name="quantity")
    assert (quantity_input.attrs["value"], quantity_input.attrs["min"], quantity_input.attrs["max"]) == (
        "25",
        "20",
        "300",
    )
    assert quantity_input.attrs["hx_get"] == form_url(essentials)
    assert hidden(response, "based_on") == "25"
    uuid.UUID(hidden(response, "token"))
    assert page.find("button", type="submit", class_="button--primary").text == "Submit"
    # The server, not the browser's bubble, explains a quantity past the maximum.
    assert "novalidate" in page.find("form", method="post", action=form_url(essentials)).attrs
    assert "$5.00" in content, "the price per license per month"


def test_htmx_gets_the_prorated_preview_of_the_quantity_typed(agent_client, essentials):
    impact = billing.quantity_change_billing_impact(subscription=essentials, new_quantity=30)

    response = agent_client.get(form_url(essentials), {"quantity": 30, "based_on": 25}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<html" not in content and "<form" not in content
    (line,) = impact.lines
    assert line.amount > 0
    assert money(line.amount, line.currency) in content
    assert "Licenses added, for the rest of the period" in content
    assert 'id="quantity-status" hx-swap-oob="innerHTML"' in content
    assert "HX-Request" in response["Vary"]


def test_the_preview_of_a_decrease_shows_the_credit(agent_client, essentials):
    impact = billing.quantity_change_billing_impact(subscription=essentials, new_quantity=22)

    content = agent_client.get(form_url(essentials), {"quantity": 22}, headers=HTMX).content.decode()

    assert impact.net < 0
    assert money(impact.net, impact.currency) in content
    assert "Credit for the licenses removed" in content


def test_the_preview_past_the_maximum_says_so_and_links_the_upgrade(agent_client, world):
    premium = world.subscription(PREMIUM, quantity=40, users=3)

    content = agent_client.get(form_url(premium), {"quantity": 301}, headers=HTMX).content.decode()

    assert "Office 365 Business Premium is limited to 300 licenses." in content
    assert "Office 365 Enterprise E3, Office 365 Enterprise E5" in content
    upgrade_url = reverse("subscriptions:upgrade", args=[premium.pk])
    assert html.find(content, "a", class_="button", href=upgrade_url).text == "Upgrade now"
    assert not Operation.objects.exists(), "a preview is not an attempt"


def test_the_preview_below_the_assigned_licenses_says_so(agent_client, essentials):
    content = agent_client.get(form_url(essentials), {"quantity": 19}, headers=HTMX).content.decode()

    assert "20 licenses are assigned to users, so the quantity cannot go below 20." in content


def test_the_page_without_javascript_previews_the_quantity_in_the_url(agent_client, essentials):
    impact = billing.quantity_change_billing_impact(subscription=essentials, new_quantity=30)

    content = agent_client.get(form_url(essentials), {"quantity": 30}).content.decode()

    assert "<html" in content
    assert money(impact.net, impact.currency) in content
    assert html.find(content, "input", type="number", name="quantity").attrs["value"] == "30"


def test_the_preview_button_of_the_plain_form_changes_nothing(agent_client, essentials, snapshot):
    before = snapshot()

    response = post(agent_client, essentials, quantity=30, preview="1")

    impact = billing.quantity_change_billing_impact(subscription=essentials, new_quantity=30)
    assert response.status_code == HTTPStatus.OK
    assert money(impact.net, impact.currency) in response.content.decode()
    assert snapshot() == before and not Operation.objects.exists()


def test_a_plain_submit_changes_the_quantity_and_redirects_to_the_subscription_page(agent_client, essentials):
    token = hidden(agent_client.get(form_url(essentials)), "token")

    response = post(agent_client, essentials, quantity=30, token=token)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == detail_url(essentials)
    operation = Operation.objects.get(result=Operation.Result.SUCCEEDED)
    assert (operation.previous_quantity, operation.quantity, str(operation.token)) == (25, 30, token)
    assert quantity_of(essentials) == 30
    page = agent_client.get(response["Location"]).content.decode()
    messages = html.find(page, "div", class_="messages", role="status")
    assert messages.text == "Office 365 Business Essentials now has 30 licenses (was 25)."


def test_an_htmx_submit_answers_with_a_client_redirect(agent_client, essentials):
    response = post(agent_client, essentials, quantity=30, headers=HTMX)

    assert response.status_code == HTTPStatus.OK
    assert response["HX-Redirect"] == detail_url(essentials)
    assert quantity_of(essentials) == 30


def test_the_same_form_submitted_twice_changes_the_quantity_once(agent_client, essentials):
    token = str(uuid.uuid4())

    first = post(agent_client, essentials, quantity=30, based_on=25, token=token)
    second = post(agent_client, essentials, quantity=30, based_on=25, token=token)

    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert quantity_of(essentials) == 30
    assert Operation.objects.count() == 1


def test_a_refusal_shows_the_limit_and_the_upgrade_with_the_same_token(agent_client, world, snapshot):
    premium = world.subscription(PREMIUM, quantity=40, users=3)
    token = str(uuid.uuid4())
    before = snapshot()

    response = post(agent_client, premium, quantity=301, token=token)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert (
        "The quantity was not changed." in html.find(content, "div", class_="alert--error", role="alert").text
    )
    # Said once, under the field the input points at, with the upgrade that takes more seats.
    assert content.count("Office 365 Business Premium is limited to 300 licenses.") == 1
    feedback = html.find(content, "div", id="quantity-feedback")
    assert "Office 365 Business Premium is limited to 300 licenses." in feedback.text
    assert feedback.find("a", href=reverse("subscriptions:upgrade", args=[premium.pk])).text == "Upgrade now"
    field = html.find(content, "input", name="quantity")
    assert (field.attrs["aria_invalid"], field.attrs["aria_describedby"]) == (
        "true",
        "quantity-hint quantity-feedback",
    )
    assert hidden(response, "token") == token
    assert snapshot() == before
    assert Operation.objects.get().result == Operation.Result.REFUSED


def test_an_htmx_refusal_swaps_the_form_fragment_with_status_200(agent_client, essentials):
    response = post(agent_client, essentials, quantity=19, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert content.lstrip().startswith('<div id="quantity-form"')
    assert 'role="alert"' in content and "cannot go below 20" in content
    assert "<html" not in content


def test_a_change_made_meanwhile_comes_back_as_a_fresh_form_on_the_new_quantity(
    agent_client, world, essentials
):
    token = hidden(agent_client.get(form_url(essentials)), "token")
    change(essentials, 28, actor=acting(PartnerUserFactory(partner=world.partner).user))

    response = post(agent_client, essentials, quantity=30, based_on=25, token=token)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "The quantity changed meanwhile: it is now 28 licenses." in content
    assert hidden(response, "based_on") == "28"
    assert html.find(content, "input", type="number", name="quantity").attrs["value"] == "28"
    assert hidden(response, "token") == token
    assert quantity_of(essentials) == 28

    # The partner checks the new number and submits again: nothing was lost.
    again = post(agent_client, essentials, quantity=30, based_on=28, token=token)
    assert again.status_code == HTTPStatus.FOUND and quantity_of(essentials) == 30


@pytest.mark.parametrize("quantity", ["abc", "", "-3", "1e3", "2.5"])
def test_a_bad_quantity_is_a_form_error_that_keeps_the_token(agent_client, essentials, snapshot, quantity):
    token = str(uuid.uuid4())
    before = snapshot()

    response = post(agent_client, essentials, quantity=quantity, token=token)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert html.find(response.content, "p", class_="field__error", id="quantity-errors").text
    assert hidden(response, "token") == token
    assert snapshot() == before and not Operation.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("token", "not-a-uuid"), ("based_on", "abc"), ("based_on", "")])
def test_a_lost_token_or_base_is_a_form_error_and_changes_nothing(
    agent_client, essentials, snapshot, field, value
):
    before = snapshot()

    response = post(agent_client, essentials, quantity=30, **{field: value})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This form has expired. Reload the page and try again." in response.content.decode()
    uuid.UUID(hidden(response, "token"))
    assert hidden(response, "based_on") == "25"
    assert snapshot() == before and not Operation.objects.exists()


def test_a_subscription_that_cannot_change_says_why_and_shows_no_form(agent_client, world):
    suspended = world.subscription(ESSENTIALS, quantity=10, status=Subscription.Status.SUSPENDED)

    content = agent_client.get(form_url(suspended)).content.decode()

    assert "The licenses of this subscription can't change right now" in content
    assert (
        "This subscription is suspended. Reactivate it in Microsoft Partner Center, then change its licenses."
        in content
    )
    assert 'name="quantity"' not in content and ">Submit<" not in content


def test_a_billing_admin_is_forbidden_the_form_and_the_post(client, world, essentials, snapshot):
    client.force_login(PartnerUserFactory(partner=world.partner, role=PartnerUser.Role.BILLING_ADMIN).user)
    before = snapshot()

    assert client.get(form_url(essentials)).status_code == HTTPStatus.FORBIDDEN
    response = post(client, essentials, quantity=30)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert snapshot() == before and not Operation.objects.exists()


def test_another_partners_subscription_is_not_found_and_cannot_be_posted_to(agent_client, world, snapshot):
    theirs = world.subscription(ESSENTIALS, quantity=10, sold_by="other")
    before = snapshot()

    assert agent_client.get(form_url(theirs)).status_code == HTTPStatus.NOT_FOUND
    response = post(agent_client, theirs, quantity=12)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert snapshot() == before and not Operation.objects.exists()
    assert (
        agent_client.get(form_url(theirs), {"quantity": 12}, headers=HTMX).status_code == HTTPStatus.NOT_FOUND
    )
