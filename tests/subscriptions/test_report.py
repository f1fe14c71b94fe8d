"""The list of accounts and services an upgrade affected: the reference report of docs/domain.md
section 5, its order, its CSV, and the codes it is built from."""

import csv
import io
import uuid
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subscriptions import reasons
from subscriptions.models import AffectedAccount, Offer
from subscriptions.report import CSV_COLUMNS, affected_rows, write_csv
from subscriptions.services import subscription_upgrade
from tests.actors import acting
from tests.offer_names import E3, ESSENTIALS, PREMIUM
from tests.oracles import outcome_counts

# docs/domain.md §5: what each of Litware's 35 moved accounts gets, as (service, kind, code).
LITWARE_MOVED_ACCOUNT = {
    ("Exchange Online", reasons.ACTION, reasons.MAILBOX_PLAN_CHANGE),
    ("SharePoint Online", reasons.ACTION, reasons.SERVICE_PLAN_CHANGE),
    ("Office desktop apps", reasons.ACTION, reasons.OFFICE_APPS_REACTIVATION),
    ("Microsoft Forms", reasons.INFO, reasons.SERVICE_TIER_CHANGE),
    ("Microsoft Bookings", reasons.ACTION, reasons.SERVICE_LOST),
    ("Outlook Customer Manager", reasons.ACTION, reasons.SERVICE_LOST),
    ("Microsoft Stream", reasons.INFO, reasons.SERVICE_ADDED),
    ("Azure Rights Management", reasons.INFO, reasons.SERVICE_ADDED),
}


def upgrade(subscription, target_name, user, quantity=None):
    """Upgrade through the service, accepting whatever the quantity leaves without a license."""
    return subscription_upgrade(
        subscription=subscription,
        target_offer=Offer.objects.get(name=target_name),
        quantity=quantity,
        actor=acting(user),
        token=uuid.uuid4(),
        accept_unlicensed=subscription.licenses.count(),
    )


@pytest.fixture
def litware_operation(demo, fabrikam_subscription):
    return upgrade(fabrikam_subscription("Litware, Inc.", PREMIUM), E3, demo.users["demo"])


def test_litware_yields_exactly_the_reference_report(litware_operation):
    rows = affected_rows(litware_operation)

    errors = [row for row in rows if row.kind == reasons.ERROR]
    assert sorted((row.service, row.code) for row in errors) == [
        ("Exchange Online", reasons.MUTUALLY_EXCLUSIVE_VIOLATION),
        ("Exchange Online", reasons.MUTUALLY_EXCLUSIVE_VIOLATION),
        (E3, reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION),
    ]
    assert {row.outcome for row in errors} == {"Not moved"}
    assert len({row.user_principal_name for row in errors}) == 3

    by_account = defaultdict(set)
    for row in rows:
        if row.kind != reasons.ERROR:
            assert row.outcome == "Moved"
            by_account[row.user_principal_name].add((row.service, row.kind, row.code))
    assert len(by_account) == 35
    assert all(entries == LITWARE_MOVED_ACCOUNT for entries in by_account.values())
    assert len(rows) == 3 + 35 * len(LITWARE_MOVED_ACCOUNT)
    assert not {row.user_principal_name for row in errors} & set(by_account)


def test_the_report_lists_errors_then_actions_then_infos_each_by_user_principal_name(litware_operation):
    rows = affected_rows(litware_operation)

    kinds = [row.kind for row in rows]
    assert kinds == sorted(kinds, key=[reasons.ERROR, reasons.ACTION, reasons.INFO].index)
    assert Counter(kinds) == {reasons.ERROR: 3, reasons.ACTION: 35 * 5, reasons.INFO: 35 * 3}
    for kind in (reasons.ERROR, reasons.ACTION, reasons.INFO):
        names = [row.user_principal_name for row in rows if row.kind == kind]
        assert names == sorted(names)
    assert affected_rows(litware_operation) == rows  # stable


