"""An upgrade's report: its billing and the accounts and services that were affected, and its CSV."""

from decimal import Decimal

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.views.decorators.http import require_GET

from partnercenter.htmx import render_page_or_fragment, wants_fragment
from partnercenter.tenancy import get_operation_or_404, partner_view
from subscriptions import billing, report, report_csv
from subscriptions.views.left_behind import left_behind_context

AFFECTED_ROWS_PER_PAGE = 50


@require_GET
@partner_view
def operation_detail(request, operation_id: int):
    """The upgrade's result and the list of accounts and services that were affected."""
    operation = get_operation_or_404(request, operation_id)
    # Only the page shown is read in full: a report can run to 80,000 lines.
    layout = report.ReportLayout(operation)
    view = request.GET.get("kind")
    kinds = report.view_kinds(view)
    page = Paginator(layout.lines(kinds=kinds), AFFECTED_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    gained, tiers = report.shared_facts(operation) if layout.outcomes["moved"] else ([], [])
    billing_lines = list(operation.billing_lines.select_related("subscription"))
    context = {
        "operation": operation,
        "customer": operation.customer,
        "billing_lines": billing_lines,
        "net": sum((line.amount for line in billing_lines), start=Decimal("0.00")),
        "net_margin": billing.margin_of(billing_lines),
        "lines_have_cost": billing.has_cost(billing_lines),
        "currency": billing_lines[0].currency if billing_lines else operation.customer.currency,
        "outcomes": layout.outcomes,
        "page": page,
        # The view's key: one kind, "all", or "" for the default view (errors and actions).
        "kind": kinds[0] if len(kinds) == 1 else (report.ALL if view == report.ALL else ""),
        "default_count": sum(layout.counts[kind] for kind in report.DEFAULT_KINDS),
        "shared_gains": gained,
        "shared_tiers": tiers,
        "total_rows": layout.total,
        "kind_filters": [(value, report.KIND_LABELS[value], layout.counts[value]) for value in report.KINDS],
    }
    if not wants_fragment(request):  # the fragment is the affected list alone
        context |= left_behind_context(operation, page_number=request.GET.get("accounts"))
    return render_page_or_fragment(request, "subscriptions/operation.html", context, fragment="affected")


@require_GET
@partner_view
def operation_csv(request, operation_id: int):
    """The affected rows as CSV: those of the kind the page filters on (`?kind=`), or all.

    Streamed, the accounts read a page at a time: a report can run to 80,000 lines.
    """
    operation = get_operation_or_404(request, operation_id)
    lines = report_csv.csv_lines(operation, kind=report.kind_filter(request.GET.get("kind")))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="operation-{operation.pk}-affected-accounts.csv"'
    return response
