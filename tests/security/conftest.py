"""Fixtures of the hardening tests: the demo as a Fabrikam user sees it, with both partners' upgrades."""

import pytest
from django.test import Client

from tests.security.world import Tenancy, build_tenancy
from tests.subscriptions.conftest import snapshot, world  # noqa: F401 (fixtures reused here)


@pytest.fixture
def tenancy(demo, catalog) -> Tenancy:
    return build_tenancy(demo, catalog)


@pytest.fixture
def viewer_client(tenancy) -> Client:
    client = Client()
    client.force_login(tenancy.viewer)
    return client


@pytest.fixture
def billing_client(tenancy) -> Client:
    client = Client()
    client.force_login(tenancy.billing_admin)
    return client
