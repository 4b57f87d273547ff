"""template.yaml's security and operations, read as the deployed truth: least privilege, auth, CORS,
throttling, data, and the logs, alarms and failure handling an operator relies on."""

from __future__ import annotations

import json
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
PARAMETERS = TEMPLATE_DOC.document["Parameters"]
ALARMS = {name: r["Properties"] for name, r in RESOURCES.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
LOG_GROUPS = {name: r["Properties"] for name, r in RESOURCES.items() if r["Type"] == "AWS::Logs::LogGroup"}
MODERATION_SCOPE = "moderation/api"
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
            if actions == ["secretsmanager:GetSecretValue"]:  # the stack's own secrets
                assert resource in ({"Ref": "AppSecret"}, {"Ref": "WebhookSecret"}), (
                    f"{function}: {resource!r}"
                )
                continue
            if actions == ["sns:Publish"]:  # the moderators' alerts: their one topic
                assert resource == {"Ref": "ModeratorAlertsTopic"}, f"{function}: {resource!r}"
                continue
            if actions == ["sqs:SendMessage"]:  # failed webhook deliveries: its one queue
                assert resource == {"Fn::GetAtt": ["WebhookDeadLetterQueue", "Arn"]}, (
                    f"{function}: {resource!r}"
                )
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
        if action.startswith("dynamodb:")  # its secret: test_template_runtime.py
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


def default_of(value: Any) -> Any:
    """A literal, or the default of the parameter it refers to."""
    return PARAMETERS[value["Ref"]]["Default"] if isinstance(value, dict) and "Ref" in value else value


def moderation_events() -> list[dict[str, Any]]:
    return [
        event["Properties"]
        for function in FUNCTIONS.values()
        for event in function["Properties"].get("Events", {}).values()
        if event["Type"] == "HttpApi" and event["Properties"]["Path"].startswith("/moderation")
    ]


def test_the_stage_is_throttled() -> None:
    settings = RESOURCES["HttpApi"]["Properties"]["DefaultRouteSettings"]
    for name in ("ThrottlingRateLimit", "ThrottlingBurstLimit"):
        assert float(default_of(settings[name])) > 0, name


def test_the_table_is_recoverable_encrypted_expiring_and_on_demand() -> None:
    table = RESOURCES[TABLE]["Properties"]
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert RESOURCES[TABLE]["DeletionPolicy"] == "Retain"


def test_the_table_cannot_be_deleted_by_accident() -> None:
    # Retain keeps it when the stack goes; deletion protection refuses a DeleteTable call too.
    assert RESOURCES[TABLE]["Properties"]["DeletionProtectionEnabled"] is True
    assert RESOURCES[TABLE]["UpdateReplacePolicy"] == "Retain"


# --- Moderators: MFA, access tokens with the API's scope -------------------------------------


def test_moderators_must_use_a_second_factor() -> None:
    pool = RESOURCES["UserPool"]["Properties"]
    assert pool["MfaConfiguration"] == "ON"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_every_moderation_route_needs_an_access_token_with_the_api_scope() -> None:
    # An ID token carries no `scope` claim, so requiring one admits access tokens only.
    authorizers = RESOURCES["HttpApi"]["Properties"]["Auth"]["Authorizers"]
    for props in moderation_events():
        auth = props["Auth"]
        scopes = auth.get("AuthorizationScopes", authorizers[auth["Authorizer"]].get("AuthorizationScopes"))
        assert scopes == [MODERATION_SCOPE], f"{props['Method']} {props['Path']}"


def test_the_scope_is_the_user_pools_own_and_the_console_may_ask_for_it() -> None:
    server = RESOURCES["ModerationResourceServer"]["Properties"]
    defined = {f"{server['Identifier']}/{scope['ScopeName']}" for scope in server["Scopes"]}
    client = RESOURCES["ConsoleClient"]
    assert MODERATION_SCOPE in defined
    assert MODERATION_SCOPE in client["Properties"]["AllowedOAuthScopes"]
    assert client["DependsOn"] == "ModerationResourceServer"


def test_the_console_asks_for_the_scope_and_sends_the_access_token() -> None:
    console = (TEMPLATE.parent / "layers/common/moderation/static/console.js").read_text()
    requested = re.search(r'scope: "([^"]+)"', console)
    assert requested
    assert MODERATION_SCOPE in requested.group(1).split()
    assert "setToken((await response.json()).access_token)" in console


# --- Throttles and reserved concurrency ------------------------------------------------------


def test_moderation_routes_have_their_own_throttle_apart_from_the_public_default() -> None:
    api = RESOURCES["HttpApi"]["Properties"]
    settings = api["RouteSettings"]
    for props in moderation_events():
        route_key = f"{props['Method'].upper()} {props['Path']}"
        assert route_key in settings, f"{route_key} has no throttle of its own"
        route = settings[route_key]
        assert route["ThrottlingRateLimit"] == {"Ref": "ModerationThrottlingRateLimit"}
        assert route["ThrottlingBurstLimit"] == {"Ref": "ModerationThrottlingBurstLimit"}
    for name in ("ModerationThrottlingRateLimit", "ModerationThrottlingBurstLimit"):
        assert float(PARAMETERS[name]["Default"]) > 0
    # Every route setting is a moderation route: the public routes keep the stage default.
    assert all(" /moderation/" in key for key in settings)


@pytest.mark.parametrize(
    ("function", "parameter", "condition"),
    [
        ("SubmitCommentFunction", "SubmitReservedConcurrency", "SubmitConcurrencyReserved"),
        ("CountExpiredFunction", "StreamReservedConcurrency", "StreamConcurrencyReserved"),
    ],
)
def test_cost_bound_functions_reserve_concurrency(function: str, parameter: str, condition: str) -> None:
    reserved = FUNCTIONS[function]["Properties"]["ReservedConcurrentExecutions"]
    assert reserved == {"Fn::If": [condition, {"Ref": parameter}, {"Ref": "AWS::NoValue"}]}
    assert int(PARAMETERS[parameter]["Default"]) > 0
    # 0 means "no reservation" (a reservation of 0 would stop the function).
    assert TEMPLATE_DOC.document["Conditions"][condition] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, 0]}]
    }


