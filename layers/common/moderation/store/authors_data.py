"""One author's comments by the hash of their e-mail (the sparse index ByEmail), and erasure:
a versioned write that replaces what identifies them and records it in the history."""

from __future__ import annotations

from typing import Any

from moderation.errors import StorageUnavailable
from moderation.models import HistoryEntry, StoredComment
from moderation.store.decisions import StaleComment
from moderation.store.insights import change_updates
from moderation.store.part import StorePart
from moderation.store.table import comment_from_item, comment_key, storage_errors

BY_EMAIL_INDEX = "ByEmail"
# Identify the author, or were computed from their words: dropped by an erasure.
ERASED_ATTRIBUTES = ("author_email_hash", "client_hash", "scores", "shadow_scores")


class AuthorsData(StorePart):
    def list_by_email_hash(self, email_hash: str) -> list[StoredComment]:
        """Every comment written with this e-mail hash, oldest first (all pages)."""
        query: dict[str, Any] = {
            "IndexName": BY_EMAIL_INDEX,
            "KeyConditionExpression": "author_email_hash = :hash",
            "ExpressionAttributeValues": {":hash": email_hash},
        }
        found: list[StoredComment] = []
        with storage_errors():
            while True:
                response = self._db.table.query(**query)
                found.extend(comment_from_item(item) for item in response.get("Items", []))
                if "LastEvaluatedKey" not in response:
                    return found
                query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def erase(self, current: StoredComment, name: str, body: str, entry: HistoryEntry) -> StoredComment:
        """Replace the author's name and words, drop scores and hashes, append `entry`; conditioned on
        the version read (StaleComment otherwise). The status, and so the counters, stay as they are;
        the insights count the comment from then on without its scores (same transaction)."""
        updated = current.model_copy(
            update={
                "author_name": name,
                "body": body,
                "version": current.version + 1,
                "history": [*current.history, entry],
                "author_email_hash": None,
                "client_hash": None,
                "scores": {},
                "shadow_scores": {},
            }
        )
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._db.name,
                    "Key": comment_key(current.id),
                    "UpdateExpression": (
                        "SET author_name = :name, body = :body, #version = :next,"
                        " #history = list_append(if_not_exists(#history, :empty), :entry)"
                        f" REMOVE {', '.join(ERASED_ATTRIBUTES)}"
                    ),
                    "ConditionExpression": "attribute_exists(pk) AND #version = :expected",
                    "ExpressionAttributeNames": {"#version": "version", "#history": "history"},
                    "ExpressionAttributeValues": {
                        ":name": name,
                        ":body": body,
                        ":next": updated.version,
                        ":expected": current.version,
                        ":entry": [entry.model_dump(mode="json", by_alias=True, exclude_none=True)],
                        ":empty": [],
                    },
                }
            },
            *change_updates(self._db, current, updated),
        ]
        cancelled = self._db.transact(items)
        if cancelled is None:
            return updated
        reasons = cancelled.response.get("CancellationReasons", [])
        if any(reason.get("Code") in ("ConditionalCheckFailed", "TransactionConflict") for reason in reasons):
            raise StaleComment from cancelled
        raise StorageUnavailable() from cancelled
