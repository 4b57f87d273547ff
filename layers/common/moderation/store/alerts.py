"""What the pending-comments alert remembers: the id it last alerted about (one small item). The
oldest pending comment it reads is `Comments.oldest("pending")`."""

from __future__ import annotations

from moderation.store.part import StorePart
from moderation.store.table import storage_errors

ALERT_KEY = {"pk": "ALERT#PENDING", "sk": "ALERT"}


class AlertMarks(StorePart):
    def last_alerted(self) -> str | None:
        with storage_errors():
            item = self._db.table.get_item(Key=ALERT_KEY, ConsistentRead=True).get("Item")
        return str(item["comment_id"]) if item else None

    def remember_alerted(self, comment_id: str, at: int) -> None:
        with storage_errors():
            self._db.table.put_item(Item={**ALERT_KEY, "comment_id": comment_id, "alerted_at": at})