def test_the_reports_words_tell_the_partner_what_to_do(litware_operation):
    rows = affected_rows(litware_operation)
    message = {(row.service, row.code): row.message for row in rows}

    exclusive = message[("Exchange Online", reasons.MUTUALLY_EXCLUSIVE_VIOLATION)]
    assert "Exchange Online (Plan 1)" in exclusive and "Exchange Online (Plan 2)" in exclusive
    assert "assign Office 365 Enterprise E3" in exclusive
    assert "usage location" in message[(E3, reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION)]
    mailbox = message[("Exchange Online", reasons.MAILBOX_PLAN_CHANGE)]
    assert "Exchange Online (Plan 1)" in mailbox and "Exchange Online (Plan 2)" in mailbox
    office = message[("Office desktop apps", reasons.OFFICE_APPS_REACTIVATION)]
    assert "re-activate" in office and "reinstall" in office
    assert "loses" in message[("Microsoft Bookings", reasons.SERVICE_LOST)]
    assert message[("Microsoft Stream", reasons.SERVICE_ADDED)] == "Microsoft Stream for O365 E3 is added."
    for row in rows:
        assert row.account_name and row.message and row.message != row.code
        assert "Fabrikam" not in row.message and "Northwind" not in row.message


def test_the_operation_stores_codes_and_parameters_not_sentences(litware_operation):
    for account in litware_operation.affected_accounts.all():
        for entry in account.services:
            assert set(entry) == {"code", "params"}
    for group in litware_operation.service_changes.values():
        for change in group:
            assert "message" not in change
            assert change["code"] in {
                reasons.MAILBOX_PLAN_CHANGE,
                reasons.SERVICE_PLAN_CHANGE,
                reasons.OFFICE_APPS_REACTIVATION,
                reasons.SERVICE_TIER_CHANGE,
                reasons.SERVICE_LOST,
                reasons.SERVICE_ADDED,
            }
    # The upgrade-wide changes are stored once, not per moved account.
    moved = litware_operation.affected_accounts.filter(outcome=AffectedAccount.Outcome.MOVED)
    assert moved.count() == 35 and all(account.services == [] for account in moved)


def test_the_csv_has_the_domain_columns_and_one_line_per_row(litware_operation):
    rows = affected_rows(litware_operation)
    out = io.StringIO()

    write_csv(rows, out)

    lines = list(csv.reader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))
    assert lines[0] == [
        "Account name",
        "User principal name",
        "Service",
        "Outcome",
        "Kind",
        "Code",
        "Message",
    ]
    assert [str(column) for column in CSV_COLUMNS] == lines[0]
    assert len(lines) == len(rows) + 1
    first = rows[0]
    assert lines[1] == [
        first.account_name,
        first.user_principal_name,
        first.service,
        first.outcome,
        "Error",
        first.code,
        first.message,
    ]
    assert {line[4] for line in lines[1:]} == {"Error", "Action", "Info"}


def test_the_report_reads_in_a_fixed_number_of_queries(litware_operation):
    with CaptureQueriesContext(connection) as queries:
        rows = affected_rows(litware_operation)

    assert rows and len(queries.captured_queries) <= 2


def test_proseware_upgrade_only_lists_its_8_users_for_manual_assignment(demo, fabrikam_subscription):
    operation = upgrade(fabrikam_subscription("Proseware, Inc.", ESSENTIALS), E3, demo.users["demo"])

    rows = affected_rows(operation)

    assert len(rows) == 8
    assert {(row.service, row.kind, row.code, row.outcome) for row in rows} == {
        (E3, reasons.ACTION, reasons.MANUAL_ASSIGNMENT, "Needs a manual assignment")
    }
    assert all("assign Office 365 Enterprise E3" in row.message for row in rows)
    assert outcome_counts(operation) == {"moved": 0, "not_moved": 0, "manual_assignment": 8}


def test_contosos_switched_off_plans_are_reported_switched_back_on(demo, fabrikam_subscription):
    operation = upgrade(fabrikam_subscription("Contoso Ltd", ESSENTIALS), E3, demo.users["demo"])

    rows = affected_rows(operation)

    reenabled = [row for row in rows if row.code == reasons.PLAN_REENABLED]
    assert len(reenabled) == 4
    assert {row.service for row in reenabled} == {"Yammer", "Sway"}
    assert {row.kind for row in reenabled} == {reasons.ACTION}
    assert len({row.user_principal_name for row in reenabled}) == 2
    assert outcome_counts(operation) == {"moved": 20, "not_moved": 0, "manual_assignment": 0}


def test_a_count_violation_says_how_many_licenses_were_bought(demo, fabrikam_subscription):
    operation = upgrade(fabrikam_subscription("Contoso Ltd", ESSENTIALS), E3, demo.users["demo"], quantity=18)

    rows = [row for row in affected_rows(operation) if row.kind == reasons.ERROR]

    assert [row.code for row in rows] == [reasons.COUNT_VIOLATION] * 2
    assert all("18 bought" in row.message for row in rows)
    assert outcome_counts(operation) == {"moved": 18, "not_moved": 2, "manual_assignment": 0}
