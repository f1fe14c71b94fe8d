"""`make bench`: every page against the framework's floors on this machine, at scale.

1. A throwaway database (bench/database.py), `seed_demo --scale 1000` (timed), `--scale 2000`,
   then bench/dataset.py: a customer with 1,000 subscriptions, tenants of 10,000 licensed
   users, 5,000 log entries, and for each page at scale the same page just filled; ANALYZE.
2. In this process, Django's test Client with production settings (DEBUG off, manifest static
   storage, every middleware, persistent connections as `make serve`): every page of
   bench/pages.py, each request right after one of each floor it is judged against
   (bench/timing.py), the reads first, then the API's writes (a new value and idempotency key
   every round); the upgrade POSTs, the page's and the API's; the streamed CSVs
   (bench/streams.py).
3. Under gunicorn (bench/serving.py): Contoso's page weight as Chromium receives it, and with
   wrk, requests per second of hello, the signed-in floor and the 1,000-subscription page.

Prints the table, then one line per target beginning PASS or FAIL (bench/verdicts.py); exits 1
when a target fails. `--quick` (what CI runs through tests/perf/test_bench_quick.py) uses small
sizes and few iterations and exits 0 whatever the timings: it keeps the benchmark working.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from bench import pages as page_table
from bench import serving, verdicts
from bench.database import BASE_DIR, BenchError, analyze, environment, manage, throwaway_database
from bench.report import load_average, machine, table
from bench.timing import WARM_UPS, Measured, Request, measure, send


@dataclass(frozen=True)
class Sizes:
    scale_timed: int  # `seed_demo --scale N` timed against the 60 s target
    scale: int  # then grown to this
    many: int  # subscriptions of the big customer
    few: int  # ... and of the small one
    licensed_users: int  # of the subscription the upgrade moves
    copies: int  # fresh copies of it, one timed upgrade POST each (the page's, and the API's)
    iterations: int  # timed requests per page
    wrk_seconds: int
    log_entries: int  # refused attempts in Fabrikam's activity log
    csv_rows: tuple[int, int]  # the streamed CSVs, small and large
    csv_repeats: int


FULL = Sizes(1000, 2000, 1000, 10, 10_000, 5, 30, 10, 5000, (10_000, 100_000), 3)
QUICK = Sizes(10, 20, 60, 10, 200, 2, 3, 0, 60, (200, 2000), 1)


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


class Bench:
    """What the page table's lines read: the data, its sizes, URLs (None for a missing page)."""

    def __init__(self, data, sizes: Sizes, **facts):
        self.data, self.sizes = data, sizes
        self.__dict__.update(facts)

    def url(self, name: str, *args) -> str | None:
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            return None

    def tenant(self, key: str):
        # The fresh copy of a large tenant (before its POST), the filled tenant not upgraded.
        return {"large": self.data.large[1], "filled": self.data.filled_tenants[1]}[key]


def run(sizes: Sizes, *, quick: bool, use_wrk: bool) -> int:
    started = time.perf_counter()
    load, loads = load_average()
    folder = Path(tempfile.mkdtemp(prefix="partnercenter-bench-"))
    database = None
    try:
        database = throwaway_database(
            os.environ.get("DATABASE_URL"), folder, "bench_quick" if quick else "bench"
        )
        say(f"throwaway database: {database.vendor} ({database.url.split('@')[-1]})")
        env = environment(database, folder)
        manage("migrate", "--noinput", env=env)
        manage("collectstatic", "--noinput", env=env)
        say(f"seed_demo --scale {sizes.scale_timed} ...")
        seed_seconds = manage("seed_demo", "--allow-demo-passwords", f"--scale={sizes.scale_timed}", env=env)
        say(f"  {seed_seconds:.1f} s; seed_demo --scale {sizes.scale} ...")
        manage("seed_demo", "--allow-demo-passwords", f"--scale={sizes.scale}", env=env)
        lines = measure_all(
            sizes, env=env, use_wrk=use_wrk, seed_seconds=seed_seconds, loads=loads, load=load
        )
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django never got set up
            pass
        if database is not None:
            database.close()
        shutil.rmtree(folder, ignore_errors=True)
    lines.append(verdicts.run_line(time.perf_counter() - started, quick))
    print("\n".join(lines), flush=True)
    failed = any(line.startswith("FAIL") for line in lines)
    return 1 if failed and not quick else 0


