"""The answer to a POST refused by CSRF protection (`CSRF_FAILURE_VIEW`).

The usual cause is no attack: the page was loaded before its token changed, because the partner
signed in again in another tab (signing in rotates it). So the answer says what happened, that
nothing was changed, and links back to the page, whose reload brings a fresh token. A plain
POST gets that as a page. An htmx POST gets it as a message for the region every page shows its
messages in (`HX-Retarget`), still with the 403 status: htmx swaps no 4xx by itself, and
static/js/session.js lets it swap a 403 that names where it goes. Django's CSRF middleware logs
the refusal (`django.security.csrf`) whatever this view answers.
"""

from http import HTTPStatus

from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

from partnercenter.htmx import wants_fragment
from partnercenter.signed_out import current_page, page_on_this_site

TEMPLATE = "403_csrf.html"
# The page's message region (templates/base.html), brought into view.
MESSAGES = "#main > .messages"
SWAP = "innerHTML show:top"


def csrf_failure(request, reason=""):
    if wants_fragment(request):
        response = render(
            request, f"{TEMPLATE}#expired", {"reload_url": current_page(request)}, status=HTTPStatus.FORBIDDEN
        )
        response["HX-Retarget"] = MESSAGES
        response["HX-Reswap"] = SWAP
    else:
        # The form's page is the one that sent the POST (same-origin Referer).
        reload_url = page_on_this_site(request, request.headers.get("Referer"))
        response = render(request, TEMPLATE, {"reload_url": reload_url}, status=HTTPStatus.FORBIDDEN)
    patch_vary_headers(response, ("HX-Request",))
    # The header of the page names the signed-in user and partner.
    patch_cache_control(response, private=True, no_store=True)
    return response
