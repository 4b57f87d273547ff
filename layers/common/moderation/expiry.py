"""Counters kept exact when DynamoDB's TTL deletes a comment: the one change to a comment that
the application does not make itself, seen in the table's stream. Needs the store, nothing else."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from aws_lambda_powertools import Logger

from moderation.models.comments import StoredComment

logger = Logger(child=True)


class ExpiryStore(Protocol):
    def comment_from_image(self, image: Mapping[str, Any]) -> StoredComment | None: ...
    def record_expiry(self, comment: StoredComment, now: int) -> bool: ...


class ExpiryBookkeeping:
    def __init__(self, store: ExpiryStore, clock: Callable[[], float] = time.time):
        self._store = store
        self._clock = clock

    def record_expiry(self, image: Mapping[str, Any]) -> bool:
        """Take an expired comment off its counters, once however often the stream delivers it;
        False for any other item, and for a deletion already counted."""
        comment = self._store.comment_from_image(image)
        if comment is None:
            return False
        counted = self._store.record_expiry(comment, int(self._clock()))
        logger.info("expired comment", extra={"comment_id": comment.id, "counted": counted})
        return counted