def build(sizes: Sizes):
    from api.v1.subscriptions import subscription_resource
    from bench import dataset
    from customers.models import Customer
    from subscriptions import eligibility
    from subscriptions.models import Operation, Subscription

    say(
        f"building: customers of {sizes.many:,}, {page_table.FILL} and {sizes.few} subscriptions, "
        f"{2 * sizes.copies + 1} tenants of {sizes.licensed_users:,} licensed users, "
        f"{sizes.log_entries:,} log entries ..."
    )
    start = time.perf_counter()
    data = dataset.build(
        many=sizes.many, few=sizes.few, licensed_users=sizes.licensed_users, copies=sizes.copies
    )
    dataset.log_attempts(data, sizes.log_entries)
    report = dataset.upgrade(data.large[0], data)
    filled_report = dataset.upgrade(data.filled_tenants[0], data)
    # The quantity PATCH's subscription: the E3 that report's upgrade made (an offer without
    # Business Premium's 300-seat maximum, so that seats can be added), which no page reads.
    patched = Subscription.objects.select_related("customer", "offer", "sold_by").get(
        pk=report.target_subscription_id
    )
    active = list(data.many.subscriptions.filter(status=Subscription.Status.ACTIVE).order_by("friendly_name"))
    options = eligibility.upgrade_options_for_page(active)
    refused = next(s for s in active if options.get(s.pk) and not eligibility.is_upgradable(options[s.pk]))
    say(f"  {time.perf_counter() - start:.1f} s")
    return Bench(
        data,
        sizes,
        customers=Customer.objects.for_partner(data.demo_user.partner_user.partner).count(),
        report=report,
        report_accounts=report.affected_accounts.count(),
        filled_report=filled_report,
        filled_report_accounts=filled_report.affected_accounts.count(),
        log_entries=Operation.objects.filter(partner=data.demo_user.partner_user.partner).count(),
        refused_subscription=refused,
        bearer=_bearer(),
        patched=patched,
        patched_licenses=patched.licenses.count(),
        patched_resource=subscription_resource(patched, patched.customer),
    )


def _bearer() -> dict:
    """The demo script's bearer token (seed_demo made the application), for the API's lines."""
    from api.models import ApiApplication

    token, _lifetime = ApiApplication.objects.get(client_id="fabrikam-demo-app").issue_token()
    return {"Authorization": f"Bearer {token}"}


def upgrade_posts(bench: Bench, clients, floors: dict[str, Measured]):
    """The upgrade POST, timed once per fresh tenant: one of 10 users (the fixed query count),
    then one per copy of 10,000. Returns both measures and the most rows one of them wrote."""
    from django.urls import reverse

    from subscriptions.models import LicenseAssignment, Operation, Subscription

    def post(tenant, measured: Measured) -> int:
        request = Request(
            measured.name,
            reverse("subscriptions:upgrade", args=[tenant.subscription.pk]),
            method="post",
            data={
                "target_offer": bench.data.target_offer.pk,
                "quantity": tenant.users,
                "token": str(uuid.uuid4()),
                "version": Subscription.objects.get(pk=tenant.subscription.pk).version,
            },
            expect=302,
        )
        floors["hello"].add(*send(clients["demo"], Request("hello", "/_hello/"))[:2])
        measured.add(*send(clients["demo"], request)[:2])
        operation = Operation.objects.get(
            subscription=tenant.subscription, result=Operation.Result.SUCCEEDED, kind=Operation.Kind.UPGRADE
        )
        moved = LicenseAssignment.objects.filter(subscription=operation.target_subscription).count()
        return moved + operation.affected_accounts.count()

    sizes = bench.sizes
    say(
        f"upgrade POSTs: 1 of {bench.data.small[1].users} users, "
        f"{sizes.copies} of {sizes.licensed_users:,} ..."
    )
    small = Measured(f"upgrade POST ({bench.data.small[1].users} users)")
    post(bench.data.small[1], small)
    large = Measured(f"upgrade POST ({sizes.licensed_users:,} users, 1 per copy)")
    written = max(post(tenant, large) for tenant in bench.data.large[1:])
    return small, large, written


