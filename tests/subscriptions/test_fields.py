"""A number of licenses is typed in ASCII digits, nothing else (`subscriptions.fields`).

Django's IntegerField reads whatever `int()` reads, and more: `3_0`, full-width or Arabic-Indic
digits, a sign, a trailing `.0`. Each is refused with the forms' own message, by the field and
by the Add licenses page. Uses the `world`, `agent_client` and `snapshot` fixtures of
tests/subscriptions/conftest.py.
"""

import uuid
from http import HTTPStatus

import pytest
from django import forms
from django.urls import reverse

from subscriptions.fields import LicenseCountField
from subscriptions.models import Operation
from tests import html
from tests.offer_names import ESSENTIALS

WHOLE_LICENSES = "Enter the number of licenses as a whole number."

# What IntegerField turns into a number of licenses, though no partner typed that number.
READ_AS_A_NUMBER = [
    "3_0",  # int() reads the underscore as a digit separator: 30
    " 3_0 ",
    "３０",  # full-width digits
    "٣٠",  # Arabic-Indic digits
    "۳۰",  # Persian digits
    "३०",  # Devanagari digits
    "𝟑𝟎",  # mathematical bold digits
    "3٠",  # one ASCII digit, one Arabic-Indic
    "28.0",  # IntegerField drops a trailing ".0"
    "30.",
    "30.000 ",
    "+29",
    "-0",
]


class QuantityForm(forms.Form):
    """The field as subscriptions/forms.py declares it: its message, a floor of 0."""

    quantity = LicenseCountField(
        min_value=0, error_messages={"invalid": WHOLE_LICENSES, "min_value": WHOLE_LICENSES}
    )


def cleaned(value):
    form = QuantityForm({"quantity": value})
    return form.cleaned_data["quantity"] if form.is_valid() else form.errors["quantity"]


@pytest.mark.parametrize(
    ("typed", "number"), [("30", 30), (" 30 ", 30), ("\t30\r\n", 30), ("0030", 30), ("0", 0)]
)
def test_ascii_digits_with_white_space_around_them_are_a_number(typed, number):
    assert cleaned(typed) == number


@pytest.mark.parametrize("typed", READ_AS_A_NUMBER)
def test_anything_but_ascii_digits_is_refused_with_the_forms_message(typed):
    assert cleaned(typed) == [WHOLE_LICENSES]


def test_digits_past_what_int_converts_are_refused_not_a_crash():
    assert cleaned("9" * 5000) == [WHOLE_LICENSES]


def test_only_white_space_is_a_missing_number_not_a_wrong_one():
    assert cleaned("  \t ") == ["This field is required."]


# --- Through the Add licenses page ------------------------------------------------------------


def post_quantity(client, subscription, typed):
    return client.post(
        reverse("subscriptions:change-quantity", args=[subscription.pk]),
        {"quantity": typed, "based_on": subscription.quantity, "token": str(uuid.uuid4())},
    )


@pytest.mark.parametrize("typed", READ_AS_A_NUMBER)
def test_the_add_licenses_page_refuses_them_and_changes_nothing(agent_client, world, snapshot, typed):
    subscription = world.subscription(ESSENTIALS, quantity=25, users=20)
    before = snapshot()

    response = post_quantity(agent_client, subscription, typed)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = html.find(response.content, "p", class_="field__error", id="quantity-errors")
    assert error.text == WHOLE_LICENSES
    assert snapshot() == before and not Operation.objects.exists()


def test_the_add_licenses_page_takes_ascii_digits_with_spaces_around(agent_client, world):
    subscription = world.subscription(ESSENTIALS, quantity=25, users=20)

    response = post_quantity(agent_client, subscription, " 30 ")

    assert response.status_code == HTTPStatus.FOUND
    subscription.refresh_from_db()
    assert subscription.quantity == 30
