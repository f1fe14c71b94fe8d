"""The three CSV downloads at two sizes: time to first byte, total time, and memory while streaming.

Imported once Django is set up (as `bench.dataset` is), on the throwaway database that holds the
bench data (the demo, Fabrikam's user `demo` among them):

- `build_exports` writes an upgrade report and an activity log of about `rows_small` and
  `rows_large` CSV rows each: the report through a real upgrade of a `dataset.licensed_tenant`
  (about `LINES_PER_ACCOUNT` lines per licensed account), the log as operations bulk-created for
  a partner of its own, one per size so that its log has exactly that many rows, whose user it
  creates, and the billing lines of that log (one operation in four has one);
- `measure_export` downloads one CSV through the test Client: the first byte (the first
  non-empty chunk of the stream), the whole stream, its bytes, rows and queries; then, in a pass
  of its own so that tracemalloc does not slow the timed ones, the peak of the memory allocated
  from the request to the end of the stream;
- `verdicts` says PASS or FAIL per CSV: the first byte within `FIRST_BYTE_MS` x `scale` at both
  sizes, and the peak memory at the large size within `MEMORY_RATIO` x the small size's.
"""

import csv
import datetime
import io
import math
import statistics
import time
import tracemalloc
import urllib.parse
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import resolve, reverse

from bench import dataset
from bench.timing import QueryCounter
from customers.actors import actor_for_partner_user
from customers.models import Partner, PartnerUser
from partnercenter import clock
from subscriptions import report
from subscriptions.demo_data import FABRIKAM
from subscriptions.models import BillingLine, Offer, Operation, ServicePlan
from subscriptions.services import subscription_upgrade

FIRST_BYTE_MS = 100
MEMORY_RATIO = 1.5
# What the upgrade of a `licensed_tenant` to E3 says per account: 7.9 lines on average.
LINES_PER_ACCOUNT = 8
REPORT, ACTIVITY, BILLING_LINES = "report CSV", "activity-log CSV", "billing-lines CSV"
NAMES = {
    "subscriptions:operation-csv": REPORT,
    "subscriptions:activity-csv": ACTIVITY,
    "subscriptions:billing-lines-csv": BILLING_LINES,
}
# One operation in four of the log is a license added, with its billing line (`_write_log`).
LINES_PER_LOG_ENTRY = 4


@dataclass(frozen=True)
class ExportCase:
    name: str  # REPORT or ACTIVITY, the same at both sizes
    url: str
    username: str  # whom the download is made by (the bench signs them in with force_login)
    rows: int  # the CSV's data rows, the header aside


@dataclass(frozen=True)
class ExportMeasure:
    name: str  # REPORT or ACTIVITY, from the URL
    url: str
    first_byte_ms: float  # this and the next three: medians over the timed passes
    total_ms: float
    bytes: int
    queries: int
    rows: int  # data rows of the CSV received
    peak_memory: int  # bytes, from the request to the end of its stream


class ExportError(Exception):
    pass


# --- The data -------------------------------------------------------------------------------


