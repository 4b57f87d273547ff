"""Submitting a comment: check the guards, score, decide, store — and say what happened."""

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

from moderation.content_rules import WordLists, count_links, normalised_for_comparison
from moderation.errors import IdempotencyKeyReused, ParentNotFound, RateLimited
from moderation.ids import MonotonicIds
from moderation.models import NewComment, PublicComment, Status, StoredComment
from moderation.policy import Decision, Thresholds, decide
from moderation.scoring.base import Scorer, ScoringError, score_text
from moderation.settings import Settings
from moderation.store import CreateGuards, IdempotencyRace, IdempotencyRecord

logger = Logger(child=True)

RATE_WINDOW_SECONDS = 60
IDEMPOTENCY_TTL_SECONDS = 24 * 3600


class CommentStore(Protocol):
    """What the service needs of storage (DynamoCommentStore in AWS, a fake in unit tests)."""

    def create(
        self, comment: StoredComment, guards: CreateGuards, now: int, parent: StoredComment | None = None
    ) -> None: ...
    def get(self, comment_id: str) -> StoredComment | None: ...
    def get_idempotency(self, post_id: str, key_hash: str, now: int) -> IdempotencyRecord | None: ...
    def hit_rate_limit(
        self, client_hash: str, window_start: int, window_seconds: int, limit: int
    ) -> bool: ...


@dataclass(frozen=True)
class Submission:
    """What became of a submitted comment; an idempotent repeat gets the first one back."""

    comment: PublicComment
    reasons: list[str]
    replayed: bool = False

    @property
    def status(self) -> Status:
        return self.comment.status

    def record(self) -> dict[str, Any]:
        """The outcome as stored with its Idempotency-Key, to replay it."""
        return {"comment": self.comment.model_dump(mode="json"), "reasons": self.reasons}

    @classmethod
    def replay(cls, record: dict[str, Any]) -> Submission:
        return cls(PublicComment.model_validate(record["comment"]), list(record["reasons"]), replayed=True)


@dataclass(frozen=True)
class Nudge:
    """The model's scores alone would hold or reject the comment; its writer may edit it first.

    Nothing is stored.
    """

    labels: list[str]

    @property
    def message(self) -> str:
        words = " and ".join(NUDGE_WORDS.get(label, label) for label in self.labels)
        return f"Your comment may come across as {words}. Edit it, or post it anyway."


# A reader's words for the model's labels; the widget has its own, in the reader's language.
NUDGE_WORDS = {
    "toxicity": "toxic",
    "severe_toxicity": "very toxic",
    "obscene": "obscene",
    "threat": "threatening",
    "insult": "insulting",
    "identity_attack": "attacking who someone is",
    "sexual_explicit": "sexually explicit",
}


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
        self._thresholds = Thresholds(settings.review_threshold, settings.reject_threshold)
        self._words = WordLists.from_words(settings.banned_words, settings.suspect_words)
        self._secret = secret
        self._clock = clock
        self._ids = MonotonicIds()

    def submit(
        self,
        post_id: str,
        request: NewComment,
        client_ip: str | None,
        idempotency_key: str | None = None,
    ) -> Submission | Nudge:
        now = int(self._clock())
        # The nudge flag asks a question about the comment; it is not part of it.
        content = request.model_dump(mode="json", exclude={"nudge"})
        fingerprint = _sha256(json.dumps([post_id, content], sort_keys=True))
        key_hash = _sha256(idempotency_key) if idempotency_key else None
        if key_hash:
            replay = self._replay(post_id, key_hash, fingerprint, now)
            if replay:
                return replay
        client_hash = self._client_hash(client_ip) if client_ip else None
        self._check_rate(client_hash, now)
        parent = self._check_parent(post_id, request.parent_id)

        scores, decision = self._score(request.body)
        nudge = self._nudge(scores) if request.nudge else None
        if nudge:
            return nudge
        comment = self._new_comment(post_id, request, scores, decision, client_hash, now)
        outcome = Submission(comment.public(), comment.reasons)
        guards = CreateGuards(
            # The same text to a reader: case, width, invisible characters and spacing don't count.
            dedupe_hash=_sha256(
                f"{normalised_for_comparison(request.author_name)}\0{normalised_for_comparison(request.body)}"
            ),
            dedupe_until=now + self._settings.duplicate_window_seconds,
            idempotency_hash=key_hash,
            idempotency=IdempotencyRecord(fingerprint, outcome.record()) if key_hash else None,
            idempotency_expires_at=now + IDEMPOTENCY_TTL_SECONDS,
        )
        try:
            self._store.create(comment, guards, now, parent)
        except IdempotencyRace:
            # A concurrent request with the same key won; answer as it did.
            replay = self._replay(post_id, key_hash or "", fingerprint, now)
            if replay:
                return replay
            raise
        logger.info("comment stored", extra={"comment_id": comment.id, "status": comment.status})
        return outcome

    def _replay(self, post_id: str, key_hash: str, fingerprint: str, now: int) -> Submission | None:
        record = self._store.get_idempotency(post_id, key_hash, now)
        if record is None:
            return None
        if not hmac.compare_digest(record.fingerprint, fingerprint):
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used for a different comment; use a new key."
            )
        return Submission.replay(record.outcome)

    def _check_rate(self, client_hash: str | None, now: int) -> None:
        limit = self._settings.rate_limit_per_minute
        if not limit or not client_hash:
            return
        window_start = now - now % RATE_WINDOW_SECONDS
        if not self._store.hit_rate_limit(client_hash, window_start, RATE_WINDOW_SECONDS, limit):
            raise RateLimited(retry_after=max(1, window_start + RATE_WINDOW_SECONDS - now))

    def _check_parent(self, post_id: str, parent_id: str | None) -> StoredComment | None:
        if parent_id is None:
            return None
        parent = self._store.get(parent_id)
        # Readers can only reply to what they can see: a published comment on the same post.
        if parent is None or parent.post_id != post_id or parent.status != "published":
            raise ParentNotFound(
                "The comment you are replying to does not exist on this post.",
                details={"parent_id": parent_id},
            )
        return parent

    def _nudge(self, scores: dict[str, float]) -> Nudge | None:
        """Only the model's verdict is worth a second thought; word lists, links and limits are not."""
        over = sorted(
            (label for label, value in scores.items() if value >= self._thresholds.review),
            key=lambda label: -scores[label],
        )
        return Nudge(over) if over else None

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


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
