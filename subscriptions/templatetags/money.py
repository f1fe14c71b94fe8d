"""`{{ amount|money:currency }}`, `{{ daily|money_exact:currency }}`, `{{ count|number }}`.

The formatting itself is `subscriptions.formatting`'s, shared with reasons and exports.
"""

from django import template

from subscriptions import formatting

register = template.Library()

register.filter("money", formatting.money)
register.filter("money_exact", formatting.money_exact)
register.filter("number", formatting.number)
