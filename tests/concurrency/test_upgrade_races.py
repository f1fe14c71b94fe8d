"""Twenty submits of one upgrade at the same instant, over real HTTP, each from its own session.

PostgreSQL: the source and its customer are locked NOWAIT, so a submit arriving during the
upgrade is refused at once (`upgrade_in_progress`); one arriving after it sees the first result
(same token) or a cancelled source (`subscription_not_active`). SQLite: IMMEDIATE transactions
queue the writers, so every later submit sees the first one's result; none is ever refused as
in progress. On both: exactly one upgrade, one target, the source cancelled once, every license
accounted for (docs/domain.md §5), and never a 500.
"""

import re
from collections import Counter
from http import HTTPStatus

import pytest
from django.urls import reverse

from subscriptions import reasons
from subscriptions.models import AffectedAccount, BillingLine, LicenseAssignment, Operation, Subscription
from tests.concurrency.webclient import Response, all_at_once
from tests.security.figures import count, seen

pytestmark = pytest.mark.slow

SUBMITS = 20
ALLOWED_REFUSALS = {reasons.UPGRADE_IN_PROGRESS, reasons.SUBSCRIPTION_NOT_ACTIVE}
# What a loser is shown once the winner's upgrade is in: what happened, not its own refusal.
ALREADY_UPGRADED = "already upgraded"


def subscription_of(demo, customer_name: str, offer_name: str) -> Subscription:
    return Subscription.objects.get(
        customer=demo.customers[customer_name], sold_by=demo.fabrikam, offer__name=offer_name
    )


