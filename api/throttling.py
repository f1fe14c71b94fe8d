"""Requests per partner, and writes per partner and customer, counted in the database so that
every gunicorn worker and host shares the count (docs/api.md). Over the limit: 429 with
`Retry-After`, the seconds to the next minute."""

import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone
from ninja.throttling import BaseThrottle

from api.models import RateWindow

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_table = RateWindow._meta.db_table
# One statement on SQLite (3.35+) and PostgreSQL: the key's count in this minute, plus one; a new
# minute starts again from 1.
_COUNT = f"""
    INSERT INTO {_table} (key, minute, count) VALUES (%s, %s, 1)
    ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN {_table}.minute = excluded.minute THEN {_table}.count + 1 ELSE 1 END,
        minute = excluded.minute
    RETURNING count
"""


def counted(key: str, minute: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_COUNT, [key, minute])
        return cursor.fetchone()[0]


class PartnerThrottle(BaseThrottle):
    """Runs after the bearer token gave the request its partner (a request without one is a 401)."""

    def __init__(self):
        self._waits = threading.local()  # one instance serves every thread of the process

    def allow_request(self, request) -> bool:
        partner = getattr(request, "partner", None)
        if partner is None:
            return True
        minute, self._waits.seconds = this_minute()
        limits = [(f"partner:{partner.pk}", settings.API_REQUESTS_PER_MINUTE)]
        customer = (request.resolver_match.kwargs if request.resolver_match else {}).get("customer_tenant_id")
        if request.method in WRITES and customer:
            limits.append((f"writes:{partner.pk}:{customer}", settings.API_WRITES_PER_MINUTE))
        return all(counted(key, minute) <= limit for key, limit in limits)

    def wait(self) -> int:
        return self._waits.seconds


def failures_so_far(keys: list[str], minute: int) -> int:
    """The most failures any of `keys` counted this minute (the token endpoint's guard)."""
    counts = RateWindow.objects.filter(key__in=keys, minute=minute).values_list("count", flat=True)
    return max(counts, default=0)


def this_minute() -> tuple[int, int]:
    """(minutes since the epoch, seconds to the next one)."""
    now = timezone.now().timestamp()
    return int(now // 60), 60 - int(now % 60)
