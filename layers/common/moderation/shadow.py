"""The shadow model: a second artifact that scores every new comment off the request path (from the
table's stream) so insights can compare it with the live model and with moderators' decisions.

It never changes a decision: it stores its scores and its name on the comment, without touching
the comment's `version`, and counts them (store.record_shadow, one transaction). A scorer failure
raises, so the stream retries the record; the comment itself is never affected.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from aws_lambda_powertools import Logger

from moderation.models.comments import StoredComment
from moderation.policy import toxicity_scores
from moderation.scoring.base import Scorer, score_text

logger = Logger(child=True)

RECORD_ATTEMPTS = 3


class ShadowStore(Protocol):
    def get(self, comment_id: str) -> StoredComment | None: ...
    def record_shadow(
        self, current: StoredComment, scores: dict[str, float], model: str, now: int
    ) -> bool: ...


class ShadowUnrecorded(Exception):
    """The comment kept changing while its shadow scores were written; the stream retries it."""


class ShadowScoring:
    def __init__(
        self, store: ShadowStore, scorer: Scorer, model: str, clock: Callable[[], float] = time.time
    ):
        self._store = store
        self._scorer = scorer
        self.model = model
        self._clock = clock

    def score(self, comment_id: str) -> bool:
        """Score one new comment with the shadow model and record it; False when there is nothing
        to do (gone, already shadow-scored, stored before insights, unscored or erased)."""
        comment = self._wanted(comment_id)
        if comment is None:
            return False
        # ScoringError propagates: the stream retries the record, then sets it aside.
        scores = score_text(self._scorer, comment.body)
        for _ in range(RECORD_ATTEMPTS):
            if self._store.record_shadow(comment, scores, self.model, int(self._clock())):
                logger.info("shadow scores recorded", extra={"comment_id": comment_id, "model": self.model})
                return True
            # A moderator decided it meanwhile (or this is a repeated record): read it again.
            comment = self._wanted(comment_id)
            if comment is None:
                return False
        raise ShadowUnrecorded(f"comment {comment_id} kept changing")

    def _wanted(self, comment_id: str) -> StoredComment | None:
        """The comment if it still needs shadow scores: counted in insights, scored by the live
        model (not erased), and not shadow-scored yet."""
        comment = self._store.get(comment_id)
        # The spam filter's score alone is not the live model's: nothing to compare it with.
        scored = comment is not None and toxicity_scores(comment.scores)
        if comment is None or comment.automatic is None or comment.shadow_model or not scored:
            return None
        return comment
