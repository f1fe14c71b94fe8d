"""Every reason code in one visible place: its words, its details and its Partner Center code.

Each vocabulary (`upgrade`, `quantity`, `assignment`) brings its own tables; they are assembled here, and
`describe` is the one way a stored code and its parameters become words in the active language.
"""

from dataclasses import dataclass, field

from subscriptions.reasons import assignment, quantity, upgrade, wording

DESCRIBERS = {**upgrade.DESCRIBERS, **quantity.DESCRIBERS, **assignment.DESCRIBERS}
DETAILS = dict(upgrade.DETAILS)
LINKS = dict(upgrade.LINKS)
PARTNER_CENTER_CODES = {
    **upgrade.PARTNER_CENTER_CODES,
    **quantity.PARTNER_CENTER_CODES,
    **assignment.PARTNER_CENTER_CODES,
}
# A code shared with the upgrade, raised by a quantity change, takes the quantity's words.
SHARED_CODE_DESCRIBERS = {quantity.CHANGE_QUANTITY: quantity.SHARED_CODE_DESCRIBERS}


def describe(code: str, params: dict | None = None) -> str:
    """A reason in words, in the active language; unknown codes come back as they are."""
    params = wording.Params(params or {})
    describer = SHARED_CODE_DESCRIBERS.get(params.get("change"), {}).get(code) or DESCRIBERS.get(code)
    return wording.elide(describer(params)) if describer else code


def describe_details(code: str, params: dict | None = None) -> str | None:
    """A second line under the reason, or None when the message says it all."""
    details = DETAILS.get(code)
    text = details(wording.Params(params or {})) if details else None
    return wording.elide(text) if text else None


def describe_links(code: str, params: dict | None = None) -> tuple:
    """Where to act on the reason, when it is not a page of this app: `links.Link`s, maybe none."""
    links = LINKS.get(code)
    return links(wording.Params(params or {})) if links else ()


def partner_center_code(code: str, params: dict) -> str:
    """The error code Partner Center shows beside ours."""
    return upgrade.partner_center_code(code, params) or PARTNER_CENTER_CODES.get(code, code)


@dataclass(frozen=True)
class Reason:
    """One failed check: a stable code and its parameters; words come from `describe`."""

    code: str
    params: dict = field(default_factory=dict)

    @property
    def partner_center_code(self) -> str:
        return partner_center_code(self.code, self.params)

    @property
    def message(self) -> str:
        return describe(self.code, self.params)

    @property
    def details(self) -> str | None:
        return describe_details(self.code, self.params)

    @property
    def links(self) -> tuple:
        return describe_links(self.code, self.params)

    def __str__(self):
        return self.message
