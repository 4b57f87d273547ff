"""Readers' reports with an in-memory store and a fixed clock (GIVEN / WHEN / THEN)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from moderation.errors import NotFound, RateLimited
from moderation.models.base import Status
from moderation.models.comments import StoredComment
from moderation.models.reports import ReportRequest
from moderation.reports import ReportService
from moderation.settings import Settings
from pydantic import ValidationError

from tests.support.fakes import Clock
from tests.support.review_fakes import InMemoryReviewStore

NOW = 1_800_000_000.0
SPAM = ReportRequest(reason="spam", note="  same link everywhere ")


def comment(n: int, status: Status = "published", post_id: str = "post") -> StoredComment:
    return StoredComment(
        id=f"01KB{n:022d}",
        post_id=post_id,
        author_name="Reader",
        body=f"comment {n}",
        created_at=datetime.fromtimestamp(NOW - 100, UTC),
        status=status,
    )


def service_for(store: InMemoryReviewStore, threshold: int = 3, rate: int = 0) -> ReportService:
    settings = Settings.model_validate({"report_threshold": threshold, "rate_limit_per_minute": rate})
    return ReportService(store, settings, b"secret", clock=Clock(NOW))


def test_distinct_readers_at_the_threshold_send_a_comment_back_to_review() -> None:
    store = InMemoryReviewStore()
    target = store.add(comment(1))
    reports = service_for(store, threshold=3)

    # GIVEN two readers' reports, one of them sent twice
    reports.report("post", target.id, SPAM, "198.51.100.1")
    reports.report("post", target.id, SPAM, "198.51.100.1")
    reports.report("post", target.id, ReportRequest(reason="abuse"), "198.51.100.2")
    # THEN it is still published, counted twice
    assert (store.comments[target.id].status, store.comments[target.id].report_count) == ("published", 2)

    # WHEN a third reader reports it
    reports.report("post", target.id, ReportRequest(reason="other"), "198.51.100.3")

    # THEN it is pending with the reason `reported`, through a versioned decision by readers
    held = store.comments[target.id]
    assert (held.status, held.reasons, held.version) == ("pending", ["reported"], 2)
    [entry] = held.history
    assert (entry.by, entry.from_status, entry.to_status) == ("readers", "published", "pending")
    # and moderators see each report, its reason and its note (trimmed)
    assert [(r.reason, r.note) for r in store.reports(target.id)] == [
        ("spam", "same link everywhere"),
        ("abuse", None),
        ("other", None),
    ]


def test_a_comment_not_published_on_that_post_is_not_found() -> None:
    store = InMemoryReviewStore()
    held = store.add(comment(1, status="pending"))
    elsewhere = store.add(comment(2, post_id="other-post"))
    reports = service_for(store)
    for post_id, comment_id in (("post", held.id), ("post", elsewhere.id), ("post", "nope")):
        with pytest.raises(NotFound):
            reports.report(post_id, comment_id, SPAM, "198.51.100.1")
    assert store.reported == {}


def test_reports_are_rate_limited_in_their_own_window() -> None:
    store = InMemoryReviewStore()
    targets = [store.add(comment(n)) for n in range(3)]
    reports = service_for(store, threshold=10, rate=2)
    reports.report("post", targets[0].id, SPAM, "198.51.100.1")
    reports.report("post", targets[1].id, SPAM, "198.51.100.1")
    with pytest.raises(RateLimited):
        reports.report("post", targets[2].id, SPAM, "198.51.100.1")
    assert store.comments[targets[2].id].report_count == 0


def test_report_requests_are_strict() -> None:
    with pytest.raises(ValidationError):
        ReportRequest.model_validate({"reason": "dislike"})
    with pytest.raises(ValidationError):
        ReportRequest.model_validate({"reason": "spam", "note": "x" * 501})
    with pytest.raises(ValidationError):
        ReportRequest.model_validate({"reason": "spam", "count": 3})
