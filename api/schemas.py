"""The wire format: Partner Center's resources, camelCase, as pydantic schemas (docs/api.md).

The names are the JSON keys themselves, so that the OpenAPI document, the code and the wire
read the same. Every resource carries `attributes.objectType`; every date is a UTC date-time.
"""

# The mixedCase names are Partner Center's JSON keys.
import copy
import re
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from django.utils.translation import gettext_noop
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import ValidationInfo, model_validator

from subscriptions.reasons import UPGRADE_ERROR_CODES

# Partner Center's UpgradeType enum, in its order: a value's integer form is its index.
UPGRADE_TYPES = ("none", "upgrade_only", "upgrade_with_license_transfer")
# The validation context under which an answer is read as Partner Center itself writes it.
PARTNER_CENTER_FORMS = "partner_center_forms"


def _enum_name(value, names: tuple[str, ...]):
    """An enum's snake_case name, ours, from the integer or the PascalCase name Partner Center
    also writes; any other value as it came, for the field to judge."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
        return names[value]
    if isinstance(value, str) and "_" not in value:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", value).lower()
        if snake in names:
            return snake
    return value


class PartnerCenterSchema(Schema):
    """A resource that also reads the forms Partner Center's own documented examples write
    (https://learn.microsoft.com/en-us/partner-center/developer/transition-a-subscription):
    PascalCase keys, since its .NET server reads keys whatever their case; an enum as its
    integer or PascalCase name (`"upgradeType": 1`, an upgrade error's `"code": 2`); and the
    keys it leaves out where it has no value, read as the .NET SDK reads a missing one.

    A request body (`lenient`) is always read so, since clients send it. An answer is read so
    only by `from_partner_center`: what this API emits is held to the one form its OpenAPI
    document declares (camelCase keys, snake_case enums, every key present)."""

    lenient: ClassVar[bool] = False
    # Enum fields, each with the enum's names in its order.
    enums: ClassVar[dict[str, tuple[str, ...]]] = {}
    # Keys Partner Center's examples leave out, each with what a missing one reads as.
    when_absent: ClassVar[dict[str, Any]] = {}

    @classmethod
    def from_partner_center(cls, payload):
        """The resource from an answer as Partner Center writes it (this class's docstring)."""
        return cls.model_validate(payload, context={PARTNER_CENTER_FORMS: True})

    @model_validator(mode="before")
    @classmethod
    def _read_partner_center_forms(cls, data: Any, info: ValidationInfo) -> Any:
        forms = cls.lenient or bool((info.context or {}).get(PARTNER_CENTER_FORMS))
        # ninja's own validator has wrapped the input already, to read objects' attributes.
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if not forms or not isinstance(raw, dict):
            return data
        names = {name.lower(): name for name in cls.model_fields}
        read = {}
        for key, value in raw.items():
            name = names.get(key.lower(), key) if isinstance(key, str) else key
            if name not in read or key == name:  # the exact spelling wins over another case
                read[name] = value
        for name, absent in cls.when_absent.items():
            read.setdefault(name, copy.deepcopy(absent))
        for name, enum in cls.enums.items():
            if name in read:
                read[name] = _enum_name(read[name], enum)
        return read


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
    partnerId: UUID | None
    links: ResourceLinks
    attributes: SubscriptionAttributes


class SubscriptionCollection(Schema):
    totalCount: int
    items: list[Subscription]
    links: CollectionLinks
    attributes: Attributes


class Offer(PartnerCenterSchema):
    # Absent from the upgrade list's documented example, which predates them: the .NET SDK reads
    # a missing list as empty and a missing flag as false.
    when_absent = {"supportedBillingCycles": [], "isTrial": False, "upgradeTargetOffers": []}

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
