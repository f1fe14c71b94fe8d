"""Which offers a subscription may be upgraded to, and why not the others (docs/domain.md §4).

Side-effect free: it only reads. A whole page of subscriptions is answered with a fixed number
of queries (one per kind of fact: customers, holdings, grants; the catalog's offers, plans,
prices and paths come from `catalog_cache`, one stamp query when the process has them),
whatever the page size; `upgrade_options` is the page of one.

The eligibility of a subscription depends on the viewing partner only through the grant of the
partner that sold it (`sold_by`): channels in reasons are relative to that partner.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from customers.models import Customer, DelegatedAdminGrant
from partnercenter import clock
from subscriptions import catalog_cache, reasons
from subscriptions.models import Offer, Operation, ServicePlan, Subscription, channel
from subscriptions.prices import price_day, price_in_effect, term_of
from subscriptions.reasons import Reason
from subscriptions.service_changes import ServiceComparison, compare_services


@dataclass(frozen=True)
class UpgradeOption:
    target_offer: Offer
    is_eligible: bool
    upgrade_type: str
    reasons: tuple[Reason, ...]
    # The target's price per license for the source's billing period, on the upgrade's day.
    price: Decimal | None
    currency: str
    billing_cycle: str
    service_changes: ServiceComparison


@dataclass(frozen=True)
class _Holdings:
    """A customer's active subscriptions of one offer from one seller.

    Eligibility only asks which offers a customer holds and through which channel, so a
    customer with a thousand subscriptions is a few dozen groups, not a thousand rows to scan
    for every target of every subscription on the page.
    """

    offer_id: int
    sold_by_id: int | None
    pks: frozenset[int]

    def besides(self, subscription_pk: int) -> bool:
        """Whether the group holds a subscription other than `subscription_pk`."""
        return len(self.pks) > 1 or subscription_pk not in self.pks


class _Facts:
    """Everything eligibility reads for a set of subscriptions, loaded in bulk once."""

    def __init__(self, subscriptions: list[Subscription], *, today: datetime.date, extra_offer_ids=()):
        self.today = today
        customer_ids = {s.customer_id for s in subscriptions}
        # The customers the subscriptions came with (a page loads them joined), the rest in bulk.
        customer_field = Subscription._meta.get_field("customer")
        self.customers = {s.customer_id: s.customer for s in subscriptions if customer_field.is_cached(s)}
        if missing := customer_ids - self.customers.keys():
            self.customers |= Customer.objects.in_bulk(missing)

        grouped: dict[tuple[int, int, int | None], set[int]] = defaultdict(set)
        # Unordered (`.order_by()`): the default ordering would join other tables only to sort
        # rows that are grouped here anyway.
        for pk, customer_id, offer_id, sold_by_id in (
            Subscription.objects.filter(customer_id__in=customer_ids, status=Subscription.Status.ACTIVE)
            .order_by()
            .values_list("pk", "customer_id", "offer_id", "sold_by_id")
        ):
            grouped[(customer_id, offer_id, sold_by_id)].add(pk)
        self.holdings: dict[int, list[_Holdings]] = defaultdict(list)
        for (customer_id, offer_id, sold_by_id), pks in grouped.items():
            self.holdings[customer_id].append(_Holdings(offer_id, sold_by_id, frozenset(pks)))

        self.grants = {
            (grant.partner_id, grant.customer_id): grant
            for grant in DelegatedAdminGrant.objects.filter(
                customer_id__in=customer_ids,
                partner_id__in={s.sold_by_id for s in subscriptions if s.sold_by_id is not None},
                service=DelegatedAdminGrant.Service.OFFICE365,
            )
        }

        # The catalog as the process keeps it: shared by every request, so only read.
        offer_ids = {s.offer_id for s in subscriptions} | set(extra_offer_ids)
        offer_ids |= {h.offer_id for holdings in self.holdings.values() for h in holdings}
        catalog = catalog_cache.current(needing=offer_ids)
        self.paths: Mapping[int, tuple[int, ...]] = catalog.paths
        self.offers: Mapping[int, Offer] = catalog.offers
        self._comparisons: dict[tuple[int, int], ServiceComparison] = {}
        self._families: dict[int, dict[str, list[ServicePlan]]] = {}

    def targets_of(self, subscription: Subscription) -> list[Offer]:
        targets = [self.offers[pk] for pk in self.paths.get(subscription.offer_id, ())]
        return sorted(targets, key=lambda offer: (offer.rank, offer.name))

    def comparison(self, source_id: int, target_id: int) -> ServiceComparison:
        key = (source_id, target_id)
        if key not in self._comparisons:
            self._comparisons[key] = compare_services(
                list(self.offers[source_id].service_plans.all()),
                list(self.offers[target_id].service_plans.all()),
            )
        return self._comparisons[key]

    def families(self, offer_id: int) -> dict[str, list[ServicePlan]]:
        if offer_id not in self._families:
            families = defaultdict(list)
            for plan in self.offers[offer_id].service_plans.all():
                families[plan.family].append(plan)
            self._families[offer_id] = families
        return self._families[offer_id]

    def price(self, subscription: Subscription, offer: Offer, currency: str) -> Decimal | None:
        """The target's price on the upgrade's day: a new-commerce target for the source's term
        and cycle, since it is coterminous with it (docs/domain.md §8)."""
        row = price_in_effect(offer.prices.all(), currency, self.today, **term_of(subscription))
        return None if row is None else row.price

    def evaluate(self, subscription: Subscription, target: Offer) -> UpgradeOption:
        customer = self.customers[subscription.customer_id]
        source_offer = self.offers[subscription.offer_id]
        currency = customer.currency
        price = self.price(subscription, target, currency)
        comparison = self.comparison(subscription.offer_id, target.pk)
        grant = self.grants.get((subscription.sold_by_id, subscription.customer_id))
        if (not_active := status_refusal(subscription)) is None:
            found = self._refusals(subscription, target, source_offer, customer, price, grant)
        else:
            # Its one reason: any other check would read the situation as if the subscription were
            # still the customer's, and an upgraded-away one "conflicts" with its own successor.
            found = [not_active]
        if grant is not None and not grant.transfers_licenses:
            upgrade_type = Operation.UpgradeType.UPGRADE_ONLY
        else:
            upgrade_type = Operation.UpgradeType.WITH_LICENSE_TRANSFER
        return UpgradeOption(
            target_offer=target,
            is_eligible=not found,
            upgrade_type=upgrade_type.value,
            reasons=tuple(found),
            price=price,
            currency=currency,
            billing_cycle=subscription.billing_cycle,
            service_changes=comparison,
        )

    def _refusals(self, subscription, target, source_offer, customer, price, grant) -> list[Reason]:
        """Every check of an active subscription that `target` fails (docs/domain.md §4)."""
        found: list[Reason] = []
        source_paths = self.paths.get(subscription.offer_id, ())
        if target.pk not in source_paths:
            found.append(
                Reason(
                    reasons.NO_UPGRADE_PATH,
                    {
                        "offer": source_offer.name,
                        "target": target.name,
                        "source_has_paths": bool(source_paths),
                    },
                )
            )

        # Without its own price row, the subscription's credit cannot be billed.
        source_price = price_in_effect(
            source_offer.prices.all(),
            customer.currency,
            price_day(subscription, self.today),
            **term_of(subscription),
        )
        if source_price is None:
            found.append(Reason(reasons.SUBSCRIPTION_NOT_PRICED, {"offer": source_offer.name}))

        # An offer with no price in the customer's currency cannot be sold there either.
        if not target.is_sold_in(customer.market) or price is None:
            found.append(
                Reason(reasons.TARGET_NOT_SOLD_IN_MARKET, {"target": target.name, "market": customer.market})
            )

        if (refusal := grant_refusal(grant, today=self.today)) is not None:
            found.append(refusal)

        others = [h for h in self.holdings.get(subscription.customer_id, ()) if h.besides(subscription.pk)]
        owned_channels = sorted(
            {channel(h.sold_by_id, subscription.sold_by_id) for h in others if h.offer_id == target.pk}
        )
        for owned_as in owned_channels:
            found.append(Reason(reasons.TARGET_ALREADY_OWNED, {"target": target.name, "channel": owned_as}))

        added = self.comparison(subscription.offer_id, target.pk).added_families
        conflicts: dict[tuple[str, str], set[str]] = defaultdict(set)
        for holding in others:
            if holding.offer_id == target.pk:
                continue  # already said: the customer owns the target itself
            families = self.families(holding.offer_id)
            for family in added & families.keys():
                seen_as = channel(holding.sold_by_id, subscription.sold_by_id)
                conflicts[(self.offers[holding.offer_id].name, seen_as)].update(
                    p.name for p in families[family]
                )
        for (offer_name, seen_as), services in sorted(conflicts.items()):
            found.append(
                Reason(
                    reasons.CONFLICTING_SERVICES,
                    {
                        "services": sorted(services),
                        "offer": offer_name,
                        "channel": seen_as,
                        "target": target.name,
                    },
                )
            )
        return found


def status_refusal(subscription: Subscription) -> Reason | None:
    """The one reason of a subscription that is not active (docs/domain.md §4), or None."""
    if subscription.is_active:
        return None
    return Reason(reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": subscription.status})


def selling_partners_grant(subscription: Subscription) -> DelegatedAdminGrant | None:
    """The grant of the partner that sold `subscription` over its customer (one query): what a
    change made on the customer's behalf needs."""
    return DelegatedAdminGrant.objects.filter(
        partner_id=subscription.sold_by_id,
        customer_id=subscription.customer_id,
        service=DelegatedAdminGrant.Service.OFFICE365,
    ).first()


