"""template.yaml's security, read as the deployed truth: least privilege, auth, CORS, throttling, data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from moderation_tools.local.template import Template

from tests.support.aws import TEMPLATE

TEMPLATE_DOC = Template.load(TEMPLATE)
RESOURCES = TEMPLATE_DOC.resources
TABLE = "CommentsTable"
INDEXES = {index["IndexName"] for index in RESOURCES[TABLE]["Properties"]["GlobalSecondaryIndexes"]}
FUNCTIONS = {name: r for name, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::Function"}
WRITES = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
}


def policies(function: str) -> list[Any]:
    """The function's policies; a conditional one (Fn::If) counts as the policy it grants."""
    found = []
    for policy in FUNCTIONS[function]["Properties"].get("Policies", []):
        if isinstance(policy, dict) and "Fn::If" in policy:
            _, granted, otherwise = policy["Fn::If"]
            assert otherwise == {"Ref": "AWS::NoValue"}, f"{function}: conditional policy {policy!r}"
            policy = granted
        found.append(policy)
    return found


def statements(function: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for policy in policies(function):
        found.extend(policy.get("Statement", []) if isinstance(policy, dict) else [])
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def table_scope(resource: Any) -> str | None:
    """'table' or 'index/<name>' when the resource is the comments table or one named index."""
    if resource == {"Fn::GetAtt": [TABLE, "Arn"]}:
        return "table"
    if isinstance(resource, dict) and isinstance(resource.get("Fn::Sub"), str):
        found = re.fullmatch(r"\$\{" + TABLE + r"\.Arn\}/index/(\w+)", resource["Fn::Sub"])
        if found and found.group(1) in INDEXES:
            return f"index/{found.group(1)}"
    return None


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_policies_are_inline_statements_not_broad_sam_templates(function: str) -> None:
    # DynamoDBCrudPolicy and friends grant every item action (and Scan) on the whole table.
    for policy in policies(function):
        assert isinstance(policy, dict), f"{function}: managed policy {policy!r}"
        assert set(policy) == {"Statement"}, f"{function}: policy template {sorted(policy)}"


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_every_statement_lists_explicit_actions_on_the_table_or_a_named_index(function: str) -> None:
    for statement in statements(function):
        actions = as_list(statement["Action"])
        assert "NotAction" not in statement
        assert "NotResource" not in statement
        assert all("*" not in action for action in actions), f"{function}: wildcard action {actions}"
        for resource in as_list(statement["Resource"]):
            if actions == ["s3:GetObject"]:  # the model artifact: named objects only
                assert "*" not in resource["Fn::Sub"], f"{function}: wildcard object {resource!r}"
                continue
            assert table_scope(resource), f"{function}: {resource!r} is not the table or one of its indexes"


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_no_function_may_scan_or_delete(function: str) -> None:
    # Every access pattern is a key or index lookup; deletions are TTL's job.
    actions = {action for statement in statements(function) for action in as_list(statement["Action"])}
    assert not actions & {"dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


def test_the_list_function_only_reads() -> None:
    grants = {
        (action, table_scope(resource))
        for statement in statements("ListCommentsFunction")
        for action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    }
    assert grants == {
        ("dynamodb:Query", "index/ByPostStatus"),
        ("dynamodb:Query", "index/ByThread"),
        ("dynamodb:GetItem", "table"),
        ("dynamodb:BatchGetItem", "table"),
        ("dynamodb:Query", "table"),
    }
    assert not {action for action, _ in grants} & WRITES


def test_every_moderation_route_needs_the_jwt_authorizer() -> None:
    routes = [route for route in TEMPLATE_DOC.routes() if route.path.startswith("/moderation")]
    if not routes:
        pytest.skip("no /moderation route in template.yaml yet")
    api = RESOURCES["HttpApi"]["Properties"]
    authorizers = api["Auth"]["Authorizers"]
    default = api["Auth"].get("DefaultAuthorizer")
    for function in FUNCTIONS.values():
        for event in function["Properties"].get("Events", {}).values():
            props = event["Properties"]
            if event["Type"] != "HttpApi" or not props["Path"].startswith("/moderation"):
                continue
            authorizer = props.get("Auth", {}).get("Authorizer", default)
            assert authorizer in authorizers, f"{props['Method']} {props['Path']} has no authorizer"
            assert "JwtConfiguration" in authorizers[authorizer]


def test_cors_allows_only_the_configured_origins() -> None:
    cors = RESOURCES["HttpApi"]["Properties"]["CorsConfiguration"]
    assert cors["AllowOrigins"] == {"Ref": "AllowedOrigins"}
    assert "*" not in str(TEMPLATE_DOC.document["Parameters"]["AllowedOrigins"].get("Default", ""))


def test_the_stage_is_throttled() -> None:
    settings = RESOURCES["HttpApi"]["Properties"]["DefaultRouteSettings"]
    parameters = TEMPLATE_DOC.document["Parameters"]
    for name in ("ThrottlingRateLimit", "ThrottlingBurstLimit"):
        value = settings[name]
        default = parameters[value["Ref"]]["Default"] if isinstance(value, dict) else value
        assert float(default) > 0, name


def test_the_table_is_recoverable_encrypted_expiring_and_on_demand() -> None:
    table = RESOURCES[TABLE]["Properties"]
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert RESOURCES[TABLE]["DeletionPolicy"] == "Retain"


def test_the_report_function_writes_items_but_reads_no_lists() -> None:
    grants = {
        (action, table_scope(resource))
        for statement in statements("ReportCommentFunction")
        for action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    }
    # A report, its count and the decision it may cause are keyed writes: no index, no query.
    assert grants == {
        ("dynamodb:GetItem", "table"),
        ("dynamodb:PutItem", "table"),
        ("dynamodb:UpdateItem", "table"),
    }


def test_the_report_route_is_public_and_has_no_authorizer() -> None:
    events = FUNCTIONS["ReportCommentFunction"]["Properties"]["Events"]
    [report] = events.values()
    assert report["Properties"]["Path"] == "/posts/{post_id}/comments/{comment_id}/reports"
    assert "Auth" not in report["Properties"]
