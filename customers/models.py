"""Partners, their users, and the customers they serve (docs/domain.md §1).

Tenancy starts here: a partner user sees a customer only through a reseller relationship
between the customer and the user's partner (`Customer.objects.for_partner`); the request
helpers that apply it are in `partnercenter.tenancy`.
"""

import functools
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partnercenter import clock

# A customer pays every offer in its market's currency (docs/domain.md §2).
MARKET_CURRENCIES = {"IN": "INR", "FR": "EUR"}
DEFAULT_CURRENCY = "USD"


def currency_for_market(market: str) -> str:
    return MARKET_CURRENCIES.get(market, DEFAULT_CURRENCY)


# The display time zones (docs/domain.md §3): UTC and the IANA zones of a region, grouped by it.
# Of the names zoneinfo knows, the old aliases ("GB", "US/Eastern", "Etc/GMT+5") and the
# server's own "localtime" are left out: a zone is chosen by its place.
TIME_ZONE_REGIONS = {
    "Africa": _("Africa"),
    "America": _("America"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}


@functools.cache
@functools.cache
def time_zone_choices() -> tuple:
    """UTC, then each region's zones by place ("Europe/Paris" shown as "Paris"): model choices,
    so the admin, the settings page and validation share one list.

    Worked out once per process: `zoneinfo.available_timezones()` walks the time zone files
    on disk (36 ms here), and the list cannot change while the process runs.
    """
    by_region: dict[str, list] = {region: [] for region in TIME_ZONE_REGIONS}
    for name in sorted(zoneinfo.available_timezones()):
        region, _slash, place = name.partition("/")
        if region in by_region and place:
            by_region[region].append((name, place.replace("_", " ")))
    return (
        ("UTC", "UTC"),
        *((TIME_ZONE_REGIONS[region], tuple(zones)) for region, zones in by_region.items()),
    )


# Tenant ids derive from what names the tenant, so that every `seed_demo` gives the same ones
# and integrators' scripts keep their ids across a re-seed (docs/api.md).
TENANT_NAMESPACE = uuid.UUID("5f0c4a52-7d1e-4c8e-9a43-0e2b6f1d9c70")


def tenant_id_for(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(TENANT_NAMESPACE, f"{kind}:{key}")


class Partner(models.Model):
    """A Cloud Solution Provider reseller."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    # Partner Center's `partnerId`; set from the name when first saved.
    tenant_id = models.UUIDField(_("tenant id"), unique=True, editable=False)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default="UTC",
        help_text=_("Where timestamps are shown for the partner's users who chose no zone of their own."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.tenant_id is None:
            self.tenant_id = tenant_id_for("partner", self.name)
        super().save(*args, **kwargs)


class PartnerUser(models.Model):
    """A sign-in of a partner, with its Partner Center role."""

    class Role(models.TextChoices):
        ADMIN_AGENT = "admin_agent", _("Admin agent")
        SALES_AGENT = "sales_agent", _("Sales agent")
        HELPDESK_AGENT = "helpdesk_agent", _("Helpdesk agent")
        BILLING_ADMIN = "billing_admin", _("Billing admin")

    # Partner Center lets agents change subscriptions; a billing admin only reads them.
    ROLES_THAT_MAY_CHANGE = frozenset({Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT})
    # The partner's cost and margin are the business's own figures: admin agents and billing
    # admins see them, agents who sell and support do not (docs/domain.md §8).
    ROLES_THAT_SEE_MARGIN = frozenset({Role.ADMIN_AGENT, Role.BILLING_ADMIN})

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_user",
        verbose_name=_("user"),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="users", verbose_name=_("partner")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        blank=True,
        help_text=_("Where this user's timestamps are shown; blank: the partner's time zone."),
    )

    class Meta:
        verbose_name = _("partner user")
        verbose_name_plural = _("partner users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["admin_agent", "sales_agent", "helpdesk_agent", "billing_admin"]),
                name="partner_user_role_valid",
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.partner})"

    @property
    def may_change(self) -> bool:
        return self.role in self.ROLES_THAT_MAY_CHANGE

    @property
    def sees_margin(self) -> bool:
        return self.role in self.ROLES_THAT_SEE_MARGIN

    @property
    def display_time_zone(self) -> str:
        """The zone this user's timestamps are shown in: their own, else their partner's."""
        return self.time_zone or self.partner.time_zone


class CustomerQuerySet(models.QuerySet):
    def for_partner(self, partner: Partner) -> "CustomerQuerySet":
        """The customers this partner may see: those it has a reseller relationship with."""
        return self.filter(reseller_relationships__partner=partner)


class Customer(models.Model):
    """A customer tenant."""

    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("primary domain"), max_length=253, unique=True)
    market = models.CharField(_("market"), max_length=2, help_text=_("Country code, e.g. US, IN, FR."))
    created_at = models.DateTimeField(_("created"), default=clock.now)
    # Partner Center's customer tenant id, in its API's paths; set from the domain when first saved.
    tenant_id = models.UUIDField(_("tenant id"), unique=True, editable=False)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.CheckConstraint(
                condition=Q(market__regex=r"^[A-Z]{2}$"), name="customer_market_is_country_code"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.tenant_id is None:
            self.tenant_id = tenant_id_for("customer", self.domain)
        super().save(*args, **kwargs)

    @property
    def currency(self) -> str:
        return currency_for_market(self.market)


class ResellerRelationship(models.Model):
    """The link that lets a partner see and sell to a customer."""

    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="reseller_relationships",
        verbose_name=_("partner"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="reseller_relationships",
        verbose_name=_("customer"),
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        verbose_name = _("reseller relationship")
        verbose_name_plural = _("reseller relationships")
        constraints = [
            models.UniqueConstraint(fields=["partner", "customer"], name="one_reseller_relationship_per_pair")
        ]

    def __str__(self):
        return f"{self.partner} → {self.customer}"


class DelegatedAdminGrantQuerySet(models.QuerySet):
    def counting_on(self, day):
        """The grants that count on `day`: `DelegatedAdminGrant.counts_on`, asked of the database."""
        return self.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day), status=DelegatedAdminGrant.Status.ACTIVE
        )


class DelegatedAdminGrant(models.Model):
    """Delegated admin privileges (DAP / GDAP) of a partner over one customer's service."""

    class Service(models.TextChoices):
        OFFICE365 = "office365", _("Office 365")

    class Role(models.TextChoices):
        ADMIN_AGENT = "admin_agent", _("Admin agent (full delegated admin)")
        DIRECTORY_WRITER = "directory_writer", _("Directory writer")
        DIRECTORY_READER = "directory_reader", _("Directory reader")
        GLOBAL_READER = "global_reader", _("Global reader")

    # A grant's status agrees with a different noun than a subscription's in French.
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("delegated admin grant", "Active")
        EXPIRED = "expired", pgettext_lazy("delegated admin grant", "Expired")
        TERMINATED = "terminated", pgettext_lazy("delegated admin grant", "Terminated")

    # Only roles that may write the directory let an upgrade move licenses (docs/domain.md §4).
    ROLES_THAT_TRANSFER_LICENSES = frozenset({Role.ADMIN_AGENT, Role.DIRECTORY_WRITER})

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="grants", verbose_name=_("partner")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="grants", verbose_name=_("customer")
    )
    service = models.CharField(
        _("service"), max_length=20, choices=Service.choices, default=Service.OFFICE365
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = DelegatedAdminGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegated admin grant")
        verbose_name_plural = _("delegated admin grants")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "customer", "service"], name="one_grant_per_partner_customer_service"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "expired", "terminated"]),
                name="grant_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.partner} / {self.customer}: {self.get_role_display()} ({self.get_status_display()})"

    def counts_on(self, day) -> bool:
        # The same rule as `DelegatedAdminGrantQuerySet.counting_on`, for a grant already loaded.
        return self.status == self.Status.ACTIVE and (self.end_date is None or self.end_date >= day)

    @property
    def transfers_licenses(self) -> bool:
        return self.role in self.ROLES_THAT_TRANSFER_LICENSES


class CustomerUser(models.Model):
    """A user account in the customer's tenant."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="users", verbose_name=_("customer")
    )
    # Partner Center's `userObjectId`, shown in license error reports.
    object_id = models.UUIDField(_("object id"), default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(_("display name"), max_length=200)
    user_principal_name = models.CharField(_("user principal name"), max_length=320, unique=True)
    # Blank means "not set": Microsoft refuses to license such a user.
    usage_location = models.CharField(_("usage location"), max_length=2, blank=True)

    class Meta:
        ordering = ["user_principal_name"]
        verbose_name = _("customer user")
        verbose_name_plural = _("customer users")
        constraints = [
            models.CheckConstraint(
                condition=Q(usage_location="") | Q(usage_location__regex=r"^[A-Z]{2}$"),
                name="usage_location_blank_or_country_code",
            )
        ]

    def __str__(self):
        return self.user_principal_name
