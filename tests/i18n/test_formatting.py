"""Money, numbers, dates, plurals and the domain's words in each language.

Babel's CLDR data decides the French spacing: U+202F (narrow no-break space) groups thousands,
U+00A0 (no-break space) sits between the amount and the currency. The tests spell both out, so a
plain space (which would let a line break inside an amount) cannot pass for either.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from subscriptions import reasons, report
from subscriptions.formatting import money, money_exact, number

NNBSP = "\u202f"  # narrow no-break space: French thousands separator
NBSP = "\u00a0"  # no-break space: before the currency, and before a colon


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "USD", "$1,234.50"),
        ("en", "EUR", "€1,234.50"),
        ("en", "INR", "₹1,234.50"),
        ("fr", "USD", f"1{NNBSP}234,50{NBSP}$US"),
        ("fr", "EUR", f"1{NNBSP}234,50{NBSP}€"),
        ("fr", "INR", f"1{NNBSP}234,50{NBSP}₹"),
    ],
)
def test_money_follows_the_language_whatever_the_currency(language, currency, expected):
    with translation.override(language):
        assert money(Decimal("1234.5"), currency) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "-$600.00"), ("fr", f"-600,00{NBSP}$US")],
)
def test_a_credit_keeps_its_minus_sign_in_each_language(language, expected):
    with translation.override(language):
        assert money(Decimal("-600.00"), "USD") == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "$0.417"), ("fr", f"0,417{NBSP}$US")])
def test_a_daily_price_keeps_its_three_decimals(language, expected):
    with translation.override(language):
        assert money_exact(Decimal("0.417"), "USD") == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "10,000,000"), ("fr", f"10{NNBSP}000{NNBSP}000")])
def test_counts_are_grouped_in_each_language(language, expected):
    with translation.override(language):
        assert number(10_000_000) == expected


def test_a_blank_amount_stays_blank():
    assert (money(None, "USD"), money("", "EUR"), number(None)) == ("", "", "")


@pytest.mark.parametrize(("language", "expected"), [("en", "May 9, 2026"), ("fr", "9 mai 2026")])
def test_dates_read_in_each_language(language, expected):
    with translation.override(language):
        assert date_format(datetime.date(2026, 5, 9), "DATE_FORMAT") == expected


def test_short_dates_put_the_day_first_in_french():
    with translation.override("fr"):
        assert date_format(datetime.date(2026, 5, 9), "SHORT_DATE_FORMAT") == "09/05/2026"


def render(source: str, **context) -> str:
    return Template("{% load i18n money %}" + source).render(Context(context))


CUSTOMER_COUNT = (
    "{% blocktranslate count counter=total with shown=total|number %}{{ shown }} customer"
    "{% plural %}{{ shown }} customers{% endblocktranslate %}"
)


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (0, "0 client"),
        (1, "1 client"),
        (2, "2 clients"),
        (1234, f"1{NNBSP}234 clients"),
        (1_000_000, f"1{NNBSP}000{NNBSP}000 de clients"),
    ],
)
def test_french_plurals_follow_french_rules(total, expected):
    # French: 0 and 1 are singular; a round million takes "de" (CLDR's "many").
    with translation.override("fr"):
        assert render(CUSTOMER_COUNT, total=total) == expected


@pytest.mark.parametrize(
    ("total", "expected"), [(0, "0 customers"), (1, "1 customer"), (1234, "1,234 customers")]
)
def test_english_plurals(total, expected):
    with translation.override("en"):
        assert render(CUSTOMER_COUNT, total=total) == expected


def test_quantity_limits_are_grouped_in_the_refusal():
    params = {"min": 1, "max": 10_000_000, "target": "Office 365 Enterprise E3"}
    with translation.override("fr"):
        message = reasons.describe(reasons.QUANTITY_OUT_OF_RANGE, params)
    assert (
        message
        == f"Indiquez une quantité comprise entre 1 et 10{NNBSP}000{NNBSP}000 pour Office 365 Enterprise E3."
    )
    with translation.override("en"):
        assert "between 1 and 10,000,000" in reasons.describe(reasons.QUANTITY_OUT_OF_RANGE, params)


def test_a_grant_end_date_is_written_out_in_the_language():
    # An expiry says its date in the message; a termination under it.
    expired = {"state": reasons.GRANT_EXPIRED, "end_date": "2026-05-09"}
    terminated = {"state": reasons.GRANT_TERMINATED, "end_date": "2026-05-09"}
    with translation.override("fr"):
        assert "ont expiré le 9 mai 2026." in reasons.describe(reasons.DELEGATED_ADMIN_MISSING, expired)
        assert reasons.describe_details(reasons.DELEGATED_ADMIN_MISSING, terminated) == (
            "Les privilèges ont pris fin le 9 mai 2026."
        )
    with translation.override("en"):
        assert "expired on May 9, 2026." in reasons.describe(reasons.DELEGATED_ADMIN_MISSING, expired)
        assert reasons.describe_details(reasons.DELEGATED_ADMIN_MISSING, expired) is None
        assert reasons.describe_details(reasons.DELEGATED_ADMIN_MISSING, terminated) == (
            "The privileges ended on May 9, 2026."
        )


# One example of every reason a partner can read (docs/domain.md §4), with its parameters.
REASON_EXAMPLES = [
    (reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": "pending"}),
    (reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": "suspended"}),
    (reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": "deleted"}),
    (reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": "expired"}),
    (reasons.NO_UPGRADE_PATH, {"offer": "Office 365 ProPlus", "source_has_paths": False}),
    (reasons.NO_UPGRADE_PATH, {"offer": "Office 365 Business", "target": "Power BI Pro"}),
    (reasons.TARGET_NOT_SOLD_IN_MARKET, {"target": "Office 365 Business Premium", "market": "IN"}),
    (reasons.DELEGATED_ADMIN_MISSING, {"state": reasons.GRANT_MISSING}),
    (reasons.DELEGATED_ADMIN_MISSING, {"state": reasons.GRANT_EXPIRED}),
    (reasons.DELEGATED_ADMIN_MISSING, {"state": reasons.GRANT_TERMINATED}),
    (reasons.TARGET_ALREADY_OWNED, {"target": "Office 365 ProPlus", "channel": reasons.OTHER_PARTNER}),
    (reasons.TARGET_ALREADY_OWNED, {"target": "Office 365 ProPlus", "channel": reasons.DIRECT}),
    (reasons.TARGET_ALREADY_OWNED, {"target": "Office 365 ProPlus", "channel": reasons.THIS_PARTNER}),
    *[
        (
            reasons.CONFLICTING_SERVICES,
            {"target": "E5", "services": ["Power BI"], "offer": "Power BI Pro", "channel": channel},
        )
        for channel in (reasons.OTHER_PARTNER, reasons.DIRECT, reasons.THIS_PARTNER)
    ],
    (reasons.UPGRADE_IN_PROGRESS, {}),
    (reasons.QUANTITY_OUT_OF_RANGE, {"min": 1, "max": 300, "target": "Office 365 Business Premium"}),
    (reasons.TOKEN_REUSED, {}),
    (reasons.UNEXPECTED_ERROR, {}),
]


@pytest.mark.parametrize(("code", "params"), REASON_EXAMPLES)
def test_every_reason_reads_in_french_with_its_names(code, params):
    with translation.override("en"):
        english = reasons.describe(code, params)
    with translation.override("fr"):
        french = reasons.describe(code, params)
    assert french != english, f"{code} is not translated: {english}"
    for value in params.values():
        if isinstance(value, str) and " " in value:  # product names stay as they are
            assert value in french


def test_a_not_active_reason_names_the_status_in_french():
    with translation.override("fr"):
        assert reasons.describe(reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": "expired"}) == (
            f"Cet abonnement est expiré{NNBSP}; seul un abonnement actif peut être mis à niveau."
        )
        assert reasons.describe_details(reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": "pending"}) == (
            f"Statut actuel{NBSP}: En attente."
        )


ACCOUNT_ENTRY_EXAMPLES = [
    (
        reasons.MUTUALLY_EXCLUSIVE_VIOLATION,
        {
            "offer": "Exchange Online (Plan 1)",
            "plan": "Exchange Online (Plan 1)",
            "target_plan": "Exchange Online (Plan 2)",
            "target": "E3",
        },
    ),
    (reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION, {"target": "E3"}),
    (reasons.COUNT_VIOLATION, {"target": "E3", "quantity": 30}),
    (
        reasons.MAILBOX_PLAN_CHANGE,
        {"from_name": "Exchange Online (Plan 1)", "to_name": "Exchange Online (Plan 2)"},
    ),
    (reasons.OFFICE_APPS_REACTIVATION, {"from_name": "Office 365 Business", "to_name": "Office 365 ProPlus"}),
    (
        reasons.ONEDRIVE_MOVES_TO_SHAREPOINT,
        {"from_name": "OneDrive (Plan 1)", "to_name": "SharePoint (Plan 2)"},
    ),
    (reasons.SERVICE_PLAN_CHANGE, {"from_name": "A (Plan 1)", "to_name": "A (Plan 2)"}),
    (reasons.SERVICE_TIER_CHANGE, {"from_name": "Forms (Plan E1)", "to_name": "Forms (Plan E3)"}),
    (reasons.SERVICE_LOST, {"name": "Microsoft Bookings"}),
    (reasons.SERVICE_ADDED, {"name": "Microsoft Stream"}),
    (reasons.PLAN_REENABLED, {"name": "Yammer Enterprise"}),
    (reasons.MANUAL_ASSIGNMENT, {"target": "E3"}),
]


@pytest.mark.parametrize(("code", "params"), ACCOUNT_ENTRY_EXAMPLES)
def test_every_account_entry_reads_in_french(code, params):
    with translation.override("en"):
        english = reasons.describe_account_entry(code, params)
    with translation.override("fr"):
        french = reasons.describe_account_entry(code, params)
    assert french != english, f"{code} is not translated: {english}"
    for value in params.values():
        assert str(value) in french


def test_report_kinds_and_csv_headers_are_french():
    row = report.AffectedRow(
        account_name="Allan Deyoung",
        user_principal_name="allan@litware.example",
        service="Exchange Online",
        outcome="Non déplacé",
        kind=reasons.ERROR,
        code=reasons.MUTUALLY_EXCLUSIVE_VIOLATION,
        message="…",
    )
    file = io.StringIO()
    with translation.override("fr"):
        report.write_csv([row], file)
        assert [str(label) for label in report.KIND_LABELS.values()] == ["Erreur", "Action", "Information"]
    header, first = csv.reader(io.StringIO(file.getvalue().removeprefix("\ufeff")), delimiter=";")
    assert header == [
        "Nom du compte",
        "Nom d’utilisateur principal",
        "Service",
        "Résultat",
        "Type",
        "Code",
        "Message",
    ]
    assert first[4] == "Erreur"
