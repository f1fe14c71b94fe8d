"""Business time comes from `partnercenter.clock`; security time keeps the real clock
(docs/domain.md §3). Moving the clock moves dates, billing and eligibility, never a session."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from partnercenter import clock
from subscriptions import reasons, services
from subscriptions.models import Subscription
from tests.offer_names import ESSENTIALS

LATER = datetime.datetime(2031, 3, 15, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def later():
    with clock.frozen_at(LATER):
        yield LATER


def test_today_is_the_utc_date_of_now(later):
    assert clock.today() == datetime.date(2031, 3, 15)
    with clock.frozen_at(
        datetime.datetime(2031, 3, 15, 23, 30, tzinfo=datetime.timezone(-datetime.timedelta(hours=5)))
    ):
        assert clock.today() == datetime.date(2031, 3, 16)
    assert clock.now() == later


def test_the_clock_runs_again_after_the_block():
    with clock.frozen_at(LATER):
        pass
    assert clock.now() != LATER and abs(clock.now() - timezone.now()) < datetime.timedelta(seconds=5)


def test_new_rows_are_dated_in_business_time(world, later):
    world.grant.end_date = None
    world.grant.save()
    subscription = Subscription.objects.create(
        customer=world.customer,
        offer=world.offers[ESSENTIALS],
        friendly_name="Dated",
        quantity=10,
        sold_by=world.partner,
        term_end=datetime.date(2032, 3, 15),
    )

    operation = world.change_quantity(subscription, 12)

    assert subscription.created_on == datetime.date(2031, 3, 15)
    assert operation.created_at == later
    line = operation.billing_lines.get()
    # Created today: the period starts today and every one of its days is left.
    assert (line.period_start, line.days) == (datetime.date(2031, 3, 15), 31)


def test_a_grant_stops_counting_once_business_time_passes_its_end_date(world, later):
    # The world's grant ends a year after the real today: long before 2031.
    subscription = world.subscription(ESSENTIALS, quantity=10, created_on=datetime.date(2031, 1, 1))

    with pytest.raises(services.QuantityChangeRefused) as refused:
        world.change_quantity(subscription, 12)

    assert refused.value.reason.code == reasons.DELEGATED_ADMIN_MISSING
    assert refused.value.reason.params["state"] == reasons.GRANT_EXPIRED


def test_a_session_does_not_expire_when_business_time_moves(agent_client, later):
    # Sessions last two weeks of real time; business time is five years ahead.
    assert agent_client.get(reverse("customers:list")).status_code == HTTPStatus.OK