# --- The stream consumer: a poison record cannot block its shard -----------------------------


def test_the_stream_consumer_gives_up_on_a_poison_record_into_an_encrypted_queue() -> None:
    (stream,) = [
        event["Properties"]
        for event in FUNCTIONS["CountExpiredFunction"]["Properties"]["Events"].values()
        if event["Type"] == "DynamoDB"
    ]
    assert 0 < stream["MaximumRetryAttempts"] <= 10
    assert 60 <= stream["MaximumRecordAgeInSeconds"] <= 6 * 3600
    assert stream["BisectBatchOnFunctionError"] is True
    assert stream["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["StreamFailuresQueue", "Arn"]},
    }
    queue = RESOURCES["StreamFailuresQueue"]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["MessageRetentionPeriod"] == 14 * 86400


# --- Logs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_every_function_logs_to_a_group_with_retention(function: str) -> None:
    expected = {"Fn::Sub": f"/aws/lambda/${{{function}}}"}
    groups = [props for props in LOG_GROUPS.values() if props["LogGroupName"] == expected]
    assert len(groups) == 1, f"{function} has no log group of its own (Lambda's would never expire)"
    assert groups[0]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert PARAMETERS["LogRetentionDays"]["Default"] == 30


def test_the_api_writes_json_access_logs_with_the_same_retention() -> None:
    settings = RESOURCES["HttpApi"]["Properties"]["AccessLogSettings"]
    (group,) = [name for name in LOG_GROUPS if settings["DestinationArn"] == {"Fn::GetAtt": [name, "Arn"]}]
    assert LOG_GROUPS[group]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    fields = json.loads(settings["Format"])
    assert fields["requestId"] == "$context.requestId"
    assert fields["ip"] == "$context.identity.sourceIp"
    assert fields["routeKey"] == "$context.routeKey"
    assert fields["status"] == "$context.status"
    assert fields["latencyMs"] == "$context.responseLatency"
    assert fields["integrationError"] == "$context.integrationErrorMessage"


# --- Alarms ----------------------------------------------------------------------------------


def alarms_on(namespace: str, metric: str, dimension: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        alarm
        for alarm in ALARMS.values()
        if alarm.get("Namespace") == namespace
        and alarm.get("MetricName") == metric
        and dimension in alarm.get("Dimensions", [])
    ]


def notifies_the_alarm_topic(alarm: dict[str, Any]) -> bool:
    return bool(alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}])


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_alarms_on_errors_and_throttles(function: str, metric: str) -> None:
    (alarm,) = alarms_on("AWS/Lambda", metric, {"Name": "FunctionName", "Value": {"Ref": function}})
    assert notifies_the_alarm_topic(alarm)
    assert alarm["Threshold"] == 1
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_the_api_alarms_on_5xx() -> None:
    (alarm,) = alarms_on("AWS/ApiGateway", "5xx", {"Name": "ApiId", "Value": {"Ref": "HttpApi"}})
    assert notifies_the_alarm_topic(alarm)


