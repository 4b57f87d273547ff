"""What a submission comes to: a stored comment (Submission), or a nudge that stores nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moderation.models.base import Status
from moderation.models.comments import PublicComment


@dataclass(frozen=True)
class Submission:
    """What became of a submitted comment; an idempotent repeat gets the first one back."""

    comment: PublicComment
    reasons: list[str]
    replayed: bool = False
    reader_key: str | None = None
    """A new key for the browser to keep and send with its next comments (Reader-Key)."""

    @property
    def status(self) -> Status:
        return self.comment.status

    def record(self) -> dict[str, Any]:
        """The outcome as stored with its Idempotency-Key, to replay it."""
        record = {"comment": self.comment.model_dump(mode="json"), "reasons": self.reasons}
        return {**record, "reader_key": self.reader_key} if self.reader_key else record

    @classmethod
    def replay(cls, record: dict[str, Any]) -> Submission:
        comment = PublicComment.model_validate(record["comment"])
        return cls(comment, list(record["reasons"]), replayed=True, reader_key=record.get("reader_key"))


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
