"""Moderators' writes: a decision (status, version, history and counters in one transaction),
claims on pending comments, and the counters' bookkeeping when TTL deletes a comment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from moderation.errors import StorageUnavailable
from moderation.models.comments import HistoryEntry, StoredComment
from moderation.store.counters import counter_updates
from moderation.store.insights import change_updates
from moderation.store.part import StorePart
from moderation.store.table import (
    comment_from_item,
    comment_key,
    failed_items,
    is_condition_failure,
    read_comment,
    storage_errors,
    thread_key,
)
from moderation.store.threads import parent_update

EXPIRY_MARKER_SECONDS = 2 * 24 * 3600


class StaleComment(Exception):
    """The comment changed (or vanished) between reading it and writing a decision; nothing was written."""


class Decisions(StorePart):
    def apply_decision(
        self,
        current: StoredComment,
        entry: HistoryEntry,
        expires_at: int | None,
        reasons: list[str] | None = None,
    ) -> StoredComment:
        """Move `current` to `entry.to_status` in ONE transaction: the comment, its counters and
        its insights aggregates.
        `reasons`, when given, replace the comment's reasons (readers' reports send it back with one).

        The write is conditioned on the version that was read, so the history's `from` and the
        counter deltas computed from that read are exactly what is applied, or nothing is.
        Raises StaleComment when the comment changed or vanished in between.
        """
        to_status = entry.to_status
        updated = current.model_copy(
            update={
                "status": to_status,
                "version": current.version + 1,
                "history": [*current.history, entry],
                "expires_at": expires_at,
                "claimed_by": None,
                "claimed_until": None,
                "reasons": current.reasons if reasons is None else reasons,
                # Publishing settles the reports so far: it takes new readers to send it back.
                "report_count": 0 if to_status == "published" else current.report_count,
            }
        )
        values: dict[str, Any] = {
            ":expected": current.version,
            ":next": updated.version,
            ":to": to_status,
            ":post_status": f"{current.post_id}#{to_status}",
            ":entry": [entry.model_dump(mode="json", by_alias=True, exclude_none=True)],
            ":empty": [],
        }
        assignments = [
            "#status = :to",
            "post_status = :post_status",
            "#version = :next",
            "#history = list_append(if_not_exists(#history, :empty), :entry)",
        ]
        removals = ["claimed_by", "claimed_until"]
        if reasons is not None:
            assignments.append("reasons = :reasons")
            values[":reasons"] = reasons
        if to_status == "published":
            removals.append("report_count")
        if to_status == "published":
            assignments.append("thread = :thread")
            values[":thread"] = thread_key(current.post_id, current.parent_id)
        else:
            removals.append("thread")
        if expires_at is None:
            removals.append("expires_at")
        else:
            assignments.append("expires_at = :expires")
            values[":expires"] = expires_at
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._db.name,
                    "Key": comment_key(current.id),
                    "UpdateExpression": f"SET {', '.join(assignments)} REMOVE {', '.join(removals)}",
                    "ConditionExpression": "attribute_exists(pk) AND #version = :expected",
                    "ExpressionAttributeNames": {
                        "#status": "status",
                        "#version": "version",
                        "#history": "history",
                    },
                    "ExpressionAttributeValues": values,
                }
            }
        ]
        if current.status != to_status:
            items.extend(
                counter_updates(
                    self._db, current.post_id, {current.status: -1, to_status: 1}, current.author_key
                )
            )
        # The insights move with the decision: exact, and never counted for a write that failed.
        items.extend(change_updates(self._db, current, updated))
        publication_changes = (current.status == "published") != (to_status == "published")
        if current.parent_id and publication_changes:
            parent = read_comment(self._db, current.parent_id)
            if parent is not None:
                items.append(parent_update(self._db.name, parent, current.id, to_status == "published"))
        cancelled = self._db.transact(items)
        if cancelled is None:
            return updated
        cancellations = cancelled.response.get("CancellationReasons", [])
        # A failed version check (of the comment, or of its parent's replies), or a concurrent
        # transaction: read both again and decide again.
        if any(
            reason.get("Code") in ("ConditionalCheckFailed", "TransactionConflict")
            for reason in cancellations
        ):
            raise StaleComment from cancelled
        raise StorageUnavailable() from cancelled

    def claim(self, comment_id: str, moderator: str, until: int, now: int) -> StoredComment | None:
        """Lease a pending comment to `moderator` until `until`; None when it is not pending or
        someone else holds an unexpired claim. The moderator's own claim is extended."""
        with storage_errors():
            try:
                response = self._db.table.update_item(
                    Key=comment_key(comment_id),
                    UpdateExpression="SET claimed_by = :me, claimed_until = :until",
                    ConditionExpression=(
                        "#status = :pending AND (attribute_not_exists(claimed_until)"
                        " OR claimed_until <= :now OR claimed_by = :me)"
                    ),
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues={
                        ":me": moderator,
                        ":until": until,
                        ":now": now,
                        ":pending": "pending",
                    },
                    ReturnValues="ALL_NEW",
                )
            except ClientError as error:
                if is_condition_failure(error):
                    return None
                raise
        return comment_from_item(response["Attributes"])

    @staticmethod
    def comment_from_image(image: Mapping[str, Any]) -> StoredComment | None:
        """The comment in a stream record's (deserialized) image; None for every other item."""
        if not str(image.get("pk", "")).startswith("COMMENT#") or image.get("sk") != "COMMENT":
            return None
        return comment_from_item(image)

    def record_expiry(self, comment: StoredComment, now: int) -> bool:
        """Take a comment that TTL deleted off its counters, exactly once however often it is
        called (streams deliver at least once): a marker item is put in the same transaction.
        False when this deletion was already counted."""
        marker = {
            "pk": f"EXPIRED#{comment.id}",
            "sk": "EXPIRED",
            # Stream records live 24 hours; the marker only has to outlast their retries.
            "expires_at": now + EXPIRY_MARKER_SECONDS,
        }
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._db.name,
                    "Item": marker,
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            *counter_updates(self._db, comment.post_id, {comment.status: -1}, comment.author_key),
        ]
        cancelled = self._db.transact(items)
        if cancelled is None:
            return True
        if any(pk.startswith("EXPIRED#") for pk in failed_items(cancelled, items)):
            return False
        raise StorageUnavailable() from cancelled
