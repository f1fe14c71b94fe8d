"""The two CSV downloads are streamed: the report's reads its accounts a page at a time, the
activity log's its operations in chunks, and both put each part into words as it is sent, so
the first bytes leave before the last row is read and memory stays flat as rows grow. What they
say is tests/subscriptions/test_exports.py's; here, that a stream says the same, in the request's
language and time zone, in a fixed number of queries plus one per page, in flat memory.
Uses the `world` and `agent_client` fixtures of tests/subscriptions/conftest.py.
"""

import csv
import datetime
import io
import tracemalloc
import uuid

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from customers.models import CustomerUser
from subscriptions import activity, report, report_csv
from subscriptions.models import AffectedAccount, BillingLine, Operation
from subscriptions.views.operation import AFFECTED_ROWS_PER_PAGE
from tests.offer_names import E3, ESSENTIALS, PREMIUM

PAGE = report_csv.ACCOUNTS_PER_QUERY
FRENCH = {"Accept-Language": "fr"}


def report_url(operation, kind=None) -> str:
    url = reverse("subscriptions:operation-csv", args=[operation.pk])
    return f"{url}?kind={kind}" if kind else url


def activity_url() -> str:
    return reverse("subscriptions:activity-csv")


def parsed(chunks, delimiter=",") -> list[list[str]]:
    text = b"".join(chunks).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def bulk_report(world, accounts: int) -> Operation:
    """A real upgrade (Business Premium to E3: errors, actions, infos), grown to `accounts`."""
    source = world.subscription(PREMIUM, users=2, quantity=10)
    world.license(source, world.user(usage_location=""))
    return grow(world.upgrade(source, E3), accounts)


def grow(operation: Operation, accounts: int) -> Operation:
    """The report grown to `accounts` affected accounts, with the rows an upgrade writes
    (subscriptions/services/bulk_sql.py): moved ones with no entry of their own, and every 25th
    one left behind with the entries of the one the upgrade left behind (a UPN that sorts after).

    The report's order breaks a tie of UPNs by pk, and so do its pages: the moved account just
    past the first page shares the UPN of the last one on it."""
    left_behind = operation.affected_accounts.exclude(services=[]).first()
    assert left_behind is not None, "the upgrade left an account behind"
    bulk = operation.affected_accounts.filter(display_name__startswith="Bulk")
    start, moved = bulk.count(), bulk.filter(outcome=AffectedAccount.Outcome.MOVED).count()
    rows = []
    for index in range(start, start + accounts - operation.affected_accounts.count()):
        if index % 25 == 24:
            upn, fields = (
                f"left{index:06d}",
                {"outcome": left_behind.outcome, "services": left_behind.services},
            )
        else:
            upn, fields = f"bulk{moved - (moved == PAGE):06d}", {"outcome": AffectedAccount.Outcome.MOVED}
            moved += 1
        rows.append(
            AffectedAccount(
                operation=operation,
                user_object_id=uuid.uuid4(),
                display_name=f"Bulk {index:06d}",
                user_principal_name=f"{upn}@bulk.example",
                **fields,
            )
        )
    AffectedAccount.objects.bulk_create(rows, batch_size=1000)
    return operation


