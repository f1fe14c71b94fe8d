"""`make bench` keeps working: CI runs its quick mode (small sizes, few iterations).

It checks what the benchmark prints, never how fast this machine is: no timing is asserted.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TARGETS = (
    "subscription list of the",
    "upgrade of",
    "pre-flight of",
    "every list page keeps its query count",
    "seed_demo --scale",
    # The page weight, or why it could not be measured.
    ("Contoso's subscription list", "page weight not measured"),
)


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


def test_the_quick_bench_prints_the_table_with_hello_and_every_page(quick_run):
    assert re.search(r"^page\s+n\s+median ms\s+p95 ms\s+queries\s+x hello$", quick_run, re.M)
    for page in (
        r"hello \(/_hello/, the floor\)",
        r"customer list \(\d+ customers, page 1\)",
        r"subscription list \(60 subscriptions, page 1\)",
        r"upgrade page \(200 licensed users\)",
        r"pre-flight and billing preview \(htmx\)",
        r"pre-flight accounts list \(htmx, page 1\)",
        r"report \([\d,]+ accounts, page 1\)",
        r"upgrade POST \(200 users, 1 per copy\)",
    ):
        assert re.search(rf"^{page}\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d-]+\s+[\d.]+$", quick_run, re.M), page


def test_the_quick_bench_says_pass_or_fail_for_each_target(quick_run):
    verdicts = [line for line in quick_run.splitlines() if line.startswith(("PASS ", "FAIL "))]

    assert len(verdicts) == len(TARGETS)
    for line, target in zip(verdicts, TARGETS, strict=True):
        assert line[5:].startswith(target), line


def test_the_query_counts_of_the_quick_bench_hold(quick_run):
    # Counting queries does not depend on the machine, so this verdict is asserted.
    (line,) = [line for line in quick_run.splitlines() if "every list page keeps its query count" in line]
    assert line.startswith("PASS"), line


def test_the_quick_bench_names_the_machine_it_ran_on(quick_run):
    assert re.search(r"^machine: \d+ cores \(.+\), [\d.]+ GiB memory", quick_run, re.M)
    assert re.search(r"^software: Python 3\.\d+\.\d+, Django \d", quick_run, re.M)
