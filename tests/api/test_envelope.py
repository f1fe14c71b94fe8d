"""What every answer under /api/ shares: Partner Center's headers, its language rule and its
error envelope (docs/api.md)."""

import json
import uuid

import pytest

from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db

ENVELOPE_KEYS = {"code", "description", "data", "source"}


def test_an_unknown_path_is_a_404_in_the_envelope_not_an_html_page(client):
    response = client.get("/api/v1/no-such-resource")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body.keys() == ENVELOPE_KEYS
    assert body == {
        "code": 404,
        "description": "The resource was not found.",
        "data": [],
        "source": "PartnerFD",
    }


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/customers/no-such-page/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
    assert "MS-CorrelationId" not in response


@pytest.mark.parametrize("header", ["MS-CorrelationId", "MS-RequestId"])
def test_partner_center_request_ids_are_echoed_and_generated_when_absent(client, header):
    sent = str(uuid.uuid4())

    echoed = client.get("/api/openapi.json", headers={header: sent})
    generated = client.get("/api/openapi.json")
    not_an_id = client.get("/api/openapi.json", headers={header: "'; DROP TABLE x"})

    assert echoed[header] == sent
    assert uuid.UUID(generated[header]) and generated[header] != sent
    assert uuid.UUID(not_an_id[header]) and "DROP" not in not_an_id[header]
    # Error answers carry them too.
    assert client.get("/api/v1/nothing", headers={header: sent})[header] == sent


@pytest.mark.parametrize(
    ("headers", "language", "description"),
    [
        ({}, "en", "The resource was not found."),
        ({"X-Locale": "fr-FR"}, "fr", "La ressource est introuvable."),
        ({"Accept-Language": "fr-CA,fr;q=0.9"}, "fr", "La ressource est introuvable."),
        # X-Locale wins over Accept-Language; an unknown locale falls back to the next choice.
        ({"X-Locale": "en-US", "Accept-Language": "fr"}, "en", "The resource was not found."),
        ({"X-Locale": "xx-XX", "Accept-Language": "fr"}, "fr", "La ressource est introuvable."),
    ],
)
def test_the_language_is_the_one_the_client_asks_for(client, headers, language, description):
    response = client.get("/api/v1/nothing", headers=headers)

    assert response["Content-Language"] == language
    assert json.loads(response.content)["description"] == description


def test_the_language_cookie_of_a_browser_does_not_change_a_script_s_answers(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    assert client.get("/customers/no-such-page/")["Content-Language"] == "fr"  # pages follow it
    response = client.get("/api/v1/nothing")

    assert response["Content-Language"] == "en"
    assert json.loads(response.content)["description"] == "The resource was not found."


def test_the_openapi_document_and_its_docs_page_are_served_from_this_app_only(client):
    schema = client.get("/api/openapi.json")
    docs = client.get("/api/docs")

    assert schema.status_code == 200 and json.loads(schema.content)["openapi"].startswith("3.")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle" in html
    assert "http://" not in html and "https://" not in html  # no CDN, no other host


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_a_body_that_is_not_json_is_415(content_type, demo):
    api = ApiClient(token_for("fabrikam-demo-app"))
    litware = demo.customers["Litware, Inc."]

    response = api.post(
        f"/api/v1/customers/{litware.tenant_id}/subscriptions/x/upgrades", "a=b", content_type=content_type
    )

    assert response.status_code == 415 and json.loads(response.content)["code"] == 415


def test_a_client_that_takes_no_json_is_406_and_one_that_takes_any_is_served(client):
    refused = client.get("/api/openapi.json", headers={"Accept": "application/xml"})
    served = client.get("/api/openapi.json", headers={"Accept": "application/json;q=0.9, */*;q=0.1"})

    assert refused.status_code == 406 and json.loads(refused.content)["code"] == 406
    assert served.status_code == 200
