"""Moderation use cases with an in-memory store and a fixed clock (GIVEN / WHEN / THEN)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import pytest
from moderation.errors import InvalidCursor, NoChange, NotFound, StorageUnavailable, VersionConflict
from moderation.expiry import ExpiryBookkeeping
from moderation.models.base import Moderator, Status
from moderation.models.comments import CommentDetail, StoredComment
from moderation.models.reports import ReportEntry
from moderation.models.review import BulkDecisionRequest, ClaimRequest, DecisionRequest
from moderation.review import CLAIM_SECONDS, ReviewService
from moderation.settings import Settings
from moderation.store import StaleComment
from pydantic import ValidationError

from tests.support.fakes import Clock
from tests.support.review_fakes import InMemoryReviewStore

NOW = 1_800_000_000.0
GRACE = Moderator("grace")
LINUS = Moderator("linus")


@pytest.fixture
def store() -> InMemoryReviewStore:
    return InMemoryReviewStore()


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def service(store: InMemoryReviewStore, clock: Clock) -> ReviewService:
    return ReviewService(
        store, Settings.model_validate({"rejected_retention_days": 30}), b"secret", clock=clock
    )


def comment(n: int, status: Status = "pending", post_id: str = "post", **extra: Any) -> StoredComment:
    return StoredComment.model_validate(
        {
            "id": f"01KB{n:022d}",
            "post_id": post_id,
            "author_name": "Reader",
            "body": f"comment {n}",
            "created_at": datetime.fromtimestamp(NOW - 1000 + n, UTC),
            "status": status,
            "scores": {"insult": 0.6},
            "reasons": ["score:insult"],
            **extra,
        }
    )


# --- the queue ------------------------------------------------------------------------------


def test_queue_pages_one_status_oldest_first(service: ReviewService, store: InMemoryReviewStore) -> None:
    for n in (3, 1, 2):
        store.add(comment(n))
    store.add(comment(4, status="published"))

    first = service.queue("pending", None, 2, None)
    second = service.queue("pending", None, 2, first.next_cursor)

    assert [c.id for c in first.items + second.items] == [comment(n).id for n in (1, 2, 3)]
    assert second.next_cursor is None


def test_queue_for_one_post(service: ReviewService, store: InMemoryReviewStore) -> None:
    store.add(comment(1, post_id="a"))
    store.add(comment(2, post_id="b"))
    assert [c.post_id for c in service.queue("pending", "b", 10, None).items] == ["b"]


def test_a_cursor_is_bound_to_its_status_and_post(service: ReviewService, store: InMemoryReviewStore) -> None:
    for n in range(3):
        store.add(comment(n))
    cursor = service.queue("pending", None, 1, None).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidCursor):
        service.queue("pending", "post", 1, cursor)


def test_a_lapsed_claim_is_not_shown(service: ReviewService, store: InMemoryReviewStore) -> None:
    store.add(comment(1, claimed_by="grace", claimed_until=datetime.fromtimestamp(NOW - 1, UTC)))
    store.add(comment(2, claimed_by="linus", claimed_until=datetime.fromtimestamp(NOW + 60, UTC)))
    assert [c.claimed_by for c in service.queue("pending", None, 10, None).items] == [None, "linus"]
    assert service.detail(comment(1).id).claimed_until is None


# --- decisions ------------------------------------------------------------------------------


def test_reject_records_history_and_starts_the_retention_clock(
    service: ReviewService, store: InMemoryReviewStore
) -> None:
    target = store.add(comment(1, status="published"))

    decided = service.decide(target.id, DecisionRequest(action="reject", note="  spam  ", version=1), GRACE)

    assert (decided.status, decided.version) == ("rejected", 2)
    [entry] = decided.history
    assert (entry.by, entry.from_status, entry.to_status, entry.note) == (
        "grace",
        "published",
        "rejected",
        "spam",
    )
    assert entry.at == datetime.fromtimestamp(NOW, UTC)
    assert store.comments[target.id].expires_at == int(NOW) + 30 * 86400


def test_approve_clears_the_expiry_of_a_rejected_comment(
    service: ReviewService, store: InMemoryReviewStore
) -> None:
    target = store.add(comment(1, status="rejected", expires_at=int(NOW) + 10))
    decided = service.decide(target.id, DecisionRequest(action="approve"), GRACE)
    assert decided.status == "published"
    assert store.comments[target.id].expires_at is None


def test_a_stale_version_is_a_conflict(service: ReviewService, store: InMemoryReviewStore) -> None:
    target = store.add(comment(1, version=3))
    with pytest.raises(VersionConflict) as raised:
        service.decide(target.id, DecisionRequest(action="approve", version=2), GRACE)
    assert raised.value.details == {"current_version": 3, "status": "pending"}
    assert store.comments[target.id] == target


def test_losing_a_race_with_a_version_is_a_conflict(
    service: ReviewService, store: InMemoryReviewStore
) -> None:
    target = store.add(comment(1))
    store.race_next_decision = True
    with pytest.raises(VersionConflict):
        service.decide(target.id, DecisionRequest(action="approve", version=1), GRACE)


def test_losing_a_race_without_a_version_decides_on_what_is_there_now(
    service: ReviewService, store: InMemoryReviewStore
) -> None:
    target = store.add(comment(1))
    store.race_next_decision = True
    decided = service.decide(target.id, DecisionRequest(action="approve"), GRACE)
    assert (decided.status, decided.version) == ("published", 3)


def test_a_comment_that_keeps_changing_gives_up_safely(
    service: ReviewService, store: InMemoryReviewStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = store.add(comment(1))

    def always_stale(*_: object) -> StoredComment:
        raise StaleComment

    monkeypatch.setattr(store, "apply_decision", always_stale)
    with pytest.raises(StorageUnavailable):
        service.decide(target.id, DecisionRequest(action="approve"), GRACE)
    assert store.comments[target.id] == target


def test_deciding_an_unknown_comment_is_not_found(service: ReviewService) -> None:
    with pytest.raises(NotFound):
        service.decide("nope", DecisionRequest(action="approve"), GRACE)
    with pytest.raises(NotFound):
        service.detail("nope")


def test_decision_requests_are_strict() -> None:
    with pytest.raises(ValidationError):
        DecisionRequest.model_validate({"action": "delete"})
    with pytest.raises(ValidationError):
        DecisionRequest.model_validate({"action": "approve", "version": 0})
    with pytest.raises(ValidationError):
        DecisionRequest.model_validate({"action": "approve", "note": "x" * 1001})
    with pytest.raises(ValidationError):
        DecisionRequest.model_validate({"action": "approve", "by": "someone else"})


# --- claims ---------------------------------------------------------------------------------


def test_claims_skip_what_others_hold_until_it_lapses(
    service: ReviewService, store: InMemoryReviewStore, clock: Clock
) -> None:
    for n in range(3):
        store.add(comment(n))
    store.add(comment(9, status="rejected"))

    mine = service.claim(ClaimRequest(count=2), GRACE)
    theirs = service.claim(ClaimRequest(count=5), LINUS)

    assert [c.id for c in mine.items] == [comment(0).id, comment(1).id]
    assert [c.id for c in theirs.items] == [comment(2).id]
    assert mine.claimed_until == datetime.fromtimestamp(NOW + CLAIM_SECONDS, UTC)
    clock.now += CLAIM_SECONDS + 1
    assert len(service.claim(ClaimRequest(count=5), LINUS).items) == 3


def test_claims_look_past_a_page_of_held_comments(service: ReviewService, store: InMemoryReviewStore) -> None:
    for n in range(60):
        store.add(comment(n))
    service.claim(ClaimRequest(count=25), GRACE)
    service.claim(ClaimRequest(count=25), Moderator("ada"))
    found = service.claim(ClaimRequest(count=5), LINUS)
    assert [c.id for c in found.items] == [comment(n).id for n in range(50, 55)]


def test_a_decision_releases_a_claim(service: ReviewService, store: InMemoryReviewStore) -> None:
    target = store.add(comment(1))
    service.claim(ClaimRequest(count=1), GRACE)
    assert service.decide(target.id, DecisionRequest(action="approve"), LINUS).claimed_by is None


# --- counts and expiry ----------------------------------------------------------------------


def test_counts_sum_the_statuses(service: ReviewService, store: InMemoryReviewStore) -> None:
    store.add(comment(1))
    store.add(comment(2, status="published"))
    store.add(comment(3, status="published", post_id="other"))
    counts = service.counts("post")
    assert counts.counts == {"published": 1, "pending": 1, "rejected": 0}
    assert counts.total == 2
    assert service.counts(None).total == 3


def test_an_expired_comment_is_counted_once_and_other_items_never(store: InMemoryReviewStore) -> None:
    service = ExpiryBookkeeping(store)
    image = {"pk": "COMMENT#x", "sk": "COMMENT", **comment(1, status="rejected").model_dump(by_alias=True)}
    assert service.record_expiry(image) is True
    assert service.record_expiry(image) is False
    assert service.record_expiry({"pk": "RATE#abc#1", "sk": "RATE"}) is False
    assert [c.status for c in store.expired] == ["rejected"]


# --- decisions that change nothing, several at once -----------------------------------------


@pytest.mark.parametrize(("status", "action"), [("published", "approve"), ("rejected", "reject")])
def test_a_decision_that_changes_nothing_is_refused_and_writes_nothing(
    service: ReviewService, store: InMemoryReviewStore, status: Status, action: Literal["approve", "reject"]
) -> None:
    target = store.add(comment(1, status=status))
    with pytest.raises(NoChange) as raised:
        service.decide(target.id, DecisionRequest(action=action), GRACE)
    assert raised.value.details == {"current_version": 1, "status": status}
    assert store.comments[target.id] == target


def test_a_stale_version_is_a_conflict_before_it_is_no_change(
    service: ReviewService, store: InMemoryReviewStore
) -> None:
    target = store.add(comment(1, status="published", version=2))
    with pytest.raises(VersionConflict):
        service.decide(target.id, DecisionRequest(action="approve", version=1), GRACE)


def test_several_comments_decided_at_once_each_say_what_became_of_them(
    service: ReviewService, store: InMemoryReviewStore
) -> None:
    held = store.add(comment(1))
    already = store.add(comment(2, status="rejected"))

    outcomes = service.decide_many(
        BulkDecisionRequest(ids=[held.id, already.id, "nope", held.id], action="reject", note="spam wave"),
        GRACE,
    )

    assert [comment_id for comment_id, _ in outcomes] == [held.id, already.id, "nope"]
    decided, unchanged, missing = (outcome for _, outcome in outcomes)
    assert isinstance(decided, CommentDetail)
    assert (decided.status, decided.history[-1].note) == ("rejected", "spam wave")
    assert isinstance(unchanged, NoChange)
    assert isinstance(missing, NotFound)
    assert store.comments[already.id] == already


def test_bulk_requests_take_one_to_fifty_ids() -> None:
    with pytest.raises(ValidationError):
        BulkDecisionRequest.model_validate({"ids": [], "action": "approve"})
    with pytest.raises(ValidationError):
        BulkDecisionRequest.model_validate({"ids": [str(n) for n in range(51)], "action": "approve"})


# --- the detail view and the queue by reason ---------------------------------------------------


def test_a_replys_detail_shows_the_comment_it_answers_and_its_reports(
    service: ReviewService, store: InMemoryReviewStore
) -> None:
    parent = store.add(comment(1, status="published", reasons=[]))
    reply = store.add(comment(2, status="published", parent_id=parent.id))
    report = ReportEntry(at=datetime.fromtimestamp(NOW, UTC), reason="spam", note="link farm")
    store.add_report(reply.id, "reader-a", report)

    shown = service.detail(reply.id)

    assert shown.parent is not None
    assert (shown.parent.id, shown.parent.body) == (parent.id, "comment 1")
    assert shown.reports == [report]
    assert service.detail(parent.id).parent is None


def test_the_queue_by_reason_pages_through_only_those_comments(
    service: ReviewService, store: InMemoryReviewStore
) -> None:
    reported = [store.add(comment(n, reasons=["reported"])) for n in (2, 5, 7)]
    for n in (1, 3, 4, 6):
        store.add(comment(n))

    first = service.queue("pending", None, 2, None, reason="reported")
    second = service.queue("pending", None, 2, first.next_cursor, reason="reported")

    assert [c.id for c in first.items + second.items] == [c.id for c in reported]
    assert second.next_cursor is None
    with pytest.raises(InvalidCursor):
        service.queue("pending", None, 2, first.next_cursor)
