"""The hand-written SQL of the upgrade's bulk writes, with their vendor branches, fenced here.

An upgrade of 10,000 users moves 10,000 licenses and writes 10,000 affected accounts: through
the ORM, that is seconds of Python building and quoting rows. These writers do it in a few
statements (docs/decisions/0003-hand-written-bulk-sql.md): licenses change subscription in
place, and affected accounts are inserted 1,000 to a statement, completed from their users by
the database itself.
"""

import json

from django.db import connection

from customers.models import CustomerUser
from subscriptions.models import AffectedAccount, LicenseAssignment, Operation, Subscription

BATCH_SIZE = 1000


def transfer_licenses(
    *, source: Subscription, target: Subscription, moved: list[int], kept: list[int]
) -> None:
    """Moved licenses change subscription in place; the others go with the source's cancellation.

    `moved` and `kept` are license keys (`kept`: not moved, deleted). A moved license keeps its
    row and gets the target's subscription, without its disabled plans (every service of the
    target is enabled). Statements: one for the disabled plans, one per 1,000 licenses of the
    smaller group, one for the rest; no license is loaded, created or deleted one by one.
    """
    LicenseAssignment.disabled_plans.through.objects.filter(licenseassignment__subscription=source).delete()
    ops = connection.ops
    table = ops.quote_name(LicenseAssignment._meta.db_table)
    subscription = ops.quote_name(LicenseAssignment._meta.get_field("subscription").column)
    pk = ops.quote_name(LicenseAssignment._meta.pk.column)

    def in_batches(pks):
        for start in range(0, len(pks), BATCH_SIZE):
            batch = pks[start : start + BATCH_SIZE]
            yield f"{pk} IN ({', '.join(['%s'] * len(batch))})", batch

    with connection.cursor() as cursor:
        if len(kept) <= len(moved):
            for condition, batch in in_batches(kept):
                cursor.execute(f"DELETE FROM {table} WHERE {condition}", batch)
            cursor.execute(
                f"UPDATE {table} SET {subscription} = %s WHERE {subscription} = %s", [target.pk, source.pk]
            )
        else:
            for condition, batch in in_batches(moved):
                cursor.execute(
                    f"UPDATE {table} SET {subscription} = %s WHERE {condition}", [target.pk, *batch]
                )
            cursor.execute(f"DELETE FROM {table} WHERE {subscription} = %s", [source.pk])


def write_affected_accounts(operation: Operation, rows: list[tuple]) -> None:
    """One INSERT per 1,000 accounts, each row completed from its user in SQL.

    `rows` are (user id, outcome, error code, entries) tuples (`licenses._affected`). The
    account's object id, display name and user principal name are copied from `CustomerUser` by
    the statement itself (INSERT ... SELECT ... JOIN), so 10,000 of each are neither read into
    Python nor sent back; and no model instance is built (`bulk_create` of 10,000
    `AffectedAccount` cost about 0.8 s of Python). Rows often share one entries list: each
    distinct list is encoded once.
    """
    ops = connection.ops
    meta, user_meta = AffectedAccount._meta, CustomerUser._meta
    columns = ", ".join(
        ops.quote_name(meta.get_field(name).column)
        for name in ("operation", "user", "user_object_id", "display_name", "user_principal_name")
        + ("outcome", "error_code", "services")
    )
    copied = ", ".join(
        f"u.{ops.quote_name(user_meta.get_field(name).column)}"
        for name in ("id", "object_id", "display_name", "user_principal_name")
    )
    table, users = ops.quote_name(meta.db_table), ops.quote_name(user_meta.db_table)
    head = f"INSERT INTO {table} ({columns}) SELECT %s, {copied}, a.outcome, a.error_code, a.services FROM"
    # LEFT: a user that vanished meanwhile makes a NULL the NOT NULL columns refuse, loudly,
    # instead of a row quietly missing from the report.
    join = f"LEFT JOIN {users} u ON u.{ops.quote_name(user_meta.pk.column)} = a.user_id"
    services_field = meta.get_field("services")
    encoded = {}

    def entries(value):
        if id(value) not in encoded:
            encoded[id(value)] = json.dumps(value, cls=services_field.encoder)
        return encoded[id(value)]

    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            if connection.vendor == "postgresql":
                # One array literal per column: a VALUES list is 4,000 parameters for psycopg
                # to quote one by one and PostgreSQL to parse, and Python lists as array
                # parameters are dumped element by element too.
                cursor.execute(
                    f"{head} unnest(%s::bigint[], %s::text[], %s::text[], %s::jsonb[])"
                    f" AS a(user_id, outcome, error_code, services) {join}",
                    [
                        operation.pk,
                        _array_literal(str(row[0]) for row in batch),
                        _array_literal(row[1] for row in batch),
                        _array_literal(row[2] for row in batch),
                        _array_literal(entries(row[3]) for row in batch),
                    ],
                )
            else:
                values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
                cursor.execute(
                    f"{head} (SELECT column1 AS user_id, column2 AS outcome, column3 AS error_code,"
                    f" column4 AS services FROM (VALUES {values})) a {join}",
                    [operation.pk]
                    + [value for row in batch for value in (row[0], row[1], row[2], entries(row[3]))],
                )


def _array_literal(texts) -> str:
    """A PostgreSQL array literal with every element quoted (so commas, braces, spaces and
    the word NULL stay text); backslashes and double quotes escaped."""
    return (
        "{" + ",".join('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in texts) + "}"
    )
