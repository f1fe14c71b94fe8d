"""Why a subscription can't be upgraded, on demand (subscriptions:upgrade-reasons): the customer
page's popover content for htmx, a small page for a plain GET, the subscription as it is now.

The customer page only links to it (tests/customers/test_views.py); the browser side is in
tests/browser/test_upgrade_reasons.py.
"""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from customers.models import DelegatedAdminGrant, PartnerUser, ResellerRelationship
from subscriptions.models import Subscription
from tests import html
from tests.factories import PartnerUserFactory
from tests.offer_names import BUSINESS, E3, E5, ESSENTIALS, POWER_BI_PRO, PREMIUM, PROPLUS

HTMX = {"HX-Request": "true"}
REQUEST_PRIVILEGES = "https://learn.microsoft.com/{}/partner-center/request-a-relationship-with-a-customer"
MULTICHANNEL = "https://learn.microsoft.com/{}/partner-center/multichannel"
NO_GRANT = "You do not have delegated admin privileges for this customer and Office 365."
OWNED_ELSEWHERE = f"The customer bought {E3} through another partner"
TITLE = "Why this subscription can't be upgraded"


def reasons_url(subscription) -> str:
    return reverse("subscriptions:upgrade-reasons", args=[subscription.pk])


def reasons_of(element) -> list[tuple[str, str]]:
    """(message, "Offers concerned: …") of each grouped reason, as the partner reads them."""
    return [
        (
            reason.find("span", class_="reason__message").text,
            reason.find("span", class_="reason__targets").text,
        )
        for reason in element.find_all("span", class_="reason")
    ]


@pytest.fixture
def refused(world):
    """Office 365 Business, no grant, and E3 bought through another partner: nothing eligible,
    one message for every target and others for one target each."""
    DelegatedAdminGrant.objects.filter(pk=world.grant.pk).delete()
    world.subscription(E3, sold_by="other")
    return world.subscription(BUSINESS, friendly_name="Main plan")


def test_htmx_gets_the_popovers_content_each_message_once_with_its_links_and_offers(agent_client, refused):
    response = agent_client.get(reasons_url(refused), headers=HTMX)

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "<html" not in content and "<h1" not in content, "the panel's content only"
    fragment = html.parse(content)
    assert fragment.find("span", class_="popover__title").text == TITLE
    found = reasons_of(fragment)
    assert found[0][0].startswith(NO_GRANT)
    assert found[0][1] == f"Offers concerned: {PREMIUM}, {PROPLUS}, {E3}, {E5}"
    assert [targets for _, targets in found[1:]] == [
        f"Offers concerned: {PREMIUM}",
        f"Offers concerned: {E3}",
        f"Offers concerned: {E5}",
    ]
    assert [message for message, _ in found].count(found[0][0]) == 1, "each message once"
    assert any(message.startswith(OWNED_ELSEWHERE) for message, _ in found)
    request = fragment.find("a", href=REQUEST_PRIVILEGES.format("en-us"))
    assert (request.attrs["target"], request.attrs["rel"]) == ("_blank", "noopener noreferrer")
    assert request.find("span", class_="visually-hidden").text == "(opens in a new tab)"
    assert fragment.find_all("a", href=MULTICHANNEL.format("en-us"))
    # One URL, two answers: no cache may hand the fragment to a plain visit, or keep either.
    assert "HX-Request" in response.headers["Vary"]
    assert "no-store" in response.headers["Cache-Control"]


def test_a_plain_get_gets_the_page_with_its_breadcrumb_and_the_way_to_the_upgrade_page(
    agent_client, world, refused
):
    fragment = html.parse(agent_client.get(reasons_url(refused), headers=HTMX).content)

    response = agent_client.get(reasons_url(refused))

    assert response.status_code == HTTPStatus.OK
    page = html.parse(response.content)
    assert page.find("title").text.startswith(TITLE)
    assert page.find("h1").text == TITLE
    crumbs = page.find("nav", class_="breadcrumb")
    assert [item.text for item in crumbs.find_all("li")] == ["Customers", "Test Customer", "Main plan", TITLE]
    assert (
        crumbs.find("a", href=reverse("customers:detail", args=[world.customer.pk])).text == "Test Customer"
    )
    assert crumbs.find("a", href=reverse("subscriptions:detail", args=[refused.pk])).text == "Main plan"
    # The same reasons as the popover, word for word.
    assert reasons_of(page.find("main")) == reasons_of(fragment)
    upgrade = reverse("subscriptions:upgrade", args=[refused.pk])
    assert page.find("a", href=upgrade).text == "Open the upgrade page"
    customer_links = page.find("main").find_all(
        "a", href=reverse("customers:detail", args=[world.customer.pk])
    )
    assert [link.text for link in customer_links] == ["Test Customer", "Back to Test Customer"]
    assert "HX-Request" in response.headers["Vary"]


