"""Every reason code in one visible place: its words, its details and its Partner Center codes.

Each vocabulary (`upgrade`, `pricing`, `quantity`, `assignment`) brings its own tables; they are
assembled here, and `describe` is the one way a stored code and its parameters become words in
the active language. A reason maps onto Partner Center's upgrade error, its HTTP error, or both (`codes`).
"""

from dataclasses import dataclass, field

from subscriptions.reasons import assignment, codes, pricing, quantity, upgrade, wording

DESCRIBERS = {**upgrade.DESCRIBERS, **pricing.DESCRIBERS, **quantity.DESCRIBERS, **assignment.DESCRIBERS}
DETAILS = dict(upgrade.DETAILS)
LINKS = dict(upgrade.LINKS)
PARTNER_CENTER_CODES = {
    **upgrade.PARTNER_CENTER_CODES,
    **pricing.PARTNER_CENTER_CODES,
    **quantity.PARTNER_CENTER_CODES,
    **assignment.PARTNER_CENTER_CODES,
}
HTTP_ERRORS = {**upgrade.HTTP_ERRORS, **quantity.HTTP_ERRORS, **assignment.HTTP_ERRORS}
# A code shared with the upgrade, raised by a quantity change, takes the quantity's words and
# answers as the quantity change does.
SHARED_CODE_DESCRIBERS = {quantity.CHANGE_QUANTITY: quantity.SHARED_CODE_DESCRIBERS}
SHARED_CODE_HTTP_ERRORS = {quantity.CHANGE_QUANTITY: quantity.SHARED_CODE_HTTP_ERRORS}


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


def partner_center_code(code: str, params: dict) -> str | None:
    """Partner Center's upgrade error for the reason (one of `codes.UPGRADE_ERROR_CODES`), or None
    when it has none and the reason is only an HTTP error."""
    return upgrade.partner_center_code(code, params) or PARTNER_CENTER_CODES.get(code)


def http_error(code: str, params: dict, *, change: str | None = None) -> codes.HttpError | None:
    """How a submitted change refused for the reason answers over HTTP, or None when the upgrade
    reports it as an upgrade error. `change` names the change that was refused when the reason's
    parameters do not (a quantity change's refusals are all HTTP errors)."""
    shared = SHARED_CODE_HTTP_ERRORS.get(change or params.get("change"), {}).get(code)
    return shared(params) if shared else HTTP_ERRORS.get(code)


@dataclass(frozen=True)
class Reason:
    """One failed check: a stable code and its parameters; words come from `describe`."""

    code: str
    params: dict = field(default_factory=dict)

    @property
    def partner_center_code(self) -> str | None:
        return partner_center_code(self.code, self.params)

    @property
    def http_error(self) -> codes.HttpError | None:
        return http_error(self.code, self.params)

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
