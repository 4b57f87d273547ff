"""Reading a post's comments: what the public sees. No scorer, no model: the read path stays light."""

from __future__ import annotations

from typing import Any, Protocol

from moderation.cursor import CursorCodec
from moderation.models import CommentPage, Status, StoredComment


class ReadStore(Protocol):
    def list_post(
        self, post_id: str, status: Status, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]: ...


class ReadingService:
    def __init__(self, store: ReadStore, secret: bytes):
        self._store = store
        self._cursors = CursorCodec(secret)

    def list_published(self, post_id: str, limit: int, cursor: str | None) -> CommentPage:
        """One page of the post's published comments, oldest first."""
        scope = f"post:{post_id}:published"
        start_key = self._cursors.decode(cursor, scope) if cursor else None
        items, last_key = self._store.list_post(post_id, "published", limit, start_key)
        return CommentPage(
            items=[item.public() for item in items],
            next_cursor=self._cursors.encode(last_key, scope) if last_key else None,
        )
