"""The oldest pending comment's age, published as an EMF metric for OldestPendingAlarm (moto)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moderation.models import Status, StoredComment
from moderation.queue_age import oldest_pending_age_seconds
from moderation.store import DynamoCommentStore
from moderation.store.table import comment_item
from ulid import ULID

from tests.integration.conftest import LambdaContext, load_event

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def store_comment(table: Any, status: Status, waited: timedelta, now: datetime = NOW) -> StoredComment:
    created = now - waited
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


def emitted_metrics(output: str) -> list[dict[str, Any]]:
    """The Embedded Metric Format documents the function printed (one JSON object per line)."""
    documents = []
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            documents.append(json.loads(line))
    return documents


def test_the_age_is_that_of_the_oldest_pending_comment(aws: Any) -> None:
    store_comment(aws, "pending", timedelta(minutes=12))
    store_comment(aws, "pending", timedelta(minutes=47))
    store_comment(aws, "rejected", timedelta(hours=5))
    store_comment(aws, "published", timedelta(hours=9))

    age = oldest_pending_age_seconds(DynamoCommentStore(aws.name), NOW)

    assert age == 47 * 60


def test_an_empty_queue_reports_zero_not_nothing(aws: Any) -> None:
    store_comment(aws, "published", timedelta(hours=2))

    assert oldest_pending_age_seconds(DynamoCommentStore(aws.name), NOW) == 0


def test_the_age_costs_one_query_for_one_item_whatever_the_queue(aws: Any) -> None:
    for minutes in range(1, 31):
        store_comment(aws, "pending", timedelta(minutes=minutes))
    store = DynamoCommentStore(aws.name)
    requests: list[dict[str, Any]] = []
    store._db.client.meta.events.register(
        "provide-client-params.dynamodb.*", lambda params, **_: requests.append(params)
    )

    assert oldest_pending_age_seconds(store, NOW) == 30 * 60
    assert len(requests) == 1
    assert requests[0]["IndexName"] == "ByStatus"
    assert requests[0]["Limit"] == 1
    assert requests[0]["ScanIndexForward"] is True


def test_the_function_publishes_the_age_as_an_emf_metric(
    aws: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # As PendingAgeFunction's environment in template.yaml sets them; metrics on for this test.
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "CommentModeration")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "comment-moderation")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    import pending_age

    # Powertools shares one metric set per process; other tests' handlers never flush theirs.
    pending_age.metrics.clear_metrics()
    waited = timedelta(minutes=45)
    store_comment(aws, "pending", waited, now=datetime.now(UTC))
    capsys.readouterr()

    result = pending_age.handler(load_event("pending_age"), LambdaContext())

    (document,) = emitted_metrics(capsys.readouterr().out)
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "CommentModeration"
    assert directive["Dimensions"] == [["service"]]
    assert directive["Metrics"] == [{"Name": "OldestPendingAgeSeconds", "Unit": "Seconds"}]
    assert document["service"] == "comment-moderation"
    # Measured against the real clock: the comment waited 45 minutes and a moment more.
    (published,) = document["OldestPendingAgeSeconds"]
    assert waited.total_seconds() <= published < waited.total_seconds() + 60
    assert result == {"OldestPendingAgeSeconds": published}
