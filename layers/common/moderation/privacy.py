"""Readers' privacy requests, for moderators: export everything stored under one e-mail address,
or erase it (threads kept: the comments stay, with their words and name replaced)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from aws_lambda_powertools import Logger

from moderation.errors import StorageUnavailable
from moderation.models.base import Moderator
from moderation.models.comments import CommentDetail, HistoryEntry, StoredComment
from moderation.models.privacy import AuthorExport
from moderation.store import StaleComment

logger = Logger(child=True)

ERASED_NAME = "[erased]"
ERASED_BODY = "[This comment was erased at its author's request.]"
ERASURE_NOTE = "erased at the author's request"
ERASE_ATTEMPTS = 3


def email_hash(email: str) -> str:
    """How comments store an e-mail address (moderation.service): SHA-256 of its case-folded form."""
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()


class PrivacyStore(Protocol):
    def get(self, comment_id: str) -> StoredComment | None: ...
    def list_by_email_hash(self, email_hash: str) -> list[StoredComment]: ...
    def erase(self, current: StoredComment, name: str, body: str, entry: HistoryEntry) -> StoredComment: ...


class PrivacyService:
    def __init__(self, store: PrivacyStore, clock: Callable[[], float] = time.time):
        self._store = store
        self._clock = clock

    def export(self, email: str) -> AuthorExport:
        """Every comment stored under `email`, with its scores, reasons and history, oldest first."""
        comments = self._store.list_by_email_hash(email_hash(email))
        return AuthorExport(items=[comment.detail() for comment in comments])

    def erase(self, email: str, moderator: Moderator) -> int:
        """Erase every comment stored under `email`; returns how many. Asking again finds none:
        an erased comment no longer carries the hash."""
        erased = 0
        for comment in self._store.list_by_email_hash(email_hash(email)):
            self._erase_one(comment, moderator)
            erased += 1
        logger.info("author erased", extra={"erased": erased, "by": moderator.name})
        return erased

    def _erase_one(self, comment: StoredComment, moderator: Moderator) -> CommentDetail:
        current: StoredComment | None = comment
        for _ in range(ERASE_ATTEMPTS):
            if current is None:  # deleted meanwhile (TTL): nothing left to erase
                return comment.detail()
            entry = HistoryEntry(
                at=datetime.fromtimestamp(self._clock(), UTC),
                by=moderator.name,
                from_status=current.status,
                to_status=current.status,
                note=ERASURE_NOTE,
            )
            try:
                return self._store.erase(current, ERASED_NAME, ERASED_BODY, entry).detail()
            except StaleComment:
                # A decision or a reply count landed in between: read it again and erase that.
                current = self._store.get(comment.id)
        raise StorageUnavailable("A comment kept changing while it was erased; please retry.")
