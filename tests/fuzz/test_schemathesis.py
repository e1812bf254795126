"""schemathesis against /api/schema/: every operation, as secretariat staff of the demo alliance
`ocean-equipment`, in process through the WSGI app. No 5xx; status code, content type and body
conform to the schema. Each generated case runs in a savepoint that is rolled back, and the throttle
cache is cleared, so no case leaves state for the next."""

import pytest
import schemathesis
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from config.wsgi import application
from tests.fuzz.conftest import SLUG

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
# Schema-valid inputs only (the hostile-input corpus covers invalid ones, with stronger checks), and
# only the fuzzing phase: the coverage phase adds hundreds of boundary cases per operation.
schema.config.generation.update(modes=["positive"], max_examples=30, deterministic=True, database="none")
schema.config.phases.coverage.enabled = False
schema.config.phases.examples.enabled = False
schema.config.phases.stateful.enabled = False

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 30


@pytest.fixture
def sec_token(oe):
    return Token.objects.get_or_create(user=oe.user("sec"))[0].key


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_schema_and_never_fails_with_5xx(case, sec_token, bindings, wsgi_requests_keep_connection):
    if "slug" in case.path_parameters:
        case.path_parameters["slug"] = SLUG
    choices = bindings.get(case.operation.path) or []
    generated = dict(case.path_parameters or {})
    for name, value in generated.items():  # `<int:...>` routes match no sign: keep the id a path the API routes
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            case.path_parameters[name] = -value
    # Mostly real ids (so the operation runs beyond 404), sometimes the generated ones.
    if choices and not (isinstance(generated.get("id"), int) and generated["id"] % 5 == 0):
        seed = sum(v for v in generated.values() if isinstance(v, int) and not isinstance(v, bool))
        case.path_parameters.update(choices[abs(seed) % len(choices)])
    cache.clear()
    with transaction.atomic():
        response = case.call(headers={"Authorization": f"Token {sec_token}"})
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)
