"""template.yaml's run-time configuration: SnapStart where the model loads, the secret read at run
time (never an environment value), and each function given only the settings it reads."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from moderation_tools.local.template import Template

from tests.support.aws import TEMPLATE

TEMPLATE_DOC = Template.load(TEMPLATE)
RESOURCES = TEMPLATE_DOC.resources
FUNCTIONS = {name: r for name, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::Function"}
SUBMIT = FUNCTIONS["SubmitCommentFunction"]["Properties"]
READ_SECRET = {
    "Sid": "ReadAppSecret",
    "Effect": "Allow",
    "Action": ["secretsmanager:GetSecretValue"],
    "Resource": {"Ref": "AppSecret"},
}
READ_WEBHOOK_SECRET = {
    "Sid": "ReadWebhookSecret",
    "Effect": "Allow",
    "Action": ["secretsmanager:GetSecretValue"],
    "Resource": {"Ref": "WebhookSecret"},
}
# What each function's code path reads (moderation.settings.Settings), besides Powertools' own.
VARIABLES = {
    "SubmitCommentFunction": {
        "TABLE_NAME",
        "APP_SECRET_ARN",
        "APP_SECRET",
        "REVIEW_THRESHOLD",
        "REJECT_THRESHOLD",
        "SPAM_REVIEW_THRESHOLD",
        "SPAM_REJECT_THRESHOLD",
        "RATE_LIMIT_PER_MINUTE",
        "MAX_LINKS",
        "BANNED_WORDS",
        "SUSPECT_WORDS",
        "REJECTED_RETENTION_DAYS",
        "MODEL_DIR",
        "MODEL_S3_URI",
        "STARTER_MODEL_DIR",
        "SCORING_DEADLINE_SECONDS",
        "PREMODERATE",
        "FORM_MIN_SECONDS",
        "FORM_MAX_AGE_SECONDS",
    },
    "ImportFunction": {
        "TABLE_NAME",
        "APP_SECRET_ARN",
        "APP_SECRET",
        "REVIEW_THRESHOLD",
        "REJECT_THRESHOLD",
        "MAX_LINKS",
        "BANNED_WORDS",
        "SUSPECT_WORDS",
        "REJECTED_RETENTION_DAYS",
        "MODEL_DIR",
        "MODEL_S3_URI",
        "STARTER_MODEL_DIR",
        "SCORING_DEADLINE_SECONDS",
    },
    "ReportCommentFunction": {
        "TABLE_NAME",
        "APP_SECRET_ARN",
        "APP_SECRET",
        "RATE_LIMIT_PER_MINUTE",
        "REPORT_THRESHOLD",
    },
    "ListCommentsFunction": {"TABLE_NAME", "APP_SECRET_ARN", "APP_SECRET"},
    "ModerationFunction": {"TABLE_NAME", "APP_SECRET_ARN", "APP_SECRET", "REJECTED_RETENTION_DAYS"},
    "CountExpiredFunction": {"TABLE_NAME"},
    "SpamLearningFunction": {"TABLE_NAME"},
    "ShadowScoringFunction": {"TABLE_NAME", "SHADOW_MODEL_DIR"},
    "ConsoleFunction": {"COGNITO_DOMAIN", "COGNITO_CLIENT_ID"},
    # Its age metric's service and namespace are OldestPendingAlarm's: pinned where it is defined.
    "PendingAlertFunction": {
        "TABLE_NAME",
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "ALERT_PENDING_MINUTES",
        "ALERT_TOPIC_ARN",
    },
    "WebhookFunction": {"WEBHOOK_URLS", "WEBHOOK_FORMAT", "WEBHOOK_SECRET_ARN", "WEBHOOK_DLQ_URL"},
}


class Deployment:
    """Evaluates the template's conditions and Fn::If for one set of parameter values."""

    def __init__(self, **parameters: str):
        defaults = {name: p.get("Default", "") for name, p in TEMPLATE_DOC.document["Parameters"].items()}
        self.parameters = {**defaults, **parameters}

    def condition(self, name: str) -> bool:
        return bool(self.value(TEMPLATE_DOC.document["Conditions"][name]))

    def value(self, node: Any) -> Any:
        if not isinstance(node, dict) or len(node) != 1:
            return node
        ((function, argument),) = node.items()
        if function == "Ref" and argument in self.parameters:
            return self.parameters[argument]
        if function in ("Condition", "Fn::Condition"):  # !Condition, as SAM's reader or PyYAML reads it
            return self.condition(argument)
        if function == "Fn::Equals":
            return self.value(argument[0]) == self.value(argument[1])
        if function == "Fn::Not":
            return not self.value(argument[0])
        if function == "Fn::And":
            return all(self.value(part) for part in argument)
        if function == "Fn::If":
            chosen = argument[1] if self.condition(argument[0]) else argument[2]
            return self.value(chosen)
        return node


