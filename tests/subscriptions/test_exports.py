"""The two CSV downloads, the upgrade report's and the activity log's, through HTTP: safe to open
in a spreadsheet (OWASP's CSV injection), in columns with accents right in Excel in English and
French (UTF-8 with a BOM, `,` or `;`), numbers as numbers, and the report's filter honoured.
Uses the `world` and `agent_client` fixtures of tests/subscriptions/conftest.py.
"""

import csv
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from subscriptions import reasons, report, services
from subscriptions.models import BillingLine, Operation
from tests.offer_names import BUSINESS, E3, ESSENTIALS

BOM = "\ufeff"
FRENCH = {"Accept-Language": "fr"}
# A cell starting with any of these is a formula to a spreadsheet (OWASP).
HOSTILE = {
    "=": '=HYPERLINK("http://x","click")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3",
    "@": "@SUM(1+1)",
    "tab": "\t=1+1",
    "carriage return": "\r=1+1",
}


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8")


def parsed(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=delimiter))


def as_opened(text: str) -> str:
    """The file as `open(path, encoding="utf-8-sig")` reads it: no BOM, lines ending in "\\n"."""
    return io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8-sig").read()


def activity_csv(client, headers=None):
    return client.get(reverse("subscriptions:activity-csv"), headers=headers or {})


def report_csv(client, operation, params=None, headers=None):
    return client.get(
        reverse("subscriptions:operation-csv", args=[operation.pk]), params or {}, headers=headers or {}
    )


def report_with_errors(world) -> Operation:
    """An upgrade to E3 of four accounts, one of them without a usage location (an error line)."""
    source = world.subscription(BUSINESS, users=3, quantity=10)
    world.license(source, world.user(usage_location=""))
    return world.upgrade(source, E3)


# --- Safe to open ----------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE)
def test_a_hostile_customer_or_partner_user_name_is_text_in_the_activity_csv(agent_client, world, hostile):
    world.customer.name = hostile
    world.customer.save()
    world.agent.first_name, world.agent.last_name = hostile, ""
    world.agent.save()
    world.change_quantity(world.subscription(ESSENTIALS, quantity=10, friendly_name=hostile), 12)

    header, row = parsed(text_of(activity_csv(agent_client)))

    # Who (a full name, which Django strips of white space), customer, subscription.
    assert row[1:4] == ["'" + hostile.strip(), "'" + hostile, "'" + hostile]


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE)
def test_a_hostile_display_name_or_user_principal_name_is_text_in_the_report_csv(
    agent_client, world, hostile
):
    source = world.subscription(BUSINESS, quantity=10)
    world.license(source, world.user(display_name=hostile, user_principal_name=hostile + "@x.example"))
    operation = world.upgrade(source, E3)

    header, *rows = parsed(text_of(report_csv(agent_client, operation)))

    assert rows
    assert {(row[0], row[1]) for row in rows} == {("'" + hostile, "'" + hostile + "@x.example")}


# --- In columns, accents right, in English and French ----------------------------------------


@pytest.mark.parametrize(("headers", "delimiter"), [({}, ","), (FRENCH, ";")], ids=["English", "French"])
def test_both_csvs_are_utf8_with_a_bom_and_the_languages_separator(agent_client, world, headers, delimiter):
    world.customer.name = "Société Générale, Filiale d’Été"
    world.customer.save()
    operation = report_with_errors(world)
    world.change_quantity(operation.target_subscription, 8)

    for response in (
        activity_csv(agent_client, headers),
        report_csv(agent_client, operation, headers=headers),
    ):
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = text_of(response)
        assert text.startswith(BOM) and text.count(BOM) == 1
        assert csv.Sniffer().sniff(as_opened(text)).delimiter == delimiter
        lines = parsed(text, delimiter)
        assert len({len(line) for line in lines}) == 1, "every line has the header's columns"
    assert "Société Générale, Filiale d’Été" in [
        row[2] for row in parsed(text_of(activity_csv(agent_client)))
    ]


