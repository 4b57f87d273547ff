"""Threads: a published comment's direct replies, and each comment's reply bookkeeping.

A published comment carries `thread` = `<post_id>#<parent_id or ->`, the partition key of the
sparse index `ByThread` sorted by id: one Query gives a post's top-level comments, or one
comment's replies, oldest first. Each comment also keeps, written in the same transaction as
every change to a direct reply's publication, `reply_count` (its published direct replies) and
`first_replies` (the ids of the earliest of them, at most FIRST_REPLIES), so a page of threads
is one Query plus one BatchGetItem, whatever the post's size. `replies_version` guards those
two against concurrent writers.
"""

from __future__ import annotations

from typing import Any

from moderation.models.comments import StoredComment
from moderation.store.paging import Page, query_page
from moderation.store.part import StorePart
from moderation.store.table import batch_get, comment_from_item, comment_key, thread_key

BY_THREAD_INDEX = "ByThread"
FIRST_REPLIES = 3


def parent_update(db_name: str, parent: StoredComment, reply_id: str, published: bool) -> dict[str, Any]:
    """The transaction item that counts `reply_id` in (or out of) its parent's published replies."""
    if published:
        first = sorted({*parent.first_replies, reply_id})[:FIRST_REPLIES]
        delta = 0 if reply_id in parent.first_replies else 1
    else:
        first = [reply for reply in parent.first_replies if reply != reply_id]
        delta = -1
    current = parent.replies_version
    # Comments stored before threads existed have no replies_version: treat it as 0.
    guard = "replies_version = :current"
    if current == 0:
        guard = f"(attribute_not_exists(replies_version) OR {guard})"
    return {
        "Update": {
            "TableName": db_name,
            "Key": comment_key(parent.id),
            "UpdateExpression": "SET first_replies = :first, replies_version = :next ADD reply_count :delta",
            "ConditionExpression": f"attribute_exists(pk) AND {guard}",
            "ExpressionAttributeValues": {
                ":first": first,
                ":next": current + 1,
                ":current": current,
                ":delta": delta,
            },
        }
    }


class Threads(StorePart):
    def list_thread(
        self, post_id: str, parent_id: str | None, limit: int, start_key: dict[str, Any] | None
    ) -> Page:
        """One page of a post's published top-level comments (parent_id None), or of one comment's
        published direct replies, oldest first."""
        return query_page(
            self._db, BY_THREAD_INDEX, "thread", thread_key(post_id, parent_id), limit, start_key
        )

    def get_many(self, comment_ids: list[str]) -> dict[str, StoredComment]:
        """The comments among `comment_ids` that exist, by id."""
        keys = [comment_key(comment_id) for comment_id in dict.fromkeys(comment_ids)]
        return {comment.id: comment for comment in map(comment_from_item, batch_get(self._db, keys))}