def bulk_log(world, entries: int) -> None:
    """`entries` operations in the world partner's log, every kind the log words in turn (a
    license assigned to an account and a usage location set say the account's name), a
    billing line on each added license."""
    subscription = world.subscription(ESSENTIALS, quantity=10)
    account, _ = CustomerUser.objects.get_or_create(
        customer=world.customer, user_principal_name="ana@test.example", defaults={"display_name": "Ana"}
    )
    now = timezone.now()
    kinds = [
        {"kind": Operation.Kind.QUANTITY_CHANGE, "result": Operation.Result.SUCCEEDED, "quantity": 11},
        {"kind": Operation.Kind.LICENSE_ASSIGNMENT, "result": Operation.Result.SUCCEEDED},
        {
            "kind": Operation.Kind.USAGE_LOCATION_CHANGE,
            "result": Operation.Result.SUCCEEDED,
            "details": {"usage_location": "FR"},
        },
        {
            "kind": Operation.Kind.UPGRADE,
            "result": Operation.Result.REFUSED,
            "target_offer": world.offers[E3],
            "reason_code": "subscription_not_active",
            "reason_params": {"status": "suspended"},
        },
    ]
    operations = Operation.objects.bulk_create(
        [
            Operation(
                created_at=now - datetime.timedelta(minutes=index),
                actor=world.agent,
                partner=world.partner,
                customer=world.customer,
                subscription=subscription,
                previous_quantity=10,
                customer_user=account if index % 4 in (1, 2) else None,
                **kinds[index % 4],
            )
            for index in range(entries)
        ],
        batch_size=1000,
    )
    today = now.date()
    BillingLine.objects.bulk_create(
        [
            BillingLine(
                operation=operation,
                subscription=subscription,
                kind=BillingLine.Kind.LICENSES_ADDED,
                currency="USD",
                unit_price="6.00",
                quantity=1,
                amount="5.80",
                period_start=today,
                period_end=today,
            )
            for operation in operations[::4]
        ],
        batch_size=1000,
    )


def page_by_page(operation, kind) -> list[list[str]]:
    """The report's lines as its pages read them, 50 at a time, in CSV cells."""
    paginator = Paginator(report.ReportLayout(operation).lines(kind), AFFECTED_ROWS_PER_PAGE)
    return [report.csv_cells(row) for number in paginator.page_range for row in paginator.page(number)]


# --- The report's CSV ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [None, *report.KINDS])
def test_the_report_csv_streams_what_the_report_pages_say(agent_client, world, kind):
    operation = bulk_report(world, PAGE + 40)

    moved = operation.affected_accounts.filter(outcome="moved").order_by("user_principal_name", "pk")
    assert moved[PAGE - 1].user_principal_name == moved[PAGE].user_principal_name, "a tie across pages"

    response = agent_client.get(report_url(operation, kind))

    assert response.streaming
    header, *rows = parsed(response.streaming_content)
    assert header == [str(column) for column in report.CSV_COLUMNS]
    expected = page_by_page(operation, kind)
    assert len(expected) > (PAGE if kind in (None, "action", "info") else 0), "more than a page of accounts"
    assert rows == expected


def test_the_report_csv_sends_its_first_lines_before_reading_the_last_accounts(
    agent_client, world, django_assert_num_queries
):
    operation = bulk_report(world, 4 * PAGE)

    chunks = iter(agent_client.get(report_url(operation, "info")).streaming_content)

    # The header, then a first piece of lines read from one page of accounts: one query.
    with django_assert_num_queries(1):
        first = next(chunks) + next(chunks)
    header, *rows = parsed([first])
    assert 0 < len(rows) < report.ReportLayout(operation).counts["info"]
    with django_assert_num_queries(4):  # the other three pages, and the empty one after them
        rest = b"".join(chunks)
    assert len(parsed([first, rest])) == report.ReportLayout(operation).counts["info"] + 1


# The request's own (the session, the user with their partner, the operation), before any account.
FIXED_QUERIES = 3


@pytest.mark.parametrize("accounts", [PAGE + 10, 3 * PAGE + 10])
def test_the_report_csv_reads_a_page_of_accounts_per_query(
    agent_client, world, django_assert_num_queries, accounts
):
    operation = bulk_report(world, accounts)
    # Errors come from an account's own entries only; actions and infos from every moved account.
    assert {change["kind"] for group in operation.service_changes.values() for change in group} == {
        "action",
        "info",
    }
    own_entries = operation.affected_accounts.exclude(services=[]).count()
    assert own_entries < PAGE < accounts

    pages = accounts // PAGE + 1  # the last one short
    with django_assert_num_queries(FIXED_QUERIES + 1 + 2 * pages):
        response = agent_client.get(report_url(operation))
        lines = parsed(response.streaming_content)

    assert len(lines) == report.ReportLayout(operation).total + 1


