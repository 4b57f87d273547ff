"""One author's comments by the hash of their e-mail (the sparse index ByEmail), and erasure:
a versioned write that replaces what identifies them and records it in the history, and deletes
the comment's idempotency record, duplicate guard and spam marks (form token's use, text's bands),
which hold or recognise the same words: one transaction per comment, so within DynamoDB's 100
items however many comments the author wrote."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from moderation.errors import StorageUnavailable
from moderation.models.comments import HistoryEntry, StoredComment
from moderation.store.decisions import StaleComment
from moderation.store.guards import guard_deletes
from moderation.store.insights import change_updates
from moderation.store.part import StorePart
from moderation.store.spam import lesson_key
from moderation.store.table import GUARD_KEYS, comment_from_item, comment_key, failed_items, storage_errors

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
        guards = self._guard_keys(current.id)
        while True:
            items = self._erase_items(current, updated, entry, guards)
            cancelled = self._db.transact(items)
            if cancelled is None:
                return updated
            failed = failed_items(cancelled, items)
            taken = [pk for pk in failed if pk in guards]
            if taken and len(taken) == len(failed) and not _conflicted(cancelled):
                # A later comment took those records over once this one's expired: not this author's.
                guards = [pk for pk in guards if pk not in taken]
                continue
            if failed or _conflicted(cancelled):
                raise StaleComment from cancelled
            raise StorageUnavailable() from cancelled

    def _guard_keys(self, comment_id: str) -> list[str]:
        with storage_errors():
            item = self._db.table.get_item(
                Key=comment_key(comment_id), ConsistentRead=True, ProjectionExpression=GUARD_KEYS
            ).get("Item")
        return [str(pk) for pk in (item or {}).get(GUARD_KEYS, [])]

    def _erase_items(
        self, current: StoredComment, updated: StoredComment, entry: HistoryEntry, guards: list[str]
    ) -> list[dict[str, Any]]:
        return [
            {
                "Update": {
                    "TableName": self._db.name,
                    "Key": comment_key(current.id),
                    "UpdateExpression": (
                        "SET author_name = :name, body = :body, #version = :next,"
                        " #history = list_append(if_not_exists(#history, :empty), :entry)"
                        f" REMOVE {', '.join((*ERASED_ATTRIBUTES, GUARD_KEYS))}"
                    ),
                    "ConditionExpression": "attribute_exists(pk) AND #version = :expected",
                    "ExpressionAttributeNames": {"#version": "version", "#history": "history"},
                    "ExpressionAttributeValues": {
                        ":name": updated.author_name,
                        ":body": updated.body,
                        ":next": updated.version,
                        ":expected": current.version,
                        ":entry": [entry.model_dump(mode="json", by_alias=True, exclude_none=True)],
                        ":empty": [],
                    },
                }
            },
            *change_updates(self._db, current, updated),
            *guard_deletes(self._db, current.id, guards),
            # The spam filter's lesson lists the comment's words; the site's counts keep no text.
            {"Delete": {"TableName": self._db.name, "Key": lesson_key(current.id)}},
        ]


def _conflicted(cancelled: ClientError) -> bool:
    reasons = cancelled.response.get("CancellationReasons", [])
    return any(reason.get("Code") == "TransactionConflict" for reason in reasons)
