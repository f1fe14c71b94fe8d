"""The catalog, the subscriptions, their licenses, and the operation log (docs/domain.md §2-§7).

Invariants the database can hold are constraints here; rules that span several rows
(eligibility, license moves) live in `subscriptions.eligibility` and `subscriptions.services`.
"""

import calendar
import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.actors import ActorKind
from customers.models import Customer, CustomerUser, Partner
from partnercenter import clock
from subscriptions.formatting import offer_label


def _market_codes(value: str) -> frozenset[str]:
    return frozenset(code for code in value.replace(",", " ").upper().split() if code)


def validate_market_codes(value: str) -> None:
    for code in _market_codes(value):
        if len(code) != 2 or not code.isalpha():
            raise ValidationError(_("%(code)s is not a two-letter country code."), params={"code": code})


class Currency(models.TextChoices):
    USD = "USD", _("US dollar")
    EUR = "EUR", _("Euro")
    INR = "INR", _("Indian rupee")


class CommerceType(models.TextChoices):
    """Partner Center's two ways of selling: the legacy license-based one of the source article,
    and new commerce, with terms and billing cycles (docs/domain.md §2)."""

    LEGACY = "legacy", _("Legacy")
    NEW_COMMERCE = "new_commerce", _("New commerce")


class TermDuration(models.TextChoices):
    """A new-commerce term, as Partner Center writes it (ISO 8601 durations)."""

    P1M = "P1M", _("1 month")
    P1Y = "P1Y", _("1 year")
    P3Y = "P3Y", _("3 years")


# Months in each term: the arithmetic of term ends and renewals.
TERM_MONTHS = {TermDuration.P1M: 1, TermDuration.P1Y: 12, TermDuration.P3Y: 36}


class BillingCycle(models.TextChoices):
    """How often a subscription is billed: legacy subscriptions are billed monthly."""

    MONTHLY = "monthly", _("Monthly")
    ANNUAL = "annual", _("Annual")


# Months in each billing period (docs/domain.md §8).
CYCLE_MONTHS = {BillingCycle.MONTHLY: 1, BillingCycle.ANNUAL: 12}


# --- Catalog --------------------------------------------------------------------------------