# --- The activity log's CSV ------------------------------------------------------------------


def queries_of(client, url) -> int:
    """The queries of a request, its whole stream read when it is streamed."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


def test_the_activity_log_and_its_csv_read_no_query_per_row(agent_client, world):
    """Every kind in the log, those that name an account too (a license assigned, a usage
    location set), in the CSV and on the page."""
    log = reverse("subscriptions:activity")
    bulk_log(world, 4)
    few, page_few = queries_of(agent_client, activity_url()), queries_of(agent_client, log)

    bulk_log(world, 200)

    assert (queries_of(agent_client, activity_url()), queries_of(agent_client, log)) == (few, page_few)
    header, *rows = parsed(agent_client.get(activity_url()).streaming_content)
    assert len(rows) == 204
    assert sum("ana@test.example" in row[6] for row in rows) == 102, "the account of each action"


# --- Words of the request, whenever they are made ----------------------------------------------


def test_a_streamed_csv_words_every_piece_in_the_requests_language_and_zone_and_only_those(
    agent_client, world
):
    world.agent.partner_user.time_zone = "Europe/Paris"
    world.agent.partner_user.save()
    bulk_log(world, 3000)
    operation = bulk_report(world, PAGE + 40)

    for url, first_column in ((activity_url(), "Date"), (report_url(operation), "Nom du compte")):
        chunks = iter(agent_client.get(url, headers=FRENCH).streaming_content)
        # What the server's thread holds once the view has returned, between two pieces.
        translation.activate("en")
        timezone.deactivate()
        pieces = []
        for chunk in chunks:
            pieces.append(chunk)
            assert (translation.get_language(), timezone.get_current_timezone_name()) == ("en", "UTC")
        assert len(pieces) > 2, "sent in several pieces"
        header, *rows = parsed(pieces, ";")
        assert header[0] == first_column
        if first_column == "Date":
            assert {row[0][-6:] for row in rows} == {"+01:00"}, "Paris in December"
            assert {row[7] for row in rows} >= {"Réussie", "Refusée"}
        else:
            assert {row[4] for row in rows} == {"Erreur", "Action", "Information"}


# --- Memory ------------------------------------------------------------------------------------


def peak_memory(client, url) -> int:
    """The peak of memory allocated from the request to the end of its stream."""
    tracemalloc.start()
    try:
        response = client.get(url)
        for _ in response.streaming_content if response.streaming else [response.content]:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow  # 4 s: 35,000 lines under tracemalloc
def test_the_report_csv_takes_the_same_memory_for_ten_times_the_rows(agent_client, world):
    operation = bulk_report(world, PAGE)
    peak_memory(agent_client, report_url(operation))  # what the first request loads once
    small, small_rows = peak_memory(agent_client, report_url(operation)), report.ReportLayout(operation).total

    grow(operation, 10 * PAGE)
    large, large_rows = peak_memory(agent_client, report_url(operation)), report.ReportLayout(operation).total

    assert large_rows >= 10 * small_rows - 10
    assert large <= 1.5 * small, (
        f"{large / small:.1f}x the memory for {large_rows / small_rows:.1f}x the rows"
    )


@pytest.mark.slow  # 9 s: 10,000 operations under tracemalloc
def test_the_activity_csv_takes_the_same_memory_for_ten_times_the_rows(agent_client, world):
    # Read a chunk at a time, the previous one kept while the next is read: two chunks at least.
    bulk_log(world, 2 * activity.ROWS_PER_QUERY)
    peak_memory(agent_client, activity_url())  # what the first request loads once
    small = peak_memory(agent_client, activity_url())

    bulk_log(world, 18 * activity.ROWS_PER_QUERY)
    large = peak_memory(agent_client, activity_url())

    assert large <= 1.5 * small, f"{large / small:.1f}x the memory for 10x the rows"
