"""Comments: a new one stored with its counters and guards in one transaction; one by id; pages
of a post's (or everyone's) comments in one status, oldest first, from the sparse indexes."""

from __future__ import annotations

from typing import Any

from moderation.errors import DuplicateComment, StorageUnavailable
from moderation.models import Status, StoredComment
from moderation.store.counters import counter_updates
from moderation.store.guards import CreateGuards, IdempotencyRace, guard_puts
from moderation.store.part import StorePart
from moderation.store.table import comment_from_item, comment_item, comment_key, failed_items, storage_errors

BY_POST_STATUS_INDEX = "ByPostStatus"
BY_STATUS_INDEX = "ByStatus"

Page = tuple[list[StoredComment], dict[str, Any] | None]


class Comments(StorePart):
    def create(self, comment: StoredComment, guards: CreateGuards, now: int) -> None:
        """Store a new comment with its counters and guards atomically: all of it or none."""
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._db.name,
                    "Item": comment_item(comment),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            *guard_puts(self._db, comment.post_id, comment.id, guards, now),
            *counter_updates(self._db, comment.post_id, {comment.status: 1}),
        ]
        cancelled = self._db.transact(items)
        if cancelled is None:
            return
        failed = failed_items(cancelled, items)
        if any(pk.startswith("IDEMPOTENCY#") for pk in failed):
            raise IdempotencyRace from cancelled
        if any(pk.startswith("DEDUPE#") for pk in failed):
            raise DuplicateComment("You already posted this comment here a moment ago.") from cancelled
        # A transaction conflict or a vanishingly unlikely id clash: safe to retry.
        raise StorageUnavailable() from cancelled

    def get(self, comment_id: str) -> StoredComment | None:
        with storage_errors():
            item = self._db.table.get_item(Key=comment_key(comment_id), ConsistentRead=True).get("Item")
        return comment_from_item(item) if item else None

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
        return self._page(BY_POST_STATUS_INDEX, "post_status", f"{post_id}#{status}", limit, start_key)

    def list_status(self, status: Status, limit: int, start_key: dict[str, Any] | None) -> Page:
        """One page of all comments in one status, oldest first."""
        return self._page(BY_STATUS_INDEX, "status", status, limit, start_key)

    def _page(
        self, index: str, key_name: str, key_value: str, limit: int, start_key: dict[str, Any] | None
    ) -> Page:
        # Ask for one more than the page so the last page says so (no cursor to an empty page).
        query: dict[str, Any] = {
            "IndexName": index,
            "KeyConditionExpression": "#k = :v",
            "ExpressionAttributeNames": {"#k": key_name},
            "ExpressionAttributeValues": {":v": key_value},
            "Limit": limit + 1,
        }
        if start_key:
            if start_key.get(key_name) != key_value:
                return [], None
            query["ExclusiveStartKey"] = start_key
        items: list[dict[str, Any]] = []
        with storage_errors():
            while len(items) <= limit:
                response = self._db.table.query(**query)
                items.extend(response.get("Items", []))
                if "LastEvaluatedKey" not in response:
                    break
                query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        page = items[:limit]
        if len(items) <= limit:
            return [comment_from_item(item) for item in page], None
        last = page[-1]
        next_key = {"pk": last["pk"], "sk": last["sk"], key_name: last[key_name], "id": last["id"]}
        return [comment_from_item(item) for item in page], next_key
