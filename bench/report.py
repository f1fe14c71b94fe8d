"""What `make bench` prints before its verdicts: the machine, the load, the table of medians."""

import os
import platform


def machine() -> list[str]:
    import django
    from django.db import connection

    memory = ""
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = platform.processor() or "?"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    return [
        f"machine: {os.cpu_count()} cores ({cpu}), {memory} memory, {platform.system()} {platform.release()}",
        f"software: Python {platform.python_version()}, Django {django.get_version()}, {database}",
    ]


def load_average() -> tuple[float, str]:
    """The 1-minute load average, and the three as printed."""
    try:
        loads = os.getloadavg()
    except OSError:
        return 0.0, "unknown"
    return loads[0], " ".join(f"{value:.2f}" for value in loads)


def table(floors: dict, rows: list[tuple[object, str]]) -> list[str]:
    """Floors first, then each page with its ratio to its own floor and to hello."""
    hello = floors["hello"]
    entries = [(floor, "hello" if key != "hello" else None) for key, floor in floors.items()] + rows
    width = max(len(measured.name) for measured, _ in entries)
    header = (
        f"{'page':<{width}}  {'n':>3}  {'median ms':>9}  {'p95 ms':>8}  {'queries':>7}  "
        f"{'x floor':>7}  {'x hello':>7}"
    )
    lines = [header, "-" * len(header)]
    for measured, floor in entries:
        ratio = f"{measured.median / floors[floor].median:.1f}" if floor else ""
        lines.append(
            f"{measured.name:<{width}}  {len(measured.samples_ms):>3}  {measured.median:>9.2f}  "
            f"{measured.p95:>8.2f}  {measured.query_count:>7}  {ratio:>7}  "
            f"{measured.median / hello.median:>7.1f}"
        )
    return lines
