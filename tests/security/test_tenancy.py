"""Tenancy, swept over every URL of the project: another partner's objects are a plain 404.

The sweep is generated from the URL patterns: each pattern that takes an object id must be in
tests/security/registry.py with the ways to point it at another partner's objects, and this
module fails when a pattern is missing there (its docstring says how to add one).
"""

import logging
from http import HTTPStatus

import pytest
from django.urls import reverse

from partnercenter.tenancy import partner_view
from subscriptions.models import Operation, OutOfScope
from tests.security.figures import count, seen
from tests.security.patterns import accepts_post, url_patterns
from tests.security.registry import PARTNER_PAGES_WITHOUT_OBJECT_ID, TENANCY_REGISTRY, WITHOUT_OBJECT_ID
from tests.security.sweep import shows_none_of, text_of

HOW_TO_REGISTER = "say how to reach another partner's object through it, in tests/security/registry.py"


def test_every_url_pattern_is_registered_for_the_tenancy_sweep_or_takes_no_object_id():
    patterns = {pattern.name: pattern for pattern in url_patterns()}

    unregistered = [
        f"{name} ({pattern.route})"
        for name, pattern in patterns.items()
        if name not in TENANCY_REGISTRY and (pattern.parameters or name not in WITHOUT_OBJECT_ID)
    ]
    assert not unregistered, f"URL patterns missing from tests/security/registry.py: {HOW_TO_REGISTER}"
    count("url_patterns_walked", len(patterns))
    stale = sorted((set(TENANCY_REGISTRY) | set(WITHOUT_OBJECT_ID)) - set(patterns))
    assert not stale, "registry entries without a URL pattern any more"
    assert set(PARTNER_PAGES_WITHOUT_OBJECT_ID) <= set(WITHOUT_OBJECT_ID)
    for name, route in TENANCY_REGISTRY.items():
        assert patterns[name].parameters, f"{name} takes no parameter: it belongs in WITHOUT_OBJECT_ID"
        for label, kwargs in route.foreign.items():
            assert kwargs.__code__.co_argcount == 1, f"{name} / {label}: kwargs(tenancy)"


@pytest.mark.parametrize("name", sorted(TENANCY_REGISTRY))
def test_another_partners_objects_are_not_found_through_the_url(
    name, tenancy, viewer_client, snapshot, caplog
):
    route = TENANCY_REGISTRY[name]
    own = reverse(name, kwargs=route.own(tenancy))
    # The control: the URL works for the viewer's own object, so the 404s below are tenancy's.
    # An action URL's GET goes back to the page it acts from, which must answer.
    own_response = viewer_client.get(own, follow=True)
    assert seen(own_response.status_code) == HTTPStatus.OK
    assert not shows_none_of(text_of(own_response), tenancy.foreign_markers)
    takes_post = accepts_post(viewer_client, own)
    before, operations = snapshot(), Operation.objects.count()
    caplog.clear()

    requests = 0
    for label, kwargs in route.foreign.items():
        url = reverse(name, kwargs=kwargs(tenancy))
        for headers in ({}, {"HX-Request": "true"}):
            response = viewer_client.get(url, headers=headers)
            assert seen(response.status_code) == HTTPStatus.NOT_FOUND, f"GET {label}: {url}"
            requests += 1
        if takes_post:
            response = viewer_client.post(url, route.data(tenancy))
            assert seen(response.status_code) == HTTPStatus.NOT_FOUND, f"POST {label}: {url}"
            requests += 1
        assert "Page not found" in text_of(response)

    assert snapshot() == before
    # A 404 is Django's security business (django.request), not the partner's activity log.
    assert Operation.objects.count() == operations
    not_found = [
        record
        for record in caplog.records
        if record.name == "django.request"
        and record.levelno == logging.WARNING
        and record.getMessage().startswith("Not Found:")
    ]
    assert len(not_found) == requests
    count("url_patterns_covered")
    count("tenancy_requests", requests)


@pytest.mark.parametrize("name", PARTNER_PAGES_WITHOUT_OBJECT_ID)
def test_pages_without_an_object_id_show_nothing_of_another_partner(name, tenancy, viewer_client):
    response = viewer_client.get(reverse(name))

    assert seen(response.status_code) == HTTPStatus.OK
    assert not shows_none_of(text_of(response), tenancy.foreign_markers)
    count("url_patterns_covered")


def test_a_shared_customers_page_shows_only_what_the_viewers_partner_sold(tenancy, viewer_client):
    trey = tenancy.demo.customers["Trey Research"]

    response = viewer_client.get(reverse("customers:detail", args=[trey.pk]))

    content = response.content.decode()
    fabrikams = trey.subscriptions.get(sold_by=tenancy.demo.fabrikam)
    assert seen(response.status_code) == HTTPStatus.OK
    assert f'id="subscription-{fabrikams.pk}"' in content
    assert f'id="subscription-{tenancy.shared_customer_subscription.pk}"' not in content
    assert not shows_none_of(content, tenancy.foreign_markers)


def test_a_subscription_that_leaves_the_scope_after_the_page_loaded_it_is_a_404(tenancy, rf):
    # The services refuse it themselves (OutOfScope, under their row lock); partner_view answers
    # that refusal as any other door does: not found.
    @partner_view(may_change=True)
    def submit(request):
        raise OutOfScope("The reseller relationship ended meanwhile.")

    request = rf.post("/")
    request.user = tenancy.viewer

    # Answered there as a 404 page, not raised: partner_view gives it its Cache-Control too.
    assert seen(submit(request).status_code) == HTTPStatus.NOT_FOUND
