"""The partner's landing page (its customers) and a customer's subscriptions.

Thin views: tenancy comes from `partnercenter.tenancy`, eligibility from
`subscriptions.eligibility`; the views only pick what the signed-in role may see and which
template or fragment to render.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from customers.forms import CustomerSearchForm
from partnercenter import clock
from partnercenter.htmx import render_page_or_fragment
from partnercenter.tenancy import customers_for, get_customer_or_404, partner_view
from subscriptions import eligibility
from subscriptions.models import Channel, Subscription

CUSTOMERS_PER_PAGE = 50
# A customer may hold a thousand subscriptions: the page shows 50, and only those 50 pay for the
# eligibility checks.
SUBSCRIPTIONS_PER_PAGE = 50


@require_GET
@partner_view
def customer_list(request):
    form = CustomerSearchForm(request.GET)
    customers = form.search(customers_for(request)).order_by("name", "pk")
    page = Paginator(customers, CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    # Counted for the page's 50 customers, once it is cut.
    counts = Subscription.objects.filter(sold_by=request.partner).count_by_customer(page.object_list)
    for customer in page.object_list:
        customer.subscription_count = counts.get(customer.pk, 0)
    context = {"form": form, "page": page, "query": form.cleaned_data.get("q", "") if form.is_valid() else ""}
    return render_page_or_fragment(request, "customers/customer_list.html", context, fragment="results")


@dataclass(frozen=True)
class SubscriptionRow:
    """One line of a customer's subscription list, with what the signed-in user may do on it."""

    subscription: Subscription
    channel: str
    next_anniversary: datetime.date | None
    # Upgrade now is offered: an eligible target exists and the role may change subscriptions.
    is_upgradable: bool
    # The eligible targets' names, shown beside Upgrade now.
    upgrade_targets: tuple[str, ...]
    # Why not, when the subscription has upgrade paths but nothing eligible: (message, targets).
    refusals: tuple[tuple[str, tuple[str, ...]], ...]
    # Add licenses is offered: the subscription is active and the role may change subscriptions.
    may_add_licenses: bool = False

    @classmethod
    def build(cls, subscription, options, *, partner, today, may_change=False) -> "SubscriptionRow":
        is_upgradable = eligibility.is_upgradable(options)
        grouped: dict[str, list[str]] = {}
        if options and not is_upgradable:
            for option in options:
                for reason in option.reasons:
                    grouped.setdefault(reason.message, []).append(option.target_offer.name)
        return cls(
            subscription=subscription,
            channel=Channel(subscription.channel_for(partner)).label,
            next_anniversary=subscription.next_anniversary(today),
            is_upgradable=is_upgradable,
            upgrade_targets=tuple(option.target_offer.name for option in options if option.is_eligible),
            refusals=tuple((message, tuple(targets)) for message, targets in grouped.items()),
            may_add_licenses=may_change and subscription.is_active,
        )


@require_GET
@partner_view
def customer_detail(request, customer_id: int):
    customer = get_customer_or_404(request, customer_id)
    page = Paginator(
        Subscription.objects.in_scope_of(request.partner)
        .filter(customer=customer)
        # The upgrade that replaced a cancelled row, for its report link: joined, not one query a row.
        .select_related("offer", "upgraded_to", "upgraded_to__created_by_operation")
        .with_assigned_count()
        .order_by("friendly_name", "pk"),
        SUBSCRIPTIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    subscriptions = list(page.object_list)
    # A role that may not change subscriptions gets no upgrade control at all, not even the
    # reasons, so its page does not pay for the eligibility checks either.
    may_change = request.actor.may_change
    today = clock.today()
    options = eligibility.upgrade_options_for_page(subscriptions, today=today) if may_change else {}
    rows = [
        SubscriptionRow.build(
            subscription,
            options.get(subscription.pk, []),
            partner=request.partner,
            today=today,
            may_change=may_change,
        )
        for subscription in subscriptions
    ]
    return TemplateResponse(
        request, "customers/customer_detail.html", {"customer": customer, "rows": rows, "page": page}
    )