def api_upgrade_posts(bench: Bench, clients, floors: dict[str, Request], floor_measures: dict[str, Measured]):
    """The same upgrade POST through the API, on tenants of its own: one of 10 users (the fixed
    query count), then one per copy of 10,000, each right after one of hello and one of the API
    floor, with a new `MS-RequestId` (a first request, not a replay). Returns both measures and
    the most rows one of them wrote."""
    from subscriptions.models import LicenseAssignment, Operation

    target = str(bench.data.target_offer.sku_id).upper()

    def post(tenant, measured: Measured) -> int:
        subscription = tenant.subscription
        request = Request(
            measured.name,
            f"/api/v1/customers/{tenant.customer.tenant_id}/subscriptions/{subscription.subscription_id}/upgrades",
            method="post",
            data={"targetOffer": {"id": target}, "quantity": tenant.users},
            content_type="application/json",
            headers={**bench.bearer, "MS-RequestId": str(uuid.uuid4())},
        )
        for key in ("hello", "api"):
            floor_measures[key].add(*send(clients[floors[key].user], floors[key])[:2])
        elapsed_ms, queries, response = send(clients["demo"], request)
        measured.add(elapsed_ms, queries)
        if response.json()["targetSubscriptionId"] is None:
            raise BenchError(f"the API did not upgrade {tenant.customer.name}: {response.content[:300]!r}")
        operation = Operation.objects.get(
            subscription=subscription, result=Operation.Result.SUCCEEDED, kind=Operation.Kind.UPGRADE
        )
        moved = LicenseAssignment.objects.filter(subscription=operation.target_subscription).count()
        return moved + operation.affected_accounts.count()

    sizes, small_tenant = bench.sizes, bench.data.api_small
    say(f"API upgrade POSTs: 1 of {small_tenant.users} users, {sizes.copies} of {sizes.licensed_users:,} ...")
    small = Measured(f"API: upgrade POST ({small_tenant.users} users)")
    post(small_tenant, small)
    large = Measured(f"API: upgrade POST ({sizes.licensed_users:,} users, 1 per copy)")
    written = max(post(tenant, large) for tenant in bench.data.api_large)
    return small, large, written


def page_request(bench: Bench, page: page_table.Page, url: str) -> Request:
    """The request of a line of the page table; for a write, one that changes data each round."""
    headers = page.headers(bench) if callable(page.headers) else page.headers
    request = Request(page.label(bench), url, headers=headers, user=page.user)
    if page.body is None:
        return request
    write = replace(request, method=page.method, content_type="application/json")

    def each_round(number: int) -> Request:
        fresh = {**(headers or {}), "MS-RequestId": str(uuid.uuid4())}
        return replace(write, data=page.body(bench, number), headers=fresh)

    return replace(write, each_round=each_round)


def quantity_changes(subscription) -> int:
    from subscriptions.models import Operation

    return Operation.objects.filter(
        subscription=subscription, kind=Operation.Kind.QUANTITY_CHANGE, result=Operation.Result.SUCCEEDED
    ).count()