def test_the_upgrade_page_groups_the_same_reasons(agent_client, refused):
    # One grouping (eligibility.refusals_by_message) for the popover, its page and the upgrade page.
    upgrade_page = html.parse(agent_client.get(reverse("subscriptions:upgrade", args=[refused.pk])).content)
    popover = html.parse(agent_client.get(reasons_url(refused), headers=HTMX).content)

    summary = upgrade_page.find("h2", id="not-upgradable-heading")
    assert summary.text == "This subscription can't be upgraded right now"
    assert [
        (
            reason.find("span", class_="reason__message").text,
            reason.find("span", class_="reason__targets").text,
        )
        for reason in upgrade_page.find_all("p", class_="reason")
    ] == reasons_of(popover)


# --- Stale lists: the subscription as it is now -----------------------------------------------


def test_a_subscription_upgradable_after_all_says_so_with_upgrade_now(agent_client, world):
    # The list was drawn without a grant; it has been approved since.
    subscription = world.subscription(BUSINESS)

    for headers in (HTMX, {}):
        answer = html.parse(agent_client.get(reasons_url(subscription), headers=headers).content)

        assert "This subscription can be upgraded now" in answer.text
        assert f"Possible upgrades: {PREMIUM}, {PROPLUS}, {E3}, {E5}" in answer.text
        upgrade_now = answer.find("a", href=reverse("subscriptions:upgrade", args=[subscription.pk]))
        assert upgrade_now.text == "Upgrade now"
        assert not answer.find_all("span", class_="reason")


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (
            Subscription.Status.SUSPENDED,
            "This subscription is suspended. Reactivate it in Microsoft Partner Center",
        ),
        (Subscription.Status.DELETED, "This subscription is cancelled, so it can no longer be upgraded."),
    ],
)
def test_a_subscription_no_longer_active_says_its_state_instead_of_reasons(
    agent_client, world, status, words
):
    DelegatedAdminGrant.objects.filter(pk=world.grant.pk).delete()
    subscription = world.subscription(BUSINESS, status=status)

    for headers in (HTMX, {}):
        answer = html.parse(agent_client.get(reasons_url(subscription), headers=headers).content)

        messages = [reason.text for reason in answer.find_all("span", class_="reason__message")]
        assert len(messages) == 1 and messages[0].startswith(words), messages
        assert "delegated admin" not in answer.find("span", class_="reasons").text, (
            "its state, no other check"
        )
        assert "Offers concerned" not in answer.text


def test_an_upgraded_away_subscription_says_what_it_became(agent_client, world):
    source = world.subscription(ESSENTIALS, users=1)
    operation = world.upgrade(source, E3)

    answer = html.parse(agent_client.get(reasons_url(source), headers=HTMX).content)

    assert answer.find("span", class_="reason__message").text.startswith("This subscription is cancelled")
    note = answer.find("span", class_="status-note")
    assert note.text.startswith(f"Upgraded to {E3} on ")
    assert (
        note.find("a", href=reverse("subscriptions:operation", args=[operation.pk])).text == "see the report"
    )


def test_an_offer_without_upgrade_paths_says_so(agent_client, world):
    subscription = world.subscription(POWER_BI_PRO)

    answer = html.parse(agent_client.get(reasons_url(subscription), headers=HTMX).content)

    assert answer.find("span", class_="popover__text").text == (
        f"{POWER_BI_PRO} cannot be upgraded in Cloud Solution Provider."
    )


