"""An object's URL for every row of a list, without resolving its pattern again for each row.

The same URL as `reverse(name, args=ids)`: the pattern is reversed once per process around
placeholder ids, and each row only puts its own ids in (a list of 50 rows reversed 50 times
spent more on it than on its rows' text; `make bench`, BENCHMARKS.md). Only for URL patterns
whose arguments are all `int`s.
"""

from functools import cache

from django.urls import get_script_prefix, get_urlconf, reverse

# Ids no row has, so each stands alone in the reversed URL.
_PLACEHOLDERS = (9_876_543_210, 9_876_543_211, 9_876_543_212)


@cache
def _pieces(name: str, arity: int, script_prefix: str, urlconf: str | None) -> tuple[str, ...]:
    url = reverse(name, args=_PLACEHOLDERS[:arity], urlconf=urlconf)
    pieces = []
    for placeholder in _PLACEHOLDERS[:arity]:
        before, url = url.split(str(placeholder))  # exactly once: a ValueError says otherwise
        pieces.append(before)
    return (*pieces, url)


def object_url(name: str, *ids) -> str:
    pieces = _pieces(name, len(ids), get_script_prefix(), get_urlconf())
    return "".join(piece + str(int(pk)) for piece, pk in zip(pieces, ids, strict=False)) + pieces[-1]
