"""Collections paged Partner Center's way (docs/api.md): `size` items at most (up to 500), and
`links.next` naming the next page by an `MS-ContinuationToken` header."""

from http import HTTPStatus
from typing import Annotated

from django.core import signing
from django.utils.translation import gettext as _
from ninja import Query

from api.errors import INVALID_INPUT, ApiError

MAX_SIZE = 500
CONTINUATION = "MS-ContinuationToken"
_SALT = "api.paging"

# The `size` query parameter of every collection, its limits in the OpenAPI document too.
Size = Annotated[int, Query(MAX_SIZE, ge=1, le=MAX_SIZE, description="Items per page, 1 to 500.")]


def page_of(request, queryset, size: int, uri: str) -> tuple[list, int, dict]:
    """The page the request's continuation token points to (the first without one): its
    objects, the total count and the collection's links. `size` is bounded by `Size`."""
    offset = _offset(request.headers.get(CONTINUATION))
    total = queryset.count()
    objects = list(queryset[offset : offset + size])
    links = {"self": {"uri": uri, "method": "GET", "headers": []}}
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
