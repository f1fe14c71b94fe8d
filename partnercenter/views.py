"""Views of the project itself rather than of one app: the benchmark's floors."""

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_safe

from partnercenter.tenancy import partner_view


@require_safe  # GET, and HEAD for a liveness probe
def hello(request):
    """Django's floor on this machine: `make bench` compares every page with this one.

    It goes through the whole middleware stack like any page, and does nothing else: no
    database, no template, no session. The answer is a fixed word, so it tells a visitor
    nothing (no version, no user, no setting); it can double as a liveness check.
    """
    return HttpResponse("Hello", content_type="text/plain; charset=utf-8")


@require_GET
@partner_view
def signed_in_floor(request):
    """The floor of every signed-in page: `make bench` compares each page with this one.

    What any partner page pays before it reads a customer: the session, the partner user,
    the partner and the page header (`base.html`) with an empty content block.
    """
    return TemplateResponse(request, "base.html")
