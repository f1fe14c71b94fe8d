"""Every reason ends with what to do and where (docs/domain.md §4): the grant's end date, the
request for delegated admin privileges, what multi-channel means, and Microsoft's own pages in
the page's language when the remedy is not a page of this app; and the possible upgrades in the
catalog's order, with the blocked ones hinted."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from customers.models import DelegatedAdminGrant
from subscriptions import reasons
from subscriptions.reasons import Reason
from tests import html
from tests.offer_names import BUSINESS, E3, E5, PREMIUM, PROPLUS

REQUEST_PRIVILEGES = "https://learn.microsoft.com/{}/partner-center/request-a-relationship-with-a-customer"
MULTICHANNEL = "https://learn.microsoft.com/{}/partner-center/multichannel"
ADMIN_CENTER = "https://admin.microsoft.com"
PARTNER_CENTER = "https://partner.microsoft.com/dashboard"

# Every eligibility refusal that asks for something done outside this app, as stored.
OUTSIDE_REMEDIES = [
    Reason(reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": "suspended"}),
    Reason(reasons.DELEGATED_ADMIN_MISSING, {"state": reasons.GRANT_MISSING}),
    Reason(reasons.DELEGATED_ADMIN_MISSING, {"state": reasons.GRANT_EXPIRED, "end_date": "2026-10-31"}),
    Reason(reasons.DELEGATED_ADMIN_MISSING, {"state": reasons.GRANT_TERMINATED, "end_date": "2026-10-31"}),
    Reason(reasons.TARGET_ALREADY_OWNED, {"target": E3, "channel": reasons.OTHER_PARTNER}),
    Reason(reasons.TARGET_ALREADY_OWNED, {"target": E3, "channel": reasons.DIRECT}),
    *(
        Reason(
            reasons.CONFLICTING_SERVICES,
            {"services": ["Power BI Pro"], "offer": "Power BI Pro", "channel": channel, "target": E5},
        )
        for channel in (reasons.THIS_PARTNER, reasons.OTHER_PARTNER, reasons.DIRECT)
    ),
]


def urls(reason) -> list[str]:
    return [link.url for link in reason.links]


@pytest.mark.parametrize("reason", OUTSIDE_REMEDIES, ids=lambda reason: f"{reason.code}-{reason.params}")
def test_a_reason_naming_a_place_outside_the_app_links_it(reason):
    message, found = reason.message, urls(reason)

    assert found, f"no way to act on: {message}"
    if "delegated admin privileges" in message:
        assert REQUEST_PRIVILEGES.format("en-us") in found
    if "another partner" in message or "directly from Microsoft" in message:
        assert MULTICHANNEL.format("en-us") in found
    if "Microsoft 365 admin center" in message:
        assert ADMIN_CENTER in found
    if "Microsoft Partner Center" in message:
        assert PARTNER_CENTER in found
    assert all(link.text for link in reason.links)


def test_an_expired_grant_says_its_end_date_in_the_message():
    reason = Reason(
        reasons.DELEGATED_ADMIN_MISSING, {"state": reasons.GRANT_EXPIRED, "end_date": "2026-10-31"}
    )

    end = date_format(datetime.date(2026, 10, 31))
    assert reason.message.startswith(f"Your delegated admin privileges for this customer expired on {end}.")
    assert reason.details is None, "the date is said once"


def test_the_links_follow_the_language_of_the_page():
    reason = Reason(reasons.TARGET_ALREADY_OWNED, {"target": E3, "channel": reasons.DIRECT})

    with translation.override("fr"):
        french = urls(reason)

    assert french == [ADMIN_CENTER, MULTICHANNEL.format("fr-fr")]
    assert urls(Reason(reasons.DELEGATED_ADMIN_MISSING, {})) == [REQUEST_PRIVILEGES.format("en-us")]


def test_a_reason_the_app_answers_itself_has_no_outside_link():
    for reason in (
        Reason(reasons.TARGET_ALREADY_OWNED, {"target": E3, "channel": reasons.THIS_PARTNER}),
        Reason(reasons.NO_UPGRADE_PATH, {"offer": BUSINESS, "target": E3}),
        Reason(reasons.SUBSCRIPTION_NOT_ACTIVE, {"status": "pending"}),
    ):
        assert urls(reason) == []


def customer_page(client, world, language="en"):
    url = reverse("customers:detail", args=[world.customer.pk])
    return html.parse(client.get(url, headers={"Accept-Language": language}).content)


@pytest.mark.parametrize("headers", [{"HX-Request": "true"}, {}], ids=["popover", "page"])
@pytest.mark.parametrize(("language", "locale"), [("en", "en-us"), ("fr", "fr-fr")])
def test_why_it_cant_be_upgraded_links_the_request_in_a_new_tab_in_the_pages_language(
    agent_client, world, language, locale, headers
):
    # The customer page's "Why can't this be upgraded?" fetches these words when it opens; its
    # link is the same answer as a page.
    DelegatedAdminGrant.objects.filter(pk=world.grant.pk).delete()
    subscription = world.subscription(BUSINESS)
    url = reverse("subscriptions:upgrade-reasons", args=[subscription.pk])

    answer = html.parse(agent_client.get(url, headers={"Accept-Language": language, **headers}).content)

    link = answer.find("span", class_="reasons").find("a", href=REQUEST_PRIVILEGES.format(locale))
    assert link.attrs["target"] == "_blank"
    assert "noopener" in link.attrs["rel"]
    assert link.find("span", class_="visually-hidden").text


def test_the_popover_lists_the_possible_upgrades_in_the_catalogs_order_and_hints_the_blocked_one(
    agent_client, world
):
    subscription = world.subscription(BUSINESS)
    world.subscription(PROPLUS, sold_by="other")

    panel = customer_page(agent_client, world).find(id=f"upgrade-options-{subscription.pk}")

    assert panel.find("span", class_="popover__text").text == f"{PREMIUM}, {E3}, {E5}"
    hint = panel.find("span", class_="popover__hint")
    assert hint.text == f"{PROPLUS}: not possible, see why"
    upgrade_url = reverse("subscriptions:upgrade", args=[subscription.pk])
    why = hint.find("a")
    assert why.attrs["href"] == f"{upgrade_url}#target-{world.offers[PROPLUS].pk}"
    # The anchor exists on the upgrade page, on the refused target's reasons.
    upgrade_page = html.parse(agent_client.get(upgrade_url).content)
    assert upgrade_page.find(id=f"target-{world.offers[PROPLUS].pk}").attrs["disabled"] is None
