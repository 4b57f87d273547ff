"""Use cases for moderators: the queue, one comment, decisions, claims and counts."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from aws_lambda_powertools import Logger

from moderation.cursor import CursorCodec
from moderation.errors import NotFound, StorageUnavailable, VersionConflict
from moderation.models import (
    ClaimRequest,
    ClaimResult,
    CommentDetail,
    DecisionRequest,
    HistoryEntry,
    ModerationQueuePage,
    Moderator,
    ModeratorComment,
    Status,
    StatusCounts,
    StoredComment,
)
from moderation.settings import Settings
from moderation.store import StaleComment

logger = Logger(child=True)

CLAIM_SECONDS = 5 * 60
# A claim looks at this many pending comments at most, so a queue full of others' claims
# costs a bounded amount of reads.
CLAIM_SCAN_LIMIT = 200
CLAIM_PAGE = 50
DECISION_ATTEMPTS = 3

Shown = TypeVar("Shown", bound=ModeratorComment)


class ReviewStore(Protocol):
    """What moderation needs of storage (DynamoCommentStore in AWS, a fake in unit tests)."""

    def get(self, comment_id: str) -> StoredComment | None: ...
    def list_post(
        self, post_id: str, status: Status, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]: ...
    def list_status(
        self, status: Status, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]: ...
    def counts(self, post_id: str | None = None) -> dict[Status, int]: ...
    def apply_decision(
        self, current: StoredComment, entry: HistoryEntry, expires_at: int | None
    ) -> StoredComment: ...
    def claim(self, comment_id: str, moderator: str, until: int, now: int) -> StoredComment | None: ...


class ReviewService:
    def __init__(
        self,
        store: ReviewStore,
        settings: Settings,
        secret: bytes,
        clock: Callable[[], float] = time.time,
    ):
        self._store = store
        self._settings = settings
        self._cursors = CursorCodec(secret)
        self._clock = clock

    def queue(
        self, status: Status, post_id: str | None, limit: int, cursor: str | None
    ) -> ModerationQueuePage:
        """One page of comments in `status` (optionally one post's), oldest first."""
        scope = f"moderation:{status}:{post_id or ''}"
        start_key = self._cursors.decode(cursor, scope) if cursor else None
        items, last_key = self._page(status, post_id, limit, start_key)
        now = self._clock()
        return ModerationQueuePage(
            items=[_live_claim(item.for_moderators(), now) for item in items],
            next_cursor=self._cursors.encode(last_key, scope) if last_key else None,
        )

    def detail(self, comment_id: str) -> CommentDetail:
        return _live_claim(self._get(comment_id).detail(), self._clock())

    def decide(self, comment_id: str, request: DecisionRequest, moderator: Moderator) -> CommentDetail:
        """Approve or reject from any status in one conditional write; 409 if `version` is stale."""
        to_status: Status = "published" if request.action == "approve" else "rejected"
        for _ in range(DECISION_ATTEMPTS):
            current = self._get(comment_id)
            if request.version is not None and request.version != current.version:
                raise VersionConflict(
                    "Someone else decided this comment first; reload it and decide again.",
                    details={"current_version": current.version, "status": current.status},
                )
            now = self._clock()
            entry = HistoryEntry(
                at=datetime.fromtimestamp(now, UTC),
                by=moderator.name,
                from_status=current.status,
                to_status=to_status,
                note=request.note or None,
            )
            expires_at = self._settings.rejected_expires_at(int(now)) if to_status == "rejected" else None
            try:
                updated = self._store.apply_decision(current, entry, expires_at)
            except StaleComment:
                # It changed after we read it: look again (with a version, that is a conflict).
                continue
            logger.info(
                "comment decided",
                extra={
                    "comment_id": comment_id,
                    "from": current.status,
                    "to": to_status,
                    "by": moderator.name,
                },
            )
            return updated.detail()
        raise StorageUnavailable("The comment kept changing while we decided it; please retry.")

    def claim(self, request: ClaimRequest, moderator: Moderator) -> ClaimResult:
        """Lease the next `count` pending comments no one else holds to `moderator`."""
        now = self._clock()
        until = int(now) + CLAIM_SECONDS
        claimed: list[ModeratorComment] = []
        start_key: dict[str, Any] | None = None
        examined = 0
        while len(claimed) < request.count and examined < CLAIM_SCAN_LIMIT:
            page, start_key = self._page("pending", request.post_id, CLAIM_PAGE, start_key)
            for comment in page:
                examined += 1
                if _held_by_other(comment, moderator, now):
                    continue
                # The conditional write settles races with other moderators claiming at once.
                leased = self._store.claim(comment.id, moderator.name, until, int(now))
                if leased is not None:
                    claimed.append(leased.for_moderators())
                    if len(claimed) == request.count:
                        break
            if start_key is None:
                break
        return ClaimResult(items=claimed, claimed_until=datetime.fromtimestamp(until, UTC))

    def counts(self, post_id: str | None) -> StatusCounts:
        counts = self._store.counts(post_id)
        return StatusCounts(post_id=post_id, counts=counts, total=sum(counts.values()))

    def _page(
        self, status: Status, post_id: str | None, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]:
        """One page in `status`, of one post's comments or of all."""
        if post_id:
            return self._store.list_post(post_id, status, limit, start_key)
        return self._store.list_status(status, limit, start_key)

    def _get(self, comment_id: str) -> StoredComment:
        comment = self._store.get(comment_id)
        if comment is None:
            raise NotFound("No comment with this id.", details={"id": comment_id})
        return comment


def _held_by_other(comment: ModeratorComment, moderator: Moderator, now: float) -> bool:
    return (
        comment.claimed_by is not None
        and comment.claimed_by != moderator.name
        and comment.claimed_until is not None
        and comment.claimed_until.timestamp() > now
    )


def _live_claim(comment: Shown, now: float) -> Shown:
    """Hide a claim that has lapsed: it no longer holds anyone back."""
    if comment.claimed_until is not None and comment.claimed_until.timestamp() <= now:
        return comment.model_copy(update={"claimed_by": None, "claimed_until": None})
    return comment
