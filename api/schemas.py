"""The wire format: Partner Center's resources, camelCase, as pydantic schemas (docs/api.md).

The names are the JSON keys themselves, so that the OpenAPI document, the code and the wire
read the same. Every resource carries `attributes.objectType`; every date is a UTC date-time.
"""

# The mixedCase names are Partner Center's JSON keys.
from datetime import datetime
from uuid import UUID

from django.utils.translation import gettext_noop
from ninja import Field, Schema

from api.partner_center_forms import UPGRADE_TYPES, PartnerCenterSchema
from subscriptions.reasons import UPGRADE_ERROR_CODES


class Attributes(PartnerCenterSchema):
    objectType: str


class LinkHeader(PartnerCenterSchema):
    key: str
    value: str


class Link(PartnerCenterSchema):
    uri: str
    method: str = "GET"
    headers: list[LinkHeader] = []


class CollectionLinks(Schema):
    self: Link
    next: Link | None = None


class CompanyProfile(Schema):
    tenantId: UUID
    domain: str
    companyName: str
    attributes: Attributes


class ResourceLinks(PartnerCenterSchema):
    self: Link


class Customer(Schema):
    id: UUID
    companyProfile: CompanyProfile
    relationshipToPartner: str
    allowDelegatedAccess: bool
    links: ResourceLinks
    attributes: Attributes


class CustomerCollection(Schema):
    totalCount: int
    items: list[Customer]
    links: CollectionLinks
    attributes: Attributes


class ErrorEnvelope(PartnerCenterSchema):
    code: int = Field(description=gettext_noop("Partner Center's error code, else the HTTP status."))
    description: str = Field(description=gettext_noop("What went wrong, in the request's language."))
    data: list[str] = Field([], description=gettext_noop("Details, such as each invalid field and why."))
    source: str = Field(description=gettext_noop("Always PartnerFD, as Partner Center's."))


class SubscriptionAttributes(Schema):
    etag: str = Field(description=gettext_noop("The subscription's version, also its ETag header."))
    objectType: str


class Subscription(Schema):
    id: UUID
    offerId: str
    offerName: str
    friendlyName: str
    quantity: int
    unitType: str
    creationDate: datetime
    effectiveStartDate: datetime
    commitmentEndDate: datetime
    status: str
    autoRenewEnabled: bool
    billingType: str
    billingCycle: str
    termDuration: str | None = Field(
        description=gettext_noop("New commerce: the term, P1M, P1Y or P3Y; null for legacy.")
    )
    catalogItemId: str | None = Field(
        description=gettext_noop(
            "New commerce: productId:skuId:availabilityId of its offer and term; null for legacy."
        )
    )
    partnerId: UUID | None
    links: ResourceLinks
    attributes: SubscriptionAttributes


class SubscriptionCollection(Schema):
    totalCount: int
    items: list[Subscription]
    links: CollectionLinks
    attributes: Attributes


class OfferPrice(Schema):
    currency: str
    termDuration: str | None = Field(description=gettext_noop("P1M, P1Y or P3Y; null for a legacy offer."))
    billingCycle: str
    availabilityId: str | None
    catalogItemId: str | None
    effectiveDate: datetime = Field(description=gettext_noop("The day the price takes effect."))
    unitPrice: float = Field(
        description=gettext_noop(
            "The customer's price per license for one billing period: a month, or a year."
        )
    )
    partnerCost: float | None = Field(
        description=gettext_noop(
            "The partner's cost for the same period; null when the price list has none or the "
            "application's role does not see costs."
        )
    )


class Offer(PartnerCenterSchema):
    # Absent from the upgrade list's documented example, which predates them: the .NET SDK reads
    # a missing list as empty and a missing flag as false.
    when_absent = {
        "supportedBillingCycles": [],
        "isTrial": False,
        "upgradeTargetOffers": [],
        "productId": None,
        "skuId": None,
        "prices": [],
        "prerequisiteOffers": [],
    }

    id: str
    productId: str | None = Field(
        description=gettext_noop("New commerce: the first part of the catalog item id; null for legacy.")
    )
    skuId: str | None = Field(
        description=gettext_noop("New commerce: the second part of the catalog item id; null for legacy.")
    )
    name: str
    description: str
    minimumQuantity: int
    maximumQuantity: int
    rank: int
    uri: str
    locale: str
    country: str
    isAddOn: bool
    prerequisiteOffers: list[str] = Field(
        description=gettext_noop("An add-on's eligible base offers, by id; empty for a base offer.")
    )
    isAvailableForPurchase: bool
    billing: str
    supportedBillingCycles: list[str]
    isAutoRenewable: bool
    isTrial: bool
    upgradeTargetOffers: list[str]
    prices: list[OfferPrice] = Field(
        description=gettext_noop(
            "`GET /v1/offers` only: the price list in the market's currency, every term and day."
        )
    )
    unitType: str
    links: ResourceLinks
    attributes: Attributes


