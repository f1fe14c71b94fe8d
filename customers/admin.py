from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from customers.models import (
    Customer,
    CustomerUser,
    DelegatedAdminGrant,
    Partner,
    PartnerUser,
    ResellerRelationship,
)


class PartnerUserInline(admin.TabularInline):
    model = PartnerUser
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "user_count"]
    search_fields = ["name"]
    inlines = [PartnerUserInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_count=Count("users"))

    @admin.display(description=_("users"), ordering="user_count")
    def user_count(self, partner):
        return partner.user_count


@admin.register(PartnerUser)
class PartnerUserAdmin(admin.ModelAdmin):
    # A blank time zone: the partner's (docs/domain.md §3).
    list_display = ["user", "partner", "role", "time_zone"]
    list_filter = ["role", "partner"]
    list_select_related = ["user", "partner"]
    search_fields = ["user__username", "partner__name"]
    autocomplete_fields = ["user", "partner"]


class ResellerRelationshipInline(admin.TabularInline):
    model = ResellerRelationship
    extra = 0


class DelegatedAdminGrantInline(admin.TabularInline):
    model = DelegatedAdminGrant
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "market", "user_count"]
    list_filter = ["market", "reseller_relationships__partner"]
    search_fields = ["name", "domain"]
    inlines = [ResellerRelationshipInline, DelegatedAdminGrantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_count=Count("users", distinct=True))

    @admin.display(description=_("users"), ordering="user_count")
    def user_count(self, customer):
        return customer.user_count


@admin.register(ResellerRelationship)
class ResellerRelationshipAdmin(admin.ModelAdmin):
    list_display = ["partner", "customer", "created_at"]
    list_filter = ["partner"]
    list_select_related = ["partner", "customer"]
    search_fields = ["customer__name", "partner__name"]
    autocomplete_fields = ["partner", "customer"]


@admin.register(DelegatedAdminGrant)
class DelegatedAdminGrantAdmin(admin.ModelAdmin):
    list_display = ["customer", "partner", "service", "role", "status", "end_date"]
    list_filter = ["status", "role", "service", "partner"]
    list_select_related = ["customer", "partner"]
    search_fields = ["customer__name", "customer__domain", "partner__name"]
    autocomplete_fields = ["partner", "customer"]
    date_hierarchy = "end_date"


@admin.register(CustomerUser)
class CustomerUserAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user_principal_name", "customer", "usage_location"]
    list_filter = ["usage_location"]
    list_select_related = ["customer"]
    search_fields = ["display_name", "user_principal_name", "customer__name"]
    autocomplete_fields = ["customer"]
    readonly_fields = ["object_id"]
