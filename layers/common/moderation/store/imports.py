"""Imported comments: each stored once (its id derives from its source), counted as a submission
is, and kept in its thread whichever of a reply and its parent arrives first.

A published reply is counted in its parent's `reply_count` and `first_replies` (module threads).
When the parent is not stored yet, the reply is counted in a waiting item instead,
`IMPORT#REPLIES#<parent id>` (`REPLIES`), written on the condition that the parent is still
absent; the parent's own import takes the waiting counts over, on the condition that they are
unchanged since it read them, and marks the item merged (TTL removes it later). Either order,
and both at once, end with the same counts: a transaction that loses the race reads again.
"""

from __future__ import annotations

from typing import Any, Literal

from moderation.errors import ParentNotFound, StorageUnavailable
from moderation.models import StoredComment
from moderation.store.counters import counter_updates
from moderation.store.part import StorePart
from moderation.store.table import comment_item, comment_key, failed_items, read_comment, storage_errors
from moderation.store.threads import FIRST_REPLIES, parent_update

# Replies and parents racing: each loser reads again and retries.
IMPORT_ATTEMPTS = 5
# A merged waiting item is only kept until no retry of its parent's import can still need it.
MERGED_TTL_SECONDS = 2 * 24 * 3600

ImportOutcome = Literal["imported", "exists"]


def waiting_key(parent_id: str) -> dict[str, str]:
    return {"pk": f"IMPORT#REPLIES#{parent_id}", "sk": "REPLIES"}


class Imports(StorePart):
    def import_comment(self, comment: StoredComment, now: int) -> ImportOutcome:
        """Store an imported comment with its counters (post, overall, author) and its thread's
        bookkeeping in one transaction; "exists" when a comment with its id is already stored, and
        then nothing is written."""
        for _ in range(IMPORT_ATTEMPTS):
            items = self._import_items(comment, now)
            cancelled = self._db.transact(items)
            if cancelled is None:
                return "imported"
            if comment_key(comment.id)["pk"] in failed_items(cancelled, items):
                return "exists"
            reasons = cancelled.response.get("CancellationReasons", [])
            if not any(
                reason.get("Code") in ("ConditionalCheckFailed", "TransactionConflict") for reason in reasons
            ):
                raise StorageUnavailable() from cancelled
        raise StorageUnavailable("Many replies to one comment arrived at once; please retry.")

    def _import_items(self, comment: StoredComment, now: int) -> list[dict[str, Any]]:
        waiting = self._waiting(comment.id)
        stored = comment
        if waiting is not None:
            stored = comment.model_copy(
                update={
                    "reply_count": int(waiting.get("reply_count", 0)),
                    "first_replies": [str(reply) for reply in waiting.get("first_replies", [])],
                }
            )
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._db.name,
                    "Item": comment_item(stored),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            *counter_updates(self._db, comment.post_id, {comment.status: 1}, comment.author_key),
            self._take_waiting(comment.id, waiting, now),
        ]
        if comment.parent_id and comment.status == "published":
            parent = read_comment(self._db, comment.parent_id)
            if parent is not None and parent.post_id != comment.post_id:
                raise ParentNotFound(
                    "The comment this one replies to is on another post.", details={"parent_id": parent.id}
                )
            if parent is not None:
                items.append(parent_update(self._db.name, parent, comment.id, published=True))
            else:
                items.extend(self._wait_for_parent(comment.parent_id, comment.id))
        return items

    def _waiting(self, parent_id: str) -> dict[str, Any] | None:
        """The replies counted while `parent_id` was not stored, unless already taken over."""
        with storage_errors():
            item = self._db.table.get_item(Key=waiting_key(parent_id), ConsistentRead=True).get("Item")
        return None if item is None or item.get("merged") else dict(item)

    def _take_waiting(self, comment_id: str, waiting: dict[str, Any] | None, now: int) -> dict[str, Any]:
        """The transaction item that takes the waiting counts over exactly as read, or checks
        that none are waiting."""
        key = waiting_key(comment_id)
        if waiting is None:
            return {
                "ConditionCheck": {
                    "TableName": self._db.name,
                    "Key": key,
                    "ConditionExpression": "attribute_not_exists(pk) OR merged = :true",
                    "ExpressionAttributeValues": {":true": True},
                }
            }
        return {
            "Update": {
                "TableName": self._db.name,
                "Key": key,
                "UpdateExpression": "SET merged = :true, expires_at = :expires",
                "ConditionExpression": "replies_version = :read AND attribute_not_exists(merged)",
                "ExpressionAttributeValues": {
                    ":true": True,
                    ":expires": now + MERGED_TTL_SECONDS,
                    ":read": waiting["replies_version"],
                },
            }
        }

    def _wait_for_parent(self, parent_id: str, reply_id: str) -> list[dict[str, Any]]:
        """Count `reply_id` in its parent's waiting item, on the condition that the parent is still
        absent and the item unchanged since read."""
        waiting = self._waiting(parent_id)
        current = int(waiting["replies_version"]) if waiting else 0
        first = sorted({*(str(reply) for reply in (waiting or {}).get("first_replies", [])), reply_id})
        guard = "replies_version = :current" if waiting else "attribute_not_exists(pk)"
        return [
            {
                "ConditionCheck": {
                    "TableName": self._db.name,
                    "Key": comment_key(parent_id),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Update": {
                    "TableName": self._db.name,
                    "Key": waiting_key(parent_id),
                    "UpdateExpression": (
                        "SET first_replies = :first, replies_version = :next ADD reply_count :one"
                    ),
                    "ConditionExpression": f"{guard} AND attribute_not_exists(merged)",
                    "ExpressionAttributeValues": {
                        ":first": first[:FIRST_REPLIES],
                        ":next": current + 1,
                        ":one": 1,
                        **({":current": current} if waiting else {}),
                    },
                }
            },
        ]
