"""Handlers invoked with the events in events/, against moto tables built from template.yaml."""

from __future__ import annotations

import copy
import importlib
import json
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moderation import runtime
from moto import mock_aws
from moto.dynamodb.responses import DynamoHandler

from tests.support.aws import ROOT, create_tables_from_template

for function_dir in (ROOT / "functions").iterdir():
    if str(function_dir) not in sys.path:
        sys.path.insert(0, str(function_dir))

Invoke = Callable[..., "HttpResult"]


@dataclass
class LambdaContext:
    function_name: str = "test-function"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    aws_request_id: str = "test-request"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]
    body: Any


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / f"{name}.json").read_text())
    return event


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto with the template's tables; the service rebuilt from this test's environment."""
    with mock_aws():
        names = create_tables_from_template()
        monkeypatch.setenv("TABLE_NAME", names["CommentsTable"])
        monkeypatch.setenv("MODERATION_SCORER", "tests.support.scorers:make")
        monkeypatch.setenv("APP_SECRET", "integration-secret")
        monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "0")
        runtime.reset()
        yield boto3.resource("dynamodb").Table(names["CommentsTable"])
        runtime.reset()


def invoke_handler(module_name: str, event: dict[str, Any]) -> HttpResult:
    module = importlib.import_module(module_name)
    response = module.handler(event, LambdaContext())
    body = response.get("body")
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    parsed = json.loads(body) if body and "json" in headers.get("content-type", "") else body
    return HttpResult(response["statusCode"], headers, parsed)


def moderator_decides(comment_id: str, action: str) -> HttpResult:
    """A moderator's decision through the moderation function, as the console sends it."""
    event = copy.deepcopy(load_event("moderation_decision"))
    path = f"/moderation/comments/{comment_id}/decision"
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["pathParameters"] = {"id": comment_id}
    event["body"] = json.dumps({"action": action})
    event["headers"]["content-type"] = "application/json"
    return invoke_handler("moderation_api", event)


@pytest.fixture
def post_comment(aws: Any) -> Callable[..., HttpResult]:
    def post(
        body: Any,
        post_id: str = "why-we-moderate",
        headers: dict[str, str] | None = None,
        source_ip: str = "203.0.113.24",
        raw_body: str | None = None,
    ) -> HttpResult:
        event = copy.deepcopy(load_event("submit_comment"))
        event["headers"].pop("idempotency-key")
        event["headers"].update(headers or {})
        event["rawPath"] = event["requestContext"]["http"]["path"] = f"/posts/{post_id}/comments"
        event["pathParameters"] = {"post_id": post_id}
        event["requestContext"]["http"]["sourceIp"] = source_ip
        event["body"] = raw_body if raw_body is not None else json.dumps(body)
        return invoke_handler("submit_comment", event)

    return post


@pytest.fixture
def list_comments(aws: Any) -> Callable[..., HttpResult]:
    def get(post_id: str = "why-we-moderate", **query: str) -> HttpResult:
        event = copy.deepcopy(load_event("list_comments"))
        event["rawPath"] = event["requestContext"]["http"]["path"] = f"/posts/{post_id}/comments"
        event["pathParameters"] = {"post_id": post_id}
        event["queryStringParameters"] = query or None
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
        return invoke_handler("list_comments", event)

    return get


@pytest.fixture
def serializable_transactions(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB runs transactions serializably and reads an item whole; moto under threads does
    neither (a read can serialize an item while a transaction changes it), so every DynamoDB call,
    answer included, takes one lock."""
    lock = threading.RLock()
    original = DynamoHandler.call_action

    def serialized(self: DynamoHandler) -> Any:
        with lock:
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", serialized)
