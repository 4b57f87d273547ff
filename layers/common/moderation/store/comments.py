"""Comments: a new one stored with its counters and guards in one transaction; one by id; pages
of a post's (or everyone's) comments in one status, oldest first, from the sparse indexes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from moderation.errors import DuplicateComment, ParentNotFound, StorageUnavailable
from moderation.models.base import Status
from moderation.models.comments import StoredComment
from moderation.rate_limit import RateRace
from moderation.store.counters import counter_updates
from moderation.store.guards import CreateGuards, IdempotencyRace, guard_item_keys, guard_puts
from moderation.store.insights import submission_updates
from moderation.store.paging import Page, query_page
from moderation.store.part import StorePart
from moderation.store.spam_marks import FormReplayRace, spam_mark_puts
from moderation.store.table import (
    GUARD_KEYS,
    comment_from_item,
    comment_item,
    comment_key,
    failed_items,
    read_comment,
    storage_errors,
)
from moderation.store.threads import parent_update

BY_POST_STATUS_INDEX = "ByPostStatus"
BY_STATUS_INDEX = "ByStatus"
# Replies racing to the same parent: each loser re-reads the parent and tries again.
PARENT_ATTEMPTS = 4


class Comments(StorePart):
    def create(
        self, comment: StoredComment, guards: CreateGuards, now: int, parent: StoredComment | None = None
    ) -> None:
        """Store a new comment with its counters, guards, insights and (a published reply) its
        parent's reply bookkeeping atomically: all of it or none."""
        for _ in range(PARENT_ATTEMPTS):
            # Listed on each attempt: a retry may write no bands (another comment's stand for both).
            item = comment_item(comment)
            if guard_keys := guard_item_keys(comment.post_id, guards):
                item[GUARD_KEYS] = guard_keys
            items: list[dict[str, Any]] = [
                {
                    "Put": {
                        "TableName": self._db.name,
                        "Item": item,
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                *guard_puts(self._db, comment.post_id, comment.id, guards, now),
                *spam_mark_puts(
                    self._db,
                    comment,
                    guards.form_nonce,
                    guards.form_expires_at,
                    guards.text_bands,
                    guards.text_bands_expire_at,
                    now,
                ),
                *counter_updates(
                    self._db,
                    comment.post_id,
                    {comment.status: 1},
                    comment.author_key,
                    comment.author_key_kind,
                ),
                *submission_updates(self._db, comment, now),
            ]
            if parent is not None and comment.status == "published":
                items.append(parent_update(self._db.name, parent, comment.id, published=True))
            cancelled = self._db.transact(items)
            if cancelled is None:
                return
            failed = failed_items(cancelled, items)
            if any(pk.startswith("IDEMPOTENCY#") for pk in failed):
                raise IdempotencyRace from cancelled
            if any(pk.startswith("DEDUPE#") for pk in failed):
                raise DuplicateComment("You already posted this comment here a moment ago.") from cancelled
            if any(pk.startswith("RATE#") for pk in failed):
                raise RateRace from cancelled
            if any(pk.startswith("FORM#") for pk in failed):
                raise FormReplayRace from cancelled
            conflicts = failed_items(cancelled, items, "TransactionConflict")
            if guards.text_bands and any(pk.startswith("TEXTBAND#") for pk in conflicts):
                # The same text stored at the same moment by another comment: its bands stand for both.
                guards = replace(guards, text_bands=())
                continue
            if parent is None or comment_key(parent.id)["pk"] not in failed:
                # A transaction conflict or a vanishingly unlikely id clash: safe to retry.
                raise StorageUnavailable() from cancelled
            # Another reply to the same comment was counted first: count this one on top of it.
            parent = read_comment(self._db, parent.id)
            if parent is None:
                raise ParentNotFound("The comment you are replying to no longer exists.")
        raise StorageUnavailable("Many replies to this comment arrived at once; please retry.")

    def get(self, comment_id: str) -> StoredComment | None:
        return read_comment(self._db, comment_id)

    def oldest(self, status: Status) -> StoredComment | None:
        """The oldest comment in one status: one Query for one item, whatever the queue's length."""
        with storage_errors():
            response = self._db.table.query(
                IndexName=BY_STATUS_INDEX,
                KeyConditionExpression="#k = :v",
                ExpressionAttributeNames={"#k": "status"},
                ExpressionAttributeValues={":v": status},
                ScanIndexForward=True,
                Limit=1,
            )
        items = response.get("Items", [])
        return comment_from_item(items[0]) if items else None

    def list_post(self, post_id: str, status: Status, limit: int, start_key: dict[str, Any] | None) -> Page:
        """One page of a post's comments in one status, oldest first."""
        return query_page(
            self._db, BY_POST_STATUS_INDEX, "post_status", f"{post_id}#{status}", limit, start_key
        )

    def list_status(self, status: Status, limit: int, start_key: dict[str, Any] | None) -> Page:
        """One page of all comments in one status, oldest first."""
        return query_page(self._db, BY_STATUS_INDEX, "status", status, limit, start_key)
