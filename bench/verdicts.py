"""The targets of `make bench` (BENCHMARKS.md), each a line beginning PASS or FAIL.

Ratios are the verdicts: a page against its floor, measured interleaved in the same run.
Absolute times are scaled by this run's speed: the target times this run's hello median over
the reference run's (`REFERENCE_HELLO_MS`), and the factor is printed beside the verdict.
"""

import math

from bench.pages import AT_SCALE

REFERENCE_HELLO_MS = 0.41  # hello's median in the reference run of BENCHMARKS.md
UPGRADE_MS = {"sqlite": 150, "postgresql": 350}  # the upgrade POST of 10,000 licensed users
# The API's upgrade POST over the page's: the same engine, plus the answer's license errors (one
# per account left behind) and the idempotency key's claim and stored answer.
API_UPGRADE_OVER_PAGE = 1.25
ROWS_PER_QUERY = 1000  # the upgrade's writes: fixed queries, then one per 1,000 rows
WRK_SHARE = 0.15  # the 1,000-subscription page's requests/s over the signed-in floor's
WEIGHT_BYTES = 40 * 1024  # Contoso's subscription list with all its assets, as received
SEED_SECONDS = 60  # seed_demo --scale 1000
RUN_SECONDS = {False: 600, True: 30}  # the whole run; --quick


def verdict(ok: bool, text: str) -> str:
    return f"{'PASS' if ok else 'FAIL'} {text}"


def scale_factor(hello_ms: float) -> float:
    return hello_ms / REFERENCE_HELLO_MS


def floor_line(floor, compared, limit: float) -> str:
    ratio = floor.median / compared.median
    return verdict(
        ratio <= limit,
        f"{floor.name}: {floor.median:.2f} ms = {ratio:.1f}x {compared.name.split(' (')[0]} "
        f"(target <= {limit}x), {floor.query_count} queries",
    )


def page_line(page, floor, limit: float) -> str:
    ratio = page.median / floor.median
    return verdict(
        ratio <= limit,
        f"{page.name}: {page.median:.2f} ms = {ratio:.1f}x the {floor.name.split(' (')[0]} "
        f"(target <= {limit}x)",
    )


def at_scale_line(big, filled) -> str:
    ratio = big.median / filled.median
    same = set(big.queries) == set(filled.queries)
    return verdict(
        ratio <= AT_SCALE and same,
        f"{big.name} = {ratio:.2f}x {filled.name} (target <= {AT_SCALE}x), "
        f"{big.query_count} queries {'=' if same else '!='} {filled.query_count}",
    )


def upgrade_line(
    large, small_queries: int, written: int, vendor: str, factor: float, users: int, *, door: str = ""
) -> str:
    budget = small_queries + math.ceil(written / ROWS_PER_QUERY)
    target = UPGRADE_MS[vendor] * factor
    return verdict(
        large.median <= target and max(large.queries) <= budget,
        f"{door}upgrade POST of {users:,} licensed users ({vendor}): median {large.median:.0f} ms (target <= "
        f"{UPGRADE_MS[vendor]} ms x {factor:.2f} = {target:.0f} ms); {large.query_count} queries for "
        f"{written:,} rows written, within {budget} = {small_queries} fixed + 1 per {ROWS_PER_QUERY:,} rows",
    )


def api_upgrade_line(
    large, small_queries: int, written: int, vendor: str, factor: float, users: int, *, page_post
) -> str:
    """The page's verdict for the same POST through the API (the same target: the same engine,
    behind another door), and its ratio to the page's POST of the same run."""
    line = upgrade_line(large, small_queries, written, vendor, factor, users, door="API ")
    ratio = large.median / page_post.median
    ok = line.startswith("PASS") and ratio <= API_UPGRADE_OVER_PAGE
    return verdict(ok, f"{line[5:]}; {ratio:.2f}x the page's POST (target <= {API_UPGRADE_OVER_PAGE}x)")


def wrk_line(rates: dict[str, tuple[str, float]]) -> str:
    (floor_name, floor_rate), (page_name, page_rate) = rates["signed-in"], rates["subscriptions"]
    share = page_rate / floor_rate
    return verdict(
        share >= WRK_SHARE,
        f"under gunicorn: {page_name} {page_rate:,.0f} requests/s = {share:.0%} of the {floor_name}'s "
        f"{floor_rate:,.0f} (target >= {WRK_SHARE:.0%})",
    )


def weight_line(total_bytes: int, responses: int) -> str:
    return verdict(
        total_bytes <= WEIGHT_BYTES,
        f"Contoso's subscription list with every asset it loads: {total_bytes / 1024:.1f} KB in {responses} "
        f"responses as Chromium received them (target <= {WEIGHT_BYTES // 1024} KB)",
    )


def seed_line(seconds: float, scale: int) -> str:
    return verdict(
        seconds < SEED_SECONDS,
        f"seed_demo --scale {scale:,}: {seconds:.1f} s, the whole command in a fresh process "
        f"(target < {SEED_SECONDS} s)",
    )


def run_line(seconds: float, quick: bool) -> str:
    limit = RUN_SECONDS[quick]
    return verdict(
        seconds < limit,
        f"the whole {'quick ' if quick else ''}bench: {seconds:.0f} s (target < {limit} s)",
    )
