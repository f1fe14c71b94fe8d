"""What a signed-out visitor of a partner page gets: the sign-in page, which brings them back.

A plain request is redirected to it, with the request's URL as `next`, as Django's
`login_required` does. An htmx request (a live preview, a search as you type, a Submit) cannot
be: htmx follows a 302 inside its request and would paste the sign-in page into the fragment's
target, and push the sign-in URL into the address bar with `hx-push-url`. It gets `HX-Redirect`
instead, which htmx obeys before any swap or history push by loading the sign-in page in the
tab. Its `next` is the page the partner is on, never the fragment's URL: the `HX-Current-URL`
htmx sends, when it is a page of this site, and the site root otherwise. A history restore is
the exception: htmx swaps whatever it gets into the body and ignores `HX-Redirect` there, so it
gets the plain redirect, its URL being the page's (see partnercenter/htmx.py).
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from partnercenter.htmx import wants_fragment

SITE_ROOT = "/"


def sign_in_answer(request) -> HttpResponse:
    """The way to the sign-in page for a signed-out request to a partner page."""
    if wants_fragment(request):
        # 200 and no body: htmx leaves the page as it is while the tab loads the sign-in page.
        response = HttpResponse()
        response["HX-Redirect"] = redirect_to_login(current_page(request))["Location"]
    else:
        response = redirect_to_login(request.get_full_path())
    # The same URL answers both ways, by the HX-Request header.
    patch_vary_headers(response, ("HX-Request",))
    return response


def current_page(request) -> str:
    """The page an htmx request came from: `HX-Current-URL`, what the address bar shows."""
    return page_on_this_site(request, request.htmx.current_url)


def page_on_this_site(request, url: str | None) -> str:
    """`url` as a path of this site, for a link or `next`; the site root when in doubt.

    Only its path and query are kept, and only when it names this site with the request's own
    scheme: anything else could send the partner elsewhere (after signing in, or reloading).
    """
    split = urlsplit(url or "")
    if (split.scheme, split.netloc) != (request.scheme, request.get_host()):
        return SITE_ROOT
    path = urlunsplit(("", "", split.path, split.query, ""))
    on_this_site = path.startswith("/") and url_has_allowed_host_and_scheme(
        path, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not on_this_site or split.path == resolve_url(settings.LOGIN_URL):
        return SITE_ROOT
    return path
