"""The upgrade page: choose the new offer and the quantity, see what Submit will do, Submit."""

import uuid
from http import HTTPStatus

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from partnercenter.htmx import render_page_or_fragment
from partnercenter.tenancy import get_subscription_or_404, partner_view
from subscriptions import eligibility, reasons, services
from subscriptions.forms import UpgradeForm
from subscriptions.license_rules import MOVED
from subscriptions.models import AffectedAccount
from subscriptions.upgrade_preview import preview_upgrade, user_principal_names

ACCOUNTS_PER_PAGE = 50
# The page's subscription, with what replaced it when it was upgraded meanwhile (the card and the
# "already upgraded" answer of a second tab).
UPGRADE_PAGE_RELATED = (
    "customer",
    "offer",
    "upgraded_to__created_by_operation__actor",
    "upgraded_to__created_by_operation__target_offer",
)
OUTCOME_LABELS = dict(AffectedAccount.Outcome.choices)


def _preview(subscription, form):
    """What Submit would do for the submitted choice, once it names an eligible target and a
    valid quantity; None before."""
    if not form.is_bound or not form.is_valid():
        return None
    option = form.options[form.cleaned_data["target_offer"]]
    if not option.is_eligible:
        return None
    return preview_upgrade(subscription, option=option, quantity=form.cleaned_data["quantity"])


def _upgrade_context(subscription, options, form, *, refusal=None) -> dict:
    eligible = [option for option in options if option.is_eligible]
    preview = _preview(subscription, form)
    return {
        "subscription": subscription,
        # Upgraded already (another tab, another person): what happened, instead of a refusal.
        "upgrade_done": subscription.upgraded_to.created_by_operation if subscription.upgraded_to else None,
        "customer": subscription.customer,
        "assigned_count": subscription.licenses.count(),
        "form": form,
        "options": options,
        "eligible_options": eligible,
        "refused_options": [option for option in options if not option.is_eligible],
        "refusal_summary": eligibility.refusals_by_message(options) if not eligible else [],
        # The grant decides it, so it is the same for every target.
        "upgrade_type": eligible[0].upgrade_type if eligible else None,
        "selected_option": form.selected_option() if form.is_bound else None,
        "preview": preview,
        "impact": preview.impact if preview else None,
        "refusal": refusal,
        # A form whose token was lost or forged comes back with a fresh one.
        "token": uuid.uuid4() if form["token"].errors else form["token"].value(),
        # The version the page shows: a stale one comes back as the current one.
        "version": subscription.version,
        "show_errors": form.is_bound and bool(form.errors),
        "quantity_max": max((option.target_offer.max_quantity for option in eligible), default=None),
    }


def _fresh_choice(post, subscription, options) -> UpgradeForm:
    """The same choice on the subscription as it is now: its version, and the quantity the new
    subscription would start with by default."""
    data = post.copy()
    data["version"] = str(subscription.version)
    data.pop("accept_unlicensed", None)
    chosen = UpgradeForm(post, options=options).selected_option()
    current = subscription.quantity
    data["quantity"] = str(chosen.target_offer.default_quantity(current) if chosen else current)
    return UpgradeForm(data, options=options)


@require_http_methods(["GET", "POST"])
@partner_view(may_change=True)
def subscription_upgrade(request, subscription_id: int):
    """Choose the new offer and the quantity, see what Submit will do, Submit.

    Statuses: a form error or a refusal re-renders the form with the same token, 200 for htmx
    (htmx swaps only 2xx responses) and 400 for a plain POST (docs/decisions/0002). A success
    redirects to the report (HX-Redirect for htmx). A POST with `preview` only refreshes the
    preview: the no-JavaScript way to see it without leaking the CSRF token into a URL. A page
    drawn from an older version of the subscription comes back on the current one.
    """
    subscription = get_subscription_or_404(request, subscription_id, related=UPGRADE_PAGE_RELATED)
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
                    version=form.cleaned_data["version"],
                    accept_unlicensed=form.cleaned_data["accept_unlicensed"] or 0,
                )
            except services.UpgradeRefused as refused:
                refusal = refused.reasons
            except services.OutOfScope:
                raise
            except Exception:
                # The engine logged the failed attempt (and its traceback) and changed nothing;
                # the partner gets a clear message instead of an error page.
                refusal = [reasons.Reason(reasons.UNEXPECTED_ERROR, {})]
            else:
                _say_what_happened(request, operation)
                url = reverse("subscriptions:operation", args=[operation.pk])
                return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
            # The page was stale, or another request got there first: show the situation now.
            subscription = get_subscription_or_404(request, subscription_id, related=UPGRADE_PAGE_RELATED)
            options = eligibility.upgrade_options(subscription)
            if refusal[0].code == reasons.SUBSCRIPTION_CHANGED_MEANWHILE:
                form = _fresh_choice(request.POST, subscription, options)
            else:
                form = UpgradeForm(request.POST, options=options)
        previewing = "preview" in request.POST and not refusal
        status = HTTPStatus.OK if request.htmx or previewing else HTTPStatus.BAD_REQUEST
        fragment = "upgrade-form"
    else:
        if "target_offer" in request.GET or "quantity" in request.GET:
            data = request.GET.copy()
            data["token"] = str(uuid.uuid4())
            data.setdefault("version", str(subscription.version))
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


def _say_what_happened(request, operation) -> None:
    """A green confirmation, unless accounts need attention: the report's warning says it then."""
    if operation.affected_accounts.exclude(outcome=AffectedAccount.Outcome.MOVED).exists():
        return
    messages.success(
        request,
        _("%(source)s was upgraded to %(target)s.")
        % {"source": operation.subscription.friendly_name, "target": operation.target_offer.label},
    )


@require_GET
@partner_view(may_change=True)
def upgrade_accounts(request, subscription_id: int):
    """Every licensed account with what the chosen upgrade would do to it, a page at a time.

    The pre-flight's list on demand: the same per-user function as the upgrade, for the target
    and quantity in the query string; `show=attention` lists only the accounts that would not
    move, `show=unlicensed` those the quantity leaves without a license.
    """
    subscription = get_subscription_or_404(request, subscription_id)
    options = eligibility.upgrade_options(subscription)
    data = request.GET.copy()
    data.update({"token": str(uuid.uuid4()), "version": str(subscription.version)})
    form = UpgradeForm(data, options=options)
    preview = _preview(subscription, form)
    show = request.GET.get("show")
    rows = []
    if preview is not None:
        accounts = list(preview.plan.accounts)
        if show == "attention":
            accounts = [account for account in accounts if account.outcome != MOVED]
        elif show == "unlicensed":
            unlicensed = set(preview.plan.unlicensed_by_quantity)
            accounts = [account for account in accounts if account.user_id in unlicensed]
        page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
        names = user_principal_names([account.user_id for account in page.object_list])
        rows = [
            {
                "user_principal_name": names.get(account.user_id, ""),
                "outcome": OUTCOME_LABELS[account.outcome],
                "moves": account.outcome == MOVED,
                "notes": [
                    reasons.describe_account_entry(entry["code"], entry["params"])
                    for entry in account.entries
                ],
            }
            for account in page.object_list
        ]
    else:
        page = None
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "subscription": subscription,
        "customer": subscription.customer,
        "form": form,
        "preview": preview,
        "page": page,
        "rows": rows,
        "show": show if show in {"attention", "unlicensed"} else "",
        "query": query.urlencode(),
    }
    return render_page_or_fragment(
        request, "subscriptions/upgrade_accounts.html", context, fragment="preflight-accounts"
    )
