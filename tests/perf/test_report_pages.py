"""The result page reads only the page it shows (`report.ReportLayout`): its pages, put together,
are the whole report, line for line and in order, for every filter and page size."""

import uuid

import pytest

from subscriptions import reasons, report, services
from subscriptions.models import Offer, Subscription
from tests.actors import acting
from tests.factories import SubscriptionFactory
from tests.offer_names import E1, E3, ESSENTIALS, PREMIUM
from tests.oracles import outcome_counts


def upgrade(demo, customer_name: str, source_offer: str, *, target=E3, quantity=None):
    source = Subscription.objects.get(
        customer=demo.customers[customer_name], sold_by=demo.fabrikam, offer__name=source_offer
    )
    return services.subscription_upgrade(
        subscription=source,
        target_offer=Offer.objects.get(name=target),
        quantity=quantity,
        actor=acting(demo.users["demo"]),
        token=uuid.uuid4(),
        accept_unlicensed=source.licenses.count(),
    )


@pytest.fixture
def operations(demo):
    """Upgrades covering every kind of account line."""
    return {
        # Errors (MutuallyExclusiveViolation, ProhibitedInUsageLocationViolation), moved accounts.
        "Litware": upgrade(demo, "Litware, Inc.", PREMIUM),
        # Moved accounts with re-enabled plans, and CountViolation errors (20 users, 15 seats).
        "Contoso": upgrade(demo, "Contoso Ltd", ESSENTIALS, quantity=15),
        # Upgrade only: every account needs a manual assignment.
        "Proseware": upgrade(demo, "Proseware, Inc.", ESSENTIALS),
    }


def read_in_pages(lines, size: int) -> list:
    return [row for start in range(0, len(lines), size) for row in lines[start : start + size]]


@pytest.mark.parametrize("name", ["Litware", "Contoso", "Proseware"])
@pytest.mark.parametrize("kind", [None, *report.KINDS])
@pytest.mark.parametrize("page_size", [1, 7, 50])
def test_the_pages_put_together_are_the_whole_report_in_order(operations, name, kind, page_size):
    operation = operations[name]
    expected = [row for row in report.affected_rows(operation) if kind in (None, row.kind)]

    lines = report.ReportLayout(operation).lines(kind)

    assert len(lines) == len(expected)
    assert read_in_pages(lines, page_size) == expected


@pytest.mark.parametrize("name", ["Litware", "Contoso", "Proseware"])
def test_a_slice_walks_the_accounts_across_chunks_to_the_same_lines(operations, name, monkeypatch):
    # The layout walks the accounts WALK_CHUNK at a time: chunks of 2 cross many boundaries.
    monkeypatch.setattr(report.ReportLayout, "WALK_CHUNK", 2)
    expected = report.affected_rows(operations[name])

    lines = report.ReportLayout(operations[name]).lines()

    assert read_in_pages(lines, 7) == expected


def test_a_page_of_a_report_reads_only_as_far_as_its_last_line(demo, django_assert_num_queries, monkeypatch):
    operation = upgrade(demo, "Contoso Ltd", ESSENTIALS, quantity=15)
    infos = report.affected_rows(operation, reasons.INFO)
    monkeypatch.setattr(report.ReportLayout, "WALK_CHUNK", 3)  # the walk reads 3 accounts at a time

    # The counts, the accounts with entries, one chunk of the walk (the 5 lines lie within its
    # first accounts) and the page's accounts: not one query per account, nor every account.
    with django_assert_num_queries(4):
        lines = report.ReportLayout(operation).lines(reasons.INFO)[:5]

    assert lines == infos[:5]
    assert len(infos) > 5 * 3  # the report goes on far beyond what was read


def test_the_upgrades_cover_every_kind_of_line(operations):
    codes = {name: {row.code for row in report.affected_rows(op)} for name, op in operations.items()}

    assert {reasons.MUTUALLY_EXCLUSIVE_VIOLATION, reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION} <= codes[
        "Litware"
    ]
    assert {reasons.COUNT_VIOLATION, reasons.PLAN_REENABLED} <= codes["Contoso"]
    assert codes["Proseware"] == {reasons.MANUAL_ASSIGNMENT}


@pytest.mark.parametrize("name", ["Litware", "Contoso", "Proseware"])
def test_the_layout_counts_what_the_full_report_counts(operations, name):
    operation = operations[name]
    rows = report.affected_rows(operation)

    layout = report.ReportLayout(operation)

    assert layout.total == len(rows)
    assert layout.counts == {kind: sum(row.kind == kind for row in rows) for kind in report.KINDS}
    assert layout.outcomes == outcome_counts(operation)


def test_single_lines_are_read_from_either_end(operations):
    operation = operations["Litware"]
    rows = report.affected_rows(operation)
    lines = report.ReportLayout(operation).lines()

    assert lines[0] == rows[0]
    assert lines[-1] == rows[-1]
    with pytest.raises(IndexError):
        lines[len(rows)]


def test_an_upgrade_of_a_subscription_without_users_has_an_empty_report(demo):
    adatum = demo.customers["Adatum Corporation"]
    SubscriptionFactory(customer=adatum, offer=Offer.objects.get(name=ESSENTIALS), sold_by=demo.fabrikam)

    layout = report.ReportLayout(upgrade(demo, "Adatum Corporation", ESSENTIALS, target=E1))

    assert (layout.total, len(layout.lines()), layout.lines()[0:50]) == (0, 0, [])
    assert layout.counts == dict.fromkeys(report.KINDS, 0)
