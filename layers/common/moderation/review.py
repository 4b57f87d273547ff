"""Use cases for moderators: the queue, one comment, decisions, claims and counts."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from aws_lambda_powertools import Logger

from moderation.cursor import CursorCodec
from moderation.errors import DomainError, NoChange, NotFound, StorageUnavailable, VersionConflict
from moderation.models.authors import AuthorRecord
from moderation.models.base import Moderator, Status
from moderation.models.comments import CommentDetail, HistoryEntry, ModeratorComment, StoredComment
from moderation.models.reports import ReportEntry
from moderation.models.review import (
    BulkDecisionRequest,
    ClaimRequest,
    ClaimResult,
    DecisionRequest,
    ModerationDetail,
    ModerationQueuePage,
    QueueItem,
    StatusCounts,
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
# A queue filtered by reason reads at most this many comments per page it answers.
REASON_SCAN_LIMIT = 500

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
        self,
        current: StoredComment,
        entry: HistoryEntry,
        expires_at: int | None,
        reasons: list[str] | None = None,
    ) -> StoredComment: ...
    def claim(self, comment_id: str, moderator: str, until: int, now: int) -> StoredComment | None: ...
    def reports(self, comment_id: str) -> list[ReportEntry]: ...
    def author(self, author_key: str) -> AuthorRecord: ...
    def authors(self, author_keys: list[str]) -> dict[str, AuthorRecord]: ...


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
        self,
        status: Status,
        post_id: str | None,
        limit: int,
        cursor: str | None,
        reason: str | None = None,
    ) -> ModerationQueuePage:
        """One page of comments in `status` (optionally one post's, or held for one reason), oldest first."""
        scope = f"moderation:{status}:{post_id or ''}:{reason or ''}"
        start_key = self._cursors.decode(cursor, scope) if cursor else None
        if reason:
            items, last_key = self._page_with_reason(status, post_id, reason, limit, start_key)
        else:
            items, last_key = self._page(status, post_id, limit, start_key)
        now = self._clock()
        records = self._store.authors([item.author_key for item in items if item.author_key])
        return ModerationQueuePage(
            items=[
                _live_claim(
                    QueueItem(
                        **item.for_moderators().model_dump(),
                        author=_record_of(records, item),
                    ),
                    now,
                )
                for item in items
            ],
            next_cursor=self._cursors.encode(last_key, scope) if last_key else None,
        )

    def detail(self, comment_id: str) -> ModerationDetail:
        """One comment in full: its history and notes, the comment it answers, its reports, its author."""
        comment = self._get(comment_id)
        parent = self._store.get(comment.parent_id) if comment.parent_id else None
        shown = ModerationDetail(
            **comment.detail().model_dump(by_alias=True),
            parent=_live_claim(parent.for_moderators(), self._clock()) if parent else None,
            reports=self._store.reports(comment.id),
            author=self._store.author(comment.author_key) if comment.author_key else None,
        )
        return _live_claim(shown, self._clock())

    def decide(self, comment_id: str, request: DecisionRequest, moderator: Moderator) -> CommentDetail:
        """Approve, reject or mark as spam from any status in one conditional write; 409 if
        `version` is stale, or if the decision would change nothing. Spam rejects, and its history
        entry says "spam": the spam filter learns from that (from the table's stream)."""
        to_status: Status = "published" if request.action == "approve" else "rejected"
        spam = request.action == "spam"
        for _ in range(DECISION_ATTEMPTS):
            current = self._get(comment_id)
            if request.version is not None and request.version != current.version:
                raise VersionConflict(
                    "Someone else decided this comment first; reload it and decide again.",
                    details={"current_version": current.version, "status": current.status},
                )
            if current.status == to_status and spam == _marked_spam(current):
                already = "rejected as spam" if spam else to_status
                raise NoChange(
                    f"This comment is already {already}; nothing was changed.",
                    details={"current_version": current.version, "status": current.status},
                )
            now = self._clock()
            entry = HistoryEntry(
                at=datetime.fromtimestamp(now, UTC),
                by=moderator.name,
                from_status=current.status,
                to_status=to_status,
                note=request.note or None,
                action="spam" if spam else None,
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
                    "spam": spam,
                    "by": moderator.name,
                },
            )
            return updated.detail()
        raise StorageUnavailable("The comment kept changing while we decided it; please retry.")

    def decide_many(
        self, request: BulkDecisionRequest, moderator: Moderator
    ) -> list[tuple[str, CommentDetail | DomainError]]:
        """The same decision and note for each id, one at a time: each is decided or says why not."""
        single = DecisionRequest(action=request.action, note=request.note)
        outcomes: list[tuple[str, CommentDetail | DomainError]] = []
        for comment_id in dict.fromkeys(request.ids):
            try:
                outcomes.append((comment_id, self.decide(comment_id, single, moderator)))
            except DomainError as refused:
                outcomes.append((comment_id, refused))
        return outcomes

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

    def _page_with_reason(
        self, status: Status, post_id: str | None, reason: str, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]:
        """A page of the comments held for `reason`, reading a bounded number of others; the key
        continues after the last comment read, so nothing is skipped or shown twice."""
        found: list[StoredComment] = []
        examined = 0
        while True:
            # Never read more than the page still needs: the last key then marks exactly where we stopped.
            page, start_key = self._page(status, post_id, limit - len(found), start_key)
            examined += len(page)
            found.extend(comment for comment in page if reason in comment.reasons)
            if len(found) == limit or start_key is None or examined >= REASON_SCAN_LIMIT:
                return found, start_key

    def _get(self, comment_id: str) -> StoredComment:
        comment = self._store.get(comment_id)
        if comment is None:
            raise NotFound("No comment with this id.", details={"id": comment_id})
        return comment


def _marked_spam(comment: StoredComment) -> bool:
    """Whether the comment's latest decision marked it as spam."""
    return bool(comment.history) and comment.history[-1].action == "spam"


def _record_of(records: dict[str, AuthorRecord], comment: StoredComment) -> AuthorRecord | None:
    """The comment's author record; one from before reader keys takes its key's kind from the comment."""
    record = records.get(comment.author_key) if comment.author_key else None
    if record is not None and record.author_key_kind is None:
        return record.model_copy(update={"author_key_kind": comment.author_key_kind})
    return record


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
