"""`{{ customer.pk|object_url:"customers:detail" }}`: an object's page, for rows of a list.

The same URL as `{% url "customers:detail" customer.pk %}`, without resolving the pattern again
for every row: the pattern is reversed once per process around a placeholder id, and each row
only puts its own id in (a list of 50 rows reversed 50 times spent more on it than on its rows'
text; `make bench`, BENCHMARKS.md). Only for URL patterns whose one argument is an `int`.
"""

from functools import cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_PLACEHOLDER = 9_876_543_210  # an id no row has, so it stands alone in the reversed URL


@cache
def _around_the_id(name: str, script_prefix: str, urlconf: str | None) -> tuple[str, str]:
    url = reverse(name, args=[_PLACEHOLDER], urlconf=urlconf)
    before, after = url.split(str(_PLACEHOLDER))  # exactly once: a ValueError says otherwise
    return before, after


@register.filter
def object_url(pk, name: str) -> str:
    before, after = _around_the_id(name, get_script_prefix(), get_urlconf())
    return f"{before}{int(pk)}{after}"
