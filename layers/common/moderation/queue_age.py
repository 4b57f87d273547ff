"""How long the oldest pending comment has waited: the number operators alarm on
(ALERT_PENDING_MINUTES), so a queue nobody works is noticed before readers notice it.

One read serves every scheduled check: the age metric and the moderators' alert both come from
the same `PendingQueue`, so the queue costs one Query per run, whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from moderation.models.base import Status
from moderation.models.comments import StoredComment


class OldestInStatus(Protocol):
    def oldest(self, status: Status) -> StoredComment | None: ...


@dataclass(frozen=True)
class PendingQueue:
    """The review queue as one read saw it: its oldest comment (None when empty) and its age."""

    oldest: StoredComment | None
    age_seconds: float


def read_pending_queue(store: OldestInStatus, now: datetime) -> PendingQueue:
    """One read of the oldest pending comment. An empty queue is 0 seconds old rather than
    nothing, so the alarm can tell "all clear" from "the publisher stopped" (missing data)."""
    oldest = store.oldest("pending")
    if oldest is None:
        return PendingQueue(oldest=None, age_seconds=0.0)
    return PendingQueue(oldest=oldest, age_seconds=max(0.0, (now - oldest.created_at).total_seconds()))
