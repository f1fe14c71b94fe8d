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
    """A product a partner can sell, priced per license per month."""

    name = models.CharField(_("name"), max_length=200, unique=True)
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
        ]

    def __str__(self):
        return self.label

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


class OfferPrice(models.Model):
    """The price list: one list price per offer and currency."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="prices", verbose_name=_("offer"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    monthly_price = models.DecimalField(_("price per license per month"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["offer", "currency"]
        verbose_name = _("price")
        verbose_name_plural = _("price list")
        constraints = [
            models.UniqueConstraint(fields=["offer", "currency"], name="one_price_per_offer_currency"),
            models.CheckConstraint(condition=Q(monthly_price__gte=0), name="price_not_negative"),
        ]

    def __str__(self):
        return f"{self.offer}: {self.monthly_price} {self.currency}"


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
            models.CheckConstraint(
                condition=Q(term_end__gt=F("created_on")), name="term_ends_after_creation"
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

    @property
    def is_active(self) -> bool:
        """Only an active subscription may be upgraded or change its licenses (docs/domain.md §3)."""
        return self.status == self.Status.ACTIVE

    @property
    def status_label(self) -> str:
        """The status in words: `get_status_display()` without its copy of the choices per call
        (it rebuilds a hashable one each time, a cost every row of a list paid)."""
        return self.Status(self.status).label

    def next_anniversary(self, today: datetime.date) -> datetime.date | None:
        """The first billing anniversary after `today`; None when the subscription is not billed,
        i.e. not active (docs/domain.md §3). Every page asks this one rule."""
        if not self.is_active:
            return None
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
    monthly_price = models.DecimalField(_("monthly price"), max_digits=12, decimal_places=2)
    daily_price = models.DecimalField(
        _("daily price"), max_digits=12, decimal_places=3, null=True, blank=True
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

    def __str__(self):
        return f"{self.get_kind_display()}: {self.amount} {self.currency}"
