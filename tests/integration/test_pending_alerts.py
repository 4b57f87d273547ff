"""The review-queue watch: each scheduled run reads the oldest pending comment once, publishes its
age as the EMF metric OldestPendingAlarm watches, and alerts moderators with one digest per
stalled oldest comment, in moto's SNS (read back through an SQS subscription) and DynamoDB."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moderation import runtime
from moderation.alerts import PendingAlerts, SnsPublisher
from moderation.models.base import Status
from moderation.models.comments import HistoryEntry, StoredComment
from moderation.queue_age import read_pending_queue
from moderation.store import DynamoCommentStore
from moderation.store.table import comment_item
from moderation_tools.local.alerts import start_pending_alerts
from moderation_tools.local.template import Template
from ulid import ULID

from tests.integration.conftest import HttpResult, LambdaContext
from tests.support.aws import TEMPLATE

HOLD = "[[insult=0.6]]"
MINUTE = 60.0
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
# The age metric's service and namespace, as PendingAlertFunction's environment sets them.
PUBLISHER = Template.load(TEMPLATE).environment("PendingAlertFunction")
# (operation, index) of every DynamoDB request one run makes.
Request = tuple[str, str | None]


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
    for name in ("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE"):
        monkeypatch.setenv(name, PUBLISHER[name])
    runtime.reset()
    return {"arn": topic_arn, "inbox": queue_url}


def inbox(topic: dict[str, str]) -> list[dict[str, Any]]:
    messages = boto3.client("sqs", region_name="us-east-1").receive_message(
        QueueUrl=topic["inbox"], MaxNumberOfMessages=10
    )
    return [json.loads(message["Body"]) for message in messages.get("Messages", [])]


def alerts(topic: dict[str, str], clock: Callable[[], float], minutes: int = 30) -> PendingAlerts:
    return PendingAlerts(runtime.store(), SnsPublisher(topic["arn"]), minutes, clock=clock)


def oldest_pending() -> StoredComment | None:
    return runtime.store().oldest("pending")


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


def store_comment(table: Any, status: Status, waited: timedelta) -> StoredComment:
    """A comment written straight to the table, `waited` before NOW (no counters: reads only)."""
    created = NOW - waited
    comment = StoredComment(
        id=str(ULID.from_datetime(created)),
        post_id="why-we-moderate",
        author_name="Reader",
        body=f"waited {waited}",
        created_at=created,
        status=status,
    )
    table.put_item(Item=comment_item(comment))
    return comment


def dynamodb_requests(store: DynamoCommentStore) -> list[Request]:
    """Every request the store makes from now on, as (operation, index)."""
    requests: list[Request] = []
    store._db.client.meta.events.register(
        "provide-client-params.dynamodb.*",
        lambda params, model, **_: requests.append((model.name, params.get("IndexName"))),
    )
    return requests


def scheduled_function(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The function's module with metrics on (the tests' default is off) and none left over."""
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    import pending_alert

    # Powertools shares one metric set per process; other tests' handlers never flush theirs.
    pending_alert.metrics.clear_metrics()
    return pending_alert


def emitted_metrics(output: str) -> list[dict[str, Any]]:
    """The Embedded Metric Format documents the function printed (one JSON object per line)."""
    return [json.loads(line) for line in output.splitlines() if line.startswith("{") and '"_aws"' in line]


def published_age(document: dict[str, Any]) -> float:
    """The age in one EMF document, checked to be the metric OldestPendingAlarm watches."""
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "CommentModeration"
    assert directive["Dimensions"] == [["service"]]
    assert document["service"] == "comment-moderation"
    assert {"Name": "OldestPendingAgeSeconds", "Unit": "Seconds"} in directive["Metrics"]
    (age,) = document["OldestPendingAgeSeconds"]
    return float(age)


def test_the_age_is_that_of_the_oldest_pending_comment(aws: Any) -> None:
    store_comment(aws, "pending", timedelta(minutes=12))
    oldest = store_comment(aws, "pending", timedelta(minutes=47))
    store_comment(aws, "rejected", timedelta(hours=5))
    store_comment(aws, "published", timedelta(hours=9))

    queue = read_pending_queue(DynamoCommentStore(aws.name), NOW)

    assert queue.age_seconds == 47 * 60
    assert queue.oldest is not None
    assert queue.oldest.id == oldest.id


def test_an_empty_queue_is_zero_seconds_old_not_nothing(aws: Any) -> None:
    store_comment(aws, "published", timedelta(hours=2))

    queue = read_pending_queue(DynamoCommentStore(aws.name), NOW)

    assert (queue.oldest, queue.age_seconds) == (None, 0)