class UpgradeError(PartnerCenterSchema):
    enums = {"code": UPGRADE_ERROR_CODES}
    # The documented example leaves it out, though its description points at it.
    when_absent = {"additionalDetails": ""}

    code: str
    description: str
    additionalDetails: str
    attributes: Attributes


class Upgrade(PartnerCenterSchema):
    enums = {"upgradeType": UPGRADE_TYPES}

    targetOffer: Offer
    upgradeType: str = Field(
        description=gettext_noop(
            "upgrade_with_license_transfer or upgrade_only, as the delegated admin grant allows; "
            "none when not eligible."
        )
    )
    isEligible: bool
    quantity: int = Field(description=gettext_noop("The quantity the upgrade page proposes."))
    upgradeErrors: list[UpgradeError]
    attributes: Attributes


class UpgradeCollection(PartnerCenterSchema):
    totalCount: int
    items: list[Upgrade]
    attributes: Attributes


class TargetOfferIn(PartnerCenterSchema):
    lenient = True

    id: str


class UpgradeIn(PartnerCenterSchema):
    # The docstring is the schema's description in the OpenAPI document: a msgid (api/openapi.py).
    __doc__ = gettext_noop(
        "An item of the upgrade list sent back whole: only the target and the quantity are read "
        "(clients echo `upgradeErrors` and the rest: ignored)."
    )
    # Read as clients write it: the page's own example is PascalCase (`"TargetOffer"`).
    lenient = True

    targetOffer: TargetOfferIn
    quantity: int | None = Field(
        None, description=gettext_noop("The licenses to upgrade; without it, the list's quantity.")
    )
    upgradeType: int | str | None = Field(
        None,
        description=gettext_noop(
            "Taken in every form clients send (integer, snake_case, PascalCase) and not read: the "
            "grant decides it, as on the page."
        ),
    )
    acceptUnlicensed: int | None = Field(
        None,
        description=gettext_noop(
            "This app's own: how many licensed accounts the caller accepts to leave without a "
            "license. Without it, the upgrade goes ahead as asked, as Partner Center's does."
        ),
    )


class ServiceFault(PartnerCenterSchema):
    code: int
    description: str
    data: list[str]
    source: str


class UserLicenseError(PartnerCenterSchema):
    userObjectId: UUID
    name: str
    email: str
    errors: list[ServiceFault]


class UpgradeResult(PartnerCenterSchema):
    enums = {"upgradeType": UPGRADE_TYPES}

    sourceSubscriptionId: UUID
    targetSubscriptionId: UUID | None
    upgradeType: str
    upgradeErrors: list[UpgradeError]
    licenseErrors: list[UserLicenseError]
    attributes: Attributes


class SubscriptionPatch(Schema):
    # The docstring is the schema's description in the OpenAPI document: a msgid (api/openapi.py).
    __doc__ = gettext_noop(
        "The full Subscription resource with a changed `quantity`, Partner Center's way: the other "
        "fields, read-only or unknown, are ignored (clients re-serialize dates and drop fields)."
    )

    quantity: int = Field(description=gettext_noop("The new number of licenses."))


class OfferCollection(Schema):
    totalCount: int
    items: list[Offer]
    attributes: Attributes


# The errors every operation may answer, in the envelope (docs/api.md): declared in the OpenAPI
# document, so that a client, and schemathesis, knows each one's shape.
READ_ERRORS = (400, 401, 404, 405, 406, 429, 500)
WRITE_ERRORS = (*READ_ERRORS, 403, 409, 412, 415)


def answers(success, errors=READ_ERRORS) -> dict:
    """An operation's responses: `success` on 200, the envelope on each of `errors`."""
    return {200: success, **dict.fromkeys(errors, ErrorEnvelope)}
