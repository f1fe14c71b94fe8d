"""Sign-in lockouts (django-axes): what a locked-out sign-in sees, and whose name and address count."""

import math
from http import HTTPStatus

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render


def client_ip_address(request) -> str | None:
    """The address failed sign-ins are counted against (AXES_CLIENT_IP_CALLABLE).

    Behind the TLS proxy (BEHIND_TLS_PROXY) every request comes from the proxy, so the client is
    the last address of X-Forwarded-For: the one our proxy appended. Earlier entries come from
    the client and may be forged, so they never count.
    """
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


# axes stores the name in a column of 255 characters, and PostgreSQL refuses a longer one.
_USERNAME_COLUMN = AccessAttempt._meta.get_field("username").max_length


def attempted_username(request, credentials=None) -> str | None:
    """The user name failed sign-ins are counted against (AXES_USERNAME_CALLABLE).

    What was typed, made storable: a NUL (which PostgreSQL cannot store) becomes U+FFFD, and a
    name too long for axes' column is cut to fit. No real user name has either (Django's allow
    150 characters of letters, digits and @.+-_), so no partner shares a count with them.
    """
    username = credentials.get("username") if credentials else request.POST.get("username")
    if username is None:
        return None
    return username.replace("\x00", "\ufffd")[:_USERNAME_COLUMN]


def locked_out(request, original_response=None, credentials=None):
    """The sign-in page itself, saying why and for how long (AXES_LOCKOUT_CALLABLE).

    Rather than axes' bare text: the person at the keyboard may be the partner who mistyped.
    """
    cool_off = get_cool_off(request)
    context = {
        "form": AuthenticationForm(request),
        "locked_out": True,
        # AXES_COOLOFF_TIME is always set (settings.py): a lockout always ends by itself.
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60),
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }
    return render(request, "registration/login.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)
