"""The partner's activity log: every upgrade and quantity change, refused and failed attempts too."""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.views.decorators.http import require_GET

from partnercenter.htmx import render_page_or_fragment
from partnercenter.tenancy import partner_view
from subscriptions import activity, billing_export
from subscriptions.activity_filters import ActivityFilterForm

ACTIVITY_ROWS_PER_PAGE = 50


@require_GET
@partner_view
def activity_log(request):
    """Every upgrade and quantity change of the partner, refused and failed attempts too."""
    form = ActivityFilterForm(request.GET, partner=request.partner)
    operations = form.filter(activity.operations_for(request.partner))
    page = Paginator(operations, ACTIVITY_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    csv_query = request.GET.copy()
    csv_query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [activity.activity_row(operation) for operation in page.object_list],
        "csv_query": csv_query.urlencode(),
    }
    return render_page_or_fragment(
        request, "subscriptions/activity.html", context, fragment="activity-results"
    )


@require_GET
@partner_view
def activity_csv(request):
    """The filtered log, every page of it, as CSV."""
    form = ActivityFilterForm(request.GET, partner=request.partner)
    operations = form.filter(activity.operations_for(request.partner))
    lines = activity.csv_lines(operations, with_margin=request.actor.sees_margin)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="activity-log.csv"'
    return response


@require_GET
@partner_view
def billing_lines_csv(request):
    """The billing lines of the filtered log, with the margin for the roles that see it."""
    form = ActivityFilterForm(request.GET, partner=request.partner)
    lines = billing_export.lines_of(form.filter(activity.operations_for(request.partner)))
    rows = billing_export.csv_lines(lines, with_margin=request.actor.sees_margin)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="billing-lines.csv"'
    return response