def test_reading_the_queue_costs_one_query_for_one_item_whatever_its_length(aws: Any) -> None:
    for minutes in range(1, 31):
        store_comment(aws, "pending", timedelta(minutes=minutes))
    store = DynamoCommentStore(aws.name)
    requests: list[dict[str, Any]] = []
    store._db.client.meta.events.register(
        "provide-client-params.dynamodb.*", lambda params, **_: requests.append(params)
    )

    assert read_pending_queue(store, NOW).age_seconds == 30 * 60
    assert len(requests) == 1
    assert requests[0]["IndexName"] == "ByStatus"
    assert requests[0]["Limit"] == 1
    assert requests[0]["ScanIndexForward"] is True


def test_no_alert_while_the_queue_is_empty_or_young(
    topic: dict[str, str], post_comment: Callable[..., HttpResult]
) -> None:
    clock = Clock()
    assert alerts(topic, clock).check(oldest_pending()) is None
    hold(post_comment)
    clock.now += 29 * MINUTE
    assert alerts(topic, clock).check(oldest_pending()) is None
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
    first = alerts(topic, clock).check(oldest_pending())
    clock.now += 5 * MINUTE
    again = alerts(topic, clock).check(oldest_pending())
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
    assert alerts(topic, clock).check(oldest_pending()) is not None
    # WHEN a moderator decides the oldest, and a newer held comment then waits too long
    second = hold(post_comment, "second")
    current = runtime.store().get(first)
    assert current is not None
    entry = HistoryEntry(at=current.created_at, by="grace", from_status="pending", to_status="published")
    runtime.store().apply_decision(current, entry, None)
    clock.now += 31 * MINUTE
    later = alerts(topic, clock).check(oldest_pending())
    # THEN the new oldest gets its own alert
    assert later is not None
    assert later.comment_id == second
    assert len(inbox(topic)) == 2


def test_one_run_reads_the_queue_once_for_both_the_age_and_the_digest(
    topic: dict[str, str],
    post_comment: Callable[..., HttpResult],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN three comments held for review, the oldest for 45 minutes (past the default 30)
    oldest = hold(post_comment, "first")
    arrived_ago(oldest, 45 * MINUTE)
    hold(post_comment, "second")
    hold(post_comment, "third")
    function = scheduled_function(monkeypatch)
    requests = dynamodb_requests(runtime.store())
    capsys.readouterr()
    # WHEN EventBridge Scheduler invokes the function
    result = function.handler({}, LambdaContext())
    # THEN one Query read the oldest pending comment; the rest is the digest's own bookkeeping
    # (was this one alerted, the exact pending count, remember it)
    assert requests == [("Query", "ByStatus"), ("GetItem", None), ("Query", None), ("PutItem", None)]
    # AND its age went out as the metric OldestPendingAlarm watches (measured against the real
    # clock: 45 minutes and a moment more)
    (document,) = emitted_metrics(capsys.readouterr().out)
    age = published_age(document)
    assert 45 * MINUTE <= age < 46 * MINUTE
    assert document["ModeratorAlerts"] == [1.0]
    # AND the digest names that same comment
    assert result == {"OldestPendingAgeSeconds": age, "alerted": True, "comment_id": oldest}
    (message,) = inbox(topic)
    assert message["Subject"] == "3 comment(s) waiting for review"
    assert "has waited 45 minutes" in message["Message"]


def test_an_empty_queue_publishes_zero_with_one_query_and_alerts_nobody(
    topic: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    function = scheduled_function(monkeypatch)
    requests = dynamodb_requests(runtime.store())
    capsys.readouterr()

    result = function.handler({}, LambdaContext())

    assert requests == [("Query", "ByStatus")]
    (document,) = emitted_metrics(capsys.readouterr().out)
    assert published_age(document) == 0
    assert result == {"OldestPendingAgeSeconds": 0, "alerted": False, "comment_id": None}
    assert inbox(topic) == []


def test_a_digest_that_fails_still_publishes_the_age_and_is_retried_next_run(
    topic: dict[str, str],
    post_comment: Callable[..., HttpResult],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a comment held for 45 minutes and an SNS topic that refuses the digest
    comment_id = hold(post_comment)
    arrived_ago(comment_id, 45 * MINUTE)
    monkeypatch.setenv("ALERT_TOPIC_ARN", f"{topic['arn']}-deleted")
    runtime.reset()
    function = scheduled_function(monkeypatch)
    capsys.readouterr()
    # WHEN the scheduled run fails on the publish
    with pytest.raises(ClientError):
        function.handler({}, LambdaContext())
    # THEN the age went out all the same: OldestPendingAlarm keeps its heartbeat and sees the stall,
    # while the failed run shows in the function's Errors alarm
    (document,) = emitted_metrics(capsys.readouterr().out)
    assert 45 * MINUTE <= published_age(document) < 46 * MINUTE
    assert "ModeratorAlerts" not in document
    # AND nothing was remembered as alerted, so the next run tries the digest again
    monkeypatch.setenv("ALERT_TOPIC_ARN", topic["arn"])
    runtime.reset()
    assert function.handler({}, LambdaContext())["alerted"] is True
    assert len(inbox(topic)) == 1


def test_the_scheduled_function_alerts_through_its_topic_once(
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
