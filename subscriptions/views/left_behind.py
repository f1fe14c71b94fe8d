"""The report is not a dead end: its accounts left behind, and what the partner can do for them.

The section is part of the report page (`left_behind_context`); each action is a plain POST
that redirects back to it (Post/Redirect/Get), saying what happened; the service decides.
"""

import uuid

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from partnercenter.object_urls import object_url
from partnercenter.tenancy import get_operation_or_404, partner_view
from subscriptions import services
from subscriptions.activity import ACTION_KINDS, describe_action
from subscriptions.formatting import babel_locale
from subscriptions.license_rules import MOVED
from subscriptions.models import AffectedAccount, LicenseAssignment, Operation

ACCOUNTS_PER_PAGE = 50
# The latest changes the section lists; the activity log has every one.
CHANGES_SHOWN = 20


# Two-letter CLDR territories that are groupings or placeholders, not countries.
NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})


def countries() -> list[tuple[str, str]]:
    """(code, name) of every country, in the active language, by name."""
    territories = babel_locale().territories
    return sorted(
        (
            (code, name)
            for code, name in territories.items()
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
        ),
        key=lambda item: item[1],
    )


class ActionForm(forms.Form):
    token = forms.UUIDField(
        error_messages={"required": _("This form has expired. Reload the page and try again.")}
    )


class UsageLocationForm(ActionForm):
    usage_location = forms.CharField(
        label=gettext_lazy("Usage location"),
        max_length=2,
        error_messages={"required": gettext_lazy("Choose the country the account is used in.")},
    )

    def clean_usage_location(self) -> str:
        code = self.cleaned_data["usage_location"].strip().upper()
        if code not in dict(countries()):
            raise forms.ValidationError(_("Choose the country the account is used in."))
        return code


def left_behind_context(operation, *, page_number) -> dict:
    """The report's accounts that did not move, a page at a time, each with what it is now."""
    target = operation.target_subscription
    accounts = (
        operation.affected_accounts.exclude(outcome=MOVED)
        .select_related("user")
        .order_by("user_principal_name", "pk")
    )
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(page_number)
    user_ids = [account.user_id for account in page.object_list if account.user_id]
    licensed = set(
        LicenseAssignment.objects.filter(subscription=target, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    rows = [
        {
            "account": account,
            "outcome": AffectedAccount.Outcome(account.outcome).label,
            "licensed": account.user_id in licensed,
            "missing_location": account.user is not None and not account.user.usage_location,
            "token": uuid.uuid4(),
            # Each row's two actions: reversed once per process, not twice per row.
            "assign_url": object_url("subscriptions:account-assign", operation.pk, account.pk),
            "location_url": object_url("subscriptions:account-usage-location", operation.pk, account.pk),
        }
        for account in page.object_list
    ]
    changes = (
        Operation.objects.filter(
            subscription=target, kind__in=ACTION_KINDS, result=Operation.Result.SUCCEEDED
        )
        .select_related("actor", "customer_user", "subscription__offer")
        .order_by("-created_at", "-pk")[:CHANGES_SHOWN]
    )
    return {
        "left_behind_page": page,
        "left_behind_rows": rows,
        "seats_left": services.seats_left(target),
        "retry_token": uuid.uuid4(),
        "changes_since": [(change, describe_action(change)) for change in changes],
        "countries": countries() if any(row["missing_location"] for row in rows) else [],
    }


def _report(operation) -> str:
    return reverse("subscriptions:operation", args=[operation.pk]) + "#left-behind"


def _account(operation, account_id):
    """An account of this report (a moved one too: the service tells it it is licensed already)."""
    return get_object_or_404(
        operation.affected_accounts.select_related("user"), pk=account_id, user__isnull=False
    )


def _act(request, operation, form, action) -> None:
    """Run `action(token)` for a valid form, and tell the partner what came of it. A GET (a link
    followed, a reload) only goes back to the report, once tenancy has had its say."""
    if request.method != "POST":
        return
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return
    try:
        done = action(form.cleaned_data["token"])
    except services.LeftBehindRefused as refused:
        messages.error(request, refused.reason.message)
    except services.OutOfScope:
        raise
    except Exception:
        # The engine logged the failure and its traceback, and changed nothing.
        messages.error(request, _("Something went wrong and nothing was changed. Try again in a moment."))
    else:
        messages.success(request, describe_action(done))


@require_http_methods(["GET", "POST"])
@partner_view(may_change=True)
def account_assign(request, operation_id: int, account_id: int):
    operation = get_operation_or_404(request, operation_id)
    account = _account(operation, account_id)
    _act(
        request,
        operation,
        ActionForm(request.POST),
        lambda token: services.account_license_assign(
            operation=operation, account=account, actor=request.actor, token=token
        ),
    )
    return redirect(_report(operation))


@require_http_methods(["GET", "POST"])
@partner_view(may_change=True)
def account_usage_location(request, operation_id: int, account_id: int):
    operation = get_operation_or_404(request, operation_id)
    account = _account(operation, account_id)
    form = UsageLocationForm(request.POST)
    _act(
        request,
        operation,
        form,
        lambda token: services.account_usage_location_set(
            operation=operation,
            account=account,
            usage_location=form.cleaned_data["usage_location"],
            actor=request.actor,
            token=token,
        ),
    )
    return redirect(_report(operation))


@require_http_methods(["GET", "POST"])
@partner_view(may_change=True)
def accounts_retry(request, operation_id: int):
    operation = get_operation_or_404(request, operation_id)
    _act(
        request,
        operation,
        ActionForm(request.POST),
        lambda token: services.report_retry(operation=operation, actor=request.actor, token=token),
    )
    return redirect(_report(operation))
