"""French as a French reader writes it: elision before a vowel ("d’Exchange Online"), and the India
offers named as the source article names them in French ("Office 365 Business Inde")."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from subscriptions import reasons
from subscriptions.formatting import offer_label
from subscriptions.models import Offer
from subscriptions.reasons import Reason
from tests import html


def test_a_name_after_de_is_elided_in_french_and_only_there():
    params = {"from_name": "Exchange Online (Plan 1)", "to_name": "Exchange Online (Plan 2)"}

    with translation.override("fr"):
        french = reasons.describe_account_entry(reasons.MAILBOX_PLAN_CHANGE, params)
    english = reasons.describe_account_entry(reasons.MAILBOX_PLAN_CHANGE, params)

    assert "d’Exchange Online (Plan 1)" in french
    assert "de Exchange" not in french
    assert "from Exchange Online (Plan 1)" in english


def test_a_consonant_or_a_number_keeps_de():
    with translation.override("fr"):
        rendered = Template("{% load words %}{{ text|elide }}").render(
            Context({"text": "de Yammer, de 8 licences, de Office 365, de <b>"})
        )

    assert rendered == "de Yammer, de 8 licences, d’Office 365, de &lt;b&gt;"


@pytest.mark.parametrize(
    ("name", "french"),
    [
        ("Office 365 Business India", "Office 365 Business Inde"),
        ("Office 365 Business Essentials India", "Office 365 Business Essentials Inde"),
        ("Office 365 Business Premium India", "Office 365 Business Premium Inde"),
        ("Office 365 Enterprise E3", "Office 365 Enterprise E3"),
    ],
)
def test_the_india_offers_are_named_as_the_source_article_names_them_in_french(name, french):
    with translation.override("fr"):
        assert offer_label(name) == french
    assert offer_label(name) == name


def test_a_stored_reason_names_the_india_offer_in_the_readers_language():
    reason = Reason(
        reasons.NO_UPGRADE_PATH,
        {"offer": "Office 365 Business India", "target": "Office 365 Business Premium"},
    )

    with translation.override("fr"):
        french = reason.message

    assert "Office 365 Business Inde" in french
    assert "Office 365 Business India" in reason.message


def test_the_customer_page_shows_the_french_india_names(client, demo):
    client.force_login(demo.users["demo"])
    customer = next(customer for customer in demo.customers.values() if customer.market == "IN")

    page = html.parse(
        client.get(reverse("customers:detail", args=[customer.pk]), headers={"Accept-Language": "fr"}).content
    )

    offers = {cell.text for cell in page.find_all("td", data_label="Offre")}
    india = set(Offer.objects.filter(name__endswith=" India").values_list("name", flat=True))
    assert offers and not offers & india
    assert any(offer.endswith(" Inde") for offer in offers)
