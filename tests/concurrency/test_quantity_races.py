"""Quantity changes at the same instant, over real HTTP, each from its own session (Add
licenses): no update is ever lost (docs/domain.md §5).

Each change posts the new quantity and the quantity its form was based on. The subscription's
row is locked while a change is checked and made (a blocking lock on PostgreSQL, IMMEDIATE
transactions on SQLite), so a change based on a quantity that is no longer current is refused
as "changed meanwhile", with the new number.
"""

import html
import re
import time
from collections import Counter
from http import HTTPStatus

import pytest
from django.urls import reverse

from subscriptions import reasons
from subscriptions.models import BillingLine, Operation, Subscription
from tests.concurrency.webclient import Response, all_at_once
from tests.security.figures import count, seen

pytestmark = pytest.mark.slow

CHANGES = 20
CHANGED_MEANWHILE = "The quantity changed meanwhile: it is now"


def contosos_subscription(demo) -> Subscription:
    return Subscription.objects.get(
        customer=demo.customers["Contoso Ltd"],
        sold_by=demo.fabrikam,
        offer__name="Office 365 Business Essentials",
    )


def words(response: Response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.text))


def checked(results: list) -> list[Response]:
    errors = [result for result in results if isinstance(result, BaseException)]
    assert not errors, errors
    count("concurrent_quantity_changes", len(results))
    for response in results:
        assert seen(response.status) < HTTPStatus.INTERNAL_SERVER_ERROR
    return results


def test_twenty_changes_from_the_same_quantity_apply_one_and_tell_the_others_it_changed_meanwhile(
    racing_demo, signed_in
):
    subscription = contosos_subscription(racing_demo)
    base = subscription.quantity
    path = reverse("subscriptions:change-quantity", args=[subscription.pk])
    browsers = signed_in(CHANGES)
    bodies = []
    for browser in browsers:
        assert browser.form_field(path, "based_on") == str(base)
        bodies.append({"quantity": base + 1, "based_on": base, "token": browser.form_field(path, "token")})

    responses = checked(
        all_at_once(
            [
                lambda b=browser, d=body: b.post(path, d)
                for browser, body in zip(browsers, bodies, strict=True)
            ]
        )
    )

    subscription.refresh_from_db()
    assert subscription.quantity == base + 1
    applied = [response for response in responses if response.status == HTTPStatus.FOUND]
    assert [response.location for response in applied] == [
        reverse("subscriptions:detail", args=[subscription.pk])
    ]
    told = reasons.describe(reasons.QUANTITY_CHANGED_MEANWHILE, {"now": base + 1, "based_on": base})
    refused = [response for response in responses if response.status != HTTPStatus.FOUND]
    assert len(refused) == CHANGES - 1
    assert all(response.status == HTTPStatus.BAD_REQUEST and told in words(response) for response in refused)
    operations = Operation.objects.filter(subscription=subscription, kind=Operation.Kind.QUANTITY_CHANGE)
    succeeded = operations.get(result=Operation.Result.SUCCEEDED)
    assert (succeeded.previous_quantity, succeeded.quantity) == (base, base + 1)
    assert Counter(
        operations.filter(result=Operation.Result.REFUSED).values_list("reason_code", flat=True)
    ) == {reasons.QUANTITY_CHANGED_MEANWHILE: CHANGES - 1}
    assert list(
        BillingLine.objects.filter(operation__subscription=subscription).values_list("kind", "quantity")
    ) == [(BillingLine.Kind.LICENSES_ADDED, 1)]
    count("concurrent_quantity_changes_applied")


def test_overlapping_changes_each_from_the_quantity_it_read_lose_no_update(racing_demo, signed_in):
    subscription = contosos_subscription(racing_demo)
    base = subscription.quantity
    path = reverse("subscriptions:change-quantity", args=[subscription.pk])
    browsers = signed_in(CHANGES)

    def change(index: int, browser):
        # Sequential but overlapping: each starts a little after the previous one, reads the
        # quantity its page shows, and adds index + 1 licenses to it.
        time.sleep(index * 0.05)
        based_on = int(browser.form_field(path, "based_on"))
        token = browser.form_field(path, "token")
        added = index + 1
        return added, browser.post(path, {"quantity": based_on + added, "based_on": based_on, "token": token})

    results = all_at_once([lambda i=index, b=browser: change(i, b) for index, browser in enumerate(browsers)])
    checked([result if isinstance(result, BaseException) else result[1] for result in results])

    applied = [added for added, response in results if response.status == HTTPStatus.FOUND]
    refused = [response for _, response in results if response.status != HTTPStatus.FOUND]
    subscription.refresh_from_db()
    assert applied, "at least the first change applies"
    assert subscription.quantity == base + sum(applied)
    assert all(
        response.status == HTTPStatus.BAD_REQUEST and CHANGED_MEANWHILE in words(response)
        for response in refused
    )
    # The applied changes form one chain: each starts where the previous one left the quantity.
    chain = list(
        Operation.objects.filter(
            subscription=subscription, kind=Operation.Kind.QUANTITY_CHANGE, result=Operation.Result.SUCCEEDED
        )
        .order_by("pk")
        .values_list("previous_quantity", "quantity")
    )
    assert len(chain) == len(applied)
    assert [previous for previous, _ in chain] == [base] + [quantity for _, quantity in chain[:-1]]
    assert sorted(quantity - previous for previous, quantity in chain) == sorted(applied)
    assert Operation.objects.filter(
        subscription=subscription, result=Operation.Result.REFUSED
    ).count() == len(refused)
    count("concurrent_quantity_changes_applied", len(applied))
