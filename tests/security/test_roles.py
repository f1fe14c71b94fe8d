"""Roles: a billing admin (read only, docs/domain.md §1) gets 403 on every state-changing POST.

Generated from the URL patterns: every view that takes a POST, pointed at the billing admin's
own partner's objects so that tenancy does not answer first.
"""

import logging
from http import HTTPStatus

from subscriptions.models import Operation
from tests.security.figures import seen
from tests.security.sweep import ACCOUNT_VIEWS, urls_taking_post


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
            assert "Your role in Partner Center does not allow" in response.content.decode()

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
