"""Why a subscription can't be upgraded: the customer page's popover content, fetched when it
opens, and the same answer as a small page for a visitor without JavaScript.

The customer page only knows that a row has refusals (`eligibility.has_refusals`); the words
come from here, one subscription at a time, so a list of fifty rows does not carry fifty
popovers nobody opens. The answer is the subscription as it is now: the list may be stale.
"""

from django.views.decorators.http import require_GET

from partnercenter.htmx import render_page_or_fragment
from partnercenter.tenancy import get_subscription_or_404, partner_view
from subscriptions import eligibility

# The upgraded-away note (`_upgraded_note.html`) needs what replaced the subscription: joined.
REASONS_PAGE_RELATED = ("customer", "offer", "upgraded_to__offer", "upgraded_to__created_by_operation__actor")

NOT_ACTIVE = "not_active"
NO_PATHS = "no_paths"
UPGRADABLE = "upgradable"
REFUSED = "refused"


def _answer(subscription) -> dict:
    """The state to say, and what goes with it: the status's reason, the targets, or the refusals."""
    if (refusal := eligibility.status_refusal(subscription)) is not None:
        # Its state, never the other checks (docs/domain.md §4).
        return {"state": NOT_ACTIVE, "status_refusal": refusal}
    options = eligibility.upgrade_options(subscription)
    if not options:
        return {"state": NO_PATHS}
    if eligibility.is_upgradable(options):
        targets = [option.target_offer.label for option in options if option.is_eligible]
        return {"state": UPGRADABLE, "upgrade_targets": targets}
    return {"state": REFUSED, "refusals": eligibility.refusals_by_message(options)}


@require_GET
@partner_view(may_change=True)
def upgrade_reasons(request, subscription_id: int):
    """The grouped refusals of a subscription (each message once, with its links and the offers
    it concerns); htmx gets the popover's content, a plain GET the page.

    Behind `may_change` like the upgrade page: a read-only role sees no upgrade control at all.
    """
    subscription = get_subscription_or_404(request, subscription_id, related=REASONS_PAGE_RELATED)
    context = {"subscription": subscription, "customer": subscription.customer, **_answer(subscription)}
    return render_page_or_fragment(
        request, "subscriptions/upgrade_reasons.html", context, fragment="upgrade-reasons-popover"
    )
