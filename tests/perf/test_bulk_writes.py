"""The upgrade's hand-written bulk writes (`bulk_sql.write_affected_accounts`,
`bulk_sql.transfer_licenses`) store exactly what the ORM would, whatever the text, on SQLite and
on PostgreSQL, in one statement per 1,000 rows."""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import CustomerUser
from subscriptions.models import AffectedAccount, LicenseAssignment, Operation, ServicePlan
from subscriptions.services import bulk_sql
from tests.factories import (
    CustomerFactory,
    CustomerUserFactory,
    LicenseAssignmentFactory,
    PartnerFactory,
    PartnerUserFactory,
    SubscriptionFactory,
)

AWKWARD = [
    'Zoë "Z" O\'Brien',
    "back\\slash \\\\ twice",
    "{braces}, commas, and spaces",
    "NULL",
    "",
    "日本語 ☃ emoji 🎉",
    "semi; DROP TABLE x; --",
    "tab\tnew\nline",
]


@pytest.fixture
def operation(catalog):
    partner = PartnerFactory()
    customer = CustomerFactory(partner=partner)
    source = SubscriptionFactory(customer=customer, offer=catalog["Office 365 Business"], sold_by=partner)
    return Operation.objects.create(
        kind=Operation.Kind.UPGRADE,
        result=Operation.Result.REFUSED,
        actor=PartnerUserFactory(partner=partner).user,
        partner=partner,
        customer=customer,
        subscription=source,
    )


def test_affected_accounts_copy_their_users_and_store_their_entries_whatever_the_text(operation):
    users = [
        CustomerUserFactory(
            customer=operation.customer, display_name=text, user_principal_name=f"{index}{text}@x"
        )
        for index, text in enumerate(AWKWARD)
    ]
    shared = [{"code": "plan_reenabled", "params": {"family": 'Exchange "Online"', "name": "Plan \\ 2"}}]
    rows = [
        (
            user.pk,
            "moved" if index % 2 else "not_moved",
            "" if index % 2 else "CountViolation",
            shared if index % 3 else [{"code": "x", "params": {"text": user.display_name, "n": index}}],
        )
        for index, user in enumerate(users)
    ]

    bulk_sql.write_affected_accounts(operation, rows)

    stored = list(
        AffectedAccount.objects.filter(operation=operation)
        .order_by("user_id")
        .values_list(
            "user_id",
            "user_object_id",
            "display_name",
            "user_principal_name",
            "outcome",
            "error_code",
            "services",
        )
    )
    assert stored == [
        (user.pk, user.object_id, user.display_name, user.user_principal_name, *row[1:])
        for user, row in zip(users, rows, strict=True)
    ]


def test_affected_accounts_take_one_statement_per_1000(operation):
    users = CustomerUser.objects.bulk_create(
        [
            CustomerUser(
                customer=operation.customer,
                display_name=f"User {index}",
                user_principal_name=f"user{index}@bulk.example",
                usage_location="US",
            )
            for index in range(2500)
        ]
    )

    with CaptureQueriesContext(connection) as queries:
        bulk_sql.write_affected_accounts(operation, [(user.pk, "moved", "", []) for user in users])

    assert len(queries) == math.ceil(2500 / bulk_sql.BATCH_SIZE)
    assert AffectedAccount.objects.filter(operation=operation).count() == 2500


@pytest.mark.parametrize("moved_count", [0, 1, 4, 5])
def test_moved_licenses_change_subscription_and_lose_their_disabled_plans_the_others_go(catalog, moved_count):
    partner = PartnerFactory()
    customer = CustomerFactory(partner=partner)
    source = SubscriptionFactory(
        customer=customer, offer=catalog["Office 365 Business Premium"], sold_by=partner
    )
    target = SubscriptionFactory(
        customer=customer, offer=catalog["Office 365 Enterprise E3"], sold_by=partner
    )
    elsewhere = SubscriptionFactory(customer=customer, offer=catalog["Power BI Pro"], sold_by=partner)
    sway = ServicePlan.objects.get(plan_id="SWAY")
    licenses = [LicenseAssignmentFactory(subscription=source, disabled_plans=[sway]) for _ in range(5)]
    untouched = LicenseAssignmentFactory(subscription=elsewhere, user=licenses[0].user, disabled_plans=[sway])
    moved, kept = licenses[:moved_count], licenses[moved_count:]

    bulk_sql.transfer_licenses(
        source=source, target=target, moved=[lic.pk for lic in moved], kept=[lic.pk for lic in kept]
    )

    assert set(target.licenses.values_list("user_id", flat=True)) == {lic.user_id for lic in moved}
    assert not source.licenses.exists()
    assert not LicenseAssignment.disabled_plans.through.objects.filter(licenseassignment__subscription=target)
    assert list(LicenseAssignment.objects.get(pk=untouched.pk).disabled_plans.all()) == [sway]
