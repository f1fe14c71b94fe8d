"""API fixtures: the demo's applications (seed_demo creates them) and clients holding their tokens."""

import pytest
from django.test import Client

from api.demo import DEMO_APPLICATIONS
from subscriptions.demo_data import ESSENTIALS
from subscriptions.models import Subscription
from tests.subscriptions.conftest import snapshot  # noqa: F401 (a fixture reused here)

CREDENTIALS = {application.client_id: application.secret for application in DEMO_APPLICATIONS}


def token_for(client_id: str) -> str:
    response = Client().post(
        "/api/oauth2/token",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": CREDENTIALS[client_id]},
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


class ApiClient(Client):
    """A test client that sends the application's bearer token with every request."""

    def __init__(self, token: str):
        super().__init__(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def fabrikam_api(demo) -> ApiClient:
    return ApiClient(token_for("fabrikam-demo-app"))


@pytest.fixture
def northwind_api(demo) -> ApiClient:
    return ApiClient(token_for("northwind-demo-app"))


@pytest.fixture
def billing_api(demo) -> ApiClient:
    return ApiClient(token_for("fabrikam-billing-app"))


@pytest.fixture
def contoso(demo) -> Subscription:
    """Contoso's Business Essentials, sold by Fabrikam: the subscription the API's writes change."""
    return Subscription.objects.select_related("customer", "offer").get(
        customer=demo.customers["Contoso Ltd"], sold_by=demo.fabrikam, offer__name=ESSENTIALS
    )
