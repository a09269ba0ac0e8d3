"""Property-based runs over the API's own schema, as every kind of token holder.

Schemathesis reads /api/v1/openapi.json from the app and sends each operation generated
requests (valid and invalid query strings, ids of every size) with a superintendent's,
principal's, teacher's, community member's and another district's token. Every answer must
be no server error and must match the schema: status code, content type, headers and body.
The runs are seeded, so CI sees the same requests each time.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

ROLES = ["superintendent", "principal", "teacher", "community_member", "outsider"]
OPERATIONS = 11


@pytest.fixture
def one_transaction():
    """The WSGI app runs inside the test's transaction, as Django's test client does: it must
    not close the connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_has_every_operation():
    assert len(list(schema.get_all_operations())) == OPERATIONS


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(
    case, role, world, request, token_for, one_transaction, settings
):
    settings.API_RATE_LIMIT = "100000/min"
    secret = token_for(request.getfixturevalue(role))
    case.call_and_validate(
        headers={"Authorization": f"Bearer {secret}"},
        # A request generated without its Authorization header is expected to be refused, but
        # the token is added to every request here; refusing a missing token is tried by
        # `ignored_auth` and tests/api/test_tokens.py, bad query values by the other checks.
        excluded_checks=[negative_data_rejection],
    )
