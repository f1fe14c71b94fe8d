"""Hostile headers, which the OpenAPI document does not describe and schemathesis does not send:
whatever a script puts in `MS-RequestId`, `MS-CorrelationId`, `If-Match`, `X-Locale` or
`MS-ContinuationToken`, the API answers in its envelope, never 5xx, and a refused write changes
nothing (docs/api.md, "Every answer")."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.paths import subscription_path

pytestmark = pytest.mark.django_db

# What an HTTP header can carry: printable Latin-1 (a server refuses control characters first).
header_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=60
)
fuzzed = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ENVELOPE_KEYS = {"code", "description", "data", "source"}


def assert_answered(response):
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert set(response.json()) == ENVELOPE_KEYS and isinstance(response.json()["code"], int)


@fuzzed
@given(continuation=header_text, locale=header_text, correlation=header_text)
def test_a_list_with_any_paging_language_and_correlation_headers_is_answered(
    fabrikam_api, contoso, continuation, locale, correlation
):
    headers = {"MS-ContinuationToken": continuation, "X-Locale": locale, "MS-CorrelationId": correlation}

    response = fabrikam_api.get(
        f"/api/v1/customers/{contoso.customer.tenant_id}/subscriptions", headers=headers
    )

    assert_answered(response)
    assert response.status_code in (200, 400)
    assert response["MS-CorrelationId"]  # echoed, or replaced by a fresh one when not a GUID


@fuzzed
@given(
    request_id=header_text,
    if_match=header_text,
    quantity=st.one_of(st.integers(), st.integers(min_value=-5, max_value=5)),
)
def test_a_patch_with_any_key_etag_and_quantity_is_answered_and_a_refusal_changes_nothing(
    fabrikam_api, contoso, snapshot, request_id, if_match, quantity
):
    resource = fabrikam_api.get(subscription_path(contoso)).json()
    before = snapshot()

    response = fabrikam_api.patch(
        subscription_path(contoso),
        {**resource, "quantity": quantity},
        content_type="application/json",
        headers={"MS-RequestId": request_id, "If-Match": if_match},
    )

    assert_answered(response)
    if response.status_code >= 400:
        assert snapshot() == before
