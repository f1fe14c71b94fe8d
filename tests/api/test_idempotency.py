"""`MS-RequestId`: a retry gets the first answer, stored with the change (docs/api.md, "Retries")."""

import datetime
import uuid

import pytest
from django.utils import timezone

from api import idempotency
from api.models import StoredAnswer
from subscriptions.models import Operation, Subscription
from tests.api.paths import subscription_path

pytestmark = pytest.mark.django_db


def patch(api, subscription, resource: dict, key: str):
    return api.patch(
        subscription_path(subscription),
        resource,
        content_type="application/json",
        headers={"MS-RequestId": key},
    )


def attempts_on(subscription) -> int:
    return Operation.objects.filter(subscription=subscription).count()


def test_a_refused_change_is_answered_again_without_a_second_attempt(fabrikam_api, contoso):
    resource = fabrikam_api.get(subscription_path(contoso)).json()
    too_many = {**resource, "quantity": contoso.offer.max_quantity + 1}
    key = str(uuid.uuid4())

    first = patch(fabrikam_api, contoso, too_many, key)
    attempts = attempts_on(contoso)
    again = patch(fabrikam_api, contoso, too_many, key)

    assert first.status_code == again.status_code == 400
    assert again.json() == first.json() and first.json()["code"] == 2002
    # The first refusal is in the log once; the retry did not reach the engine.
    assert attempts_on(contoso) == attempts


def test_the_answer_is_stored_with_the_change_and_replayed_with_its_etag(fabrikam_api, contoso):
    resource = {**fabrikam_api.get(subscription_path(contoso)).json(), "quantity": contoso.quantity + 1}
    key = str(uuid.uuid4())

    first = patch(fabrikam_api, contoso, resource, key)
    # Another change meanwhile: the retry still gets the first answer, not today's subscription.
    Subscription.objects.filter(pk=contoso.pk).update(friendly_name="Renamed meanwhile")
    again = patch(fabrikam_api, contoso, resource, key)

    stored = StoredAnswer.objects.get(partner=contoso.sold_by)
    assert stored.status == 200 and stored.body == first.json()
    assert again.status_code == 200 and again.json() == first.json()
    assert again["ETag"] == first["ETag"] == f'"{first.json()["attributes"]["etag"]}"'


def test_a_key_still_in_flight_is_waited_for_then_answered_409_with_retry_after(
    fabrikam_api, contoso, settings
):
    settings.API_IN_FLIGHT_WAIT_SECONDS = 0.2
    resource = {**fabrikam_api.get(subscription_path(contoso)).json(), "quantity": contoso.quantity + 1}
    key = str(uuid.uuid4())
    first = patch(fabrikam_api, contoso, resource, key)
    # As if the first request were still running on another worker.
    StoredAnswer.objects.update(
        status=None, body=None, claimed_until=timezone.now() + datetime.timedelta(minutes=1)
    )

    waited = patch(fabrikam_api, contoso, resource, key)

    assert waited.status_code == 409 and waited.json()["code"] == 409
    assert waited["Retry-After"] == "1"
    assert StoredAnswer.objects.get().status is None  # a 409 is not stored: the retry runs again
    StoredAnswer.objects.update(status=200, body=first.json(), claimed_until=None)
    assert patch(fabrikam_api, contoso, resource, key).json() == first.json()


def test_an_abandoned_claim_is_taken_over_and_the_engine_replays_the_change(fabrikam_api, contoso):
    resource = {**fabrikam_api.get(subscription_path(contoso)).json(), "quantity": contoso.quantity + 1}
    key = str(uuid.uuid4())
    first = patch(fabrikam_api, contoso, resource, key)
    # A worker killed between the commit and its answer, long ago.
    StoredAnswer.objects.update(
        status=None, body=None, claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )

    again = patch(fabrikam_api, contoso, resource, key)

    contoso.refresh_from_db()
    assert again.status_code == 200 and contoso.quantity == resource["quantity"]
    assert again.json()["quantity"] == first.json()["quantity"]
    assert Operation.objects.filter(subscription=contoso, result="succeeded").count() == 1


def test_the_same_key_on_another_subscription_is_409_and_changes_nothing(fabrikam_api, contoso, demo):
    other = Subscription.objects.filter(sold_by=demo.fabrikam, status="active").exclude(pk=contoso.pk).first()
    key = str(uuid.uuid4())
    patch(
        fabrikam_api,
        contoso,
        {**fabrikam_api.get(subscription_path(contoso)).json(), "quantity": contoso.quantity + 1},
        key,
    )
    before = other.quantity

    reused = patch(
        fabrikam_api,
        other,
        {**fabrikam_api.get(subscription_path(other)).json(), "quantity": before + 1},
        key,
    )

    other.refresh_from_db()
    assert reused.status_code == 409 and other.quantity == before


def test_keys_are_kept_a_day_then_forgotten(fabrikam_api, contoso, settings):
    resource = fabrikam_api.get(subscription_path(contoso)).json()
    patch(fabrikam_api, contoso, {**resource, "quantity": contoso.quantity + 1}, "yesterday")
    kept = (
        timezone.now()
        - datetime.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
        + datetime.timedelta(minutes=1)
    )
    StoredAnswer.objects.update(created_at=kept)
    resource = fabrikam_api.get(subscription_path(contoso)).json()
    patch(fabrikam_api, contoso, {**resource, "quantity": resource["quantity"] + 1}, "today")
    assert StoredAnswer.objects.count() == 2  # a day old less a minute: still kept

    StoredAnswer.objects.filter(created_at=kept).update(created_at=kept - datetime.timedelta(minutes=2))
    resource = fabrikam_api.get(subscription_path(contoso)).json()
    patch(fabrikam_api, contoso, {**resource, "quantity": resource["quantity"] + 1}, "tomorrow")

    assert sorted(StoredAnswer.objects.values_list("status", flat=True)) == [200, 200]
    assert not StoredAnswer.objects.filter(created_at__lt=kept).exists()


def test_another_partners_key_is_its_own(fabrikam_api, northwind_api, contoso, demo):
    resource = {**fabrikam_api.get(subscription_path(contoso)).json(), "quantity": contoso.quantity + 1}
    patch(fabrikam_api, contoso, resource, "shared-key")
    northwind = (
        Subscription.objects.filter(sold_by=demo.northwind, status="active")
        .select_related("customer")
        .first()
    )
    theirs = {**northwind_api.get(subscription_path(northwind)).json(), "quantity": northwind.quantity + 1}

    answer = patch(northwind_api, northwind, theirs, "shared-key")

    assert answer.status_code == 200 and answer.json()["quantity"] == northwind.quantity + 1


def test_a_crash_after_the_commit_keeps_the_answer_stored_with_the_change(fabrikam_api, contoso, monkeypatch):
    resource = {**fabrikam_api.get(subscription_path(contoso)).json(), "quantity": contoso.quantity + 1}
    key = str(uuid.uuid4())
    answer_once = idempotency.answer_once

    def then_crash(*args, **kwargs):
        answer_once(*args, **kwargs)
        raise RuntimeError("the worker died after the commit")

    monkeypatch.setattr(idempotency, "answer_once", then_crash)
    crashed = patch(fabrikam_api, contoso, resource, key)
    monkeypatch.undo()

    # The answer committed with the change (the engine's on_success), so the crash did not lose it.
    stored = StoredAnswer.objects.get(partner=contoso.sold_by)
    assert crashed.status_code == 500 and stored.status == 200
    assert patch(fabrikam_api, contoso, resource, key).json() == stored.body
