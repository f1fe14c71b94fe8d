"""Partner Center's own forms of its resources, which its clients and its documented examples
write: read by every schema of the wire format (`api.schemas`) that derives from
`PartnerCenterSchema` (docs/api.md, "Upgrades").
"""

import copy
import re
from typing import Any, ClassVar

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import ValidationInfo, model_validator

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
