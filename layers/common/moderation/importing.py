"""Importing an existing blog's comments (Disqus, WordPress): scored, stored once, threads kept.

An imported comment is not a reader posting now: no rate limit, duplicate guard, idempotency key,
pre-moderation or author standing applies, and it fires no webhook (events.py skips comments with
`imported`). It is scored like any comment (one batch per request), its scores and today's reasons
are stored, and it keeps its original status unless the request asks to rescore. Its id is a ULID
of its original date whose random part is a hash of its source and source id: importing twice
finds the same id, and imported comments sort among the others by their original date.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from aws_lambda_powertools import Logger
from ulid import ULID

from moderation.content_rules import ContentRules
from moderation.errors import DomainError, ScoringUnavailable
from moderation.identity import author_identity, client_hash
from moderation.models.base import Moderator, Status
from moderation.models.comments import HistoryEntry, StoredComment
from moderation.models.imports import ImportedComment, ImportOrigin, ImportRequest
from moderation.policy import Decision, decide, thresholds_for
from moderation.scoring.base import Scorer
from moderation.settings import Settings
from moderation.store.imports import BatchRead, ImportOutcome

logger = Logger(child=True)

# A request's batch is scored at once: the per-comment deadline for each, up to this in all, so
# the answer fits in API Gateway's 30 seconds.
MAX_BATCH_SCORING_SECONDS = 20.0


class ImportStore(Protocol):
    def read_batch(self, comment_ids: list[str], parent_ids: list[str]) -> BatchRead: ...
    def import_comments(
        self, comments: list[StoredComment], now: int, read: BatchRead | None = None
    ) -> dict[str, ImportOutcome | DomainError]: ...


@dataclass(frozen=True)
class ItemOutcome:
    """What became of one comment of the request: stored now, already there, or why not."""

    source_id: str
    id: str
    outcome: ImportOutcome | DomainError
    status: Status | None = None


def imported_id(source: str, source_id: str, created_at: datetime) -> str:
    """The comment's id: a ULID of its original time (so it sorts by it) whose 80 random bits are
    a hash of where it came from (so the same comment always gets the same id)."""
    milliseconds = max(0, int(created_at.timestamp() * 1000))
    digest = hashlib.sha256(f"{source}\0{source_id}".encode()).digest()
    return str(ULID.from_bytes(milliseconds.to_bytes(6, "big") + digest[:10]))


def score_batch(scorer: Scorer, texts: Sequence[str], deadline_seconds: float) -> list[dict[str, float]]:
    """Each text's scores from ONE predict call, within the deadline; ScoringUnavailable otherwise."""
    outcome: list[list[dict[str, float]]] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            raw = scorer.predict(list(texts))
            outcome.append(
                [
                    {str(label): float(values[index]) for label, values in raw.items()}
                    for index in range(len(texts))
                ]
            )
        except Exception as error:
            failure.append(error)

    # A daemon thread: a stuck model is abandoned, never waited for past the deadline.
    worker = threading.Thread(target=run, name="import-scoring", daemon=True)
    worker.start()
    worker.join(deadline_seconds)
    if worker.is_alive():
        raise ScoringUnavailable(
            f"Scoring the batch took longer than {deadline_seconds:g} s; nothing was stored."
        )
    if failure or not outcome:
        logger.error("scoring an import batch failed", exc_info=failure[0] if failure else None)
        raise ScoringUnavailable("The scorer failed on this batch; nothing was stored.")
    scores = outcome[0]
    if any(
        not item or any(not 0.0 <= value <= 1.0 or math.isnan(value) for value in item.values())
        for item in scores
    ):
        raise ScoringUnavailable("The scorer answered something that is not a probability per label.")
    return scores


