"""How long the oldest pending comment has waited: the number operators alarm on
(ALERT_PENDING_MINUTES), so a queue nobody works is noticed before readers notice it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from moderation.models import Status, StoredComment


class OldestInStatus(Protocol):
    def oldest(self, status: Status) -> StoredComment | None: ...


def oldest_pending_age_seconds(store: OldestInStatus, now: datetime) -> float:
    """Seconds since the oldest pending comment was submitted; 0 when nothing waits.

    An empty queue reports 0 rather than nothing, so the alarm can tell "all clear" from
    "the publisher stopped" (missing data).
    """
    oldest = store.oldest("pending")
    if oldest is None:
        return 0.0
    return max(0.0, (now - oldest.created_at).total_seconds())
