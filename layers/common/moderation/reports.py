"""Readers' reports: a published comment reported by enough distinct readers goes back to review.

Nothing here tells a reader how many reports a comment has: every accepted report, a repeat
included, gets the same answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from aws_lambda_powertools import Logger

from moderation.errors import NotFound
from moderation.identity import client_hash
from moderation.models.comments import HistoryEntry, StoredComment
from moderation.models.reports import ReportEntry, ReportRequest
from moderation.rate_limit import RateClaim, RateLog, SlidingWindowLimit, record_alone
from moderation.settings import Settings
from moderation.store import DuplicateReport, StaleComment

logger = Logger(child=True)

REPORTED = "reported"
# The moderators' history names who sent a comment back when no moderator did.
READERS = "readers"
SEND_BACK_ATTEMPTS = 3


class ReportStore(Protocol):
    def get(self, comment_id: str) -> StoredComment | None: ...
    def add_report(self, comment_id: str, reporter: str, report: ReportEntry) -> None: ...
    def apply_decision(
        self,
        current: StoredComment,
        entry: HistoryEntry,
        expires_at: int | None,
        reasons: list[str] | None = None,
    ) -> StoredComment: ...
    def get_rate_log(self, client_hash: str) -> RateLog: ...
    def record_rate(self, claim: RateClaim) -> None: ...


class ReportService:
    def __init__(
        self, store: ReportStore, settings: Settings, secret: bytes, clock: Callable[[], float] = time.time
    ):
        self._store = store
        self._settings = settings
        self._secret = secret
        self._clock = clock

    def report(self, post_id: str, comment_id: str, request: ReportRequest, client_ip: str | None) -> None:
        """Count one reader's report of a published comment on `post_id` (a repeat counts once)."""
        moment = self._clock()
        now = int(moment)
        reporter = client_hash(self._secret, client_ip or "unknown")
        self._check_rate(reporter, int(moment * 1000))
        comment = self._store.get(comment_id)
        if comment is None or comment.post_id != post_id or comment.status != "published":
            raise NotFound("No published comment with this id on this post.", details={"id": comment_id})
        entry = ReportEntry(
            at=datetime.fromtimestamp(now, UTC), reason=request.reason, note=request.note or None
        )
        try:
            self._store.add_report(comment_id, reporter, entry)
        except DuplicateReport:
            return
        logger.info("comment reported", extra={"comment_id": comment_id, "reason": request.reason})
        self._send_back_if_reported(comment_id, now)

    def _send_back_if_reported(self, comment_id: str, now: int) -> None:
        """At the threshold, back to pending through the same versioned write moderators use."""
        for _ in range(SEND_BACK_ATTEMPTS):
            current = self._store.get(comment_id)
            if current is None or current.status != "published":
                return
            if current.report_count < self._settings.report_threshold:
                return
            entry = HistoryEntry(
                at=datetime.fromtimestamp(now, UTC),
                by=READERS,
                from_status="published",
                to_status="pending",
                note=f"reported by {current.report_count} readers",
            )
            reasons = [*(reason for reason in current.reasons if reason != REPORTED), REPORTED]
            try:
                self._store.apply_decision(current, entry, None, reasons=reasons)
            except StaleComment:
                continue
            logger.info("reported comment held for review", extra={"comment_id": comment_id})
            return

    def _check_rate(self, reporter: str, now_ms: int) -> None:
        """The same sliding window as posts, in a log of its own: reporting comments doesn't use up
        a reader's comments. A report counts when it is checked (it may be a repeat, counted once)."""
        limit = self._settings.rate_limit_per_minute
        if not limit:
            return
        record_alone(self._store, SlidingWindowLimit(limit), f"report-{reporter}", now_ms)
