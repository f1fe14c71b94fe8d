"""`POST /api/oauth2/token`: the client-credentials grant and the bearer tokens it gives."""

import base64
import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiApplication, ApiToken
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/oauth2/token"
GRANT = {
    "grant_type": "client_credentials",
    "client_id": "fabrikam-demo-app",
    "client_secret": "fabrikam-demo-secret",
}


def test_the_client_credentials_grant_gives_a_bearer_token_for_an_hour(demo):
    response = Client().post(TOKEN_URL, GRANT)

    assert response.status_code == 200
    body = response.json()
    assert body.keys() == {"token_type", "expires_in", "access_token"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert len(body["access_token"]) >= 40  # 32 random bytes
    assert "no-store" in response["Cache-Control"]


def test_only_a_digest_of_the_token_is_stored(demo):
    token = Client().post(TOKEN_URL, GRANT).json()["access_token"]

    stored = ApiToken.objects.latest("pk")
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert not ApiToken.objects.filter(digest=token).exists()
    assert token not in ApiApplication.objects.get(client_id="fabrikam-demo-app").secret_hash


def test_http_basic_credentials_are_accepted_too(demo):
    basic = base64.b64encode(b"fabrikam-demo-app:fabrikam-demo-secret").decode()

    response = Client().post(
        TOKEN_URL, {"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )

    assert response.status_code == 200 and response.json()["token_type"] == "Bearer"


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({**GRANT, "client_secret": "wrong"}, 401, "invalid_client"),
        ({**GRANT, "client_id": "nobody"}, 401, "invalid_client"),
        ({**GRANT, "client_id": ""}, 401, "invalid_client"),
        (
            {**GRANT, "client_id": "fabrikam-demo-app", "client_secret": "northwind-demo-secret"},
            401,
            "invalid_client",
        ),
        ({**GRANT, "grant_type": "password"}, 400, "unsupported_grant_type"),
        ({key: value for key, value in GRANT.items() if key != "grant_type"}, 400, "invalid_request"),
    ],
)
def test_oauth_errors_are_rfc_6749_s(demo, body, status, error):
    response = Client().post(TOKEN_URL, body)

    assert response.status_code == status
    assert response.json()["error"] == error and response.json()["error_description"]
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Basic")
    assert not ApiToken.objects.exists()


def test_the_token_endpoint_takes_only_post(demo):
    response = Client().get(TOKEN_URL)

    assert response.status_code == 405
    assert response.json()["code"] == 405 and response["Allow"] == "POST"


def test_a_disabled_application_gets_no_token_and_its_tokens_stop_at_once(demo):
    api = ApiClient(token_for("fabrikam-demo-app"))
    assert api.get("/api/v1/customers").status_code == 200

    ApiApplication.objects.filter(client_id="fabrikam-demo-app").update(enabled=False)

    assert api.get("/api/v1/customers").status_code == 401
    assert Client().post(TOKEN_URL, GRANT).status_code == 401


def test_an_expired_token_is_refused(demo):
    api = ApiClient(token_for("fabrikam-demo-app"))

    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = api.get("/api/v1/customers")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer not-a-token", "Basic abc", "bearer  "])
def test_a_missing_or_bad_token_is_a_401_in_the_envelope(demo, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    response = Client().get("/api/v1/customers", headers=headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="partnercenter", error="invalid_token"'
    body = response.json()
    assert body.keys() == {"code", "description", "data", "source"} and body["code"] == 401


def test_a_rotated_secret_overlaps_its_predecessor_for_the_configured_time(demo, settings):
    settings.API_SECRET_OVERLAP_SECONDS = 600
    application = ApiApplication.objects.get(client_id="fabrikam-demo-app")
    new_secret = application.rotate_secret()
    application.save()

    assert Client().post(TOKEN_URL, {**GRANT, "client_secret": new_secret}).status_code == 200
    assert Client().post(TOKEN_URL, GRANT).status_code == 200  # the old one, within the overlap

    ApiApplication.objects.filter(pk=application.pk).update(previous_secret_until=timezone.now())

    assert Client().post(TOKEN_URL, GRANT).status_code == 401
    assert Client().post(TOKEN_URL, {**GRANT, "client_secret": new_secret}).status_code == 200


def test_the_benchmark_s_api_floor_is_the_token_and_the_throttle_s_count(demo, django_assert_num_queries):
    api = ApiClient(token_for("fabrikam-demo-app"))

    with django_assert_num_queries(2):
        response = api.get("/api/_hello")

    assert response.status_code == 200 and response.json() == {"hello": "Fabrikam Cloud Solutions"}
    assert Client().get("/api/_hello").status_code == 401