NAMED = ("SnapStart", "ModelS3Bucket")
DEPLOYMENTS = [
    Deployment(SnapStart=snap, ModelS3Bucket=bucket)
    for snap, bucket in itertools.product(["on", "off"], ["", "my-models"])
]


def test_the_submit_function_publishes_versions_behind_an_alias() -> None:
    # SnapStart applies to published versions only; the HTTP API then invokes the alias.
    assert SUBMIT["AutoPublishAlias"] == "live"


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: "-".join(d.parameters[n] for n in NAMED))
def test_snapstart_follows_its_parameter_and_never_meets_more_than_512_mb_of_tmp(
    deployment: Deployment,
) -> None:
    snap_start = deployment.value(SUBMIT["SnapStart"]["ApplyOn"])
    storage = deployment.value(SUBMIT["EphemeralStorage"]["Size"])
    assert snap_start == ("PublishedVersions" if deployment.parameters["SnapStart"] == "on" else "None")
    if snap_start == "PublishedVersions":
        assert storage <= 512  # SnapStart's limit
    if deployment.parameters["ModelS3Bucket"]:
        assert storage >= 512  # an int8 base-size model (up to 280 MB) and its tokenizer fit


def test_snapstart_is_on_by_default() -> None:
    assert TEMPLATE_DOC.document["Parameters"]["SnapStart"]["Default"] == "on"


def test_no_secret_value_is_resolved_into_the_environment() -> None:
    assert "resolve:secretsmanager" not in TEMPLATE.read_text()
    for name in FUNCTIONS:
        # Declared empty where sam local needs to set it (`make local-aws`); never a value here.
        assert environment(name).get("APP_SECRET", "") == "", name
        assert "WEBHOOK_SECRET" not in environment(name), name
    assert "APP_SECRET" not in TEMPLATE_DOC.document["Globals"]["Function"]["Environment"]["Variables"]


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_a_function_may_read_the_secret_exactly_when_it_is_named_to_it(function: str) -> None:
    named = environment(function).get("APP_SECRET_ARN") == {"Ref": "AppSecret"}
    webhook_named = environment(function).get("WEBHOOK_SECRET_ARN") == {"Ref": "WebhookSecret"}
    statements = [
        statement
        for policy in FUNCTIONS[function]["Properties"].get("Policies", [])
        for statement in policy.get("Statement", [])
        if "secretsmanager:GetSecretValue" in statement["Action"]
    ]
    expected = ([READ_SECRET] if named else []) + ([READ_WEBHOOK_SECRET] if webhook_named else [])
    assert statements == expected


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_each_function_gets_only_the_settings_it_reads(function: str) -> None:
    assert set(environment(function)) == VARIABLES[function]


def test_only_powertools_settings_are_global() -> None:
    shared = TEMPLATE_DOC.document["Globals"]["Function"]["Environment"]["Variables"]
    # And the local DynamoDB endpoint, declared empty so `sam local` can set it (boto3 ignores "").
    assert all(name.startswith("POWERTOOLS_") for name in set(shared) - {"AWS_ENDPOINT_URL_DYNAMODB"})
    assert shared["AWS_ENDPOINT_URL_DYNAMODB"] == ""


def environment(function: str) -> dict[str, Any]:
    variables: dict[str, Any] = FUNCTIONS[function]["Properties"].get("Environment", {}).get("Variables", {})
    return variables
