"""What pages render faster stays what they rendered: the same URLs, numbers and selects."""

import pytest
from django import forms
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation

from customers.models import time_zone_choices
from partnercenter.widgets import Select
from subscriptions.formatting import number
from subscriptions.templatetags.object_urls import object_url


@pytest.mark.parametrize("name", ["customers:detail", "subscriptions:detail", "subscriptions:operation"])
@pytest.mark.parametrize("pk", [1, 42, 2_147_483_647])
def test_an_object_url_is_the_reversed_url(name, pk):
    assert object_url(pk, name) == reverse(name, args=[pk])


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("value", [0, 7, 999, 1000, 12_345, -3])
def test_a_small_count_reads_as_babel_writes_it(language, value):
    from babel.numbers import format_decimal

    with translation.override(language):
        expected = format_decimal(value, locale={"en": "en_US", "fr": "fr_FR"}[language])
        assert number(value) == expected


CHOICES = [
    ("", "Everyone"),
    ("a&b", "A <b> & co"),
    ("Europe", [("Europe/Paris", "Paris"), ("Europe/Rome", "Rome")]),
    (3, "Three"),
]


@pytest.mark.parametrize("value", [None, "", "a&b", "Europe/Rome", 3, "3", "nothing"])
def test_the_select_writes_djangos_markup(value):
    class Django(forms.Form):
        field = forms.ChoiceField(choices=CHOICES, required=False)

    class Ours(forms.Form):
        field = forms.ChoiceField(choices=CHOICES, required=False, widget=Select)

    data = {"field": value} if value is not None else {}

    # The same elements, attributes and text (attribute order and blank lines aside).
    assert parse_html(str(Ours(data)["field"])) == parse_html(str(Django(data)["field"]))


def test_the_time_zones_are_listed_once_per_process():
    assert time_zone_choices() is time_zone_choices()
    assert time_zone_choices()[0] == ("UTC", "UTC")
    assert ("Europe/Paris", "Paris") in dict(time_zone_choices()[1:])["Europe"]


@pytest.mark.parametrize("ids", [(1, 2), (42, 9_999), (2_147_483_647, 1)])
def test_an_object_url_of_two_ids_is_the_reversed_url(ids):
    from partnercenter.object_urls import object_url as url_of

    for name in ("subscriptions:account-assign", "subscriptions:account-usage-location"):
        assert url_of(name, *ids) == reverse(name, args=ids)
