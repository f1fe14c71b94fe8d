"""Quantity errors are one consistent message per case, shown once, where the field is
(docs/domain.md §6), and the activity log keeps the number asked for, whatever its size."""

import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse

from subscriptions.models import Operation
from tests import html
from tests.offer_names import E3, PREMIUM

HTMX = {"HX-Request": "true"}

# (typed, the one message, whether it points to an upgrade)
CASES = [
    ("0", "Office 365 Business Premium needs at least 1 license.", False),
    ("abc", "Enter the number of licenses as a whole number.", False),
    ("301", "Office 365 Business Premium is limited to 300 licenses. For more, upgrade", True),
    ("99999999999", "Office 365 Business Premium is limited to 300 licenses. For more, upgrade", True),
    ("19", "20 licenses are assigned to users, so the quantity cannot go below 20.", False),
]


@pytest.fixture
def premium(world):
    """Business Premium, 40 seats, 20 of them assigned: E3 and E5 take more seats."""
    return world.subscription(PREMIUM, quantity=40, users=20)


def url(subscription) -> str:
    return reverse("subscriptions:change-quantity", args=[subscription.pk])


def visible(content: bytes) -> str:
    """The page's text but for the screen reader's live region."""
    page = html.parse(content)
    status = page.find_all(id="quantity-status")
    return page.text.replace(status[0].text, "") if status and status[0].text else page.text


@pytest.mark.parametrize(("typed", "message", "points_to_upgrade"), CASES)
def test_a_submitted_quantity_error_is_said_once_under_the_field(
    agent_client, premium, typed, message, points_to_upgrade
):
    response = agent_client.post(
        url(premium), {"quantity": typed, "based_on": 40, "token": str(uuid.uuid4())}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert visible(response.content).count(message) == 1
    feedback = html.find(response.content, "div", id="quantity-feedback")
    assert message in feedback.text
    upgrade = reverse("subscriptions:upgrade", args=[premium.pk])
    assert bool(feedback.find_all("a", href=upgrade)) is points_to_upgrade
    assert html.find(response.content, "input", name="quantity").attrs["aria_invalid"] == "true"


@pytest.mark.parametrize(("typed", "message", "points_to_upgrade"), CASES)
def test_a_quantity_error_while_typing_goes_under_the_field_not_into_the_billing_box(
    agent_client, premium, typed, message, points_to_upgrade
):
    response = agent_client.get(url(premium), {"quantity": typed}, headers=HTMX)

    feedback = html.find(response.content, "div", id="quantity-feedback")
    assert feedback.attrs["hx_swap_oob"] == "innerHTML"
    assert message in feedback.text
    assert message not in visible(response.content).replace(feedback.text, "")


def test_the_activity_log_keeps_a_number_past_the_columns_range(agent_client, premium):
    agent_client.post(url(premium), {"quantity": "99999999999", "based_on": 40, "token": str(uuid.uuid4())})

    refused = Operation.objects.get(result=Operation.Result.REFUSED)
    assert refused.quantity is None and refused.reason_params["asked_quantity"] == 99_999_999_999
    row = html.find(
        agent_client.get(reverse("subscriptions:activity")).content, "tr", id=f"operation-{refused.pk}"
    )
    assert "Licenses: 40 → 99,999,999,999" in row.text and "Refused" in row.text
    assert "?" not in row.text


def test_an_upgrade_page_quantity_error_is_said_once_too(agent_client, world):
    source = world.subscription(PREMIUM, quantity=10, users=3)
    data = {"target_offer": world.offers[E3].pk, "quantity": "abc", "token": str(uuid.uuid4()), "version": 1}

    response = agent_client.post(reverse("subscriptions:upgrade", args=[source.pk]), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert html.parse(response.content).text.count("Enter the number of licenses as a whole number.") == 1
