"""Where a reason sends the partner when the app cannot do it for them (docs/domain.md §4).

Microsoft's public pages, in the page's language, opened in a new tab: the two pages the source
article itself links for its conditions (delegated admin privileges, multi-channel), and the
places where the remedy really happens (the customer's Microsoft 365 admin center, Partner
Center) when the remedy is not a page of this app.
"""

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Microsoft Learn's locale segment for each language the app speaks.
LEARN_LOCALES = {"en": "en-us", "fr": "fr-fr"}
MICROSOFT_365_ADMIN_CENTER = "https://admin.microsoft.com"
PARTNER_CENTER = "https://partner.microsoft.com/dashboard"


@dataclass(frozen=True)
class Link:
    text: str
    url: str


def learn(page: str) -> str:
    """A Partner Center help page on Microsoft Learn, in the active language."""
    locale = LEARN_LOCALES.get((get_language() or "en").split("-")[0], LEARN_LOCALES["en"])
    return f"https://learn.microsoft.com/{locale}/partner-center/{page}"


def request_delegated_admin() -> Link:
    return Link(_("Request delegated admin privileges"), learn("request-a-relationship-with-a-customer"))


def multichannel() -> Link:
    return Link(_("About multi-channel purchases"), learn("multichannel"))


def microsoft_365_admin_center() -> Link:
    return Link(_("Microsoft 365 admin center"), MICROSOFT_365_ADMIN_CENTER)


def partner_center() -> Link:
    return Link(_("Microsoft Partner Center"), PARTNER_CENTER)
