"""Reading a post's comments: what the public sees. No scorer, no model: the read path stays light.

Every listing costs the same whatever the post's size: one Query of the page's length, plus,
for threads, one BatchGetItem of the first replies the page's comments keep the ids of.
"""

from __future__ import annotations

from typing import Any, Protocol

from moderation.cursor import CursorCodec
from moderation.errors import NotFound
from moderation.models.base import Status
from moderation.models.comments import (
    CommentPage,
    PostCount,
    PostCounts,
    ReplyPage,
    StoredComment,
    ThreadComment,
    ThreadPage,
)

FIRST_REPLIES = 3

Page = tuple[list[StoredComment], dict[str, Any] | None]


class ReadStore(Protocol):
    def get(self, comment_id: str) -> StoredComment | None: ...
    def list_post(
        self, post_id: str, status: Status, limit: int, start_key: dict[str, Any] | None
    ) -> Page: ...
    def list_thread(
        self, post_id: str, parent_id: str | None, limit: int, start_key: dict[str, Any] | None
    ) -> Page: ...
    def get_many(self, comment_ids: list[str]) -> dict[str, StoredComment]: ...
    def counts(self, post_id: str | None = None) -> dict[Status, int]: ...
    def published_counts(self, post_ids: list[str]) -> dict[str, int]: ...


class ReadingService:
    def __init__(self, store: ReadStore, secret: bytes):
        self._store = store
        self._cursors = CursorCodec(secret)

    def list_published(self, post_id: str, limit: int, cursor: str | None) -> CommentPage:
        """One page of the post's published comments, replies included, oldest first."""
        scope = f"post:{post_id}:published"
        start_key = self._cursors.decode(cursor, scope) if cursor else None
        items, last_key = self._store.list_post(post_id, "published", limit, start_key)
        return CommentPage(items=[item.public() for item in items], next_cursor=self._next(last_key, scope))

    def list_threads(self, post_id: str, limit: int, cursor: str | None) -> ThreadPage:
        """One page of the post's published top-level comments, each with its first replies."""
        scope = f"post:{post_id}:threads"
        start_key = self._cursors.decode(cursor, scope) if cursor else None
        comments, last_key = self._store.list_thread(post_id, None, limit, start_key)
        replies = self._store.get_many([reply for comment in comments for reply in comment.first_replies])
        return ThreadPage(
            items=[self._with_first_replies(comment, replies) for comment in comments],
            next_cursor=self._next(last_key, scope),
        )

    def list_replies(self, post_id: str, comment_id: str, limit: int, cursor: str | None) -> ReplyPage:
        """One page of a published comment's published direct replies, oldest first."""
        comment = self._store.get(comment_id)
        if comment is None or comment.post_id != post_id or comment.status != "published":
            raise NotFound("No published comment with this id on this post.", details={"id": comment_id})
        scope = f"post:{post_id}:replies:{comment_id}"
        start_key = self._cursors.decode(cursor, scope) if cursor else None
        replies, last_key = self._store.list_thread(post_id, comment_id, limit, start_key)
        return ReplyPage(
            items=[reply.as_reply() for reply in replies], next_cursor=self._next(last_key, scope)
        )

    def count(self, post_id: str) -> PostCount:
        return PostCount(post_id=post_id, published=self._store.counts(post_id)["published"])

    def counts(self, post_ids: list[str]) -> PostCounts:
        return PostCounts(counts=self._store.published_counts(post_ids))

    def _with_first_replies(self, comment: StoredComment, fetched: dict[str, StoredComment]) -> ThreadComment:
        replies = [
            fetched[reply_id]
            for reply_id in comment.first_replies
            if reply_id in fetched and fetched[reply_id].status == "published"
        ]
        wanted = min(FIRST_REPLIES, comment.reply_count)
        if len(replies) < wanted:
            # The kept ids fell behind (a first reply was taken down since): ask the index, for
            # this comment only. Rare, and still bounded by the page.
            replies, _ = self._store.list_thread(comment.post_id, comment.id, FIRST_REPLIES, None)
        return comment.in_thread([reply.as_reply() for reply in replies[:FIRST_REPLIES]])

    def _next(self, last_key: dict[str, Any] | None, scope: str) -> str | None:
        return self._cursors.encode(last_key, scope) if last_key else None
