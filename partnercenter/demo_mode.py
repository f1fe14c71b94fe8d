"""The demo's error pages: the app's own 404 page, even though `make run` has DEBUG on.

With DEBUG on, Django answers an `Http404` with its technical page (the URL patterns tried, the
settings file's name), whether the resolver raised it or `partner_view` turned it into a response
(django.core.handlers.exception.response_for_exception). A demo is shown to people who should
see what a partner sees, so with `DEMO_MODE` on this middleware swaps that page for the one
DEBUG off would give: the URLconf's 404 handler, which renders templates/404.html in the active
language. A `PermissionDenied` needs nothing: Django renders templates/403.html even with DEBUG on.
"""

from django.conf import settings
from django.http import Http404, HttpResponseNotFound
from django.urls import get_resolver, get_urlconf


def demo_error_pages(get_response):
    def middleware(request):
        response = get_response(request)
        # Django's exception handling answers an Http404 with an HttpResponseNotFound, the
        # technical page as the handler's; a view's own `render(..., status=404)` is left alone.
        if settings.DEBUG and settings.DEMO_MODE and isinstance(response, HttpResponseNotFound):
            return _apps_404(request, response)
        return response

    return middleware


def _apps_404(request, technical):
    handler = get_resolver(get_urlconf()).resolve_error_handler(404)
    response = handler(request, exception=Http404())
    # `partner_view` said `private, no-store` on the page swapped out: its 404 stays out of caches.
    if "Cache-Control" in technical:
        response["Cache-Control"] = technical["Cache-Control"]
    return response
