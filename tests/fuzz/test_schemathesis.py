"""schemathesis against /api/schema/: every operation, as secretariat staff of the demo alliance
`ocean-equipment`, in process through the WSGI app, in every phase (the schema's examples, the
coverage phase's boundary and invalid values for every parameter, path ones included, random
fuzzing, and stateful sequences), with positive and negative data. No 5xx; status code, content type
and body conform to the schema; invalid input is refused with a 4xx. Each generated case runs in a
savepoint that is rolled back, and the throttle cache is cleared, so no case leaves state for the next."""

import re

import pytest
import schemathesis
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.fuzz.conftest import SLUG

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
schema.config.generation.update(modes=["positive", "negative"], max_examples=8, deterministic=True, database="none")

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
EXAMPLES_PER_OPERATION = 8
SLUG_PATTERN = re.compile(r"[-a-zA-Z0-9_]+")


@pytest.fixture
def sec_token(oe):
    return Token.objects.get_or_create(user=oe.user("sec"))[0].key


def _aim(case, bindings):
    """Point a case at the demo alliance: a well-formed slug becomes the demo's (any other names no
    alliance of this user), and schema-valid ids mostly become real ones (so the operation runs past
    404). Invalid path values are sent as generated: they must be a 404."""
    params = case.path_parameters
    if not params:
        return
    if isinstance(params.get("slug"), str) and SLUG_PATTERN.fullmatch(params["slug"]):
        params["slug"] = SLUG
    component = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
    if component is not None and component.mode.is_negative:
        return
    choices = bindings.get(case.operation.path) or []
    generated = {k: v for k, v in params.items() if k != "slug"}
    if choices and not (isinstance(generated.get("id"), int) and generated["id"] % 5 == 0):
        seed = sum(v for v in generated.values() if isinstance(v, int) and not isinstance(v, bool))
        params.update(choices[abs(seed) % len(choices)])


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_schema_and_never_fails_with_5xx(case, sec_token, bindings, wsgi_requests_keep_connection):
    _aim(case, bindings)
    cache.clear()
    with transaction.atomic():
        response = case.call(headers={"Authorization": f"Token {sec_token}"})
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)


# ---------------------------------------------------------------- stateful: chains of operations

STATEFUL_SCENARIOS = 6
STATEFUL_STEPS = 6


class Workflow(schema.as_state_machine()):
    """Sequences along the links schemathesis infers (a created object's id fed to its detail and
    actions). Each scenario runs in a savepoint that is rolled back."""

    token = ""
    calls = 0

    def setup(self):
        cache.clear()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def before_call(self, case):
        type(self).calls += 1
        slug = case.path_parameters.get("slug") if case.path_parameters else None
        if isinstance(slug, str) and SLUG_PATTERN.fullmatch(slug):
            case.path_parameters["slug"] = SLUG

    def get_call_kwargs(self, case):
        return {"headers": {"Authorization": f"Token {self.token}"}}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)


def test_operation_sequences_conform_to_the_schema_and_never_fail_with_5xx(sec_token, wsgi_requests_keep_connection):
    Workflow.token, Workflow.calls = sec_token, 0
    Workflow.run(settings=settings(max_examples=STATEFUL_SCENARIOS, stateful_step_count=STATEFUL_STEPS, deadline=None,
                                   derandomize=True, database=None, suppress_health_check=list(HealthCheck)))
    assert Workflow.calls >= STATEFUL_SCENARIOS  # the scenarios ran operations, not nothing
