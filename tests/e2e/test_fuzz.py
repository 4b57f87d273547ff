"""Schemathesis against the OpenAPI document the local stack serves, on the local stack itself.

Every generated request, valid (positive) or not (negative), must get a status code the document
lists, a body and headers matching what it documents for that code, and never a 5xx; invalid ones
must be refused. Bounded: a fixed number of examples per operation and mode, the same ones every
`make test` (Hypothesis' `ci` profile, derandomized: tests/conftest.py); `make fuzz` draws
FUZZ_EXAMPLES of them from random seeds.

Not checked: that every schema-valid request is accepted. The contract refuses some on purpose,
for reasons no schema can express: 422 comment_rejected (a stored, rejected comment),
422 parent_not_found, 400 invalid_cursor (a cursor must carry our signature), 409 duplicates.

Operations come from template.yaml, so each is its own test, and routes added later are fuzzed
too. (schemathesis' `from_fixture` lazy loader does not run under pytest 9, hence plain `@given`.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from moderation_tools.local.template import Template
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.aws import TEMPLATE
from tests.support.local_stack import LocalStackProcess, local_stack

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
API_ROUTES = sorted(
    (route.method, route.path)
    for route in Template.load(TEMPLATE).routes()
    if route.path.startswith(("/posts/", "/moderation/"))
)


@pytest.fixture(scope="module")
def fuzzed_stack() -> Iterator[LocalStackProcess]:
    with local_stack() as running:
        yield running


# Schemathesis' default refusals, and 413: an invalid body may be invalid by being too large (over
# 16 KiB), which the API refuses before anything else, as the document says.
CONFIG = SchemathesisConfig.from_str(
    """
[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
"""
)


@pytest.fixture(scope="module")
def api_schema(fuzzed_stack: LocalStackProcess) -> Any:
    return schemathesis.openapi.from_url(f"{fuzzed_stack.base_url}/openapi.json", config=CONFIG)


def documented_operation(api_schema: Any, method: str, path: str) -> Any:
    """The schema's operation for a template route (path parameter names may differ)."""
    shape = re.sub(r"\{[^}]+\}", "{}", path)
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == method and re.sub(r"\{[^}]+\}", "{}", operation.path) == shape:
            return operation
    pytest.fail(f"{method} {path} is routed in template.yaml but missing from /openapi.json")


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_every_response_is_documented_and_never_a_server_error(
    fuzzed_stack: LocalStackProcess, api_schema: Any, method: str, path: str, mode: Any
) -> None:
    # GIVEN one operation of the served document; moderator routes get the local token, which
    # stands in for the JWT authorizer
    operation = documented_operation(api_schema, method, path)
    inputs = (operation.path_parameters, operation.query, operation.headers, operation.body)
    if mode == schemathesis.GenerationMode.NEGATIVE and not any(len(part) for part in inputs):
        pytest.skip(f"{method} {path} takes no input, so no request to it is invalid")
    headers = {"Authorization": f"Bearer {fuzzed_stack.token}"} if path.startswith("/moderation/") else {}

    # WHEN schemathesis sends it generated requests, THEN every check passes for every response
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def conforms(case: Any) -> None:
        case.call_and_validate(
            base_url=fuzzed_stack.base_url, headers=headers, excluded_checks=[positive_data_acceptance]
        )

    conforms()
