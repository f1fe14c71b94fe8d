"""The shared wording helpers of every vocabulary: stored parameters put into the active language.

Parameters are stored as JSON; a page or an export may read one written by an older version,
so a missing parameter reads as blank rather than breaking the page.
"""

import datetime

from django.utils.formats import date_format

from subscriptions.formatting import number


class Params(dict):
    """Stored parameters; a missing one reads as blank rather than breaking a page or a report."""

    def __missing__(self, key):
        return ""

    def get(self, key, default=""):
        return super().get(key, default)


def status_label(status: str) -> str:
    from subscriptions.models import Subscription

    try:
        return str(Subscription.Status(status).label)
    except ValueError:
        return status


def names(values) -> str:
    return ", ".join(str(name) for name in values)


def count(value) -> int:
    """A stored count for choosing a plural form; anything else reads as many."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 2


def quantity(value) -> str:
    """A stored count in the active language's grouping (10,000,000 / 10 000 000)."""
    return number(value)


def date(value: str) -> str:
    """A stored ISO date in the active language's format (May 9, 2026 / 9 mai 2026)."""
    try:
        return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value)
