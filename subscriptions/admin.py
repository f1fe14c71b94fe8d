import uuid

from django.contrib import admin
from django.contrib.admin.widgets import AdminBigIntegerFieldWidget
from django.db import models
from django.utils.translation import gettext_lazy as _

from subscriptions.activity import describe_details
from subscriptions.models import (
    AffectedAccount,
    BillingLine,
    LicenseAssignment,
    Offer,
    OfferPrice,
    Operation,
    ServicePlan,
    Subscription,
    UpgradePath,
)

# Quantities reach ten million: the admin's integer input is too narrow to show eight digits.
WIDE_QUANTITIES = {models.PositiveIntegerField: {"widget": AdminBigIntegerFieldWidget}}


class ExactIdSearchMixin:
    """Search that matches a GUID only whole: a piece of one ("67e3") is not an offer's name."""

    exact_id_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            key = uuid.UUID(search_term.strip())
        except ValueError:
            return results, may_have_duplicates
        by_id = models.Q()
        for field in self.exact_id_fields:
            by_id |= models.Q(**{field: key})
        return results | queryset.filter(by_id), may_have_duplicates


class OfferPriceInline(admin.TabularInline):
    model = OfferPrice
    fields = ["currency", "term_duration", "billing_cycle", "effective_from", "price", "cost"]
    extra = 0


class UpgradePathInline(admin.TabularInline):
    """The offer's possible upgrades, edited on the source offer's page."""

    model = UpgradePath
    fk_name = "source_offer"
    extra = 1
    verbose_name = _("possible upgrade")
    verbose_name_plural = _("possible upgrades")


@admin.register(Offer)
class OfferAdmin(ExactIdSearchMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "rank",
        "commerce_type",
        "sku_part_number",
        "sku_id",
        "sold_in",
        "not_sold_in",
        "max_quantity",
    ]
    list_editable = ["rank"]
    list_filter = ["commerce_type"]
    search_fields = ["name", "sku_part_number", "product_id"]
    exact_id_fields = ("sku_id",)
    formfield_overrides = WIDE_QUANTITIES
    filter_horizontal = ["service_plans", "base_offers"]
    inlines = [OfferPriceInline, UpgradePathInline]


@admin.register(ServicePlan)
class ServicePlanAdmin(admin.ModelAdmin):
    list_display = ["plan_id", "name", "family"]
    list_filter = ["family"]
    search_fields = ["plan_id", "name", "family"]


@admin.register(UpgradePath)
class UpgradePathAdmin(admin.ModelAdmin):
    list_display = ["source_offer", "target_offer"]
    list_filter = ["source_offer", "target_offer"]
    list_select_related = ["source_offer", "target_offer"]
    search_fields = ["source_offer__name", "target_offer__name"]


@admin.register(OfferPrice)
class OfferPriceAdmin(admin.ModelAdmin):
    list_display = ["offer", "currency", "term_duration", "billing_cycle", "effective_from", "price", "cost"]
    list_filter = ["offer__commerce_type", "currency", "term_duration", "billing_cycle", "offer"]
    list_select_related = ["offer"]


class ChannelFilter(admin.SimpleListFilter):
    """Who sold it; in the admin there is no viewing partner, so: a partner, or Microsoft."""

    title = _("channel")
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return [("partner", _("Through a partner")), ("direct", _("Directly from Microsoft"))]

    def queryset(self, request, queryset):
        if self.value() == "partner":
            return queryset.filter(sold_by__isnull=False)
        if self.value() == "direct":
            return queryset.filter(sold_by__isnull=True)
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(ExactIdSearchMixin, admin.ModelAdmin):
    list_display = [
        "friendly_name",
        "customer",
        "offer",
        "quantity",
        "status",
        "commerce_type",
        "term_duration",
        "billing_cycle",
        "sold_by",
        "created_on",
    ]
    list_filter = ["status", "commerce_type", ChannelFilter, "sold_by", "offer"]
    list_select_related = ["customer", "offer", "sold_by"]
    search_fields = ["friendly_name", "customer__name", "customer__domain"]
    exact_id_fields = ("subscription_id",)
    formfield_overrides = WIDE_QUANTITIES
    autocomplete_fields = ["customer", "upgraded_to", "base_subscription"]
    readonly_fields = ["subscription_id", "version"]
    date_hierarchy = "created_on"
    # A new-commerce subscription's commerce type, term, cycle, price lock and base are set when
    # it is created; changing them later is a business change with its own rules and log (an
    # upgrade, a change at renewal), never an admin edit outside the attempt protocol.
    TERMS_FIXED_ONCE_CREATED = [
        "commerce_type",
        "term_duration",
        "billing_cycle",
        "price_locked_on",
        "base_subscription",
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + self.TERMS_FIXED_ONCE_CREATED if obj is not None else fields


@admin.register(LicenseAssignment)
class LicenseAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "subscription"]
    list_select_related = ["user", "subscription", "subscription__customer"]
    search_fields = ["user__user_principal_name", "subscription__friendly_name"]
    autocomplete_fields = ["user", "subscription"]
    filter_horizontal = ["disabled_plans"]


class ReadOnlyAdminMixin:
    """The operation log is append-only: the admin shows it and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AffectedAccountInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AffectedAccount
    fields = ["display_name", "user_principal_name", "outcome", "error_code", "services"]
    readonly_fields = fields
    extra = 0
    show_change_link = False


class BillingLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BillingLine
    fields = [
        "kind",
        "subscription",
        "quantity",
        "unit_price",
        "daily_price",
        "days",
        "amount",
        "unit_cost",
        "cost",
        "margin",
        "currency",
    ]
    readonly_fields = fields
    extra = 0


@admin.register(Operation)
class OperationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "result",
        "actor",
        "actor_kind",
        "partner",
        "customer",
        "subscription",
        "change",
        "reason_code",
    ]
    list_filter = ["kind", "result", "actor_kind", "partner", "upgrade_type"]
    list_select_related = ["actor", "partner", "customer", "subscription", "target_offer"]
    search_fields = ["customer__name", "subscription__friendly_name", "actor__username", "reason_code"]
    date_hierarchy = "created_at"
    inlines = [BillingLineInline, AffectedAccountInline]

    @admin.display(description=_("change"))
    def change(self, operation):
        """What was asked, as the partner's activity log says it: the target, or "25 → 30" licenses."""
        return describe_details(operation)
