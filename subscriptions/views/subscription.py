"""The subscription page: figures, services, licensed users (searched and paged), billing, history."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.views.decorators.http import require_GET

from partnercenter import clock
from partnercenter.htmx import render_page, render_page_or_fragment, wants_fragment
from partnercenter.tenancy import get_subscription_or_404, partner_view
from subscriptions import billing, catalog_cache, eligibility, prices
from subscriptions.forms import LicensedUserSearchForm
from subscriptions.models import BillingLine, Channel, LicenseAssignment, Operation

LICENSED_USERS_PER_PAGE = 50
# The page shows the latest billing lines and changes; the activity log has every one.
SUBSCRIPTION_HISTORY_LIMIT = 50


@require_GET
@partner_view
def subscription_detail(request, subscription_id: int):
    """Everything about one subscription: figures, services, licensed users, billing, history.

    The licensed users are searched and paged through the same URL: htmx gets only that part.
    """
    subscription = get_subscription_or_404(
        request,
        subscription_id,
        related=(
            "customer",
            "offer",
            "base_subscription",
            "upgraded_to__offer",
            "upgraded_to__created_by_operation__actor",
        ),
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
    paginator = Paginator(licenses, LICENSED_USERS_PER_PAGE)
    assigned_count = subscription.licenses.count()
    if not search.is_filtering:
        # Unsearched, the list is every license of the subscription: the count it shows anyway,
        # rather than counting again through the join the UPN order needs (3 ms at 10,000 users).
        paginator.count = assigned_count
    users_page = paginator.get_page(request.GET.get("page"))
    context = {
        "subscription": subscription,
        "customer": subscription.customer,
        "search": search,
        "query": search.cleaned_data.get("q", "") if search.is_valid() else "",
        "users_page": users_page,
    }
    template = "subscriptions/subscription_detail.html"
    if wants_fragment(request):
        return render_page_or_fragment(request, template, context, fragment="licensed-users")

    today = clock.today()
    may_change = request.actor.may_change
    may_act = may_change and subscription.is_active
    options = eligibility.upgrade_options(subscription, today=today) if may_act else []
    # Add licenses where it can succeed, its reason in its place where it can only be refused
    # (the grant), nothing where it does not apply (docs/domain.md §4).
    license_refusal = (
        eligibility.grant_refusal(eligibility.selling_partners_grant(subscription), today=today)
        if may_act
        else None
    )
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
    shown_lines = list(billing_lines[:SUBSCRIPTION_HISTORY_LIMIT])
    context |= {
        "assigned_count": assigned_count,
        "price": prices.subscription_price_or_none(subscription, today),
        "channel": Channel(subscription.channel_for(request.partner)).label,
        "next_anniversary": subscription.next_anniversary(today),
        "service_plans": sorted(
            catalog_cache.offer(subscription.offer_id).service_plans.all(), key=lambda plan: plan.name
        ),
        "history": list(history[:SUBSCRIPTION_HISTORY_LIMIT]),
        "history_count": history.count(),
        "billing_lines": shown_lines,
        "lines_have_cost": billing.has_cost(shown_lines),
        "billing_count": billing_lines.count(),
        "may_add_licenses": may_act and license_refusal is None,
        "license_refusal": license_refusal,
        "is_upgradable": may_change and eligibility.is_upgradable(options),
        "upgrade_targets": [option.target_offer.label for option in options if option.is_eligible],
    }
    return render_page(request, template, context)
