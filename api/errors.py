"""Partner Center's error envelope, for every error the API answers (docs/api.md).

`{"code", "description", "data", "source"}`: `code` is Partner Center's number where it has one,
else the HTTP status; `description` is in the request's language.
"""

import logging
from http import HTTPStatus

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from subscriptions.reasons import codes

logger = logging.getLogger(__name__)

SOURCE = "PartnerFD"
INVALID_INPUT = codes.INVALID_INPUT
SUBSCRIPTION_NOT_FOUND = 20003
# What a missing, unknown or expired bearer token is told to do (RFC 6750 §3).
BEARER_CHALLENGE = 'Bearer realm="partnercenter", error="invalid_token"'


class ApiError(Exception):
    """An answer in the envelope, raised from anywhere under an endpoint."""

    def __init__(self, status: int, code: int, description: str, data: list | None = None, *, headers=None):
        super().__init__(description)
        self.status, self.code, self.description, self.data = status, code, description, data or []
        self.headers = headers or {}


def subscription_not_found(subscription_id) -> ApiError:
    """Partner Center's 20003: also for another partner's subscription (never a 403)."""
    return ApiError(
        HTTPStatus.NOT_FOUND,
        SUBSCRIPTION_NOT_FOUND,
        _("Subscription with id %(id)s not found.") % {"id": subscription_id},
    )


def unsupported_media_type(content_type: str) -> JsonResponse:
    return envelope(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        _("The body must be JSON (Content-Type: application/json), not %(type)s.")
        % {"type": content_type or _("no type")},
    )


def not_acceptable(accepted: str) -> JsonResponse:
    return envelope(
        HTTPStatus.NOT_ACCEPTABLE,
        HTTPStatus.NOT_ACCEPTABLE,
        _("This API answers in JSON only; the request accepts %(accepted)s.") % {"accepted": accepted},
    )


def read_only() -> ApiError:
    return ApiError(
        HTTPStatus.FORBIDDEN, HTTPStatus.FORBIDDEN, _("This application's role may only read, not change.")
    )


def envelope_body(code: int, description: str, data: list | None = None) -> dict:
    return {"code": code, "description": description, "data": data or [], "source": SOURCE}


def envelope(status: int, code: int, description: str, data: list | None = None) -> JsonResponse:
    return JsonResponse(envelope_body(code, description, data), status=status)


def not_found() -> JsonResponse:
    return envelope(HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND, _("The resource was not found."))


def as_envelope(response, method: str):
    """Django's own answers to an unknown path or method under /api/, in the envelope; others
    unchanged."""
    if response.get("Content-Type", "").startswith("application/json"):
        return response
    if response.status_code == HTTPStatus.NOT_FOUND:
        return not_found()
    if response.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        answer = envelope(
            HTTPStatus.METHOD_NOT_ALLOWED,
            HTTPStatus.METHOD_NOT_ALLOWED,
            _("The method %(method)s is not allowed on this resource.") % {"method": method},
        )
        answer["Allow"] = response.get("Allow", "")
        return answer
    return response


def _field_of(location) -> str:
    """A field as the client wrote it: `size`, `targetOffer.id`. ninja's location starts with
    where it looked (query, path, body) and, for a body, the view's name for it."""
    where, *rest = location or ("",)
    return ".".join(str(part) for part in (rest[1:] if where == "body" else rest))


def install(api) -> None:
    """The API's exception handlers: every error it answers is in the envelope."""

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        response = envelope(exc.status, exc.code, exc.description, exc.data)
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(Http404)
    def http_404(request, exc):
        return not_found()

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = envelope(
            HTTPStatus.UNAUTHORIZED,
            HTTPStatus.UNAUTHORIZED,
            _("A valid bearer token is required: ask /api/oauth2/token for one."),
        )
        response["WWW-Authenticate"] = BEARER_CHALLENGE
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        # ninja's own refusals (a body that is not JSON, ...): its words go in `data`.
        if exc.status_code == HTTPStatus.BAD_REQUEST:
            return envelope(HTTPStatus.BAD_REQUEST, INVALID_INPUT, _("The request is not valid."), [str(exc)])
        if exc.status_code == HTTPStatus.TOO_MANY_REQUESTS:
            return envelope(
                HTTPStatus.TOO_MANY_REQUESTS,
                HTTPStatus.TOO_MANY_REQUESTS,
                _("Too many requests: wait the seconds Retry-After says, then try again."),
            )
        return envelope(exc.status_code, exc.status_code, str(exc))

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        # The engine has logged a failed attempt and its traceback; the caller gets the envelope.
        logger.exception("API request failed: %s %s", request.method, request.path)
        return envelope(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            HTTPStatus.INTERNAL_SERVER_ERROR,
            _("Something went wrong on our side; nothing was changed. Try again."),
        )

    @api.exception_handler(ValidationError)
    def invalid_input(request, exc: ValidationError):
        data = [f"{_field_of(error.get('loc', ()))}: {error.get('msg', '')}" for error in exc.errors]
        return envelope(HTTPStatus.BAD_REQUEST, INVALID_INPUT, _("The request is not valid."), data)
