"""`POST /api/oauth2/token`: the client-credentials grant, shaped like the Microsoft identity
platform's (docs/api.md). Its errors are OAuth's (RFC 6749 §5.2), not the envelope."""

import base64
import binascii
from http import HTTPStatus

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from api.models import ApiApplication
from api.throttling import counted, failures_so_far, this_minute


def _oauth_error(status: int, error: str, description: str) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    if status == HTTPStatus.UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Basic realm="partnercenter"'
    return response


def _credentials(request) -> tuple[str, str]:
    """From the form, or HTTP Basic (RFC 6749 §2.3.1)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            client_id, _sep, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        return client_id, secret
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


@csrf_exempt  # no cookie is read: the client authenticates with its own secret
@never_cache
@require_POST
def token(request):
    grant_type = request.POST.get("grant_type", "")
    if grant_type != "client_credentials":
        if not grant_type:
            return _oauth_error(HTTPStatus.BAD_REQUEST, "invalid_request", _("grant_type is required."))
        return _oauth_error(
            HTTPStatus.BAD_REQUEST, "unsupported_grant_type", _("Only client_credentials is supported.")
        )
    client_id, secret = _credentials(request)
    # Guessing secrets is slowed per client id and per address, like the sign-in lockout.
    minute, wait = this_minute()
    guarded = [
        f"token-failures:client:{client_id}",
        f"token-failures:address:{request.META.get('REMOTE_ADDR', '')}",
    ]
    if failures_so_far(guarded, minute) >= settings.API_TOKEN_FAILURES_PER_MINUTE:
        response = _oauth_error(
            HTTPStatus.TOO_MANY_REQUESTS,
            "temporarily_unavailable",
            _("Too many failed attempts: wait, then try again."),
        )
        response["Retry-After"] = str(wait)
        return response
    application = (
        ApiApplication.objects.filter(client_id=client_id, enabled=True).first() if client_id else None
    )
    if application is None or not application.check_secret(secret):
        if application is None:
            make_password(secret)  # the same work as a wrong secret
        for key in guarded:
            counted(key, minute)
        return _oauth_error(
            HTTPStatus.UNAUTHORIZED, "invalid_client", _("The client id or the client secret is wrong.")
        )
    access_token, expires_in = application.issue_token()
    return JsonResponse({"token_type": "Bearer", "expires_in": expires_in, "access_token": access_token})
