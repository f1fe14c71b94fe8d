"""The partner's landing page (its customers) and a customer's subscriptions.

Thin views: tenancy comes from `partnercenter.tenancy`, eligibility from
`subscriptions.eligibility`; the views only pick what the signed-in role may see and which
template or fragment to render.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, When
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from customers.forms import CustomerSearchForm
from customers.models import DelegatedAdminGrant
from partnercenter import clock
from partnercenter.htmx import render_page_or_fragment
from partnercenter.tenancy import customers_for, get_customer_or_404, partner_view
from subscriptions import eligibility, prices
from subscriptions.models import Channel, Offer, OfferPrice, Subscription
from subscriptions.reasons import Reason

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
    page.object_list = list(page.object_list)
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
    # Upgrade paths but nothing eligible: the row links to why (subscriptions:upgrade-reasons),
    # whose words the popover fetches when it opens; the list builds none of them.
    has_refusals: bool
    # Beside Upgrade now: the targets that are not possible, hinted with a link to why.
    blocked_targets: tuple[Offer, ...] = ()
    # Add licenses is offered: the subscription is active, the role may change subscriptions and
    # the grant counts.
    may_add_licenses: bool = False
    # Why Add licenses can only be refused, in its place (an active subscription, a role that may
    # change it, a grant that does not count); None otherwise (docs/domain.md §4).
    license_refusal: Reason | None = None
    # New commerce: the price row it pays until renewal, shown with its term (docs/domain.md §2).
    price: OfferPrice | None = None

    @classmethod
    def build(
        cls, subscription, options, *, partner, today, may_change=False, grant_refusal=None
    ) -> "SubscriptionRow":
        is_upgradable = eligibility.is_upgradable(options)
        may_act = may_change and subscription.is_active
        return cls(
            subscription=subscription,
            channel=Channel(subscription.channel_for(partner)).label,
            next_anniversary=subscription.next_anniversary(today),
            is_upgradable=is_upgradable,
            upgrade_targets=tuple(option.target_offer.label for option in options if option.is_eligible),
            has_refusals=eligibility.has_refusals(options),
            blocked_targets=tuple(o.target_offer for o in options if not o.is_eligible)
            if is_upgradable
            else (),
            may_add_licenses=may_act and grant_refusal is None,
            license_refusal=grant_refusal if may_act else None,
            price=prices.subscription_price_or_none(subscription, today)
            if subscription.is_new_commerce
            else None,
        )


@require_GET
@partner_view
def customer_detail(request, customer_id: int):
    customer = get_customer_or_404(request, customer_id)
    page = Paginator(
        Subscription.objects.in_scope_of(request.partner)
        .filter(customer=customer)
        # What replaced an upgraded-away row, when and by whom: joined, not one query a row.
        .select_related("offer", "upgraded_to__offer", "upgraded_to__created_by_operation__actor")
        .with_assigned_count()
        # Cancelled rows last: what the partner can still act on comes first (docs/domain.md §4).
        .order_by(Case(When(status=Subscription.Status.DELETED, then=1), default=0), "friendly_name", "pk"),
        SUBSCRIPTIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    subscriptions = list(page.object_list)
    for subscription in subscriptions:
        subscription.customer = customer  # the one already read: eligibility asks for it
    # A role that may not change subscriptions gets no upgrade control at all, not even the
    # reasons, so its page does not pay for the eligibility checks either.
    may_change = request.actor.may_change
    today = clock.today()
    # Only an active subscription is evaluated: any other shows its state, never advice.
    active = [subscription for subscription in subscriptions if subscription.is_active]
    options = eligibility.upgrade_options_for_page(active, today=today) if may_change else {}
    # The header's grant, one query: every subscription on the page was sold by this partner
    # (`in_scope_of`), so it is also the grant Add licenses needs (docs/domain.md §1).
    grant = DelegatedAdminGrant.objects.filter(
        partner=request.partner, customer=customer, service=DelegatedAdminGrant.Service.OFFICE365
    ).first()
    refusal = eligibility.grant_refusal(grant, today=today)
    rows = [
        SubscriptionRow.build(
            subscription,
            options.get(subscription.pk, []),
            partner=request.partner,
            today=today,
            may_change=may_change,
            grant_refusal=refusal,
        )
        for subscription in subscriptions
    ]
    context = {
        "customer": customer,
        "rows": rows,
        "page": page,
        "grant": grant,
        "grant_state": refusal.params["state"] if refusal else "counting",
    }
    return TemplateResponse(request, "customers/customer_detail.html", context)
