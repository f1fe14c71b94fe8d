"""Views of the project itself rather than of one app."""

from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe  # GET, and HEAD for a liveness probe
def hello(request):
    """Django's floor on this machine: `make bench` compares every page with this one.

    It goes through the whole middleware stack like any page, and does nothing else: no
    database, no template, no session. The answer is a fixed word, so it tells a visitor
    nothing (no version, no user, no setting); it can double as a liveness check.
    """
    return HttpResponse("Hello", content_type="text/plain; charset=utf-8")