def test_the_stream_consumer_alarms_when_it_falls_behind_or_gives_up() -> None:
    consumer = {"Name": "FunctionName", "Value": {"Ref": "CountExpiredFunction"}}
    (behind,) = alarms_on("AWS/Lambda", "IteratorAge", consumer)
    queue = {"Name": "QueueName", "Value": {"Fn::GetAtt": ["StreamFailuresQueue", "QueueName"]}}
    (gave_up,) = alarms_on("AWS/SQS", "ApproximateNumberOfMessagesVisible", queue)
    assert notifies_the_alarm_topic(behind)
    assert notifies_the_alarm_topic(gave_up)
    assert (gave_up["Threshold"], gave_up["ComparisonOperator"]) == (0, "GreaterThanThreshold")


def test_the_oldest_pending_comment_alarms_past_the_configured_minutes() -> None:
    alarm = ALARMS["OldestPendingAlarm"]
    stats = {query["Id"]: query for query in alarm["Metrics"]}
    metric = stats["age"]["MetricStat"]["Metric"]
    publisher = TEMPLATE_DOC.environment("PendingAlertFunction")
    # The alarm watches exactly what PendingAlertFunction publishes (namespace and service dimension).
    assert metric["MetricName"] == "OldestPendingAgeSeconds"
    assert metric["Namespace"] == publisher["POWERTOOLS_METRICS_NAMESPACE"]
    assert metric["Dimensions"] == [{"Name": "service", "Value": publisher["POWERTOOLS_SERVICE_NAME"]}]
    assert stats["minutes"]["Expression"] == "age / 60"
    assert alarm["Threshold"] == {"Ref": "AlertPendingMinutes"}
    assert PARAMETERS["AlertPendingMinutes"]["Default"] == 30
    # The publisher going quiet is itself worth an alarm.
    assert alarm["TreatMissingData"] == "breaching"
    assert notifies_the_alarm_topic(alarm)


def test_the_pending_age_is_published_often_enough_for_the_alarm_period() -> None:
    (schedule,) = FUNCTIONS["PendingAlertFunction"]["Properties"]["Events"].values()
    assert schedule["Type"] == "ScheduleV2"
    rate = re.fullmatch(r"rate\((\d+) minutes?\)", schedule["Properties"]["ScheduleExpression"])
    assert rate, schedule["Properties"]["ScheduleExpression"]
    minutes = int(rate.group(1))
    period = ALARMS["OldestPendingAlarm"]["Metrics"][0]["MetricStat"]["Period"]
    assert period >= 2 * minutes * 60, "a period must hold two publications, or one late run is an alarm"


def test_alarms_reach_an_e_mail_only_when_one_is_given() -> None:
    subscription = RESOURCES["AlarmEmailSubscription"]
    assert subscription["Condition"] == "AlarmEmailGiven"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert PARAMETERS["AlarmEmail"]["Default"] == ""
    assert TEMPLATE_DOC.document["Conditions"]["AlarmEmailGiven"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }
    assert all(notifies_the_alarm_topic(alarm) for alarm in ALARMS.values())


def test_every_checkov_skip_in_the_template_says_why() -> None:
    skips = [
        (name, skip)
        for name, resource in RESOURCES.items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips, "no checkov skips found: the Metadata layout changed"
    for name, skip in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), f"{name}: {skip}"
        assert len(skip.get("comment", "").split()) >= 5, f"{name}: {skip['id']} has no reason"


def test_the_report_function_writes_items_but_reads_no_lists() -> None:
    grants = {
        (action, table_scope(resource))
        for statement in statements("ReportCommentFunction")
        for action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
        if action.startswith("dynamodb:")  # its secret: test_template_runtime.py
    }
    # A report, its count and the decision it may cause are keyed writes: no index, no query.
    assert grants == {
        ("dynamodb:GetItem", "table"),
        ("dynamodb:PutItem", "table"),
        ("dynamodb:UpdateItem", "table"),
    }


def test_the_queue_watch_reads_the_oldest_remembers_its_alert_and_publishes_to_its_topic() -> None:
    grants = {
        (action, table_scope(resource) or str(resource))
        for statement in statements("PendingAlertFunction")
        for action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    }
    # The oldest pending comment (ByStatus), the pending count (counter shards), the last alerted
    # comment (one item, read and written), the digest; the age metric is a log line (EMF).
    assert grants == {
        ("dynamodb:Query", "index/ByStatus"),
        ("dynamodb:Query", "table"),
        ("dynamodb:GetItem", "table"),
        ("dynamodb:PutItem", "table"),
        ("sns:Publish", str({"Ref": "ModeratorAlertsTopic"})),
    }


def test_the_report_route_is_public_and_has_no_authorizer() -> None:
    events = FUNCTIONS["ReportCommentFunction"]["Properties"]["Events"]
    [report] = events.values()
    assert report["Properties"]["Path"] == "/posts/{post_id}/comments/{comment_id}/reports"
    assert "Auth" not in report["Properties"]
