"""Domain events from stream records: every transition, and nothing private (GIVEN / WHEN / THEN)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from moderation.events import events_from_record
from moderation.models.base import Status
from moderation.models.comments import HistoryEntry, StoredComment
from moderation.store.table import comment_item

CREATED = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DECIDED = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
PRIVATE_VALUES = ("reader@example.com", "emailhash-123", "clienthash-456", "0.73", "score:insult")


def stored(status: Status = "pending", **changes: Any) -> StoredComment:
    comment = StoredComment(
        id="01JCOMMENT",
        post_id="why-we-moderate",
        author_name="Ada",
        body="A thoughtful reply",
        created_at=CREATED,
        status=status,
        scores={"insult": 0.73},
        reasons=["score:insult"],
        author_email_hash="emailhash-123",
        client_hash="clienthash-456",
    )
    return comment.model_copy(update=changes)


def image(comment: StoredComment) -> dict[str, Any]:
    """The item as the table holds it, as a stream record's image carries it."""
    return comment_item(comment)


def decided(comment: StoredComment, to: Status, by: str = "grace") -> StoredComment:
    entry = HistoryEntry(at=DECIDED, by=by, from_status=comment.status, to_status=to)
    return comment.model_copy(
        update={"status": to, "version": comment.version + 1, "history": [*comment.history, entry]}
    )


@pytest.mark.parametrize(
    ("status", "event_type"),
    [("published", "comment.published"), ("pending", "comment.held"), ("rejected", "comment.rejected")],
)
def test_a_new_comment_is_one_event_named_by_its_status(status: Status, event_type: str) -> None:
    # GIVEN a new comment written with this status
    new = stored(status)
    # WHEN its INSERT record is read
    events = events_from_record(None, image(new), "INSERT")
    # THEN one event of the status's type carries the comment as the public sees it, and its status
    assert [event.type for event in events] == [event_type]
    assert events[0].version == 1
    assert events[0].at == CREATED
    assert events[0].comment.model_dump() == new.public().model_dump()
    assert events[0].comment.status == status


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("pending", "published"),
        ("pending", "rejected"),
        ("rejected", "published"),
        ("published", "rejected"),
        ("published", "pending"),
        ("rejected", "pending"),
    ],
)
def test_a_moderators_decision_is_one_decided_event(before: Status, after: Status) -> None:
    # GIVEN a comment a moderator moved from one status to another (a versioned write with history)
    old = stored(before)
    new = decided(old, after)
    # WHEN its MODIFY record is read
    events = events_from_record(image(old), image(new), "MODIFY")
    # THEN one comment.decided event dated by the decision carries the new status
    assert [(event.type, event.comment.status, event.at) for event in events] == [
        ("comment.decided", after, DECIDED)
    ]


def test_readers_reports_sending_a_comment_back_to_review_are_a_reported_event() -> None:
    # GIVEN a published comment that readers' reports sent back to pending with the reason `reported`
    old = stored("published", reasons=[])
    new = decided(old, "pending", by="readers").model_copy(update={"reasons": ["reported"]})
    # WHEN its MODIFY record is read
    events = events_from_record(image(old), image(new), "MODIFY")
    # THEN it is one comment.reported event, not a moderator's decision
    assert [(event.type, event.comment.status) for event in events] == [("comment.reported", "pending")]


def test_a_report_without_history_is_dated_by_the_stream_record() -> None:
    old = stored("published", reasons=[])
    new = old.model_copy(update={"status": "pending", "reasons": ["reported"], "version": 2})
    events = events_from_record(image(old), image(new), "MODIFY", changed_at=DECIDED)
    assert [(event.type, event.at) for event in events] == [("comment.reported", DECIDED)]


@pytest.mark.parametrize(
    "change",
    [
        {"claimed_by": "grace", "claimed_until": DECIDED},  # a claim
        {"reply_count": 1, "first_replies": ["01JREPLY"], "replies_version": 1},  # a reply counted
        {"shadow_scores": {"insult": 0.2}, "shadow_model": "detoxify:unbiased-small"},  # shadow-scored
    ],
)
def test_bookkeeping_on_a_comment_is_no_event(change: dict[str, Any]) -> None:
    old = stored("published")
    assert events_from_record(image(old), image(old.model_copy(update=change)), "MODIFY") == []


def test_a_history_entry_that_keeps_the_status_is_no_event() -> None:
    # GIVEN a versioned write recorded in the history that leaves the status as it was (an erasure)
    old = stored("published")
    new = decided(old, "published").model_copy(update={"body": "[erased]"})
    # THEN webhooks hear nothing of it
    assert events_from_record(image(old), image(new), "MODIFY") == []


def test_ttl_deletions_and_other_items_are_no_event() -> None:
    old = stored("rejected")
    assert events_from_record(image(old), None, "REMOVE") == []
    counter = {"pk": "POST#why-we-moderate", "sk": "COUNTS", "published": 3}
    assert events_from_record(None, counter, "INSERT") == []
    assert events_from_record(counter, {**counter, "published": 4}, "MODIFY") == []


def test_every_delivery_of_the_same_change_has_the_same_event_id() -> None:
    # Streams deliver at least once: a receiver drops repeats by the event id.
    new = stored("published")
    first = events_from_record(None, image(new), "INSERT")
    again = events_from_record(None, image(new), "INSERT")
    assert first[0].id == again[0].id
    decision = events_from_record(image(new), image(decided(new, "rejected")), "MODIFY")
    assert decision[0].id != first[0].id


def test_no_private_field_can_leak_into_an_event() -> None:
    # GIVEN comments holding every private field (e-mail and client hashes, scores, reasons, claims)
    old = stored("pending", claimed_by="grace", claimed_until=DECIDED)
    records = [
        (None, image(old), "INSERT"),
        (image(old), image(decided(old, "published")), "MODIFY"),
        (image(old), image(old.model_copy(update={"reasons": ["reported"], "version": 2})), "MODIFY"),
    ]
    for old_image, new_image, name in records:
        for event in events_from_record(old_image, new_image, name):
            # THEN the event's comment has exactly the public fields, and no private value anywhere
            payload = json.loads(event.model_dump_json())
            assert set(payload) == {"id", "type", "version", "at", "comment"}
            assert set(payload["comment"]) == {
                "id",
                "post_id",
                "parent_id",
                "author_name",
                "body",
                "created_at",
                "status",
            }
            text = event.model_dump_json()
            assert not [value for value in PRIVATE_VALUES if value in text]
            assert "grace" not in text
