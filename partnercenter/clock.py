"""Business time: the one place the app reads "now" and "today" (docs/domain.md §3).

Billing periods, eligibility (a grant's end date), creation dates and the operation log's
timestamps are business time, read here and nowhere else, so that tests and the demo can move
it (`frozen_at`). Security time (sessions, the sign-in lockout, CSRF) keeps Django's own clock.
"""

import contextlib
import datetime

from django.utils import timezone

# Where business time stands when it is not the real time; None: the real time.
_frozen_at: datetime.datetime | None = None


def now() -> datetime.datetime:
    """The current business instant, timezone-aware (UTC)."""
    return _frozen_at if _frozen_at is not None else timezone.now()


def today() -> datetime.date:
    """The current business date in UTC: the day billing and eligibility are computed for."""
    return now().astimezone(datetime.UTC).date()


@contextlib.contextmanager
def frozen_at(instant: datetime.datetime):
    """Business time stands still at `instant` (an aware datetime) inside the block.

    Model defaults hold `now` and `today` themselves, so they follow too.
    """
    global _frozen_at
    if timezone.is_naive(instant):
        raise ValueError("Business time is timezone-aware.")
    previous, _frozen_at = _frozen_at, instant
    try:
        yield instant
    finally:
        _frozen_at = previous
