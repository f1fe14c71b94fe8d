"""Add licenses: the new quantity, its prorated billing previewed live as the partner types, Submit."""

import uuid
from http import HTTPStatus

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from partnercenter import clock
from partnercenter.htmx import render_page_or_fragment
from partnercenter.tenancy import get_subscription_or_404, partner_view
from subscriptions import prices, reasons, recurring_cost, services
from subscriptions.formatting import number
from subscriptions.forms import QuantityChangeForm
from subscriptions.quantity import assess_quantity_change

# Refusals of the number typed: the input points at the alert that says why.
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
    valid = form.is_bound and form.is_valid()
    assessment = assess_quantity_change(
        subscription,
        quantity=form.cleaned_data["quantity"] if valid else None,
        based_on=form.cleaned_data["based_on"] if valid else None,
        today=today,
    )
    preview_refusal = assessment.refusal if assessment.blocker is None else None
    if refusal is not None and preview_refusal is not None and preview_refusal.code == refusal.code:
        preview_refusal = None  # the answer to the submit says it already
    # What is wrong with the number typed is said once, under the field: the form's own error,
    # or the engine's refusal of that number (at submit, or as the partner types).
    quantity_reason = next(
        (r for r in (refusal, preview_refusal) if r is not None and r.code in _QUANTITY_REFUSALS), None
    )
    return {
        "subscription": subscription,
        "customer": subscription.customer,
        "form": form,
        "limits": assessment.limits,
        "price": prices.subscription_price_or_none(subscription, today),
        "blocker": assessment.blocker,
        "refusal": refusal,
        # The submit's refusal when it is not about the number typed (that one is under the field).
        "alert_refusal": refusal if refusal is not None and refusal is not quantity_reason else None,
        "preview_refusal": preview_refusal if preview_refusal is not quantity_reason else None,
        "quantity_message": form.errors["quantity"][0]
        if "quantity" in form.errors
        else (quantity_reason.message if quantity_reason else ""),
        # Past the offer's maximum, the way on is an upgrade: link it when one takes more seats.
        "upgrade_pointer": bool(
            quantity_reason is not None
            and quantity_reason.code == reasons.QUANTITY_ABOVE_MAXIMUM
            and quantity_reason.params.get("upgrade_targets")
        ),
        "impact": assessment.impact,
        "recurring": (
            recurring_cost.quantity_change_recurring_cost(
                subscription=subscription, new_quantity=form.cleaned_data["quantity"], today=today
            )
            if assessment.impact
            else None
        ),
        # A form whose token was lost or forged comes back with a fresh one.
        "token": uuid.uuid4() if form["token"].errors else form["token"].value(),
        "based_on": form["based_on"].value() if not form["based_on"].errors else subscription.quantity,
        "show_errors": form.is_bound and bool(form.errors),
    }


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
    subscription = get_subscription_or_404(request, subscription_id)
    today = clock.today()
    refusal = None

    if request.method == "POST":
        form = QuantityChangeForm(request.POST)
        if "preview" not in request.POST and form.is_valid():
            try:
                operation = services.subscription_change_quantity(
                    subscription=subscription,
                    quantity=form.cleaned_data["quantity"],
                    based_on=form.cleaned_data["based_on"],
                    actor=request.actor,
                    token=form.cleaned_data["token"],
                    today=today,
                )
            except services.QuantityChangeRefused as refused:
                refusal = refused.reason
            except services.OutOfScope:
                raise
            except Exception:
                # The engine logged the failed attempt (and its traceback) and changed nothing.
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
            subscription = get_subscription_or_404(request, subscription_id)
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

    context = _quantity_context(subscription, form, today=today, refusal=refusal)
    return render_page_or_fragment(
        request, "subscriptions/change_quantity.html", context, fragment=fragment, status=status
    )
