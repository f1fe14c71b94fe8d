"""Country names for market and usage-location codes, in the active language."""

from babel import Locale, UnknownLocaleError
from django import template

from subscriptions.formatting import babel_locale

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """ "US" -> "United States (US)"; an unknown code is shown as it is."""
    if not code:
        return ""
    try:
        name = Locale.parse(babel_locale()).territories.get(code.upper())
    except (UnknownLocaleError, ValueError):
        name = None
    return f"{name} ({code})" if name else code
