"""One URL, one view, page or fragment: how every partner page answers htmx.

An htmx request gets the named inline partial of the page's template (Django's
`"page.html#fragment"`), anything else the whole page. A history restore is an htmx request
too (the back button once htmx's cache is gone) and needs the whole page. Since the same URL
answers both, every such response says `Vary: HX-Request`, or a cache could hand a fragment to
a plain visit.
"""

from http import HTTPStatus

from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers


def wants_fragment(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_page_or_fragment(
    request, template: str, context: dict, *, fragment: str, status: int = HTTPStatus.OK
) -> TemplateResponse:
    """`template`, or its partial `fragment` for htmx; varied on `HX-Request` either way."""
    name = f"{template}#{fragment}" if wants_fragment(request) else template
    return render_page(request, name, context, status=status)


def render_page(request, template: str, context: dict, *, status: int = HTTPStatus.OK) -> TemplateResponse:
    """The whole page of a URL that also serves a fragment: varied on `HX-Request` too."""
    response = TemplateResponse(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