def build_exports(*, rows_small: int, rows_large: int) -> list[ExportCase]:
    """A report CSV and an activity-log CSV of about `rows_small` and of about `rows_large` rows."""
    offers = {offer.name: offer for offer in Offer.objects.all()}
    plans = {plan.plan_id: plan for plan in ServicePlan.objects.all()}

    @transaction.atomic  # the upgrade has a durable transaction of its own: not around it
    def tenant(partner, users: int, slug: str) -> dataset.Tenant:
        name = f"Bench {slug} ({users:,} users)"
        return dataset.licensed_tenant(
            partner, users, clock.today(), slug=slug, name=name, offers=offers, plans=plans
        )

    demo = get_user_model().objects.get(username="demo")
    cases = []
    for rows in (rows_small, rows_large):
        source = tenant(
            Partner.objects.get(name=FABRIKAM), math.ceil(rows / LINES_PER_ACCOUNT), f"report{rows}"
        )
        operation = subscription_upgrade(
            subscription=source.subscription,
            target_offer=offers[dataset.TARGET_OFFER],
            quantity=None,
            actor=actor_for_partner_user(demo.partner_user),
            token=uuid.uuid4(),
        )
        url = reverse("subscriptions:operation-csv", args=[operation.pk])
        # The unfiltered CSV has every line of the report.
        cases.append(ExportCase(REPORT, url, demo.username, report.ReportLayout(operation).total))
    for rows in (rows_small, rows_large):
        partner = Partner.objects.create(name=f"Bench exports ({rows:,} log entries)")
        user = get_user_model().objects.create_user(username=f"bench-log-{rows}", first_name="Log")
        PartnerUser.objects.create(user=user, partner=partner, role=PartnerUser.Role.ADMIN_AGENT)
        _write_log(tenant(partner, 20, f"log{rows}"), user, rows, offers[dataset.TARGET_OFFER])
        cases.append(ExportCase(ACTIVITY, reverse("subscriptions:activity-csv"), user.username, rows))
        lines = math.ceil(rows / LINES_PER_LOG_ENTRY)
        cases.append(
            ExportCase(BILLING_LINES, reverse("subscriptions:billing-lines-csv"), user.username, lines)
        )
    return cases


@transaction.atomic
def _write_log(tenant: dataset.Tenant, user, rows: int, target: Offer) -> None:
    """`rows` operations on the tenant's subscription, one a minute back in time, four kinds in
    turn: a license added (with its billing line), a refused upgrade, a license assigned to an
    account (the log names it), a refused quantity change."""
    accounts = list(tenant.customer.users.order_by("pk"))
    quantity, now = tenant.users, clock.now()
    kinds = [
        {
            "kind": Operation.Kind.QUANTITY_CHANGE,
            "result": Operation.Result.SUCCEEDED,
            "quantity": quantity + 1,
        },
        {
            "kind": Operation.Kind.UPGRADE,
            "result": Operation.Result.REFUSED,
            "target_offer": target,
            "quantity": quantity,
            "reason_code": "subscription_not_active",
            "reason_params": {"status": "suspended"},
        },
        {"kind": Operation.Kind.LICENSE_ASSIGNMENT, "result": Operation.Result.SUCCEEDED},
        {
            "kind": Operation.Kind.QUANTITY_CHANGE,
            "result": Operation.Result.REFUSED,
            "quantity": quantity - 5,
            "reason_code": "quantity_below_assigned",
            "reason_params": {"assigned": quantity, "asked_quantity": quantity - 5},
        },
    ]
    operations = Operation.objects.bulk_create(
        [
            Operation(
                created_at=now - datetime.timedelta(minutes=index + 1),
                actor=user,
                partner=tenant.subscription.sold_by,
                customer=tenant.customer,
                subscription=tenant.subscription,
                previous_quantity=quantity,
                customer_user=accounts[index % len(accounts)] if index % 4 == 2 else None,
                **kinds[index % 4],
            )
            for index in range(rows)
        ],
        batch_size=dataset.BATCH,
    )
    today = clock.today()
    line = {"kind": BillingLine.Kind.LICENSES_ADDED, "currency": "USD", "unit_price": Decimal("22.00")}
    line |= {"quantity": 1, "amount": Decimal("21.69"), "period_start": today, "period_end": today}
    # With the partner's cost, so that the billing-lines CSV writes its margin columns.
    line |= {"unit_cost": Decimal("18.70"), "cost": Decimal("18.44"), "margin": Decimal("3.25")}
    BillingLine.objects.bulk_create(
        [
            BillingLine(operation=operation, subscription=tenant.subscription, **line)
            for operation in operations[::4]
        ],
        batch_size=dataset.BATCH,
    )


# --- The measures ---------------------------------------------------------------------------


def _download(client, url: str):
    """The response's chunks as they come (one, when it is not streamed: an older checkout)."""
    response = client.get(url)
    if response.status_code != 200:
        raise ExportError(f"{url} answered {response.status_code}, not 200")
    return iter(response.streaming_content) if response.streaming else iter([response.content])