def grant_refusal(grant: DelegatedAdminGrant | None, *, today: datetime.date) -> Reason | None:
    """Why the selling partner's grant does not let it change the subscription today, or None.

    The one grant rule of the upgrade and of the quantity change: a change made on the
    customer's behalf needs delegated admin privileges that count (docs/domain.md §1).
    """
    if grant is not None and grant.counts_on(today):
        return None
    if grant is None:
        return Reason(reasons.DELEGATED_ADMIN_MISSING, {"state": reasons.GRANT_MISSING})
    state = reasons.GRANT_TERMINATED if grant.status == grant.Status.TERMINATED else reasons.GRANT_EXPIRED
    end_date = grant.end_date.isoformat() if grant.end_date else None
    return Reason(reasons.DELEGATED_ADMIN_MISSING, {"state": state, "end_date": end_date})


def upgrade_options_for_page(
    subscriptions: Iterable[Subscription], *, today: datetime.date | None = None
) -> dict[int, list[UpgradeOption]]:
    """Every subscription's options keyed by pk, in a fixed number of queries."""
    subscriptions = list(subscriptions)
    if not subscriptions:
        return {}
    facts = _Facts(subscriptions, today=today or clock.today())
    return {s.pk: [facts.evaluate(s, target) for target in facts.targets_of(s)] for s in subscriptions}


