"""Sentences a template composes from names: the active language's elisions (`elide`)."""

from django import template

from subscriptions.reasons.wording import elide as elide_text

register = template.Library()


@register.filter(is_safe=True)
def elide(value):
    """A translated sentence with a name put into it, elided as the language wants ("d’Office")."""
    return elide_text(value)