class ImportService:
    def __init__(
        self,
        store: ImportStore,
        scorer: Scorer | None,
        settings: Settings,
        secret: bytes,
        clock: Callable[[], float] = time.time,
    ):
        self._store = store
        self._scorer = scorer
        self._settings = settings
        self._secret = secret
        self._clock = clock
        self._thresholds = thresholds_for(settings, scorer)
        self._rules = ContentRules.from_settings(settings)

    def import_comments(self, request: ImportRequest, moderator: Moderator) -> list[ItemOutcome]:
        """One outcome per comment, in the order given: imported, already there, or the error."""
        items = request.comments
        ids = [imported_id(item.source, item.source_id, item.created_at) for item in items]
        # One read before scoring: what is stored already, and the threads' bookkeeping.
        read = self._store.read_batch(ids, [parent for item in items if (parent := _parent_id(item))])
        found = read.statuses(ids)
        # Already stored (or earlier in this request): nothing to score or write.
        new = [
            index
            for index, comment_id in enumerate(ids)
            if comment_id not in found and comment_id not in ids[:index]
        ]
        stored: dict[str, ImportOutcome | DomainError] = {}
        statuses = dict(found)
        if new:
            try:
                scores = self._score([items[index].body for index in new])
            except ScoringUnavailable as unscored:
                # Never stored unscored: each new comment says so, and a later run imports it.
                stored = dict.fromkeys((ids[index] for index in new), unscored)
            else:
                now = self._clock()
                rescore = request.status_policy == "rescore"
                comments = [
                    self._comment(items[index], ids[index], item_scores, rescore, moderator, now)
                    for index, item_scores in zip(new, scores, strict=True)
                ]
                statuses.update({comment.id: comment.status for comment in comments})
                stored = self._store.import_comments(comments, int(now), read)
        outcomes = []
        for index, (item, comment_id) in enumerate(zip(items, ids, strict=True)):
            outcome = stored.get(comment_id, "exists") if index in new else "exists"
            status = None if isinstance(outcome, DomainError) else statuses.get(comment_id)
            outcomes.append(ItemOutcome(item.source_id, comment_id, outcome, status))
        return outcomes

    def _score(self, bodies: list[str]) -> list[dict[str, float]]:
        if self._scorer is None:
            raise ScoringUnavailable("No model is loaded (see the function's log); nothing was stored.")
        budget = min(self._settings.scoring_deadline_seconds * len(bodies), MAX_BATCH_SCORING_SECONDS)
        return score_batch(self._scorer, bodies, budget)

    def _comment(
        self,
        item: ImportedComment,
        comment_id: str,
        scores: dict[str, float],
        rescore: bool,
        moderator: Moderator,
        now: float,
    ) -> StoredComment:
        decision, matched = self._decide(item.body, scores)
        status = decision.status if rescore else item.status
        return self._stored(item, comment_id, scores, decision, matched, status, moderator, now)

    def _decide(self, body: str, scores: dict[str, float]) -> tuple[Decision, dict[str, list[str]]]:
        """Today's policy on the comment: its scores, the link rule and the word lists."""
        findings = self._rules.check(body)
        return decide(scores, findings.hold, self._thresholds, findings.reject), findings.matched

    def _stored(
        self,
        item: ImportedComment,
        comment_id: str,
        scores: dict[str, float],
        decision: Decision,
        matched: dict[str, list[str]],
        status: Status,
        moderator: Moderator,
        now: float,
    ) -> StoredComment:
        email_hash = (
            hashlib.sha256(item.author_email.casefold().encode()).hexdigest() if item.author_email else None
        )
        client = client_hash(self._secret, str(item.ip)) if item.ip else None
        # An export's address is shared by everyone behind it: only an e-mail makes an author.
        author = author_identity(self._secret, email_hash, None)
        parent_id = _parent_id(item)
        note = f"imported from {item.source} (id {item.source_id}) as {item.status}"
        if status != item.status:
            note += f"; rescored: {status}"
        entry = HistoryEntry.model_validate(
            {
                "at": datetime.fromtimestamp(now, UTC),
                "by": moderator.name,
                "from": status,
                "to": status,
                "note": note,
            }
        )
        return StoredComment.model_validate(
            {
                "id": comment_id,
                "post_id": item.post_id,
                "parent_id": parent_id,
                "author_name": item.author_name,
                "body": item.body,
                "created_at": item.created_at.astimezone(UTC),
                "status": status,
                "scores": scores,
                "reasons": decision.reasons,
                "matched": matched,
                "history": [entry],
                "author_key": author.key if author else None,
                "author_key_kind": author.kind if author else None,
                "author_email_hash": email_hash,
                "client_hash": client,
                "expires_at": self._settings.rejected_expires_at(int(now)) if status == "rejected" else None,
                "imported": ImportOrigin(source=item.source, source_id=item.source_id),
            }
        )


def _parent_id(item: ImportedComment) -> str | None:
    if item.parent_source_id and item.parent_created_at:
        return imported_id(item.source, item.parent_source_id, item.parent_created_at)
    return None
