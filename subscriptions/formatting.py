"""Numbers, money and offer names in the active language's conventions (docs/domain.md §8).

Plain functions, so that reasons, the activity log and exports format as the templates do
(whose `money`, `money_exact` and `number` filters are these). English uses US conventions
("$1,234.50"), French those of France ("1 234,50 $US"), whatever the currency.
"""

import functools
from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency, format_decimal
from django.utils.translation import get_language, gettext_lazy, to_locale

LOCALES = {"en": "en_US", "fr": "fr_FR"}


def babel_locale() -> Locale:
    language = get_language() or "en"
    return _parsed_locale(LOCALES.get(language.split("-")[0], to_locale(language)))


@functools.cache
def _parsed_locale(name: str) -> Locale:
    # Parsed once per process: a page of 50 subscriptions formats a hundred numbers, and Babel
    # would otherwise parse the locale and load its data for each one.
    return Locale.parse(name)


def money(amount, currency: str) -> str:
    """`amount` (a Decimal or anything Decimal takes) formatted in `currency`; blank stays blank."""
    if amount is None or amount == "":
        return ""
    return format_currency(Decimal(str(amount)), currency, locale=babel_locale())


def money_exact(amount, currency: str) -> str:
    """Like `money`, but keeps every decimal the amount has (a daily price has three)."""
    if amount is None or amount == "":
        return ""
    return format_currency(
        Decimal(str(amount)),
        currency,
        locale=babel_locale(),
        currency_digits=False,
        decimal_quantization=False,
    )


def number(value) -> str:
    """A count in the active language's digits grouping: 10,000,000 / 10 000 000."""
    if value is None or value == "":
        return ""
    if type(value) is int and 0 <= value < 1000:
        # Written alike in every language this app speaks (no grouping, no sign), and a page has
        # a hundred of them: Babel is for the rest.
        return str(value)
    return format_decimal(value, locale=babel_locale())


# The India offers as the source article names them in each language ("Office 365 Business
# Inde"): the stored name stays the English one, the words are the page's language's.
OFFER_LABELS = {
    "Office 365 Business India": gettext_lazy("Office 365 Business India"),
    "Office 365 Business Essentials India": gettext_lazy("Office 365 Business Essentials India"),
    "Office 365 Business Premium India": gettext_lazy("Office 365 Business Premium India"),
}


def offer_label(name: str) -> str:
    """An offer's name in the active language: the catalog's own words for it, or the name."""
    return str(OFFER_LABELS.get(name, name))
