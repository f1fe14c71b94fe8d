"""Where long codes and addresses may wrap: a narrow column breaks them where a reader would.

`breakable` marks the break points with <wbr>: inside a CamelCase error code before each word
(Prohibited|In|Usage|Location|Violation), inside an e-mail address before "@" and ".". The CSS
then breaks anywhere else only when one piece alone is wider than the column.
"""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BREAK_POINTS = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=.)(?=[@.])")


@register.filter
def breakable(value) -> SafeString:
    pieces = _BREAK_POINTS.split(str(value))
    return mark_safe("<wbr>".join(escape(piece) for piece in pieces))