def upgrade_options(subscription: Subscription, *, today: datetime.date | None = None) -> list[UpgradeOption]:
    """One option per target of the source offer's upgrade paths, in the catalog's order; [] if none."""
    return upgrade_options_for_page([subscription], today=today)[subscription.pk]


def evaluate_upgrade(
    subscription: Subscription, target_offer: Offer, *, today: datetime.date | None = None
) -> UpgradeOption:
    """The answer for one (subscription, target), including targets not on any path."""
    facts = _Facts([subscription], today=today or clock.today(), extra_offer_ids={target_offer.pk})
    return facts.evaluate(subscription, facts.offers[target_offer.pk])


def is_upgradable(options: Iterable[UpgradeOption]) -> bool:
    """Any eligible target; the caller adds the role check (`partner_user.may_change`)."""
    return any(option.is_eligible for option in options)


def has_refusals(options: Iterable[UpgradeOption]) -> bool:
    """Upgrade paths, none of them eligible: what "Why can't this be upgraded?" answers."""
    options = list(options)
    return bool(options) and not is_upgradable(options)


def refusals_by_message(options: Iterable[UpgradeOption]) -> list[tuple[Reason, list[str]]]:
    """Each refusal in words once, with its first reason (for its links) and the offers it
    applies to, in the catalog's order: what a list of "Offers concerned" shows."""
    grouped: dict[str, tuple[Reason, list[str]]] = {}
    for option in options:
        for reason in option.reasons:
            grouped.setdefault(reason.message, (reason, []))[1].append(option.target_offer.label)
    return list(grouped.values())
