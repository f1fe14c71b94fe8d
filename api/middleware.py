"""What every answer under /api/ shares (docs/api.md): Partner Center's request headers echoed,
the language its clients ask for, and its error envelope for Django's own 404 and 405."""

import uuid

from django.conf import settings
from django.utils import translation

from api import errors
from api.errors import as_envelope

API_PREFIX = "/api/"
ECHOED = ("MS-CorrelationId", "MS-RequestId")
BODY_METHODS = {"POST", "PUT", "PATCH"}
TOKEN_PATH = "/api/oauth2/token"


def api_language(request) -> str:
    """`X-Locale`, else `Accept-Language`, else English; never the session's or a cookie's choice:
    a script's answers must not depend on who last used a browser."""
    for header in ("X-Locale", "Accept-Language"):
        for part in request.headers.get(header, "").split(","):
            code = part.split(";")[0].strip()
            if not code or code == "*":
                continue
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
    return settings.LANGUAGE_CODE


def _echoed(request, header: str) -> str:
    """The client's id when it is one (Partner Center's are GUIDs), else a fresh one."""
    try:
        return str(uuid.UUID(request.headers.get(header, "")))
    except ValueError:
        return str(uuid.uuid4())


def _media_refusal(request):
    """415 for a body that is not JSON, 406 for a client that takes no JSON (the token endpoint,
    form-encoded as OAuth's, aside); None when the request may go on."""
    if request.path == TOKEN_PATH:
        return None
    if request.method in BODY_METHODS and request.body:
        content_type = request.content_type or ""
        if content_type != "application/json":
            return errors.unsupported_media_type(content_type)
    accepted = request.headers.get("Accept", "")
    if accepted and not any(
        kind.split(";")[0].strip() in {"application/json", "application/*", "*/*", "text/html"}
        for kind in accepted.split(",")
    ):
        return errors.not_acceptable(accepted)
    return None


def api_headers(get_response):
    def middleware(request):
        if not request.path.startswith(API_PREFIX):
            return get_response(request)
        echoed = {header: _echoed(request, header) for header in ECHOED}
        with translation.override(api_language(request)):
            response = _media_refusal(request) or as_envelope(get_response(request), request.method)
            # Unless the view said otherwise: the docs page is in the site's language (api/openapi.py).
            response.setdefault("Content-Language", translation.get_language())
        for header, value in echoed.items():
            response[header] = value
        return response

    return middleware
