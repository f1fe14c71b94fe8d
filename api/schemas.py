"""The wire format: Partner Center's resources, camelCase, as pydantic schemas (docs/api.md).

The names are the JSON keys themselves, so that the OpenAPI document, the code and the wire
read the same. Every resource carries `attributes.objectType`; every date is a UTC date-time.
"""

# The mixedCase names are Partner Center's JSON keys.
from datetime import datetime
from uuid import UUID

from ninja import Schema


class Attributes(Schema):
    objectType: str


class LinkHeader(Schema):
    key: str
    value: str


class Link(Schema):
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


class ResourceLinks(Schema):
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


class ErrorEnvelope(Schema):
    code: int
    description: str
    data: list[str] = []
    source: str


class SubscriptionAttributes(Schema):
    etag: str
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
    partnerId: UUID | None
    links: ResourceLinks
    attributes: SubscriptionAttributes


class SubscriptionCollection(Schema):
    totalCount: int
    items: list[Subscription]
    links: CollectionLinks
    attributes: Attributes


class Offer(Schema):
    id: str
    name: str
    description: str
    minimumQuantity: int
    maximumQuantity: int
    rank: int
    uri: str
    locale: str
    country: str
    isAddOn: bool
    isAvailableForPurchase: bool
    billing: str
    supportedBillingCycles: list[str]
    isAutoRenewable: bool
    isTrial: bool
    upgradeTargetOffers: list[str]
    unitType: str
    links: ResourceLinks
    attributes: Attributes


class UpgradeError(Schema):
    code: str
    description: str
    additionalDetails: str
    attributes: Attributes


class Upgrade(Schema):
    targetOffer: Offer
    upgradeType: str
    isEligible: bool
    quantity: int
    upgradeErrors: list[UpgradeError]
    attributes: Attributes


class UpgradeCollection(Schema):
    totalCount: int
    items: list[Upgrade]
    attributes: Attributes


class TargetOfferIn(Schema):
    id: str


class UpgradeIn(Schema):
    """An item of the upgrade list sent back whole: only the target and the quantity are read
    (clients echo `upgradeErrors` and the rest: ignored). `upgradeType` is taken in every form
    clients send (integer, snake_case, PascalCase) and not read: the grant decides it, as on the
    page. `acceptUnlicensed` is this app's own: how many licensed accounts the caller accepts
    to leave without a license; without it, the upgrade goes ahead as asked, as Partner
    Center's does."""

    targetOffer: TargetOfferIn
    quantity: int | None = None
    upgradeType: int | str | None = None
    acceptUnlicensed: int | None = None


class ServiceFault(Schema):
    code: int
    description: str
    data: list[str]
    source: str


class UserLicenseError(Schema):
    userObjectId: UUID
    name: str
    email: str
    errors: list[ServiceFault]


class UpgradeResult(Schema):
    sourceSubscriptionId: UUID
    targetSubscriptionId: UUID | None
    upgradeType: str
    upgradeErrors: list[UpgradeError]
    licenseErrors: list[UserLicenseError]
    attributes: Attributes


class SubscriptionPatch(Schema):
    """The full Subscription resource with a changed `quantity`, Partner Center's way: the other
    fields, read-only or unknown, are ignored (clients re-serialize dates and drop fields)."""

    quantity: int


class OfferCollection(Schema):
    totalCount: int
    items: list[Offer]
    attributes: Attributes


class KeyValue(Schema):
    key: str
    value: str


class AuditRecord(Schema):
    id: str
    partnerId: UUID
    customerId: UUID
    customerName: str
    userPrincipalName: str
    applicationId: str
    resourceType: str
    resourceOldValue: str
    resourceNewValue: str
    operationType: str
    operationStatus: str
    operationDate: datetime
    originalCorrelationId: str
    customizedData: list[KeyValue]
    attributes: Attributes


class AuditRecordCollection(Schema):
    totalCount: int
    items: list[AuditRecord]
    links: CollectionLinks
    attributes: Attributes


# The errors every operation may answer, in the envelope (docs/api.md): declared in the OpenAPI
# document, so that a client, and schemathesis, knows each one's shape.
READ_ERRORS = (400, 401, 404, 405, 406, 429, 500)
WRITE_ERRORS = (*READ_ERRORS, 403, 409, 412, 415)


def answers(success, errors=READ_ERRORS) -> dict:
    """An operation's responses: `success` on 200, the envelope on each of `errors`."""
    return {200: success, **dict.fromkeys(errors, ErrorEnvelope)}