def under_gunicorn(bench: Bench, env: dict, clients, *, use_wrk: bool):
    """(page weight or None, why not, {key: (name, requests/s)}, workers) under gunicorn."""
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse

    from customers.models import Customer

    cookie_name = settings.SESSION_COOKIE_NAME
    session = clients["demo"].cookies[cookie_name].value
    cookie = f"{cookie_name}={session}"
    contoso = reverse("customers:detail", args=[Customer.objects.get(domain="contoso.example").pk])
    targets = [
        ("hello", "hello", "/_hello/"),
        ("signed-in", "signed-in floor", "/_signed-in/"),
        (
            "subscriptions",
            f"subscription list ({bench.sizes.many:,})",
            bench.url("customers:detail", bench.data.many.pk),
        ),
    ]
    weight, why, rates, workers = None, "", {}, ""
    connection.close()  # Playwright's event loop runs next; no ORM call meanwhile
    try:
        with serving.Gunicorn(env) as server:
            workers = server.workers
            for _, _, path in targets:
                if serving.http_status(server.port, path, cookie) != 200:
                    raise BenchError(f"gunicorn did not serve {path} signed in")
            try:
                weight = serving.page_weight(server.base_url, contoso, cookie_name, session)
            except Exception as error:  # no Playwright or no Chromium: said, as a failure
                why = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}"
            if use_wrk and shutil.which("wrk"):
                say(f"wrk: {bench.sizes.wrk_seconds} s each on {len(targets)} URLs ...")
                for key, name, path in targets:
                    rate, errors = serving.wrk(server.base_url + path, bench.sizes.wrk_seconds, cookie)
                    if errors:
                        raise BenchError(f"wrk saw {errors} non-2xx/3xx answers from {path}")
                    rates[key] = (name, rate)
    except BenchError as error:
        why = why or str(error)
    return weight, why, rates, workers


