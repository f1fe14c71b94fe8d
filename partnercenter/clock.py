"""Business time: the one place the app reads "now" and "today" (docs/domain.md §3).

Billing periods, eligibility (a grant's end date), creation dates and the operation log's
timestamps are business time, read here and nowhere else, so that tests and the demo can move
it. Security time (sessions, the sign-in lockout, CSRF) keeps Django's own clock.
"""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """The current business instant, timezone-aware (UTC)."""
    return timezone.now()


def today() -> datetime.date:
    """The current business date in UTC: the day billing and eligibility are computed for."""
    return now().astimezone(datetime.UTC).date()
