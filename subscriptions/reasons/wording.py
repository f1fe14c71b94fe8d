"""The shared wording helpers of every vocabulary: stored parameters put into the active language.

Parameters are stored as JSON; a page or an export may read one written by an older version,
so a missing parameter reads as blank rather than breaking the page.
"""

import datetime
import re

from django.utils.formats import date_format
from django.utils.translation import get_language

from subscriptions.formatting import number, offer_label

# Parameters that hold an offer's stored name: put into words as the catalog names it in the
# active language.
OFFER_KEYS = frozenset({"offer", "target", "source"})


class Params(dict):
    """Stored parameters; a missing one reads as blank rather than breaking a page or a report.
    Offer names read in the active language."""

    def __missing__(self, key):
        return ""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        return offer_label(value) if key in OFFER_KEYS and isinstance(value, str) else value

    def get(self, key, default=""):
        # Through `__getitem__`, so that `get` reads offer names in words too.
        return self[key] if key in self else default  # noqa: SIM401


# French elides "de" and "que" before a vowel: a name put into a sentence ("d’Exchange Online",
# "d’Office 365") takes the apostrophe the translator could not write in advance.
_ELISION = re.compile(r"\b([DdQq]u?e) (?=[AEIOUÀÂÉÈÊËÎÏÔÛaeiouàâéèêëîïôû])")


def elide(text: str) -> str:
    """`text` with the active language's elisions made (French only)."""
    if not (get_language() or "").startswith("fr"):
        return text
    return _ELISION.sub(lambda match: f"{match.group(1)[:-1]}’", text)


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
