"""The partner's subscription pages: the upgrade (choose the new offer and Submit, then read the
result), the subscription page, Add licenses, and the activity log.

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
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from customers.tenancy import partner_view
from subscriptions import activity, billing, eligibility, quantity, reasons, report, services
from subscriptions.activity import ActivityFilterForm
from subscriptions.forms import LicensedUserSearchForm, QuantityChangeForm, UpgradeForm
from subscriptions.models import (
    BillingLine,
    Channel,
    LicenseAssignment,
    OfferPrice,
    Operation,
    Subscription,
)
from subscriptions.templatetags.money import number

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


# --- The subscription page ------------------------------------------------------------------

LICENSED_USERS_PER_PAGE = 50
# The page shows the latest billing lines and changes; the activity log has every one.
SUBSCRIPTION_HISTORY_LIMIT = 50


@require_GET
@partner_view
def subscription_detail(request, subscription_id: int):
    """Everything about one subscription: figures, services, licensed users, billing, history.

    The licensed users are searched and paged through the same URL: htmx gets only that part.
    """
    subscription = get_object_or_404(
        Subscription.objects.sold_by(request.partner).select_related("customer", "offer", "upgraded_to"),
        pk=subscription_id,
    )
    search = LicensedUserSearchForm(request.GET)
    licenses = (
        # The customer filter changes no row (its users are the only ones licensed), but it
        # keeps PostgreSQL from walking every customer's users in UPN order to find this
        # subscription's first 50: 0.3 s for a 10,000-user subscription among 100,000 users.
        search.search(
            LicenseAssignment.objects.filter(
                subscription=subscription, user__customer_id=subscription.customer_id
            )
        )
        .select_related("user")
        .prefetch_related("disabled_plans")
        .order_by("user__user_principal_name", "pk")
    )
    users_page = Paginator(licenses, LICENSED_USERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "subscription": subscription,
        "customer": subscription.customer,
        "search": search,
        "query": search.cleaned_data.get("q", "") if search.is_valid() else "",
        "users_page": users_page,
    }
    template = "subscriptions/subscription_detail.html"
    if _is_fragment_request(request):
        response = TemplateResponse(request, f"{template}#licensed-users", context)
        patch_vary_headers(response, ("HX-Request",))
        return response

    today = timezone.localdate()
    may_change = request.partner_user.may_change
    is_active = subscription.status == Subscription.Status.ACTIVE
    options = eligibility.upgrade_options(subscription, today=today) if may_change and is_active else []
    assigned = subscription.licenses.count()
    history = (
        Operation.objects.for_partner(request.partner)
        .filter(
            Q(subscription=subscription) | Q(target_subscription=subscription),
            result=Operation.Result.SUCCEEDED,
        )
        .select_related("actor", "subscription", "target_subscription", "target_offer")
        .order_by("-created_at", "-pk")
    )
    billing_lines = (
        BillingLine.objects.filter(subscription=subscription)
        .select_related("operation__actor", "subscription")
        .order_by("-operation__created_at", "-pk")
    )
    context |= {
        "assigned_count": assigned,
        "channel": Channel(subscription.channel_for(request.partner)).label,
        "next_anniversary": subscription.next_anniversary(today) if is_active else None,
        "service_plans": subscription.offer.service_plans.order_by("name"),
        "history": list(history[:SUBSCRIPTION_HISTORY_LIMIT]),
        "history_count": history.count(),
        "billing_lines": list(billing_lines[:SUBSCRIPTION_HISTORY_LIMIT]),
        "billing_count": billing_lines.count(),
        "may_add_licenses": may_change and is_active,
        "is_upgradable": may_change and eligibility.is_upgradable(options),
        "upgrade_targets": [option.target_offer.name for option in options if option.is_eligible],
    }
    response = TemplateResponse(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- Add licenses (change the quantity) -----------------------------------------------------


_QUANTITY_REFUSALS = frozenset(
    {
        reasons.QUANTITY_UNCHANGED,
        reasons.QUANTITY_BELOW_MINIMUM,
        reasons.QUANTITY_BELOW_ASSIGNED,
        reasons.QUANTITY_ABOVE_MAXIMUM,
    }
)


def _quantity_context(subscription, form, *, today, refusal=None) -> dict:
    """The form's state: its limits, and the preview of the quantity typed (or why it can't be)."""
    assigned = subscription.licenses.count()
    blocker = quantity.change_blocker(subscription, today=today)
    preview_refusal = impact = None
    if blocker is None and form.is_bound and form.is_valid():
        preview_refusal = quantity.quantity_change_refusal(
            subscription,
            quantity=form.cleaned_data["quantity"],
            based_on=form.cleaned_data["based_on"],
            assigned=assigned,
            today=today,
        )
        if preview_refusal is None:
            impact = billing.quantity_change_billing_impact(
                subscription=subscription, new_quantity=form.cleaned_data["quantity"], today=today
            )
    if refusal is not None and preview_refusal is not None and preview_refusal.code == refusal.code:
        preview_refusal = None  # the alert above the form says it already
    shown = refusal or preview_refusal
    return {
        "subscription": subscription,
        "customer": subscription.customer,
        "form": form,
        "limits": quantity.quantity_limits(subscription, assigned=assigned),
        "monthly_price": _monthly_price(subscription),
        "blocker": blocker,
        "refusal": refusal,
        "preview_refusal": preview_refusal,
        # Past the offer's maximum, the way on is an upgrade: link it when one takes the seats.
        "upgrade_pointer": bool(
            shown is not None
            and shown.code == reasons.QUANTITY_ABOVE_MAXIMUM
            and shown.params.get("upgrade_targets")
        ),
        "impact": impact,
        # The number typed is what the engine refused: the input points at the alert.
        "quantity_refused": refusal is not None and refusal.code in _QUANTITY_REFUSALS,
        # A form whose token was lost or forged comes back with a fresh one.
        "token": uuid.uuid4() if form["token"].errors else form["token"].value(),
        "based_on": form["based_on"].value() if not form["based_on"].errors else subscription.quantity,
        "show_errors": form.is_bound and bool(form.errors),
    }


def _monthly_price(subscription) -> Decimal | None:
    try:
        return billing.monthly_price(subscription.offer, subscription.customer.currency)
    except OfferPrice.DoesNotExist:
        return None


def _fresh_quantity_form(subscription, *, token) -> QuantityChangeForm:
    return QuantityChangeForm(
        initial={"quantity": subscription.quantity, "based_on": subscription.quantity, "token": token}
    )


@require_http_methods(["GET", "POST"])
@partner_view(may_change=True)
def subscription_change_quantity(request, subscription_id: int):
    """Add (or remove) licenses: the new quantity, its prorated billing previewed live, Submit.

    Like the upgrade page: a form error or a refusal re-renders the form with the same token
    (200 for htmx, 400 for a plain POST); a success redirects to the subscription page
    (HX-Redirect for htmx). A change made meanwhile comes back as a fresh form on the new
    quantity. A GET with `quantity` previews it (htmx gets only the preview).
    """
    subscription = _partner_subscription(request, subscription_id)
    today = timezone.localdate()
    refusal = None

    if request.method == "POST":
        form = QuantityChangeForm(request.POST)
        if "preview" not in request.POST and form.is_valid():
            try:
                operation = services.subscription_change_quantity(
                    subscription=subscription,
                    quantity=form.cleaned_data["quantity"],
                    based_on=form.cleaned_data["based_on"],
                    actor=request.user,
                    token=form.cleaned_data["token"],
                    today=today,
                )
            except services.QuantityChangeRefused as refused:
                refusal = refused.reason
            except Exception:
                # The engine logged the failed attempt and changed nothing.
                logger.exception("Quantity change of subscription %s failed", subscription.pk)
                refusal = reasons.Reason(reasons.UNEXPECTED_ERROR, {})
            else:
                messages.success(
                    request,
                    _("%(name)s now has %(quantity)s licenses (was %(previous)s).")
                    % {
                        "name": subscription.friendly_name,
                        "quantity": number(operation.quantity),
                        "previous": number(operation.previous_quantity),
                    },
                )
                url = reverse("subscriptions:detail", args=[subscription.pk])
                return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
            subscription = _partner_subscription(request, subscription_id)
            if refusal.code == reasons.QUANTITY_CHANGED_MEANWHILE:
                # A fresh form on the new quantity: the partner decides again, nothing is lost.
                form = _fresh_quantity_form(subscription, token=form.cleaned_data["token"])
        previewing = "preview" in request.POST and refusal is None
        status = HTTPStatus.OK if request.htmx or previewing else HTTPStatus.BAD_REQUEST
        fragment = "quantity-form"
    else:
        if "quantity" in request.GET:
            data = request.GET.copy()
            data.setdefault("based_on", str(subscription.quantity))
            data.setdefault("token", str(uuid.uuid4()))
            form = QuantityChangeForm(data)
        else:
            form = _fresh_quantity_form(subscription, token=uuid.uuid4())
        status = HTTPStatus.OK
        fragment = "quantity-preview"

    template = "subscriptions/change_quantity.html"
    if _is_fragment_request(request):
        template += f"#{fragment}"
    context = _quantity_context(subscription, form, today=today, refusal=refusal)
    response = TemplateResponse(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- The activity log -----------------------------------------------------------------------

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
    template = "subscriptions/activity.html"
    if _is_fragment_request(request):
        template += "#activity-results"
    response = TemplateResponse(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@partner_view
def activity_csv(request):
    """The filtered log, every page of it, as CSV."""
    form = ActivityFilterForm(request.GET, partner=request.partner)
    operations = form.filter(activity.operations_for(request.partner))
    response = StreamingHttpResponse(activity.csv_lines(operations), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="activity-log.csv"'
    return response
