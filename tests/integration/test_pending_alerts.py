"""Moderators alerted when the review queue stalls: one digest per stalled oldest comment, in
moto's SNS (read back through an SQS subscription) and DynamoDB."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moderation import runtime
from moderation.alerts import PendingAlerts, SnsPublisher
from moderation.models import HistoryEntry
from moderation_tools.local.alerts import start_pending_alerts

from tests.integration.conftest import HttpResult, LambdaContext

HOLD = "[[insult=0.6]]"
MINUTE = 60.0


@pytest.fixture
def topic(aws: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The alerts topic, with a queue subscribed to read what moderators would receive."""
    sns = boto3.client("sns", region_name="us-east-1")
    sqs = boto3.client("sqs", region_name="us-east-1")
    topic_arn = sns.create_topic(Name="ModeratorAlertsTopic")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    monkeypatch.setenv("ALERT_TOPIC_ARN", topic_arn)
    runtime.reset()
    return {"arn": topic_arn, "inbox": queue_url}


def inbox(topic: dict[str, str]) -> list[dict[str, Any]]:
    messages = boto3.client("sqs", region_name="us-east-1").receive_message(
        QueueUrl=topic["inbox"], MaxNumberOfMessages=10
    )
    return [json.loads(message["Body"]) for message in messages.get("Messages", [])]


def alerts(topic: dict[str, str], clock: Callable[[], float], minutes: int = 30) -> PendingAlerts:
    return PendingAlerts(runtime.store(), SnsPublisher(topic["arn"]), minutes, clock=clock)


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def hold(post_comment: Callable[..., HttpResult], body: str = "meh") -> str:
    comment_id: str = post_comment({"author_name": "Bob", "body": f"{body} {HOLD}"}).body["id"]
    return comment_id


def arrived_ago(comment_id: str, seconds: float) -> None:
    """Backdate a stored comment, as if it had arrived `seconds` ago."""
    arrived = datetime.fromtimestamp(time.time() - seconds, UTC).isoformat().replace("+00:00", "Z")
    runtime.store()._db.table.update_item(
        Key={"pk": f"COMMENT#{comment_id}", "sk": "COMMENT"},
        UpdateExpression="SET created_at = :arrived",
        ExpressionAttributeValues={":arrived": arrived},
    )


def test_no_alert_while_the_queue_is_empty_or_young(
    topic: dict[str, str], post_comment: Callable[..., HttpResult]
) -> None:
    clock = Clock()
    assert alerts(topic, clock).check() is None
    hold(post_comment)
    clock.now += 29 * MINUTE
    assert alerts(topic, clock).check() is None
    assert inbox(topic) == []


def test_one_digest_when_the_oldest_pending_comment_has_waited_too_long_and_not_again(
    topic: dict[str, str], post_comment: Callable[..., HttpResult]
) -> None:
    # GIVEN three comments held for review
    oldest = hold(post_comment, "first")
    hold(post_comment, "second")
    hold(post_comment, "third")
    clock = Clock()
    # WHEN the schedule checks 31 minutes later, and again every 5 minutes
    clock.now += 31 * MINUTE
    first = alerts(topic, clock).check()
    clock.now += 5 * MINUTE
    again = alerts(topic, clock).check()
    # THEN moderators got ONE digest naming the backlog and the wait, and no repeat
    assert first is not None
    assert again is None
    assert first.comment_id == oldest
    (message,) = inbox(topic)
    assert message["Subject"] == "3 comment(s) waiting for review"
    assert "has waited 31 minutes" in message["Message"]


def test_a_new_stall_alerts_again_once_the_previous_oldest_was_decided(
    topic: dict[str, str], post_comment: Callable[..., HttpResult]
) -> None:
    first = hold(post_comment, "first")
    clock = Clock()
    clock.now += 31 * MINUTE
    assert alerts(topic, clock).check() is not None
    # WHEN a moderator decides the oldest, and a newer held comment then waits too long
    second = hold(post_comment, "second")
    current = runtime.store().get(first)
    assert current is not None
    entry = HistoryEntry(at=current.created_at, by="grace", from_status="pending", to_status="published")
    runtime.store().apply_decision(current, entry, None)
    clock.now += 31 * MINUTE
    later = alerts(topic, clock).check()
    # THEN the new oldest gets its own alert
    assert later is not None
    assert later.comment_id == second
    assert len(inbox(topic)) == 2


def test_the_scheduled_function_alerts_through_its_topic(
    topic: dict[str, str], post_comment: Callable[..., HttpResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a comment held for review that arrived 2 minutes ago, past a 1-minute threshold
    comment_id = hold(post_comment)
    arrived_ago(comment_id, 2 * MINUTE)
    monkeypatch.setenv("ALERT_PENDING_MINUTES", "1")
    runtime.reset()
    from pending_alert import handler

    # WHEN EventBridge Scheduler invokes the function twice
    result = handler({}, LambdaContext())
    repeat = handler({}, LambdaContext())
    # THEN one digest went out
    assert result["alerted"] is True
    assert repeat["alerted"] is False
    assert len(inbox(topic)) == 1


def test_the_local_stack_prints_the_digest_on_its_console(
    aws: Any,
    post_comment: Callable[..., HttpResult],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a comment held for review for 2 minutes, past a 1-minute threshold, and the local check
    comment_id = hold(post_comment)
    arrived_ago(comment_id, 2 * MINUTE)
    monkeypatch.setenv("ALERT_PENDING_MINUTES", "1")
    runtime.reset()
    monkeypatch.setattr("moderation_tools.local.alerts.CHECK_EVERY_SECONDS", 0.05)
    stop = threading.Event()
    # WHEN it has run a few times
    thread = start_pending_alerts(threading.Lock(), stop)
    time.sleep(0.5)
    stop.set()
    thread.join(timeout=5)
    # THEN the console shows one digest
    assert capsys.readouterr().err.count("MODERATOR ALERT: 1 comment(s) waiting for review") == 1
