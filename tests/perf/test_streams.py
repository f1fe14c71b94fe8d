"""bench/streams.py keeps working: the CSV downloads it builds and measures at two sizes, here
small ones inside the test database. It checks that the measures agree with the CSVs, never how
fast this machine is: no timing is asserted."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from bench import streams


@pytest.mark.slow  # 5 s: six CSVs downloaded three times each, once under tracemalloc
def test_the_bench_measures_the_three_csvs_at_two_sizes_and_says_pass_or_fail(demo):
    cases = streams.build_exports(rows_small=200, rows_large=2000)

    measures = []
    for case in cases:
        client = Client()
        client.force_login(get_user_model().objects.get(username=case.username))
        measure = streams.measure_export(client, case.url, repeats=1)
        content = client.get(case.url).getvalue()
        lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert measure.name == case.name
        assert measure.rows == case.rows == len(lines) - 1
        assert measure.bytes == len(content)
        assert 0 < measure.first_byte_ms <= measure.total_ms
        assert measure.queries > 0 and measure.peak_memory > 0
        measures.append(measure)

    sizes = {name: sorted(m.rows for m in measures if m.name == name) for name in streams.NAMES.values()}
    assert sizes[streams.ACTIVITY] == [200, 2000]
    assert sizes[streams.BILLING_LINES] == [50, 500]
    assert 150 <= sizes[streams.REPORT][0] <= 250 and 1500 <= sizes[streams.REPORT][1] <= 2500
    lines = streams.verdicts(measures, scale=1.0)
    assert len(lines) == 3
    for line, name in zip(lines, (streams.REPORT, streams.ACTIVITY, streams.BILLING_LINES), strict=True):
        small, large = sizes[name]
        assert line.startswith(("PASS ", "FAIL ")) and f" {name} streamed: first byte " in line
        assert f"at {small:,} rows" in line and "peak memory" in line and f"at {large:,} rows" in line
    assert streams.verdicts(measures[:1], scale=1.0)[0].startswith("FAIL "), "one size compares nothing"
    assert len(streams.table(measures)) == 2 + len(measures)