def refusal_shown(response: Response) -> str | None:
    """The refusal's reason code, read back from the words on the page."""
    text = re.sub(r"\s+", " ", response.text).replace("&#x27;", "'")
    if 'id="upgrade-done"' in text and "Already upgraded to " in text:
        return ALREADY_UPGRADED
    if "The upgrade was not made. Nothing was changed." not in text:
        return None
    for code, params in (
        (reasons.UPGRADE_IN_PROGRESS, {}),
        (reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": Subscription.Status.DELETED}),
    ):
        if reasons.describe(code, params) in text:
            return code
    return "unknown"


def race(browsers, path: str, bodies: list[dict]) -> list[Response]:
    results = all_at_once(
        [lambda b=browser, d=body: b.post(path, d) for browser, body in zip(browsers, bodies, strict=True)]
    )
    errors = [result for result in results if isinstance(result, BaseException)]
    assert not errors, errors
    count("concurrent_submits", len(results))
    for response in results:
        seen(response.status)
    return results


def assert_one_upgrade_with_every_license_accounted_for(source, target_offer, users_before: set[int]):
    succeeded = Operation.objects.filter(
        subscription=source, kind=Operation.Kind.UPGRADE, result=Operation.Result.SUCCEEDED
    )
    assert succeeded.count() == 1
    operation = succeeded.get()
    targets = Subscription.objects.filter(customer=source.customer, offer=target_offer)
    assert list(targets) == [operation.target_subscription]
    target = operation.target_subscription
    source.refresh_from_db()
    assert source.status == Subscription.Status.DELETED and source.upgraded_to == target
    assert target.status == Subscription.Status.ACTIVE
    # Cancelled once: one credit for the source, one charge for the target.
    lines = Counter(
        BillingLine.objects.filter(operation__subscription=source).values_list("kind", "subscription")
    )
    assert lines == Counter(
        {
            (BillingLine.Kind.CANCELLATION_CREDIT, source.pk): 1,
            (BillingLine.Kind.NEW_SUBSCRIPTION_CHARGE, target.pk): 1,
        }
    )
    # Every user licensed on the source: one license on the target, or listed with an error.
    assert not LicenseAssignment.objects.filter(subscription=source).exists()
    moved = set(LicenseAssignment.objects.filter(subscription=target).values_list("user_id", flat=True))
    accounts = list(AffectedAccount.objects.filter(operation=operation).values_list("user_id", "outcome"))
    assert sorted(user for user, _ in accounts) == sorted(users_before), "each user listed once"
    assert moved == {user for user, outcome in accounts if outcome == AffectedAccount.Outcome.MOVED}
    assert len(moved) <= target.quantity
    count("concurrent_upgrades_made")
    return operation


def licensed_users(subscription) -> set[int]:
    return set(LicenseAssignment.objects.filter(subscription=subscription).values_list("user_id", flat=True))


def test_twenty_submits_with_one_token_make_one_upgrade_and_all_see_its_result_or_a_clear_refusal(
    concurrent_server, racing_demo, signed_in, catalog
):
    source = subscription_of(racing_demo, "Contoso Ltd", "Office 365 Business Essentials")
    premium = catalog["Office 365 Business Premium"]
    users_before = licensed_users(source)
    path = reverse("subscriptions:upgrade", args=[source.pk])
    browsers = signed_in(SUBMITS)
    token = browsers[0].form_field(path, "token")
    version = browsers[0].form_field(path, "version")
    body = {"target_offer": premium.pk, "quantity": source.quantity, "token": token, "version": version}

    responses = race(browsers, path, [body] * SUBMITS)

    operation = assert_one_upgrade_with_every_license_accounted_for(source, premium, users_before)
    report = reverse("subscriptions:operation", args=[operation.pk])
    outcomes = Counter(
        "first result"
        if response.status == HTTPStatus.FOUND and response.location == report
        else (response.status, refusal_shown(response))
        for response in responses
    )
    refused = Operation.objects.filter(subscription=source, result=Operation.Result.REFUSED)
    assert Operation.objects.filter(subscription=source, result=Operation.Result.FAILED).count() == 0
    assert outcomes["first result"] >= 1
    answers = ALLOWED_REFUSALS | {ALREADY_UPGRADED}
    assert set(outcomes) - {"first result"} <= {(HTTPStatus.BAD_REQUEST, answer) for answer in answers}
    # Every refused submit is logged once; one that found the upgrade done by then says so instead.
    logged = Counter(refused.values_list("reason_code", flat=True))
    assert set(logged) <= ALLOWED_REFUSALS
    assert logged.total() == sum(outcomes[(HTTPStatus.BAD_REQUEST, answer)] for answer in answers)
    assert all(logged[code] >= outcomes[(HTTPStatus.BAD_REQUEST, code)] for code in ALLOWED_REFUSALS)
    if concurrent_server.vendor == "sqlite":
        # Writers queue behind the first: each later submit finds the token's success and replays it.
        assert outcomes == {"first result": SUBMITS}


def test_twenty_submits_with_different_tokens_make_one_upgrade_and_refuse_the_others_clearly(
    concurrent_server, racing_demo, signed_in, catalog
):
    source = subscription_of(racing_demo, "Litware, Inc.", "Office 365 Business Premium")
    e3 = catalog["Office 365 Enterprise E3"]
    users_before = licensed_users(source)
    path = reverse("subscriptions:upgrade", args=[source.pk])
    browsers = signed_in(SUBMITS)
    bodies = [
        {
            "target_offer": e3.pk,
            "quantity": source.quantity,
            "token": browser.form_field(path, "token"),
            "version": browser.form_field(path, "version"),
        }
        for browser in browsers
    ]
    assert len({body["token"] for body in bodies}) == SUBMITS

    responses = race(browsers, path, bodies)

    operation = assert_one_upgrade_with_every_license_accounted_for(source, e3, users_before)
    report = reverse("subscriptions:operation", args=[operation.pk])
    winners = [response for response in responses if response.status == HTTPStatus.FOUND]
    assert [response.location for response in winners] == [report]
    shown = Counter(refusal_shown(response) for response in responses if response.status != HTTPStatus.FOUND)
    assert all(response.status in {HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST} for response in responses)
    assert set(shown) <= ALLOWED_REFUSALS | {ALREADY_UPGRADED}
    refused = Operation.objects.filter(subscription=source, result=Operation.Result.REFUSED)
    logged = Counter(refused.values_list("reason_code", flat=True))
    assert set(logged) <= ALLOWED_REFUSALS and logged.total() == SUBMITS - 1
    # A refusal still shown as such is logged as such; the others were answered with the upgrade.
    assert all(logged[code] >= count for code, count in shown.items() if code != ALREADY_UPGRADED)
    assert sum(shown.values()) == SUBMITS - 1
    # Every refused attempt is logged once, with the partner user who made it.
    assert set(refused.values_list("actor__username", flat=True)) == {"demo"}
    if concurrent_server.vendor == "sqlite":
        assert shown == {ALREADY_UPGRADED: SUBMITS - 1}
        assert logged == {reasons.SUBSCRIPTION_NOT_ACTIVE: SUBMITS - 1}