def test_the_activity_csv_streams_with_the_bom_once_at_the_start(agent_client, world):
    subscription = world.subscription(ESSENTIALS, quantity=10)
    for quantity in range(11, 14):
        world.change_quantity(subscription, quantity)

    response = activity_csv(agent_client)

    assert response.streaming
    chunks = [chunk.decode("utf-8") for chunk in response.streaming_content]
    assert chunks[0].startswith(BOM + "When,")
    assert "".join(chunks).count(BOM) == 1
    assert len(parsed("".join(chunks))) == 4


# --- Numbers as numbers ----------------------------------------------------------------------


def net_of(operation: Operation) -> Decimal:
    return sum(line.amount for line in BillingLine.objects.filter(operation=operation))


def test_the_activity_csv_has_the_licenses_before_and_after_and_the_net_amount(agent_client, world):
    upgraded = world.upgrade(world.subscription(BUSINESS, quantity=10, users=4), E3)
    removed = world.change_quantity(upgraded.target_subscription, 8)
    with pytest.raises(services.QuantityChangeRefused):
        world.change_quantity(upgraded.target_subscription, 9, based_on=10)

    header, *rows = parsed(text_of(activity_csv(agent_client)))

    # An admin agent's export ends with the margin, empty without the partner's cost.
    assert header[-5:] == ["Licenses before", "Licenses after", "Net amount", "Currency", "Margin"]
    assert {row[-1] for row in rows} == {""}
    refusal, removal, upgrade_row = (row[-5:-1] for row in rows)
    assert net_of(removed) < 0 < net_of(upgraded)
    assert removal == ["10", "8", f"{net_of(removed)}", "USD"]
    assert upgrade_row == [
        str(upgraded.previous_quantity),
        str(upgraded.quantity),
        f"{net_of(upgraded)}",
        "USD",
    ]
    assert refusal == ["10", "9", "", ""], "no billing line, no amount"


@pytest.mark.parametrize(
    ("headers", "line"),
    [({}, ",25,22,{},USD,\r\n"), (FRENCH, ";25;22;{};USD;\r\n")],
    ids=["English", "French"],
)
def test_a_credit_is_an_unquoted_negative_number_with_the_languages_decimal_mark(
    agent_client, world, headers, line
):
    removed = world.change_quantity(world.subscription(ESSENTIALS, quantity=25, users=20), 22)
    credit = net_of(removed)
    mark = "," if headers else "."

    text = text_of(activity_csv(agent_client, headers))

    assert credit < 0 and credit != credit.to_integral_value()
    assert text.endswith(line.format(f"{credit}".replace(".", mark)))


def test_a_large_amount_has_no_thousands_separator(agent_client, world):
    removed = world.change_quantity(world.subscription(ESSENTIALS, quantity=25, users=20), 22)
    BillingLine.objects.filter(operation=removed).update(amount=Decimal("-12345.60"))

    english = text_of(activity_csv(agent_client))
    french = text_of(activity_csv(agent_client, FRENCH))

    assert english.endswith(",-12345.60,USD,\r\n")
    assert french.endswith(";-12345,60;USD;\r\n")


# --- The report's filter ---------------------------------------------------------------------


def test_the_report_csv_exports_only_the_kind_the_page_filters_on(agent_client, world):
    operation = report_with_errors(world)
    rows = report.affected_rows(operation)
    errors = [(row.user_principal_name, row.code) for row in rows if row.kind == reasons.ERROR]
    assert errors and len(errors) < len(rows)

    header, *exported = parsed(text_of(report_csv(agent_client, operation, {"kind": "error"})))

    assert [(line[1], line[5]) for line in exported] == errors
    assert {line[4] for line in exported} == {"Error"}


@pytest.mark.parametrize("kind", ["", "bogus", "<script>", "ERROR"])
def test_an_unknown_kind_exports_every_row(agent_client, world, kind):
    operation = report_with_errors(world)
    rows = report.affected_rows(operation)

    header, *exported = parsed(text_of(report_csv(agent_client, operation, {"kind": kind})))

    assert [(line[1], line[5]) for line in exported] == [(row.user_principal_name, row.code) for row in rows]