# --- Who may see it --------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_another_partners_subscription_is_not_found(agent_client, world, headers):
    theirs = world.subscription(BUSINESS, sold_by="other")

    response = agent_client.get(reasons_url(theirs), headers=headers)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Secret Rival Reseller" not in response.content.decode()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_subscription_out_of_scope_since_the_list_was_drawn_is_not_found(agent_client, world, headers):
    ours = world.subscription(BUSINESS)
    ResellerRelationship.objects.filter(partner=world.partner, customer=world.customer).delete()

    assert agent_client.get(reasons_url(ours), headers=headers).status_code == HTTPStatus.NOT_FOUND


def test_a_read_only_role_is_forbidden_it(client, world, refused):
    client.force_login(PartnerUserFactory(partner=world.partner, role=PartnerUser.Role.BILLING_ADMIN).user)

    for headers in ({}, HTMX):
        assert client.get(reasons_url(refused), headers=headers).status_code == HTTPStatus.FORBIDDEN


def test_a_signed_out_htmx_request_is_sent_to_the_sign_in_page_of_the_customer_page(client, world, refused):
    customer_page = "http://testserver" + reverse("customers:detail", args=[world.customer.pk])

    response = client.get(reasons_url(refused), headers={**HTMX, "HX-Current-URL": customer_page})

    assert response.status_code == HTTPStatus.OK and response.content == b""
    assert response.headers["HX-Redirect"].endswith(f"?next=/customers/{world.customer.pk}/")


# --- Cost and words --------------------------------------------------------------------------


# The session, the user with their partner, the subscription (customer, offer and successor
# joined), the catalog's version stamp, and eligibility's bulk reads: holdings and grants.
REASONS_QUERIES = 6


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_the_reasons_cost_a_fixed_number_of_queries_however_many_the_customer_holds(
    agent_client, world, refused, django_assert_num_queries, headers
):
    agent_client.get(reasons_url(refused), headers=headers)  # the catalog, kept once read
    with django_assert_num_queries(REASONS_QUERIES):
        agent_client.get(reasons_url(refused), headers=headers)
    for offer in (E5, PROPLUS, PREMIUM, POWER_BI_PRO, ESSENTIALS):
        world.subscription(offer, sold_by="other")
        world.subscription(offer, sold_by="direct")
    with django_assert_num_queries(REASONS_QUERIES):
        response = agent_client.get(reasons_url(refused), headers=headers)
    assert len(html.parse(response.content).find_all("span", class_="reason")) > 4


# A subscription that is not active runs no eligibility check: what replaced it comes joined
# (the session, the user with their partner, the subscription).
NOT_ACTIVE_QUERIES = 3


def test_an_upgraded_away_subscription_costs_the_same_few_queries_with_its_successor(
    agent_client, world, django_assert_num_queries
):
    source = world.subscription(ESSENTIALS, users=1)
    world.upgrade(source, E3)

    with django_assert_num_queries(NOT_ACTIVE_QUERIES):
        response = agent_client.get(reasons_url(source), headers=HTMX)

    assert f"Upgraded to {E3}" in html.parse(response.content).text


def test_the_reasons_speak_french(agent_client, refused):
    response = agent_client.get(reasons_url(refused), headers={**HTMX, "Accept-Language": "fr"})

    # Parsed text folds the no-break spaces French typography puts before a colon: read raw.
    assert f"Offres concernées\u00a0: {PREMIUM}, {PROPLUS}, {E3}, {E5}" in response.content.decode()
    fragment = html.parse(response.content)
    assert fragment.find("span", class_="popover__title").text == (
        "Pourquoi cet abonnement ne peut pas être mis à niveau"
    )
    with translation.override("fr"):
        title = translation.gettext(TITLE)
    assert fragment.find("span", class_="popover__title").text == title
    found = reasons_of(fragment)
    assert found[0][0].startswith("Vous ne disposez pas de privilèges d’administration délégués")
    assert fragment.find("a", href=REQUEST_PRIVILEGES.format("fr-fr"))
    page = html.parse(agent_client.get(reasons_url(refused), headers={"Accept-Language": "fr"}).content)
    assert page.find("h1").text == title
    assert page.find("a", href=reverse("subscriptions:upgrade", args=[refused.pk])).text == (
        "Ouvrir la page de mise à niveau"
    )
