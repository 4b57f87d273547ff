"""events/ and the env-vars file against template.yaml, so `sam local` keeps working as the API grows.

Every HTTP route has a sample event shaped as `sam local generate-event apigateway http-api-proxy`
(HTTP API payload 2.0) and as that route receives it; every function has an env-vars entry that
gives a local value to whatever the template can only resolve in AWS.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Any
from urllib.parse import parse_qs

import pytest
from moderation.http.auth import MODERATORS_GROUP, groups_from_claim
from moderation_tools.local.aws import ENDPOINT_VARIABLE, local_environment
from moderation_tools.local.template import Template

from tests.sam.conftest import SAM_VENV_BIN
from tests.support.aws import ROOT, TEMPLATE

TEMPLATE_DOC = Template.load(TEMPLATE)
ROUTES = {f"{route.method} {route.path}": route for route in TEMPLATE_DOC.routes()}
EVENT_FILES = sorted((ROOT / "events").glob("*.json"))
EVENTS: dict[str, dict[str, Any]] = {path.stem: json.loads(path.read_text()) for path in EVENT_FILES}
HTTP_EVENTS = {name: event for name, event in EVENTS.items() if event.get("version") == "2.0"}
# Always in an HTTP API event; the rest of what generate-event shows depends on the request.
REQUIRED = {
    *("version", "routeKey", "rawPath", "rawQueryString"),
    *("headers", "requestContext", "isBase64Encoded"),
}
REQUIRED_CONTEXT = {
    *("accountId", "apiId", "domainName", "domainPrefix", "http"),
    *("requestId", "routeKey", "stage", "time", "timeEpoch"),
}


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    done = subprocess.run(
        [SAM_VENV_BIN / "sam", "local", "generate-event", "apigateway", "http-api-proxy"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
    )
    event: dict[str, Any] = json.loads(done.stdout)
    return event


def test_every_http_route_has_a_sample_event_and_every_sample_a_route() -> None:
    sampled = {event["routeKey"] for event in HTTP_EVENTS.values()}

    assert {"POST /posts/{post_id}/comments", "GET /moderation/queue"} <= set(ROUTES)
    assert sorted(set(ROUTES) - sampled) == [], "routes without an event in events/"
    assert sorted(sampled - set(ROUTES)) == [], "events for routes template.yaml no longer has"


@pytest.mark.parametrize("name", sorted(HTTP_EVENTS))
def test_each_event_has_the_shape_sam_generate_event_gives(name: str, generated: dict[str, Any]) -> None:
    event = HTTP_EVENTS[name]
    context, generated_context = event["requestContext"], generated["requestContext"]

    assert REQUIRED <= set(event) <= set(generated)
    assert REQUIRED_CONTEXT <= set(context) <= set(generated_context)
    assert set(context["http"]) == set(generated_context["http"])
    for mine, theirs in ((event, generated), (context, generated_context)):
        assert {key: type(value) for key, value in mine.items()} == {
            key: type(theirs[key]) for key in mine
        }, "a field's type differs from the generated event's"
    assert all(isinstance(value, str) for value in event["headers"].values())


@pytest.mark.parametrize("name", sorted(HTTP_EVENTS))
def test_each_event_is_a_request_its_route_receives(name: str) -> None:
    event = HTTP_EVENTS[name]
    route = ROUTES[event["routeKey"]]
    http = event["requestContext"]["http"]

    assert event["requestContext"]["routeKey"] == event["routeKey"]
    assert (http["method"], http["path"]) == (route.method, event["rawPath"])
    assert route.match(route.method, event["rawPath"]) == event.get("pathParameters", {})
    assert event.get("queryStringParameters", {}) == {
        key: ",".join(values) for key, values in parse_qs(event["rawQueryString"]).items()
    }
    if route.method == "POST":
        assert event["headers"]["content-type"] == "application/json"
        json.loads(event["body"])
    assert _moderator_claims(event) == route.needs_moderator


def _moderator_claims(event: dict[str, Any]) -> bool:
    """True when the event carries the JWT authorizer's claims of a member of `moderators`."""
    authorizer = event["requestContext"].get("authorizer")
    if authorizer is None:
        return False
    claims = authorizer["jwt"]["claims"]
    return bool(claims.get("sub")) and MODERATORS_GROUP in groups_from_claim(claims.get("cognito:groups"))


def test_every_function_has_an_env_vars_entry_for_what_only_aws_can_resolve() -> None:
    endpoint = "http://host.docker.internal:5000"
    environment = local_environment(TEMPLATE_DOC, endpoint, "a-secret-for-this-test")

    assert set(environment) == set(TEMPLATE_DOC.functions())
    for function, entry in environment.items():
        variables = TEMPLATE_DOC.variables(function)
        only_in_aws = {name for name, value in variables.items() if not _resolves_locally(value)}
        assert only_in_aws <= set(entry), f"{function}: sam local would pass these on unresolved"
        assert set(entry) <= set(variables), f"{function}: sam local drops variables the template lacks"
        assert entry[ENDPOINT_VARIABLE] == endpoint
        if "APP_SECRET" in variables:
            # The local secret, and no ARN that would send the function to Secrets Manager in AWS.
            assert (entry["APP_SECRET"], entry["APP_SECRET_ARN"]) == ("a-secret-for-this-test", "")


def _resolves_locally(value: Any) -> bool:
    """What sam local resolves as AWS would: literals, parameters, and conditions on parameters."""
    if isinstance(value, str | int | float):
        return True
    if not isinstance(value, dict):
        return False
    if "Ref" in value:
        # Parameters take their defaults (or --parameter-overrides); pseudo parameters SAM fills in.
        return value["Ref"] in TEMPLATE_DOC.document.get("Parameters", {}) or value["Ref"].startswith("AWS::")
    if "Fn::If" in value:
        _, when_true, when_false = value["Fn::If"]
        return _resolves_locally(when_true) and _resolves_locally(when_false)
    if isinstance(value.get("Fn::Sub"), str):
        text = value["Fn::Sub"]
        names = re.findall(r"\$\{([^}!]+)\}", text)
        return "{{resolve:" not in text and all(_resolves_locally({"Ref": name}) for name in names)
    return False


def test_no_secret_is_kept_in_events() -> None:
    assert [path.name for path in EVENT_FILES if "APP_SECRET" in path.read_text()] == []