def _timed_pass(client, url: str) -> tuple[float, float, int, int]:
    """(first byte ms, total ms, bytes, queries) of one download, each chunk dropped once counted."""
    counter, size, first_byte = QueryCounter(), 0, None
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        for chunk in _download(client, url):
            if chunk and first_byte is None:
                first_byte = time.perf_counter()
            size += len(chunk)
        end = time.perf_counter()
    return ((first_byte or end) - start) * 1000, (end - start) * 1000, size, counter.count


def _peak_memory(client, url: str) -> int:
    tracemalloc.start()
    try:
        for _ in _download(client, url):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _data_rows(client, url: str) -> int:
    """The CSV's data rows, as a spreadsheet reads them (a quoted cell may hold a line break)."""
    text = b"".join(_download(client, url)).decode("utf-8-sig")
    delimiter = ";" if ";" in text.partition("\n")[0] else ","
    return sum(1 for _ in csv.reader(io.StringIO(text), delimiter=delimiter)) - 1


def measure_export(client, url: str, *, repeats: int) -> ExportMeasure:
    """One CSV downloaded once untimed (its rows are counted then, and caches warmed), `repeats`
    times timed, and once under tracemalloc."""
    rows = _data_rows(client, url)
    passes = [_timed_pass(client, url) for _ in range(max(repeats, 1))]
    first_byte, total, size, queries = (statistics.median(values) for values in zip(*passes, strict=True))
    path = urllib.parse.urlsplit(url).path
    return ExportMeasure(
        name=NAMES.get(resolve(path).view_name, path),
        url=url,
        first_byte_ms=first_byte,
        total_ms=total,
        bytes=round(size),
        queries=round(queries),
        rows=rows,
        peak_memory=_peak_memory(client, url),
    )


# --- What they say --------------------------------------------------------------------------


def table(measures: list[ExportMeasure]) -> list[str]:
    """One line per CSV and size: first byte, total time, size, queries, peak memory."""
    header = f"{'CSV':<32}  {'first byte ms':>13}  {'total ms':>8}  {'MB':>5}  {'queries':>7}  {'peak MB':>7}"
    lines = [header, "-" * len(header)]
    for m in measures:
        lines.append(
            f"{f'{m.name} ({m.rows:,} rows)':<32}  {m.first_byte_ms:>13.1f}  {m.total_ms:>8.0f}  "
            f"{m.bytes / 2**20:>5.1f}  {m.queries:>7}  {m.peak_memory / 2**20:>7.1f}"
        )
    return lines


def verdicts(measures: list[ExportMeasure], *, scale: float) -> list[str]:
    """One line per CSV: PASS or FAIL, with the figures (the smallest and largest size of each)."""
    lines = []
    for name in dict.fromkeys(measure.name for measure in measures):
        sizes = sorted((m for m in measures if m.name == name), key=lambda m: m.rows)
        if len(sizes) < 2:
            lines.append(f"FAIL {name} streamed: measured at one size, not two")
            continue
        small, large = sizes[0], sizes[-1]
        ratio = large.peak_memory / small.peak_memory if small.peak_memory else math.inf
        passed = (
            max(small.first_byte_ms, large.first_byte_ms) <= FIRST_BYTE_MS * scale and ratio <= MEMORY_RATIO
        )
        lines.append(
            f"{'PASS' if passed else 'FAIL'} {name} streamed: first byte {small.first_byte_ms:.0f} ms at "
            f"{small.rows:,} rows, {large.first_byte_ms:.0f} ms at {large.rows:,} (target ≤ {FIRST_BYTE_MS} "
            f"ms × {scale:.2f}); peak memory {large.peak_memory / 2**20:.1f} MB at {large.rows:,} rows = "
            f"{ratio:.1f}x the {small.rows:,}-row peak (target ≤ {MEMORY_RATIO}x)"
        )
    return lines
