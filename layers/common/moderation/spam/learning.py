"""Learning each site's spam from its moderators, off the request path (the table's stream).

A moderator's "spam" decision teaches spam; approving a comment that was held for spam teaches
ham ("not spam"); a moderator who changes their mind reverses the lesson (spam → approve unlearns
spam and learns ham; a later plain reject unlearns whatever was learnt). Each comment is learnt
at most once at a time: its lesson (what was learnt, from which version, from which tokens) is
written in the same transaction as the counts, on the condition that the lesson read is still
the one stored, so a replayed stream batch, or an older record after a newer one, counts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from aws_lambda_powertools import Logger

from moderation.models.comments import StoredComment
from moderation.spam.evidence import SpamEvidence
from moderation.spam.tokens import comment_text, tokens

logger = Logger(child=True)

Verdict = Literal["spam", "ham"]
SPAM_ACTION = "spam"


@dataclass(frozen=True)
class Lesson:
    """What the filter learnt from one comment (None: unlearnt), at which of its versions, from
    which tokens."""

    verdict: Verdict | None
    version: int
    tokens: tuple[str, ...]


class LessonStore(Protocol):
    def lesson(self, comment_id: str) -> Lesson | None: ...
    def relearn(self, comment_id: str, previous: Lesson | None, lesson: Lesson) -> bool: ...


def verdict_for(comment: StoredComment, previous: Lesson | None) -> Verdict | None:
    """What the comment's latest decision teaches: spam, ham, or nothing (None)."""
    last = comment.history[-1] if comment.history else None
    if last is None:
        return None
    if last.action == SPAM_ACTION:
        return "spam"
    held_for_spam = any(reason.startswith("spam:") for reason in comment.reasons)
    if last.to_status == "published" and (held_for_spam or previous is not None):
        return "ham"
    return None


class SpamLearning:
    def __init__(self, store: LessonStore):
        self._store = store

    def learn(self, comment: StoredComment) -> bool:
        """Learn from the comment as a decision left it; False when there is nothing (more) to learn."""
        previous = self._store.lesson(comment.id)
        if previous is not None and previous.version >= comment.version:
            # A replayed or older record: that decision, or a later one, was learnt already.
            return False
        verdict = verdict_for(comment, previous)
        if (previous.verdict if previous is not None else None) == verdict:
            return False
        # The tokens first learnt are the ones unlearnt and relearnt: the counts stay exact.
        learnt = previous.tokens if previous is not None else _tokens_of(comment)
        done = self._store.relearn(comment.id, previous, Lesson(verdict, comment.version, learnt))
        if done:
            logger.info(
                "spam filter learnt",
                extra={
                    "comment_id": comment.id,
                    "verdict": verdict,
                    "was": previous.verdict if previous else None,
                },
            )
        return done


def _tokens_of(comment: StoredComment) -> tuple[str, ...]:
    evidence = SpamEvidence(features=tuple(comment.spam_features))
    return tokens(comment_text(comment.author_name, comment.body), evidence)
