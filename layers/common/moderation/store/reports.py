"""Readers' reports: one guard item per reader and comment, counted on the comment in the same
transaction, so a reader who reports twice is counted once."""

from __future__ import annotations

from typing import Any

from moderation.errors import NotFound, StorageUnavailable
from moderation.models.reports import ReportEntry
from moderation.store.part import StorePart
from moderation.store.table import comment_key, failed_items, storage_errors


class DuplicateReport(Exception):
    """This reader already reported this comment; nothing was written."""


def reports_pk(comment_id: str) -> str:
    return f"REPORT#{comment_id}"


class Reports(StorePart):
    def add_report(self, comment_id: str, reporter: str, report: ReportEntry) -> None:
        """Store `reporter`'s report and count it on the published comment, both or neither.

        Raises DuplicateReport when this reporter already reported it, NotFound when the comment
        is not published (or gone)."""
        entry = report.model_dump(mode="json", exclude_none=True)
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._db.name,
                    "Item": {"pk": reports_pk(comment_id), "sk": f"CLIENT#{reporter}", **entry},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Update": {
                    "TableName": self._db.name,
                    "Key": comment_key(comment_id),
                    "UpdateExpression": "ADD report_count :one",
                    "ConditionExpression": "attribute_exists(pk) AND #status = :published",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {":one": 1, ":published": "published"},
                }
            },
        ]
        cancelled = self._db.transact(items)
        if cancelled is None:
            return
        failed = failed_items(cancelled, items)
        if comment_key(comment_id)["pk"] in failed:
            raise NotFound("No published comment with this id on this post.", details={"id": comment_id})
        if reports_pk(comment_id) in failed:
            raise DuplicateReport from cancelled
        raise StorageUnavailable() from cancelled

    def reports(self, comment_id: str) -> list[ReportEntry]:
        """Every report of a comment, oldest first."""
        with storage_errors():
            response = self._db.table.query(
                KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": reports_pk(comment_id)}
            )
        entries = [ReportEntry.model_validate(item) for item in response.get("Items", [])]
        return sorted(entries, key=lambda entry: entry.at)
