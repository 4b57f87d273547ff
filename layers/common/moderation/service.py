"""Use cases for readers: submit a comment, list a post's published comments."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from aws_lambda_powertools import Logger

from moderation.content_rules import WordLists, count_links
from moderation.cursor import CursorCodec
from moderation.errors import IdempotencyKeyReused, ParentNotFound, RateLimited
from moderation.ids import MonotonicIds
from moderation.models import CommentPage, NewComment, Status, StoredComment
from moderation.policy import Decision, decide, effective_thresholds
from moderation.scoring.base import Scorer, ScoringError, score_text
from moderation.settings import Settings
from moderation.store import CreateGuards, IdempotencyRace, IdempotencyRecord

logger = Logger(child=True)

RATE_WINDOW_SECONDS = 60
IDEMPOTENCY_TTL_SECONDS = 24 * 3600


class CommentStore(Protocol):
    """What the service needs of storage (DynamoCommentStore in AWS, a fake in unit tests)."""

    def create(self, comment: StoredComment, guards: CreateGuards, now: int) -> None: ...
    def get(self, comment_id: str) -> StoredComment | None: ...
    def list_post(
        self, post_id: str, status: Status, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]: ...
    def get_idempotency(self, post_id: str, key_hash: str, now: int) -> IdempotencyRecord | None: ...
    def hit_rate_limit(
        self, client_hash: str, window_start: int, window_seconds: int, limit: int
    ) -> bool: ...


@dataclass(frozen=True)
class SubmitOutcome:
    """The HTTP answer to a submission, kept whole so an idempotent repeat gets the same one."""

    status_code: int
    body: dict[str, Any]
    status: Status | None = None
    replayed: bool = False


class CommentService:
    def __init__(
        self,
        store: CommentStore,
        scorer: Scorer | None,
        settings: Settings,
        secret: bytes,
        clock: Callable[[], float] = time.time,
    ):
        self._store = store
        self._scorer = scorer
        self._settings = settings
        recommended = getattr(scorer, "recommended_thresholds", None)
        self._thresholds = effective_thresholds(
            settings.review_threshold, settings.reject_threshold, recommended
        )
        self._words = WordLists.from_words(settings.banned_words, settings.suspect_words)
        self._secret = secret
        self._cursors = CursorCodec(secret)
        self._clock = clock
        self._ids = MonotonicIds()

    def submit(
        self,
        post_id: str,
        request: NewComment,
        client_ip: str | None,
        idempotency_key: str | None = None,
    ) -> SubmitOutcome:
        now = int(self._clock())
        fingerprint = _sha256(json.dumps([post_id, request.model_dump(mode="json")], sort_keys=True))
        key_hash = _sha256(idempotency_key) if idempotency_key else None
        if key_hash:
            replay = self._replay(post_id, key_hash, fingerprint, now)
            if replay:
                return replay
        client_hash = self._client_hash(client_ip) if client_ip else None
        self._check_rate(client_hash, now)
        self._check_parent(post_id, request.parent_id)

        scores, decision = self._score(request.body)
        comment = self._new_comment(post_id, request, scores, decision, client_hash, now)
        outcome = _outcome_for(comment)
        guards = CreateGuards(
            dedupe_hash=_sha256(f"{request.author_name.casefold()}\0{request.body}"),
            dedupe_until=now + self._settings.duplicate_window_seconds,
            idempotency_hash=key_hash,
            idempotency=IdempotencyRecord(fingerprint, outcome.status_code, outcome.body)
            if key_hash
            else None,
            idempotency_expires_at=now + IDEMPOTENCY_TTL_SECONDS,
        )
        try:
            self._store.create(comment, guards, now)
        except IdempotencyRace:
            # A concurrent request with the same key won; answer as it did.
            replay = self._replay(post_id, key_hash or "", fingerprint, now)
            if replay:
                return replay
            raise
        logger.info("comment stored", extra={"comment_id": comment.id, "status": comment.status})
        return outcome

    def list_published(self, post_id: str, limit: int, cursor: str | None) -> CommentPage:
        scope = f"post:{post_id}:published"
        start_key = self._cursors.decode(cursor, scope) if cursor else None
        items, last_key = self._store.list_post(post_id, "published", limit, start_key)
        return CommentPage(
            items=[item.public() for item in items],
            next_cursor=self._cursors.encode(last_key, scope) if last_key else None,
        )

    def _replay(self, post_id: str, key_hash: str, fingerprint: str, now: int) -> SubmitOutcome | None:
        record = self._store.get_idempotency(post_id, key_hash, now)
        if record is None:
            return None
        if not hmac.compare_digest(record.fingerprint, fingerprint):
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used for a different comment; use a new key."
            )
        return SubmitOutcome(record.status_code, record.response, replayed=True)

    def _check_rate(self, client_hash: str | None, now: int) -> None:
        limit = self._settings.rate_limit_per_minute
        if not limit or not client_hash:
            return
        window_start = now - now % RATE_WINDOW_SECONDS
        if not self._store.hit_rate_limit(client_hash, window_start, RATE_WINDOW_SECONDS, limit):
            raise RateLimited(retry_after=max(1, window_start + RATE_WINDOW_SECONDS - now))

    def _check_parent(self, post_id: str, parent_id: str | None) -> None:
        if parent_id is None:
            return
        parent = self._store.get(parent_id)
        # Readers can only reply to what they can see: a published comment on the same post.
        if parent is None or parent.post_id != post_id or parent.status != "published":
            raise ParentNotFound(
                "The comment you are replying to does not exist on this post.",
                details={"parent_id": parent_id},
            )

    def _score(self, body: str) -> tuple[dict[str, float], Decision]:
        hold: list[str] = []
        reject: list[str] = []
        scores: dict[str, float] = {}
        if self._scorer is None:
            hold.append("scoring_unavailable")
        else:
            try:
                scores = score_text(self._scorer, body)
            except ScoringError:
                logger.exception("scoring failed; holding the comment for review")
                hold.append("scoring_unavailable")
        if count_links(body) >= self._settings.max_links:
            hold.append("too_many_links")
        banned, suspect = self._words.matches(body)
        if banned:
            reject.append("banned_word")
        if suspect:
            hold.append("suspect_word")
        return scores, decide(scores, hold, self._thresholds, reject)

    def _new_comment(
        self,
        post_id: str,
        request: NewComment,
        scores: dict[str, float],
        decision: Decision,
        client_hash: str | None,
        now: int,
    ) -> StoredComment:
        created = datetime.now(UTC)
        return StoredComment(
            id=self._ids.new(created),
            post_id=post_id,
            parent_id=request.parent_id,
            author_name=request.author_name,
            body=request.body,
            created_at=created,
            status=decision.status,
            scores=scores,
            reasons=decision.reasons,
            author_email_hash=_sha256(request.author_email.casefold()) if request.author_email else None,
            client_hash=client_hash,
            expires_at=self._settings.rejected_expires_at(now) if decision.status == "rejected" else None,
        )

    def _client_hash(self, client_ip: str) -> str:
        # Salted with the app's secret: the same client is recognisable, its address is not stored.
        return hmac.new(self._secret, f"ip:{client_ip}".encode(), hashlib.sha256).hexdigest()[:32]


def _outcome_for(comment: StoredComment) -> SubmitOutcome:
    if comment.status == "rejected":
        body: dict[str, Any] = {
            "error": {
                "code": "comment_rejected",
                "message": "This comment breaks the site's rules and was not published.",
                "details": {"id": comment.id, "reasons": comment.reasons},
            }
        }
        return SubmitOutcome(422, body, comment.status)
    code = 201 if comment.status == "published" else 202
    return SubmitOutcome(code, comment.public().model_dump(mode="json"), comment.status)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
