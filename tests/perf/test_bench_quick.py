"""`make bench` keeps working: CI runs its quick mode (small sizes, few iterations).

It checks what the benchmark prints, never how fast this machine is: no timing is asserted.
Query counts do not depend on the machine, so their half of each at-scale verdict is.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.pages import API_WRITE, FLOOR_LIMIT, FLOORS, PAGES

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ROW = r"\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d-]+\s+[\d.]*\s+[\d.]+$"


@pytest.fixture(scope="module")
def quick_run():
    # The bench makes its own throwaway database (a temporary SQLite file, or `<name>_bench_quick`
    # beside the PostgreSQL database DATABASE_URL names), so it never touches the test database.
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def verdicts(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("PASS ", "FAIL "))]


def test_the_table_has_both_floors_and_every_page_of_the_page_table(quick_run):
    assert re.search(r"^page\s+n\s+median ms\s+p95 ms\s+queries\s+x floor\s+x hello$", quick_run, re.M)
    for label in [floor.label for floor in FLOORS]:
        assert re.search(rf"^{re.escape(label)}{ROW}", quick_run, re.M), label
    rows = [line for line in quick_run.splitlines() if re.search(ROW, line)]
    skipped = re.search(r"^\(not in this checkout: (.*)\)$", quick_run, re.M)
    missing = set(skipped.group(1).split(", ")) if skipped else set()
    # One row per page of bench/pages.py (and the two upgrade POSTs, the page's and the API's),
    # floors aside.
    assert len(rows) == len(FLOORS) + len(PAGES) - len(missing) + 4
    for label in ("upgrade POST (10 users)", "API: upgrade POST (10 users)"):
        assert re.search(rf"^{re.escape(label)}{ROW}", quick_run, re.M), label
    assert missing <= {"reasons"}  # a page of the table this checkout may not have yet


def test_every_floor_page_and_page_at_scale_gets_a_verdict(quick_run):
    lines = verdicts(quick_run)
    texts = [line[5:] for line in lines]

    limits = {f"x hello (target <= {limit}x)" for limit in FLOOR_LIMIT.values()}  # by database
    for floor in FLOORS:
        if floor.compared_with:
            assert any(text.startswith(floor.label) and any(x in text for x in limits) for text in texts)
    judged = [text for text in texts if re.search(r"x the (signed-in|API) floor \(target <=", text)]
    at_scale = [text for text in texts if " (target <= 1.5x), " in text]
    assert len(judged) >= len(PAGES) - 1
    assert len(at_scale) == len([page for page in PAGES if page.filled])
    for start in (
        "upgrade POST of",
        "API upgrade POST of",
        "API: quantity PATCH",
        "Contoso's subscription list",
        "seed_demo --scale",
        "the whole quick bench",
    ):
        assert any(text.startswith(start) for text in texts), start


def test_a_page_at_scale_runs_as_many_queries_as_the_same_page_just_filled(quick_run):
    for line in verdicts(quick_run):
        if " (target <= 1.5x), " in line:
            counts = re.search(r"(\d+) queries (=|!=) (\d+)$", line)
            assert counts and counts.group(2) == "=", line


def test_the_signed_in_floor_runs_two_queries(quick_run):
    (line,) = [line for line in verdicts(quick_run) if line[5:].startswith("signed-in floor")]
    assert line.endswith(", 2 queries"), line


def test_absolute_targets_are_scaled_by_this_runs_hello(quick_run):
    factor = re.search(
        r"^scale factor: hello [\d.]+ ms / the reference run's 0.41 ms = ([\d.]+)$", quick_run, re.M
    )
    assert factor
    upgrades = [line for line in verdicts(quick_run) if "upgrade POST of" in line]
    assert len(upgrades) == 2  # the page's and the API's, each against the same scaled target
    for upgrade in upgrades:
        assert f"x {factor.group(1)} = " in upgrade
    assert re.search(r"^load average at start: [\d.]+ [\d.]+ [\d.]+", quick_run, re.M)


def test_the_api_upgrade_post_has_the_page_s_verdict_and_its_ratio_to_the_page_s_post(quick_run):
    (line,) = [line for line in verdicts(quick_run) if line[5:].startswith("API upgrade POST of")]
    # Its fixed query count from its own 10-user POST, then one query per 1,000 rows written.
    fixed = re.search(r"within (\d+) = (\d+) fixed \+ 1 per 1,000 rows", line)
    (small,) = [row for row in quick_run.splitlines() if row.startswith("API: upgrade POST (10 users)")]
    assert fixed and small.split()[-3] == fixed.group(2), (line, small)  # its queries column
    assert re.search(r"; [\d.]+x the page's POST \(target <= [\d.]+x\)$", line), line


def test_the_quantity_patch_is_judged_against_the_api_floor_and_writes_every_round(quick_run):
    (line,) = [line for line in verdicts(quick_run) if line[5:].startswith("API: quantity PATCH")]
    assert re.search(r"x the API floor \(target <= ([\d.]+)x\)$", line).group(1) in {
        str(limit) for limit in API_WRITE.values()
    }
    # The bench stops (exit 2, no table) unless every round, warm-ups included, changed the
    # quantity; and every timed round ran the same queries: a replay of a stored answer, or a
    # quantity left as it was, would run fewer.
    (row,) = [row for row in quick_run.splitlines() if row.startswith("API: quantity PATCH")]
    assert re.search(ROW, row) and re.fullmatch(r"\d+", row.split()[-3]), row


def test_the_quick_bench_names_the_machine_it_ran_on(quick_run):
    assert re.search(r"^machine: \d+ cores \(.+\), [\d.]+ GiB memory", quick_run, re.M)
    assert re.search(r"^software: Python 3\.\d+\.\d+, Django \d", quick_run, re.M)
