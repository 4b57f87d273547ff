"""An in-memory store with the moderation half of DynamoCommentStore's contract, for unit tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from moderation.errors import NotFound
from moderation.models.base import Status
from moderation.models.comments import HistoryEntry, StoredComment
from moderation.models.reports import ReportEntry
from moderation.store import STATUSES, DuplicateReport, StaleComment

from tests.support.fakes import InMemoryStore


class InMemoryReviewStore(InMemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.expired_markers: set[str] = set()
        self.expired: list[StoredComment] = []
        # Set to make the next decision find the comment changed under it (a lost race).
        self.race_next_decision = False
        self.reported: dict[str, dict[str, ReportEntry]] = {}

    def add(self, comment: StoredComment) -> StoredComment:
        self.comments[comment.id] = comment
        return comment

    def list_status(
        self, status: Status, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]:
        matching = sorted((c for c in self.comments.values() if c.status == status), key=lambda c: c.id)
        if start_key:
            matching = [c for c in matching if c.id > start_key["id"]]
        page = matching[:limit]
        return page, ({"id": page[-1].id} if len(matching) > limit else None)

    def counts(self, post_id: str | None = None) -> dict[Status, int]:
        totals: dict[Status, int] = dict.fromkeys(STATUSES, 0)
        for comment in self.comments.values():
            if post_id is None or comment.post_id == post_id:
                totals[comment.status] += 1
        return totals

    def apply_decision(
        self,
        current: StoredComment,
        entry: HistoryEntry,
        expires_at: int | None,
        reasons: list[str] | None = None,
    ) -> StoredComment:
        if self.race_next_decision:
            self.race_next_decision = False
            raced = self.comments[current.id]
            self.comments[current.id] = raced.model_copy(update={"version": raced.version + 1})
        stored = self.comments.get(current.id)
        if stored is None or stored.version != current.version:
            raise StaleComment
        updated = current.model_copy(
            update={
                "status": entry.to_status,
                "version": current.version + 1,
                "history": [*current.history, entry],
                "expires_at": expires_at,
                "claimed_by": None,
                "claimed_until": None,
                "reasons": current.reasons if reasons is None else reasons,
                "report_count": 0 if entry.to_status == "published" else current.report_count,
            }
        )
        self.comments[current.id] = updated
        return updated

    def add_report(self, comment_id: str, reporter: str, report: ReportEntry) -> None:
        comment = self.comments.get(comment_id)
        if comment is None or comment.status != "published":
            raise NotFound("not published")
        reports = self.reported.setdefault(comment_id, {})
        if reporter in reports:
            raise DuplicateReport
        reports[reporter] = report
        self.comments[comment_id] = comment.model_copy(update={"report_count": comment.report_count + 1})

    def reports(self, comment_id: str) -> list[ReportEntry]:
        return sorted(self.reported.get(comment_id, {}).values(), key=lambda report: report.at)

    def claim(self, comment_id: str, moderator: str, until: int, now: int) -> StoredComment | None:
        comment = self.comments.get(comment_id)
        if comment is None or comment.status != "pending":
            return None
        held = comment.claimed_until is not None and comment.claimed_until.timestamp() > now
        if held and comment.claimed_by != moderator:
            return None
        claimed = comment.model_copy(
            update={"claimed_by": moderator, "claimed_until": datetime.fromtimestamp(until, UTC)}
        )
        self.comments[comment_id] = claimed
        return claimed

    def comment_from_image(self, image: Mapping[str, Any]) -> StoredComment | None:
        if image.get("sk") != "COMMENT":
            return None
        return StoredComment.model_validate({k: v for k, v in image.items() if k not in ("pk", "sk")})

    def record_expiry(self, comment: StoredComment, now: int) -> bool:
        if comment.id in self.expired_markers:
            return False
        self.expired_markers.add(comment.id)
        self.expired.append(comment)
        return True
