"""The hardening figures, counted as the hardening tests run and printed at the end.

URL patterns covered, concurrent submits tried and upgrades made, hostile inputs tried, and
responses with a 5xx status seen (which the tests also fail on, one by one).
"""

from collections import Counter
from http import HTTPStatus

FIGURES: Counter = Counter()

LABELS = {
    "url_patterns_walked": "URL patterns walked (admin aside), every one registered",
    "url_patterns_covered": "of them swept with another partner's objects or checked for leaks",
    "tenancy_requests": "requests with another partner's objects (all 404)",
    "concurrent_submits": "concurrent submits tried",
    "concurrent_upgrades_made": "upgrades made by them",
    "concurrent_quantity_changes": "concurrent quantity changes tried",
    "concurrent_quantity_changes_applied": "quantity changes applied by them",
    "hostile_inputs": "hostile inputs tried",
    "server_errors": "5xx responses seen",
}


def count(name: str, by: int = 1) -> None:
    FIGURES[name] += by


def seen(status: int) -> int:
    """Count a response status; returns it, so `assert seen(response.status_code) == ...` reads."""
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        FIGURES["server_errors"] += 1
    return status


def summary_lines() -> list[str]:
    if not FIGURES:
        return []
    lines = ["Hardening figures:"]
    for key, label in LABELS.items():
        if key in FIGURES or key == "server_errors":
            lines.append(f"  {label}: {FIGURES[key]:,}")
    return lines
