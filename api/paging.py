"""Collections paged Partner Center's way (docs/api.md): `size` items at most (up to 500), and
`links.next` naming the next page by an `MS-ContinuationToken` header."""

from http import HTTPStatus
from typing import Annotated

from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Query

from api.errors import INVALID_INPUT, ApiError

MAX_SIZE = 500
CONTINUATION = "MS-ContinuationToken"
_SALT = "api.paging"

# The `size` query parameter of every collection, its limits in the OpenAPI document too.
Size = Annotated[
    int, Query(MAX_SIZE, ge=1, le=MAX_SIZE, description=gettext_noop("Items per page, 1 to 500."))
]


def page_of(request, queryset, size: int, uri: str, *, columns=()) -> tuple[list, int, dict]:
    """The page the request's continuation token points to (the first without one): its
    objects, the total count and the collection's links. `size` is bounded by `Size`.

    With `columns`, the page is tuples of those columns (`values_list`), and the count is made
    without the joins they need."""
    offset = _offset(request.headers.get(CONTINUATION))
    total = queryset.count()
    if columns:
        queryset = queryset.values_list(*columns)
    # Past the last item there is nothing to read: no query for an empty page.
    objects = list(queryset[offset : offset + size]) if offset < total else []
    # `next` is null on the last page, as the schema writes it (CollectionLinks), for the
    # collections answered as JSON directly too (api/answers.py).
    links = {"self": {"uri": uri, "method": "GET", "headers": []}, "next": None}
    if offset + size < total:
        token = signing.dumps(offset + size, salt=_SALT)
        links["next"] = {"uri": uri, "method": "GET", "headers": [{"key": CONTINUATION, "value": token}]}
    return objects, total, links


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        offset = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        offset = None
    if not isinstance(offset, int) or offset < 0:
        raise ApiError(HTTPStatus.BAD_REQUEST, INVALID_INPUT, _("The continuation token is not valid."))
    return offset
