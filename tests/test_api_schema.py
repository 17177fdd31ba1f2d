"""schemathesis over the API's OpenAPI description (issue 11): every operation, called through
the Django app itself (WSGI, no server) as the county admin with a bearer token, with
examples generated from the description — valid and invalid ones — must never answer a
server error, and must answer with a status, content type and body its description
declares. Bounded and derandomized: a few examples per operation, the same every run, well
under a minute on two cores; it runs in the SQLite and the PostgreSQL passes alike."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import ApiToken
from lingyan.wsgi import application

MAX_EXAMPLES = 4
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The examples and the fuzzing phases (valid and invalid data); the coverage phase's hundreds
# of cases per operation and the stateful phase would take minutes.
CONFIG = schemathesis.Config.from_dict(
    {
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG)


@pytest.fixture
def _keep_the_test_connection():
    """Django's handler closes the database connection at the end of every request; the test
    client stops it doing so, and so must a WSGI call inside a test's transaction (on
    PostgreSQL the test's connection would be closed under it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_the_test_connection")
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_answers_every_operation_by_its_description(case, world):
    token = ApiToken.issue(world.county_admin)
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)
