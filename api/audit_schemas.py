"""The wire format of Partner Center's audit records (docs/api.md): the operation log, read back."""

# The mixedCase names are Partner Center's JSON keys.
from datetime import datetime
from uuid import UUID

from ninja import Schema

from api.schemas import Attributes, CollectionLinks


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
