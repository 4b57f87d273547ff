"""`moderation insights backfill`: comments stored before insights are counted once, with their
moderators' decisions, and a second run counts nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from moderation import runtime
from moderation.insights import InsightsService
from moderation.models.comments import HistoryEntry, StoredComment
from moderation.models.imports import ImportOrigin
from moderation.policy import Thresholds
from moderation.store import CreateGuards
from moderation_tools.ops.insights_backfill import backfill

POST = "older-post"


def old_comment(comment_id: str, status: str, score: float) -> StoredComment:
    return StoredComment(
        id=comment_id,
        post_id=POST,
        author_name="Reader",
        body="said before insights",
        created_at=datetime.now(UTC),
        status=status,
        scores={"toxicity": score},
    )


def test_older_comments_are_counted_once_with_their_decisions(aws: Any) -> None:
    # GIVEN two comments stored before insights (no automatic decision): one published, one held
    # and since rejected by a moderator
    store = runtime.store()
    now = int(datetime.now(UTC).timestamp())
    guards = CreateGuards(
        dedupe_hash=None, dedupe_until=0, idempotency_hash=None, idempotency=None, idempotency_expires_at=0
    )
    store.create(old_comment("01OLDPUBLISHED", "published", 0.2), guards, now)
    store.create(old_comment("01OLDHELD", "pending", 0.7), guards, now)
    held = store.get("01OLDHELD")
    assert held is not None
    entry = HistoryEntry(at=datetime.now(UTC), by="grace", from_status="pending", to_status="rejected")
    store.apply_decision(held, entry, None)
    insights = InsightsService(store)
    assert insights.insights(None, POST, None).overall.automatic.held == 0

    # WHEN the backfill runs, twice
    first = backfill(aws.name, Thresholds(review=0.5, reject=0.9))
    second = backfill(aws.name, Thresholds(review=0.5, reject=0.9))

    # THEN each comment is counted once, as it was decided at submission and by the moderator
    assert (first.counted, second.counted) == (2, 0)
    overall = insights.insights(None, POST, None).overall
    assert overall.automatic.model_dump() == {"published": 1, "held": 1, "rejected": 0}
    assert overall.held.model_dump() == {"approved": 0, "rejected": 1}
    assert overall.moderators.model_dump() == {"approved": 0, "rejected": 1, "spam": 0}
    assert overall.histograms.all[4] == 1
    assert overall.histograms.rejected[14] == 1
    marked = store.get("01OLDHELD")
    assert marked is not None
    assert marked.automatic is not None
    assert (marked.automatic.status, marked.automatic.model, marked.version) == ("pending", None, 2)
    assert marked.status == "rejected"


def test_imported_comments_are_not_counted_as_this_models_decisions(aws: Any) -> None:
    # GIVEN a comment imported from Disqus as published: Disqus decided it, not this model
    store = runtime.store()
    now = int(datetime.now(UTC).timestamp())
    guards = CreateGuards(
        dedupe_hash=None, dedupe_until=0, idempotency_hash=None, idempotency=None, idempotency_expires_at=0
    )
    imported = old_comment("01IMPORTED", "published", 0.95).model_copy(
        update={"imported": ImportOrigin(source="disqus", source_id="3001")}
    )
    store.create(imported, guards, now)

    # WHEN the backfill runs
    report = backfill(aws.name, Thresholds(review=0.5, reject=0.9))

    # THEN it is left as it is, and insights count nothing for it
    assert report.counted == 0
    overall = InsightsService(store).insights(None, POST, None).overall
    assert sum(overall.histograms.all) == 0
    stored = store.get("01IMPORTED")
    assert stored is not None
    assert stored.automatic is None
