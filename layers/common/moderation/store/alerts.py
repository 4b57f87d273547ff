"""What the pending-comments alert reads and remembers: the oldest pending comment (one Query on
ByStatus, Limit 1) and the id it last alerted about (one small item)."""

from __future__ import annotations

from moderation.models import StoredComment
from moderation.store.part import StorePart
from moderation.store.table import comment_from_item, storage_errors

ALERT_KEY = {"pk": "ALERT#PENDING", "sk": "ALERT"}


class AlertMarks(StorePart):
    def oldest_pending(self) -> StoredComment | None:
        with storage_errors():
            response = self._db.table.query(
                IndexName="ByStatus",
                KeyConditionExpression="#status = :pending",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":pending": "pending"},
                ScanIndexForward=True,  # ids sort by time: the oldest first
                Limit=1,
            )
        items = response.get("Items", [])
        return comment_from_item(items[0]) if items else None

    def last_alerted(self) -> str | None:
        with storage_errors():
            item = self._db.table.get_item(Key=ALERT_KEY, ConsistentRead=True).get("Item")
        return str(item["comment_id"]) if item else None

    def remember_alerted(self, comment_id: str, at: int) -> None:
        with storage_errors():
            self._db.table.put_item(Item={**ALERT_KEY, "comment_id": comment_id, "alerted_at": at})
