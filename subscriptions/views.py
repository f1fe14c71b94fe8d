"""The upgrade workflow's pages: choose the new offer and Submit, then read the result.

Thin views: the subscription is loaded through the partner's scope (anything else is a 404),
eligibility and billing come from the engine, the upgrade is `services.subscription_upgrade`.
One URL serves a page and, for htmx, its fragment.
"""

import logging
import uuid
from decimal import Decimal
from http import HTTPStatus

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from customers.tenancy import partner_view
from subscriptions import billing, eligibility, reasons, report, services
from subscriptions.forms import UpgradeForm
from subscriptions.models import Operation, Subscription

logger = logging.getLogger(__name__)

AFFECTED_ROWS_PER_PAGE = 50


def _is_fragment_request(request) -> bool:
    # A history restore (back button once htmx's cache is gone) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _partner_subscription(request, subscription_id: int) -> Subscription:
    return get_object_or_404(
        Subscription.objects.sold_by(request.partner).select_related("customer", "offer"),
        pk=subscription_id,
    )


def _grouped_reasons(options) -> list[tuple[str, list[str]]]:
    """Each refusal message once, with the offers it applies to."""
    grouped: dict[str, list[str]] = {}
    for option in options:
        for reason in option.reasons:
            grouped.setdefault(reason.message, []).append(option.target_offer.name)
    return list(grouped.items())


def _billing_impact(subscription, form) -> billing.BillingImpact | None:
    """The preview for the submitted choice, once it names an eligible target and a valid quantity."""
    if not form.is_bound or not form.is_valid():
        return None
    option = form.options[form.cleaned_data["target_offer"]]
    if not option.is_eligible:
        return None
    return billing.upgrade_billing_impact(
        subscription=subscription, target_offer=option.target_offer, quantity=form.cleaned_data["quantity"]
    )


def _upgrade_context(subscription, options, form, *, refusal=None) -> dict:
    eligible = [option for option in options if option.is_eligible]
    return {
        "subscription": subscription,
        "customer": subscription.customer,
        "assigned_count": subscription.licenses.count(),
        "form": form,
        "options": options,
        "eligible_options": eligible,
        "refused_options": [option for option in options if not option.is_eligible],
        "refusal_summary": _grouped_reasons(options) if not eligible else [],
        # The grant decides it, so it is the same for every target.
        "upgrade_type": eligible[0].upgrade_type if eligible else None,
        "selected_option": form.selected_option() if form.is_bound else None,
        "impact": _billing_impact(subscription, form),
        "refusal": refusal,
        # A form whose token was lost or forged comes back with a fresh one.
        "token": uuid.uuid4() if form["token"].errors else form["token"].value(),
        "show_errors": form.is_bound and bool(form.errors),
        "quantity_max": max((option.target_offer.max_quantity for option in eligible), default=None),
    }


@require_http_methods(["GET", "POST"])
@partner_view(may_change=True)
def subscription_upgrade(request, subscription_id: int):
    """Choose the new offer and the quantity, preview the billing impact, Submit.

    Statuses: a form error or a refusal re-renders the form with the same token, 200 for htmx
    (htmx swaps only 2xx responses) and 400 for a plain POST. A success redirects to the
    report (HX-Redirect for htmx). A POST with `preview` only refreshes the billing preview:
    that is the no-JavaScript way to see it without leaking the CSRF token into a GET URL.
    """
    subscription = _partner_subscription(request, subscription_id)
    options = eligibility.upgrade_options(subscription)
    refusal = None

    if request.method == "POST":
        form = UpgradeForm(request.POST, options=options)
        if "preview" not in request.POST and form.is_valid():
            option = form.options[form.cleaned_data["target_offer"]]
            try:
                operation = services.subscription_upgrade(
                    subscription=subscription,
                    target_offer=option.target_offer,
                    quantity=form.cleaned_data["quantity"],
                    actor=request.user,
                    token=form.cleaned_data["token"],
                )
            except services.UpgradeRefused as refused:
                refusal = [reason.message for reason in refused.reasons]
            except Exception:
                # The engine logged the failed attempt and changed nothing; the partner gets a
                # clear message instead of an error page.
                logger.exception("Upgrade of subscription %s failed", subscription.pk)
                refusal = [reasons.describe(reasons.UNEXPECTED_ERROR)]
            else:
                messages.success(
                    request,
                    _("%(source)s was upgraded to %(target)s.")
                    % {"source": subscription.friendly_name, "target": option.target_offer.name},
                )
                url = reverse("subscriptions:operation", args=[operation.pk])
                return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
            # The page was stale, or another request got there first: show the situation now.
            subscription = _partner_subscription(request, subscription_id)
            options = eligibility.upgrade_options(subscription)
            form = UpgradeForm(request.POST, options=options)
        previewing = "preview" in request.POST and not refusal
        status = HTTPStatus.OK if request.htmx or previewing else HTTPStatus.BAD_REQUEST
        fragment = "upgrade-form"
    else:
        if "target_offer" in request.GET or "quantity" in request.GET:
            data = request.GET.copy()
            data["token"] = str(uuid.uuid4())
            form = UpgradeForm(data, options=options)
        else:
            initial = {"quantity": subscription.quantity, "token": uuid.uuid4()}
            form = UpgradeForm(initial=initial, options=options)
        status = HTTPStatus.OK
        fragment = "billing-preview"

    template = "subscriptions/upgrade.html"
    if _is_fragment_request(request):
        template += f"#{fragment}"
    context = _upgrade_context(subscription, options, form, refusal=refusal)
    response = TemplateResponse(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _partner_operation(request, operation_id: int) -> Operation:
    """An upgrade this partner made on a subscription it sold and still may see; 404 otherwise."""
    return get_object_or_404(
        Operation.objects.filter(
            kind=Operation.Kind.UPGRADE,
            result=Operation.Result.SUCCEEDED,
            subscription__in=Subscription.objects.sold_by(request.partner),
        ).select_related("customer", "subscription__offer", "target_offer", "target_subscription", "actor"),
        pk=operation_id,
    )


@require_GET
@partner_view
def operation_detail(request, operation_id: int):
    """The upgrade's result and the list of accounts and services that were affected."""
    operation = _partner_operation(request, operation_id)
    # Only the page shown is read in full: a report can run to 80,000 lines.
    layout = report.ReportLayout(operation)
    kind = request.GET.get("kind")
    if kind not in report.KINDS:
        kind = None
    page = Paginator(layout.lines(kind), AFFECTED_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    billing_lines = list(operation.billing_lines.select_related("subscription"))
    template = "subscriptions/operation.html"
    if _is_fragment_request(request):
        template += "#affected"
    context = {
        "operation": operation,
        "customer": operation.customer,
        "billing_lines": billing_lines,
        "net": sum((line.amount for line in billing_lines), start=Decimal("0.00")),
        "currency": billing_lines[0].currency if billing_lines else operation.customer.currency,
        "outcomes": layout.outcomes,
        "page": page,
        "kind": kind,
        "total_rows": layout.total,
        "kind_filters": [(value, report.KIND_LABELS[value], layout.counts[value]) for value in report.KINDS],
    }
    response = TemplateResponse(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@partner_view
def operation_csv(request, operation_id: int):
    """Every affected row as CSV, whatever filter the page shows."""
    operation = _partner_operation(request, operation_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="operation-{operation.pk}-affected-accounts.csv"'
    report.write_csv(report.affected_rows(operation), response)
    return response
