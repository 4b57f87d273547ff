"""APP_SECRET in AWS: the template passes the secret's ARN and the functions read the value from
Secrets Manager at run time (moto's here); locally APP_SECRET itself still works."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moderation import runtime

from tests.integration.conftest import HttpResult

Call = Callable[..., HttpResult]
STORED_SECRET = "secret-from-secrets-manager-0123456789abcdef"


@pytest.fixture
def secret_arn(aws: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The stack's secret in moto's Secrets Manager, named by APP_SECRET_ARN; no APP_SECRET."""
    arn: str = boto3.client("secretsmanager").create_secret(Name="AppSecret", SecretString=STORED_SECRET)[
        "ARN"
    ]
    monkeypatch.delenv("APP_SECRET")
    monkeypatch.setenv("APP_SECRET_ARN", arn)
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    runtime.reset()
    return arn


def new_execution_environment() -> None:
    """What a cold start in another container sees: nothing built, nothing cached."""
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    runtime.reset()


def test_the_secret_is_read_from_secrets_manager(secret_arn: str) -> None:
    assert runtime.secret() == STORED_SECRET.encode()


def test_a_cursor_from_one_environment_is_accepted_by_another(
    secret_arn: str, post_comment: Call, list_comments: Call
) -> None:
    # GIVEN three published comments and a cursor handed out by one execution environment
    for n in range(3):
        post_comment({"author_name": f"Reader {n}", "body": f"comment {n}"})
    first = list_comments(limit="2")
    # WHEN another environment, which read the same secret at its own start, gets the cursor
    new_execution_environment()
    second = list_comments(limit="2", cursor=first.body["next_cursor"])
    # THEN it is honoured: the secret is shared, not random per process
    assert second.status == 200
    assert [c["author_name"] for c in first.body["items"] + second.body["items"]] == [
        "Reader 0",
        "Reader 1",
        "Reader 2",
    ]


def test_app_secret_in_the_environment_wins_locally(secret_arn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_SECRET", "local-secret")
    new_execution_environment()
    assert runtime.secret() == b"local-secret"


def test_a_secret_that_cannot_be_read_stops_the_start(
    secret_arn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A random per-process secret would sign cursors no other environment accepts: fail loudly.
    monkeypatch.setenv("APP_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf")
    new_execution_environment()
    with pytest.raises(parameters.exceptions.GetParameterError):
        runtime.secret()
