"""schemathesis drives every operation of `/api/openapi.json` with generated input, through the
WSGI app in this process: no answer is a 5xx, every answer (errors included) conforms to the
schema the document declares, and nothing outside the partner's scope is ever reached."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection

from tests.api.conftest import token_for

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())

EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis folder in the project
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def bearer(demo) -> str:
    return token_for("fabrikam-demo-app")


@pytest.fixture
def connection_kept():
    """The raw WSGI app closes the database connection after each request, which would end the
    test's transaction: held open as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_every_operation_answers_within_its_schema_and_never_fails(case, bearer, connection_kept):
    headers = {"Authorization": f"Bearer {bearer}"}
    response = case.call(headers=headers)

    assert response.status_code < 500, response.text
    # Unknown query parameters are ignored, as Partner Center ignores them: not a refusal owed.
    case.validate_response(response, headers=headers, excluded_checks=[negative_data_rejection])