class ServicePlan(models.Model):
    """A service inside an offer (Exchange Online (Plan 1), Microsoft Teams, ...).

    Two plans of one family can never be enabled for the same user at once.
    """

    plan_id = models.CharField(_("service plan id"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    family = models.CharField(_("family"), max_length=100, db_index=True)

    class Meta:
        ordering = ["family", "name"]
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")

    def __str__(self):
        return self.name


class Offer(models.Model):
    """A product a partner can sell, priced per license (docs/domain.md §2).

    A new-commerce offer is a Partner Center product and SKU (`product_id`, `sku_code`); its terms
    and billing cycles are the combinations its price list has rows for.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    commerce_type = models.CharField(
        _("commerce type"), max_length=12, choices=CommerceType.choices, default=CommerceType.LEGACY
    )
    product_id = models.CharField(
        _("product id"),
        max_length=20,
        blank=True,
        help_text=_("New commerce only: the first part of the catalog item id."),
    )
    sku_code = models.CharField(
        _("SKU code"),
        max_length=10,
        blank=True,
        help_text=_("New commerce only: the second part of the catalog item id, such as 0001."),
    )
    sku_part_number = models.CharField(_("SKU part number"), max_length=100)
    sku_id = models.UUIDField(_("SKU id"), unique=True)
    sold_in = models.CharField(
        _("sold in markets"),
        max_length=500,
        blank=True,
        validators=[validate_market_codes],
        help_text=_("Country codes separated by spaces; leave blank for every market."),
    )
    not_sold_in = models.CharField(
        _("not sold in markets"),
        max_length=500,
        blank=True,
        validators=[validate_market_codes],
        help_text=_("Country codes excluded from the markets above."),
    )
    min_quantity = models.PositiveIntegerField(_("minimum quantity"), default=1)
    max_quantity = models.PositiveIntegerField(_("maximum quantity"), default=10_000_000)
    service_plans = models.ManyToManyField(
        ServicePlan, related_name="offers", blank=True, verbose_name=_("service plans")
    )
    base_offers = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="add_ons",
        blank=True,
        verbose_name=_("eligible base offers"),
        help_text=_("An add-on is sold only beside a subscription of one of these; empty for a base offer."),
    )
    # Partner Center's offer rank: the catalog's order, the order of the possible upgrades.
    rank = models.PositiveSmallIntegerField(
        _("rank"),
        default=100,
        help_text=_("Lower ranks come first wherever offers are listed, as in the possible upgrades."),
    )

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(condition=Q(min_quantity__gte=1), name="offer_min_quantity_at_least_1"),
            models.CheckConstraint(
                condition=Q(max_quantity__gte=F("min_quantity")), name="offer_max_not_below_min"
            ),
            models.CheckConstraint(
                condition=Q(commerce_type__in=["legacy", "new_commerce"]), name="offer_commerce_type_valid"
            ),
            # A new-commerce offer has its catalog item's product and SKU; a legacy one has neither.
            models.CheckConstraint(
                condition=Q(commerce_type="legacy", product_id="", sku_code="")
                | (Q(commerce_type="new_commerce") & ~Q(product_id="") & ~Q(sku_code="")),
                name="offer_catalog_item_matches_commerce_type",
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if self.commerce_type == CommerceType.NEW_COMMERCE and not (self.product_id and self.sku_code):
            raise ValidationError(_("A new-commerce offer needs its product id and SKU code."))
        if self.commerce_type == CommerceType.LEGACY and (self.product_id or self.sku_code):
            raise ValidationError(_("A legacy offer has no product id nor SKU code."))

    @property
    def is_new_commerce(self) -> bool:
        return self.commerce_type == CommerceType.NEW_COMMERCE

    def catalog_item_id(self, term_duration: str) -> str:
        """Partner Center's `productId:skuId:availabilityId` of this offer for a term."""
        return catalog_item_id(self.product_id, self.sku_code, term_duration)

    @property
    def label(self) -> str:
        """The name as pages say it, in the active language (`catalog.offer_label`)."""
        return offer_label(self.name)

    def is_sold_in(self, market: str) -> bool:
        included = _market_codes(self.sold_in)
        return (not included or market in included) and market not in _market_codes(self.not_sold_in)

    def default_quantity(self, current: int) -> int:
        """The quantity an upgrade to this offer starts with: `current` within the offer's limits."""
        return min(max(current, self.min_quantity), self.max_quantity)


def availability_id(term_duration: str) -> str:
    """The demo's availability of a term, the same for every product: visibly invented
    (`DEMO0P1Y01`), never one of Partner Center's (docs/domain.md §2)."""
    return f"DEMO0{term_duration}01"


def catalog_item_id(product_id: str, sku_code: str, term_duration: str) -> str:
    """Partner Center's `productId:skuId:availabilityId`, from a new-commerce offer's parts."""
    return f"{product_id}:{sku_code}:{availability_id(term_duration)}"


# The day the legacy price list takes effect: before any day the app bills (docs/domain.md §2).
LEGACY_PRICES_FROM = datetime.date(2011, 6, 28)


class OfferPrice(models.Model):
    """One price of the price list: per offer, currency, term and billing cycle, from a day on.

    The price in effect on a day is the row with the latest `effective_from` on or before it
    (docs/domain.md §2). Legacy rows have no term and the monthly cycle.
    """

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="prices", verbose_name=_("offer"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    term_duration = models.CharField(
        _("term"),
        max_length=3,
        choices=TermDuration.choices,
        blank=True,
        help_text=_("Blank for a legacy offer."),
    )
    billing_cycle = models.CharField(
        _("billing cycle"), max_length=8, choices=BillingCycle.choices, default=BillingCycle.MONTHLY
    )
    effective_from = models.DateField(_("effective from"), default=LEGACY_PRICES_FROM)
    price = models.DecimalField(
        _("customer's price"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Per license for one billing period: a month, or a year for annual billing."),
    )
    cost = models.DecimalField(
        _("partner's cost"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("What the partner pays per license for the same period; blank when unknown."),
    )

    class Meta:
        ordering = ["offer", "currency", "term_duration", "billing_cycle", "effective_from"]
        verbose_name = _("price")
        verbose_name_plural = _("price list")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "currency", "term_duration", "billing_cycle", "effective_from"],
                name="one_price_per_offer_term_cycle_day",
                violation_error_message=_(
                    "This offer has a price for this term and cycle from this day already."
                ),
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="price_not_negative"),
            models.CheckConstraint(condition=Q(cost__isnull=True) | Q(cost__gte=0), name="cost_not_negative"),
            models.CheckConstraint(
                condition=Q(billing_cycle__in=["monthly", "annual"]), name="price_billing_cycle_valid"
            ),
            models.CheckConstraint(
                condition=Q(term_duration__in=["", "P1M", "P1Y", "P3Y"]), name="price_term_valid"
            ),
            # A one-month term is billed monthly; a legacy row (no term) too.
            models.CheckConstraint(
                condition=~Q(billing_cycle="annual", term_duration__in=["", "P1M"]),
                name="annual_billing_needs_a_term_of_a_year_or_more",
            ),
        ]

    def __str__(self):
        term = f" {self.term_duration}/{self.billing_cycle}" if self.term_duration else ""
        return f"{self.offer}{term}: {self.price} {self.currency} from {self.effective_from}"

    @property
    def margin(self):
        """The customer's price less the partner's cost; None without a cost."""
        return None if self.cost is None else self.price - self.cost

    def clean(self):
        if self.offer_id is None:
            return
        offer = self.offer
        if offer.is_new_commerce and not self.term_duration:
            raise ValidationError({"term_duration": _("A new-commerce price needs a term.")})
        if not offer.is_new_commerce and self.term_duration:
            raise ValidationError({"term_duration": _("A legacy price has no term.")})
        if self.billing_cycle == BillingCycle.ANNUAL and self.term_duration in ("", TermDuration.P1M):
            raise ValidationError({"billing_cycle": _("Annual billing needs a term of a year or more.")})


class UpgradePath(models.Model):
    """An allowed upgrade, as data: Partner Center's table, never derived from prices."""

    source_offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="upgrade_paths", verbose_name=_("offer")
    )
    target_offer = models.ForeignKey(
        Offer,
        on_delete=models.CASCADE,
        related_name="upgrade_paths_in",
        verbose_name=_("possible upgrade"),
    )

    class Meta:
        ordering = ["source_offer__rank", "source_offer__name", "target_offer__rank", "target_offer__name"]
        verbose_name = _("upgrade path")
        verbose_name_plural = _("upgrade paths")
        constraints = [
            models.UniqueConstraint(
                fields=["source_offer", "target_offer"],
                name="one_path_per_pair",
                violation_error_message=_("This upgrade path exists already."),
            ),
            models.CheckConstraint(
                condition=~Q(source_offer=F("target_offer")),
                name="path_not_to_itself",
                violation_error_message=_("An offer cannot be upgraded to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.source_offer} → {self.target_offer}"

    def clean(self):
        # The constraints in words, under the field they are about; a field with an error is then
        # left out of the constraint checks, so each mistake is said once.
        if self.source_offer_id is None or self.target_offer_id is None:
            return
        if self.source_offer_id == self.target_offer_id:
            raise ValidationError({"target_offer": _("An offer cannot be upgraded to itself.")})
        if self.source_offer.commerce_type != self.target_offer.commerce_type:
            raise ValidationError(
                {
                    "target_offer": _(
                        "A path joins two offers of the same commerce type: legacy or new commerce."
                    )
                }
            )
        duplicate = UpgradePath.objects.filter(
            source_offer_id=self.source_offer_id, target_offer_id=self.target_offer_id
        )
        if duplicate.exclude(pk=self.pk).exists():
            raise ValidationError(
                {
                    "target_offer": _("%(source)s can already be upgraded to %(target)s.")
                    % {"source": self.source_offer, "target": self.target_offer}
                }
            )


class CatalogVersion(models.Model):
    """The catalog's version stamp: one row, given a new random token by every catalog edit.

    Each process keeps the catalog it read with the token it read it at
    (`subscriptions.catalog_cache`, docs/architecture.md "The catalog cache"): another token here
    means the catalog changed, in this process or another one.
    """

    token = models.CharField(max_length=32)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_catalog_version")]

    def __str__(self):
        return self.token


# --- Subscriptions --------------------------------------------------------------------------


class OutOfScope(ObjectDoesNotExist):
    """A subscription outside the acting partner's scope: every door answers it as "not found"."""


def scope_of(partner: Partner, *, via: str = "") -> Q:
    """The scope rule as a condition, on subscriptions or on rows that reach one through `via`.

    What a partner may see and act on: the subscriptions it sold to a customer it still has a
    reseller relationship with (docs/domain.md §1). Joined rather than `subscription__in=` a
    subquery: SQLite reads every subscription of the partner for the subquery before it looks
    at the one row asked for (5 ms for one operation of a 5,000-subscription partner). One
    relationship per partner and customer (a unique constraint), so the join adds no rows.
    """
    return Q(**{f"{via}sold_by": partner, f"{via}customer__reseller_relationships__partner": partner})


class SubscriptionQuerySet(models.QuerySet):
    def in_scope_of(self, partner: Partner) -> "SubscriptionQuerySet":
        """What a partner may see and act on (`scope_of`). Pages, services and every later door use it."""
        return self.filter(scope_of(partner))

    def update(self, **kwargs) -> int:
        # A write that bypasses `save()` still moves the version (docs/domain.md §3).
        kwargs.setdefault("version", F("version") + 1)
        return super().update(**kwargs)

    def count_by_customer(self, customers) -> dict[int, int]:
        """{customer pk: how many of these subscriptions it holds}, for `customers` only.

        Counted for a page of customers after it is cut: a JOIN + GROUP BY in the page's own
        query counted the subscriptions of every customer of the partner (2,000) to show 50.
        """
        rows = (
            self.filter(customer__in=customers)
            .order_by()
            .values("customer")
            .annotate(count=models.Count("pk"))
            .values_list("customer", "count")
        )
        return dict(rows)

    def with_assigned_count(self) -> "SubscriptionQuerySet":
        """`assigned_count`: licenses assigned from each subscription.

        A correlated subquery rather than `Count("licenses")`: a JOIN + GROUP BY aggregates every
        subscription of the customer before a page of 50 is cut (3x slower for a customer with
        1,000 of them), where the subquery is one index lookup per row.
        """
        assigned = (
            LicenseAssignment.objects.filter(subscription=models.OuterRef("pk"))
            .order_by()
            .values("subscription")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(assigned_count=Coalesce(models.Subquery(assigned), 0))


def add_months(day: datetime.date, months: int, *, anniversary_day: int | None = None) -> datetime.date:
    """`day` moved by `months`, on `anniversary_day` clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(anniversary_day or day.day, last))


def monthly_period(anchor: datetime.date, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month `today` falls in, counted forwards from `anchor` (Jan 31 -> Feb 28/29 -> Mar 31)."""
    months = (today.year - anchor.year) * 12 + today.month - anchor.month
    if add_months(anchor, months) > today:
        months -= 1
    months = max(months, 0)
    start = add_months(anchor, months)
    return start, add_months(anchor, months + 1) - datetime.timedelta(days=1)


def period_before(
    renews_on: datetime.date, months: int, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The billing period of `months` months that holds `today`, counted back from `renews_on`.

    A term's periods end the day before its renewal, each `months` long, on the renewal's day of
    the month (clamped to the month's last day). `today` on or after `renews_on`: the last period.
    """
    end, back = renews_on, months
    start = add_months(renews_on, -back, anniversary_day=renews_on.day)
    while start > today:
        end, back = start, back + months
        start = add_months(renews_on, -back, anniversary_day=renews_on.day)
    return start, end - datetime.timedelta(days=1)


def billing_period_of(
    subscription: "Subscription", today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The billing period of `subscription` holding `today` (docs/domain.md §8): a month from the
    creation day for legacy; for new commerce a month or, billed annually, a term year, counted
    back from the renewal day."""
    if not subscription.is_new_commerce:
        return monthly_period(subscription.created_on, today)
    return period_before(subscription.renews_on, CYCLE_MONTHS[subscription.billing_cycle], today)


def term_end_for(start: datetime.date, term_duration: str) -> datetime.date:
    """The last day of a new-commerce term starting on `start`."""
    return add_months(start, TERM_MONTHS[term_duration]) - datetime.timedelta(days=1)


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PENDING = "pending", _("Pending")
        SUSPENDED = "suspended", _("Suspended")
        EXPIRED = "expired", _("Expired")
        DISABLED = "disabled", _("Disabled")
        DELETED = "deleted", _("Cancelled")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("customer")
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("offer")
    )
    # Partner Center's subscription id, shown to partners; URLs use the integer key.
    subscription_id = models.UUIDField(_("subscription id"), default=uuid.uuid4, unique=True, editable=False)
    friendly_name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    # None: bought directly from Microsoft.
    sold_by = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscriptions_sold",
        verbose_name=_("sold by"),
    )
    created_on = models.DateField(_("created on"), default=clock.today)
    term_end = models.DateField(_("term end"))
    commerce_type = models.CharField(
        _("commerce type"), max_length=12, choices=CommerceType.choices, default=CommerceType.LEGACY
    )
    # New commerce only (docs/domain.md §3): the term, its billing cycle, and the day the price
    # was locked on (the term's start; a coterminous subscription's own start day).
    term_duration = models.CharField(_("term"), max_length=3, choices=TermDuration.choices, blank=True)
    billing_cycle = models.CharField(
        _("billing cycle"), max_length=8, choices=BillingCycle.choices, default=BillingCycle.MONTHLY
    )
    price_locked_on = models.DateField(
        _("price locked on"),
        null=True,
        blank=True,
        help_text=_("New commerce only: the day whose price the subscription pays until it renews."),
    )
    base_subscription = models.ForeignKey(
        "self",
        # An add-on goes with its base (what Partner Center does when the base is cancelled).
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="add_ons",
        verbose_name=_("base subscription"),
        help_text=_("An add-on only: the subscription it is sold beside."),
    )
    upgraded_to = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="upgraded_from",
        verbose_name=_("upgraded to"),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Moves on every write to the subscription, so a stale copy can be told apart."),
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["customer", "friendly_name", "pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="subscription_quantity_at_least_1"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "pending", "suspended", "expired", "disabled", "deleted"]),
                name="subscription_status_valid",
            ),
            # Only a cancelled subscription can point at what replaced it.
            models.CheckConstraint(
                condition=Q(upgraded_to__isnull=True) | Q(status="deleted"),
                name="upgraded_subscription_is_cancelled",
            ),
            # A coterminous new-commerce subscription (an upgrade's target) may start on its
            # source's last term day, and then ends that day (docs/domain.md §8).
            models.CheckConstraint(
                condition=Q(term_end__gt=F("created_on"))
                | Q(commerce_type="new_commerce", term_end=F("created_on")),
                name="term_ends_after_creation",
            ),
            # New commerce has a term and a price-lock day; legacy has neither and bills monthly.
            models.CheckConstraint(
                condition=Q(
                    commerce_type="legacy",
                    term_duration="",
                    billing_cycle="monthly",
                    price_locked_on__isnull=True,
                )
                | (
                    Q(commerce_type="new_commerce", price_locked_on__isnull=False)
                    & Q(term_duration__in=["P1M", "P1Y", "P3Y"])
                ),
                name="subscription_term_matches_commerce_type",
            ),
            models.CheckConstraint(
                condition=~Q(billing_cycle="annual", term_duration="P1M"),
                name="subscription_annual_billing_needs_a_long_term",
            ),
            models.CheckConstraint(
                condition=Q(base_subscription__isnull=True) | ~Q(base_subscription=F("pk")),
                name="add_on_not_its_own_base",
            ),
        ]

    def __str__(self):
        return f"{self.friendly_name} ({self.customer})"

    def save(self, *args, **kwargs):
        # Every write moves the version, computed by the database so that two writers never
        # store the same number; Django reads the new value back with the write (RETURNING).
        update_fields = kwargs.get("update_fields")
        writes = update_fields is None or bool(update_fields)  # Django saves nothing for []
        if not self._state.adding and writes:
            self.version = F("version") + 1
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)

    def clean(self):
        """What the constraints cannot say: the offer's commerce type, term and cycle, and an
        add-on's base (docs/domain.md §2, §3)."""
        if self.offer_id is None:
            return
        if self.commerce_type != self.offer.commerce_type:
            raise ValidationError({"offer": _("The offer is not of the subscription's commerce type.")})
        if self.is_new_commerce and not any(
            (row.term_duration, row.billing_cycle) == (self.term_duration, self.billing_cycle)
            for row in self.offer.prices.all()
        ):
            raise ValidationError(
                {"term_duration": _("The offer is not sold with this term and billing cycle.")}
            )
        bases = {offer.pk for offer in self.offer.base_offers.all()}
        base = self.base_subscription
        if bases and base is None:
            raise ValidationError({"base_subscription": _("An add-on is sold beside a base subscription.")})
        if base is None:
            return
        if not bases:
            raise ValidationError({"base_subscription": _("Only an add-on has a base subscription.")})
        if base.customer_id != self.customer_id or base.offer_id not in bases:
            raise ValidationError(
                {
                    "base_subscription": _(
                        "The base must be the customer's subscription of an eligible base offer."
                    )
                }
            )

    @property
    def is_new_commerce(self) -> bool:
        return self.commerce_type == CommerceType.NEW_COMMERCE

    @property
    def renews_on(self) -> datetime.date:
        """The day after the term's end: where a new-commerce term's billing periods count back from."""
        return self.term_end + datetime.timedelta(days=1)

    @property
    def catalog_item_id(self) -> str:
        """New commerce only: Partner Center's catalog item the subscription is of; '' for legacy."""
        return self.offer.catalog_item_id(self.term_duration) if self.is_new_commerce else ""

    @property
    def is_active(self) -> bool:
        """Only an active subscription may be upgraded or change its licenses (docs/domain.md §3)."""
        return self.status == self.Status.ACTIVE

    @property
    def term_label(self) -> str:
        """A new-commerce subscription's term and billing cycle in words ("1 year, billed
        monthly"); blank for legacy."""
        if not self.is_new_commerce:
            return ""
        term = TermDuration(self.term_duration).label
        if self.billing_cycle == BillingCycle.ANNUAL:
            return gettext("%(term)s, billed annually") % {"term": term}
        return gettext("%(term)s, billed monthly") % {"term": term}

    @property
    def status_label(self) -> str:
        """The status in words: `get_status_display()` without its copy of the choices per call
        (it rebuilds a hashable one each time, a cost every row of a list paid)."""
        return self.Status(self.status).label

    def next_anniversary(self, today: datetime.date) -> datetime.date | None:
        """The first billing anniversary after `today`; None when the subscription is not billed,
        i.e. not active (docs/domain.md §3). Every page asks this one rule.

        Legacy anniversaries count forwards from the creation day, a month at a time; a
        new-commerce subscription's count back from its renewal day, a billing period at a time,
        so a coterminous subscription is billed on its source's days (docs/domain.md §8).
        """
        if not self.is_active:
            return None
        if self.is_new_commerce:
            return billing_period_of(self, today)[1] + datetime.timedelta(days=1)
        months = (today.year - self.created_on.year) * 12 + today.month - self.created_on.month
        candidate = add_months(self.created_on, months)
        if candidate <= today:
            candidate = add_months(self.created_on, months + 1)
        return candidate

    def channel_for(self, partner: Partner | None) -> str:
        """Who sold it, as the viewing partner may be told (never another partner's name)."""
        return channel(self.sold_by_id, partner.pk if partner is not None else None)


class Channel(models.TextChoices):
    """A subscription's channel as seen by one partner (docs/domain.md §1)."""

    THIS_PARTNER = "this_partner", _("This partner")
    OTHER_PARTNER = "other_partner", _("Another partner")
    DIRECT = "direct", _("Directly from Microsoft")


def channel(sold_by_id: int | None, seen_by_id: int | None) -> str:
    """The channel of something sold by `sold_by_id` (None: Microsoft), as partner `seen_by_id` sees it."""
    if sold_by_id is None:
        return Channel.DIRECT.value
    if sold_by_id == seen_by_id:
        return Channel.THIS_PARTNER.value
    return Channel.OTHER_PARTNER.value


class LicenseAssignment(models.Model):
    """One user's license from one subscription, with the plans switched off for that user."""

    user = models.ForeignKey(
        CustomerUser, on_delete=models.CASCADE, related_name="licenses", verbose_name=_("user")
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="licenses", verbose_name=_("subscription")
    )
    disabled_plans = models.ManyToManyField(
        ServicePlan, blank=True, related_name="+", verbose_name=_("disabled service plans")
    )

    class Meta:
        verbose_name = _("license assignment")
        verbose_name_plural = _("license assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "subscription"], name="one_license_per_user_and_subscription"
            )
        ]

    def __str__(self):
        return f"{self.user} / {self.subscription.friendly_name}"


# --- The operation log ----------------------------------------------------------------------


class OperationQuerySet(models.QuerySet):
    def for_partner(self, partner: Partner) -> "OperationQuerySet":
        """A partner's activity log: what it did on the subscriptions still in its scope."""
        return self.filter(scope_of(partner, via="subscription__"), partner=partner)


class Operation(models.Model):
    """One attempt at changing a subscription: an upgrade or a quantity change.

    Append-only: it is the one table a refused or failed attempt writes (docs/domain.md §7).
    Reasons, outcomes and service changes are stored as codes and parameters and put into
    words only when shown, so the same record reads in English and in French. What each field
    means for each kind and result is said once, in its help text.
    """

    class Kind(models.TextChoices):
        UPGRADE = "upgrade", _("Upgrade")
        QUANTITY_CHANGE = "quantity_change", _("Quantity change")
        # After an upgrade, from its report: an account left behind gets its license, its usage
        # location, or all of them another try (docs/domain.md §5).
        LICENSE_ASSIGNMENT = "license_assignment", _("License assigned")
        USAGE_LOCATION_CHANGE = "usage_location_change", _("Usage location set")
        LICENSE_RETRY = "license_retry", _("Accounts retried")

    class Result(models.TextChoices):
        SUCCEEDED = "succeeded", _("Succeeded")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    class UpgradeType(models.TextChoices):
        WITH_LICENSE_TRANSFER = "upgrade_with_license_transfer", _("Upgrade with license transfer")
        UPGRADE_ONLY = "upgrade_only", _("Upgrade only (no license transfer)")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    created_at = models.DateTimeField(_("when"), default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("who"),
        help_text=_("The partner user who acted; empty when an application or the system did."),
    )
    actor_kind = models.CharField(
        _("actor kind"), max_length=20, choices=ActorKind.choices, default=ActorKind.PARTNER_USER
    )
    application_name = models.CharField(
        _("API application"),
        max_length=200,
        blank=True,
        help_text=_("The API application that acted, by its name at the time; empty for a person."),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="operations", verbose_name=_("partner")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="operations", verbose_name=_("customer")
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.PROTECT,
        related_name="operations",
        verbose_name=_("subscription"),
        help_text=_("The subscription the attempt was made on: for an upgrade, the one upgraded from."),
    )
    target_offer = models.ForeignKey(
        Offer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target offer"),
        help_text=_("Upgrades only: the offer asked for."),
    )
    target_subscription = models.OneToOneField(
        Subscription,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_by_operation",
        verbose_name=_("new subscription"),
        help_text=_("Successful upgrades only: the subscription the upgrade created."),
    )
    upgrade_type = models.CharField(
        _("upgrade type"),
        max_length=32,
        choices=UpgradeType.choices,
        blank=True,
        help_text=_("Successful upgrades only: whether the licenses moved with the upgrade."),
    )
    previous_quantity = models.PositiveIntegerField(
        _("previous quantity"),
        null=True,
        blank=True,
        help_text=_(
            "A success: the licenses before the change. A refused or failed quantity change: the "
            "quantity the form was based on. A refused or failed upgrade: the subscription's "
            "licenses at the attempt. Empty when the number could not be stored."
        ),
    )
    quantity = models.PositiveIntegerField(
        _("quantity"),
        null=True,
        blank=True,
        help_text=_(
            "The licenses asked for: the new quantity, or the new subscription's. Empty when the "
            "number asked for is past this column's range; the reason details keep it then."
        ),
    )
    token = models.UUIDField(
        _("token"),
        null=True,
        blank=True,
        help_text=_(
            "The form's one-time token: only a success spends it, so a refused attempt may be sent again."
        ),
    )
    reason_code = models.CharField(
        _("reason"),
        max_length=50,
        blank=True,
        help_text=_("Refused or failed attempts: the code of what stood in the way."),
    )
    reason_params = models.JSONField(_("reason details"), default=dict, blank=True)
    customer_user = models.ForeignKey(
        CustomerUser,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
        help_text=_("A license assignment or a usage-location change: the account it was for."),
    )
    # What a change that is not about a quantity set: {"usage_location": "US"}, or for a retry
    # {"licensed": [user ids], "refused": [user ids]}.
    details = models.JSONField(_("details"), default=dict, blank=True)
    # Upgrade-wide service changes for every moved account: {"changed": [...], "lost": [...],
    # "added": [...]}, each item a family plus plan ids.
    service_changes = models.JSONField(_("service changes"), default=dict, blank=True)

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        constraints = [
            models.UniqueConstraint(
                fields=["token"],
                condition=Q(result="succeeded"),
                name="token_bound_by_one_success",
            ),
            models.UniqueConstraint(
                fields=["subscription"],
                condition=Q(kind="upgrade", result="succeeded"),
                name="one_successful_upgrade_per_subscription",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "upgrade",
                        "quantity_change",
                        "license_assignment",
                        "usage_location_change",
                        "license_retry",
                    ]
                ),
                name="operation_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(result__in=["succeeded", "refused", "failed"]),
                name="operation_result_valid",
            ),
            models.CheckConstraint(
                condition=Q(actor_kind__in=["partner_user", "api_application", "system"]),
                name="operation_actor_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(result="succeeded", kind="upgrade") | Q(target_subscription__isnull=False),
                name="successful_upgrade_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subscription_id}: {self.get_result_display()}"

    @property
    def made_by(self) -> str:
        """Who acted, in words: the person's name, or the API application (with `actor` joined)."""
        if self.actor is not None:
            return self.actor.get_full_name() or self.actor.get_username()
        if self.actor_kind == ActorKind.API_APPLICATION:
            return gettext("via API: %(application)s") % {"application": self.application_name}
        return ""


class AffectedAccount(models.Model):
    """One user account an upgrade touched: what happened, and the services concerned."""

    class Outcome(models.TextChoices):
        MOVED = "moved", _("Moved")
        NOT_MOVED = "not_moved", _("Not moved")
        MANUAL_ASSIGNMENT = "manual_assignment", _("Needs a manual assignment")

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="affected_accounts", verbose_name=_("operation")
    )
    # Copied so the report still reads after the account is renamed or removed.
    user = models.ForeignKey(
        CustomerUser, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    user_object_id = models.UUIDField(_("object id"))
    display_name = models.CharField(_("account name"), max_length=200)
    user_principal_name = models.CharField(_("user principal name"), max_length=320)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # Partner Center's licenseErrors code, e.g. MutuallyExclusiveViolation; blank when moved.
    error_code = models.CharField(_("error code"), max_length=50, blank=True)
    # [{"code": ..., "params": {...}}]: the services concerned for this account only.
    services = models.JSONField(_("services"), default=list, blank=True)

    class Meta:
        ordering = ["operation", "user_principal_name"]
        # The report's order: a page is read from the index up to its last line, not sorted
        # out of every account of the operation (subscriptions/report.py).
        indexes = [
            models.Index(fields=["operation", "user_principal_name", "id"], name="affected_in_report_order")
        ]
        verbose_name = _("affected account")
        verbose_name_plural = _("affected accounts")

    def __str__(self):
        return f"{self.user_principal_name}: {self.get_outcome_display()}"


class BillingLine(models.Model):
    """One line of an operation's billing impact, in the customer's currency."""

    class Kind(models.TextChoices):
        CANCELLATION_CREDIT = "cancellation_credit", _("Credit for the cancelled subscription")
        NEW_SUBSCRIPTION_CHARGE = "new_subscription_charge", _("Charge for the new subscription")
        LICENSES_ADDED = "licenses_added", _("Licenses added")
        LICENSES_REMOVED = "licenses_removed", _("Licenses removed")

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="billing_lines", verbose_name=_("operation")
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="billing_lines", verbose_name=_("subscription")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    unit_price = models.DecimalField(
        _("price per license"),
        max_digits=12,
        decimal_places=2,
        help_text=_("The customer's price for one billing period: a month, or a year for annual billing."),
    )
    daily_price = models.DecimalField(
        _("daily price"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    # The partner's side of the line, where the price list has a cost (docs/domain.md §8).
    unit_cost = models.DecimalField(
        _("partner's cost per license"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cost = models.DecimalField(_("partner's cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    margin = models.DecimalField(
        _("margin"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The amount less the partner's cost; empty when the price list has no cost."),
    )
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("licenses"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    class Meta:
        ordering = ["operation", "pk"]
        verbose_name = _("billing line")
        verbose_name_plural = _("billing lines")
        constraints = [
            models.CheckConstraint(
                # Both or neither; that the margin is the amount less the cost is `billing`'s
                # arithmetic (SQLite would compare the decimals as floating point numbers).
                condition=Q(cost__isnull=True, margin__isnull=True)
                | Q(cost__isnull=False, margin__isnull=False),
                name="margin_with_cost",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.amount} {self.currency}"