def measure_all(sizes: Sizes, *, env: dict, use_wrk: bool, seed_seconds: float, loads: str, load: float):
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    bench = build(sizes)
    analyze(connection)
    clients = {"demo": Client(), "fill": Client()}
    clients["demo"].force_login(bench.data.demo_user)
    clients["fill"].force_login(bench.data.fill_user)

    floors = {
        floor.key: Request(floor.label, floor.url, headers=floor.headers(bench) if floor.headers else None)
        for floor in page_table.FLOORS
    }
    listed, skipped = [], []
    for page in page_table.PAGES:
        url = page.url(bench)
        if url is None:
            skipped.append(page.key)
            continue
        listed.append((page, page_request(bench, page, url)))
    reads = [(page, request) for page, request in listed if page.body is None]
    writes = [(page, request) for page, request in listed if page.body is not None]
    say(f"measuring {len(reads)} pages x {sizes.iterations}, each after its floors ...")
    floor_measures, page_measures = measure(
        clients, floors, [(request, page.floor) for page, request in reads], sizes.iterations
    )
    if writes:
        # After every read, so that no page shows what they change (the activity log would).
        say(f"measuring {len(writes)} API writes x {sizes.iterations}, each after its floors ...")
        changes_before = quantity_changes(bench.patched)
        write_floors, write_measures = measure(
            clients, floors, [(request, page.floor) for page, request in writes], sizes.iterations
        )
        changed = quantity_changes(bench.patched) - changes_before
        rounds = WARM_UPS + sizes.iterations
        if changed != rounds:
            raise BenchError(f"the quantity PATCH changed the quantity {changed} times in {rounds} rounds")
        for key, extra in write_floors.items():
            floor_measures[key].samples_ms += extra.samples_ms
            floor_measures[key].queries += extra.queries
        page_measures += write_measures
    listed = reads + writes
    measured = {page.key: result for (page, _), result in zip(listed, page_measures, strict=True)}
    small_post, large_post, written = upgrade_posts(bench, clients, floor_measures)
    api_small_post, api_large_post, api_written = api_upgrade_posts(bench, clients, floors, floor_measures)

    exports = None
    try:
        from bench import streams
    except ImportError:
        streams = None
    if streams is not None:
        say(f"streamed CSVs of {sizes.csv_rows[0]:,} and {sizes.csv_rows[1]:,} rows ...")
        cases = streams.build_exports(rows_small=sizes.csv_rows[0], rows_large=sizes.csv_rows[1])
        analyze(connection)
        exports = []
        for case in cases:
            client = Client()
            client.force_login(get_user_model().objects.get(username=case.username))
            exports.append(streams.measure_export(client, case.url, repeats=sizes.csv_repeats))

    weight, why, rates, workers = under_gunicorn(bench, env, clients, use_wrk=use_wrk)

    vendor = connection.vendor
    hello = floor_measures["hello"]
    factor = verdicts.scale_factor(hello.median)
    lines = machine()
    lines.append(
        f"data: {bench.customers:,} customers; {sizes.many:,} subscriptions on one; {2 * sizes.copies + 1} x "
        f"{sizes.licensed_users:,} licensed users; {bench.log_entries:,} log entries; "
        f"{sizes.iterations} timed requests per page; Django test Client, DEBUG off, {vendor}"
    )
    lines.append(
        f"load average at start: {loads}"
        + (" - above 1: other work shares the cores, the ratios are not the machine's" if load > 1 else "")
    )
    lines.append(
        f"scale factor: hello {hello.median:.3f} ms / the reference run's "
        f"{verdicts.REFERENCE_HELLO_MS} ms = {factor:.2f}"
    )
    lines.append("")
    rows = [(measured[page.key], page.floor) for page, _ in listed] + [
        (small_post, "signed-in"),
        (large_post, "signed-in"),
        (api_small_post, "api"),
        (api_large_post, "api"),
    ]
    lines += table(floor_measures, rows)
    if skipped:
        lines.append(f"(not in this checkout: {', '.join(skipped)})")
    if rates:
        lines += [
            "",
            f"Under gunicorn ({workers} sync workers, persistent connections), wrk -t2 -c8 for "
            f"{sizes.wrk_seconds} s each, on the same {os.cpu_count()} cores:",
        ]
        lines += [f"  {name:<28} {rate:>9,.0f} req/s" for name, rate in rates.values()]
    if weight:
        from bench.weight import describe

        lines += ["", "Contoso's subscription list as Chromium received it from gunicorn:", describe(weight)]
    if exports:
        lines += ["", *streams.table(exports)]

    lines.append("")
    for floor in page_table.FLOORS:
        if floor.compared_with:
            lines.append(
                verdicts.floor_line(
                    floor_measures[floor.key], floor_measures[floor.compared_with], floor.limit[vendor]
                )
            )
    for page, _ in listed:
        lines.append(verdicts.page_line(measured[page.key], floor_measures[page.floor], page.limit[vendor]))
    for page, _ in listed:
        if page.filled in measured:
            lines.append(verdicts.at_scale_line(measured[page.key], measured[page.filled]))
    lines.append(
        verdicts.upgrade_line(
            large_post, max(small_post.queries), written, vendor, factor, sizes.licensed_users
        )
    )
    lines.append(
        verdicts.api_upgrade_line(
            api_large_post,
            max(api_small_post.queries),
            api_written,
            vendor,
            factor,
            sizes.licensed_users,
            page_post=large_post,
        )
    )
    if use_wrk:
        lines.append(
            verdicts.wrk_line(rates) if rates else verdicts.verdict(False, f"wrk not run: {why or 'no wrk'}")
        )
    if exports:
        lines += streams.verdicts(exports, scale=factor)
    if weight:
        lines.append(verdicts.weight_line(sum(t.total_bytes for t in weight), len(weight)))
    else:
        lines.append(verdicts.verdict(False, f"page weight not measured: {why or 'no Chromium'}"))
    lines.append(verdicts.seed_line(seed_seconds, sizes.scale_timed))
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, few iterations, no wrk; never fails on timings"
    )
    parser.add_argument("--iterations", type=int, help="timed requests per page")
    parser.add_argument("--no-wrk", action="store_true", help="skip the gunicorn requests-per-second runs")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.iterations:
        sizes = Sizes(**{**sizes.__dict__, "iterations": args.iterations})
    try:
        return run(sizes, quick=args.quick, use_wrk=not args.no_wrk and not args.quick)
    except BenchError as error:
        say(f"error: {error}")
        return 2
