"""Roles: a billing admin (read only, docs/domain.md §1) gets 403 on every state-changing POST.

Generated from the URL patterns: every view that takes a POST, pointed at the billing admin's
own partner's objects so that tenancy does not answer first.
"""

import logging
from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from customers.models import PartnerUser
from subscriptions.models import Operation
from tests import html
from tests.security.figures import seen
from tests.security.sweep import ACCOUNT_VIEWS, shows_none_of, urls_taking_post


def test_a_billing_admin_is_forbidden_every_state_changing_post(
    tenancy, billing_client, viewer_client, snapshot, caplog
):
    changing = [url for url in urls_taking_post(billing_client, tenancy) if url.name not in ACCOUNT_VIEWS]
    assert "subscriptions:upgrade" in {url.name for url in changing}
    before, operations = snapshot(), Operation.objects.count()
    caplog.clear()

    for url in changing:
        for headers in ({}, {"HX-Request": "true"}):
            response = billing_client.post(url.path, url.data, headers=headers)
            assert seen(response.status_code) == HTTPStatus.FORBIDDEN, f"{url.name}: {url.path}"
            assert "Your role, Billing admin, can read subscriptions but not change them." in (
                response.content.decode()
            )

    assert snapshot() == before
    assert Operation.objects.count() == operations, "a 403 is not the partner's activity"
    forbidden = [
        record
        for record in caplog.records
        if record.name == "django.request"
        and record.levelno == logging.WARNING
        and record.getMessage().startswith("Forbidden")
    ]
    assert len(forbidden) == 2 * len(changing)


def test_an_admin_agent_may_post_where_the_billing_admin_may_not(tenancy, billing_client, viewer_client):
    # The control of the sweep above: the 403 is the role's, not the view's. An empty body is a
    # form error for the agent, so nothing changes.
    for url in urls_taking_post(billing_client, tenancy):
        if url.name in ACCOUNT_VIEWS:
            continue
        response = viewer_client.post(url.path, {})
        assert seen(response.status_code) not in {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}, url.name
        assert seen(response.status_code) < HTTPStatus.INTERNAL_SERVER_ERROR


# --- The billing admin sees that it is read-only --------------------------------------------


def header_role(client) -> str:
    content = client.get(reverse("customers:list")).content.decode()
    return html.find(content, "span", class_="topbar__role").text


def test_the_header_names_the_role_and_says_read_only_for_a_billing_admin(billing_client, viewer_client):
    assert header_role(billing_client) == "Billing admin · read only"
    assert header_role(viewer_client) == "Admin agent"


def test_the_403_names_the_role_and_who_of_the_partner_can_act(tenancy, billing_client):
    url = reverse("subscriptions:upgrade", args=[tenancy.own_subscription.pk])

    response = billing_client.post(url, {})

    content = response.content.decode()
    assert response.status_code == HTTPStatus.FORBIDDEN
    main = html.find(content, "main").text
    assert "Your role, Billing admin, can read subscriptions but not change them." in main
    who = "An admin agent, sales agent or helpdesk agent of Fabrikam Cloud Solutions can."
    assert who in main
    # The sentence names exactly the roles the rule lets change (PartnerUser.may_change).
    for role in PartnerUser.Role:
        named = role.label.lower() in who
        assert named == (role in PartnerUser.ROLES_THAT_MAY_CHANGE), role
    assert not shows_none_of(content, tenancy.foreign_markers)


def test_the_403_of_an_account_with_no_partner_names_no_partner(tenancy):
    root = get_user_model().objects.create_superuser("root-403", password="x")
    client = Client()
    client.force_login(root)

    response = client.get(reverse("customers:list"))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Your role in Partner Center does not allow this page or this change." in content
    assert tenancy.demo.fabrikam.name not in content
    assert not shows_none_of(content, tenancy.foreign_markers)
