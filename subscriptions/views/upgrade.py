"""The upgrade page: choose the new offer and the quantity, preview the billing impact, Submit."""

import uuid
from http import HTTPStatus

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from partnercenter.htmx import render_page_or_fragment
from partnercenter.tenancy import get_subscription_or_404, partner_view
from subscriptions import billing, eligibility, reasons, services
from subscriptions.forms import UpgradeForm


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
    (htmx swaps only 2xx responses) and 400 for a plain POST (docs/decisions/0002). A success
    redirects to the report (HX-Redirect for htmx). A POST with `preview` only refreshes the
    billing preview: the no-JavaScript way to see it without leaking the CSRF token into a URL.
    """
    subscription = get_subscription_or_404(request, subscription_id)
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
                    actor=request.actor,
                    token=form.cleaned_data["token"],
                )
            except services.UpgradeRefused as refused:
                refusal = [reason.message for reason in refused.reasons]
            except services.OutOfScope:
                raise
            except Exception:
                # The engine logged the failed attempt (and its traceback) and changed nothing;
                # the partner gets a clear message instead of an error page.
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
            subscription = get_subscription_or_404(request, subscription_id)
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

    context = _upgrade_context(subscription, options, form, refusal=refusal)
    return render_page_or_fragment(
        request, "subscriptions/upgrade.html", context, fragment=fragment, status=status
    )
