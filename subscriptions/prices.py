"""Which price a subscription or an offer pays on a day (docs/domain.md §2).

Prices are rows with effective dates per offer, currency, term and billing cycle. The row in
effect on a day is the latest that took effect on or before it. A new-commerce subscription pays
the price of its price-lock day until it renews; a legacy one pays today's list price. Reads the
process's catalog, so pricing a page of subscriptions costs no query.
"""

import datetime
from collections.abc import Iterable

from subscriptions import catalog_cache
from subscriptions.models import BillingCycle, Offer, OfferPrice, Subscription


def price_in_effect(
    rows: Iterable[OfferPrice],
    currency: str,
    day: datetime.date,
    *,
    term_duration: str = "",
    billing_cycle: str = BillingCycle.MONTHLY.value,
) -> OfferPrice | None:
    """Of an offer's price `rows`, the one in effect on `day` for the currency, term and cycle:
    the latest `effective_from` on or before it (docs/domain.md §2); None without one."""
    found = None
    for row in rows:
        if (row.currency, row.term_duration, row.billing_cycle) != (currency, term_duration, billing_cycle):
            continue
        if row.effective_from <= day and (found is None or row.effective_from > found.effective_from):
            found = row
    return found


def price_on(offer: Offer, currency: str, day: datetime.date, **term) -> OfferPrice:
    """`price_in_effect` from the process's catalog (no query); raises OfferPrice.DoesNotExist
    when the price list has none."""
    found = price_in_effect(catalog_cache.offer(offer.pk).prices.all(), currency, day, **term)
    if found is None:
        raise OfferPrice.DoesNotExist(f"{offer} has no price in {currency} on {day}.")
    return found


def term_of(subscription: Subscription) -> dict:
    """The term and billing cycle its price rows are looked up by: the subscription's own for new
    commerce; none for legacy (the rows' defaults: no term, monthly)."""
    if not subscription.is_new_commerce:
        return {}
    return {"term_duration": subscription.term_duration, "billing_cycle": subscription.billing_cycle}


def price_day(subscription: Subscription, today: datetime.date) -> datetime.date:
    """The day whose price row the subscription pays: its price lock for new commerce (until it
    renews), today for legacy."""
    return subscription.price_locked_on if subscription.is_new_commerce else today


def subscription_price(subscription: Subscription, today: datetime.date) -> OfferPrice:
    """What `subscription` pays per license and billing period: for new commerce, the price of its
    price-lock day until it renews; for legacy, today's list price."""
    return price_on(
        subscription.offer,
        subscription.customer.currency,
        price_day(subscription, today),
        **term_of(subscription),
    )


def target_price(source: Subscription, offer: Offer, today: datetime.date) -> OfferPrice:
    """What the target of an upgrade of `source` pays: the row in effect on its own start day
    (today), for the source's term and cycle, as it is coterminous with it (docs/domain.md §8)."""
    return price_on(offer, source.customer.currency, today, **term_of(source))


def subscription_price_or_none(subscription: Subscription, today: datetime.date) -> OfferPrice | None:
    """`subscription_price`, or None where the price list has no row for it (a page says so)."""
    try:
        return subscription_price(subscription, today)
    except OfferPrice.DoesNotExist:
        return None
