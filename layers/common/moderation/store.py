"""DynamoDB storage: the only module that knows the table's keys and indexes.

One table holds comments and the small records that protect them:

| item            | pk                                 | sk            |
|-----------------|------------------------------------|---------------|
| comment         | COMMENT#<id>                       | COMMENT       |
| status counters | COUNTS#ALL / COUNTS#POST#<post_id> | SHARD#<n>     |
| duplicate guard | DEDUPE#<post_id>#<hash>            | DEDUPE        |
| idempotency key | IDEMPOTENCY#<post_id>#<key hash>   | IDEMPOTENCY   |
| rate window     | RATE#<client hash>#<window>        | RATE          |
| expiry marker   | EXPIRED#<comment id>               | EXPIRED       |

Comments carry `post_status` (`<post_id>#<status>`) and `status`, each the partition key of an
index sorted by `id`; ids sort by time, so both indexes list oldest first without a Scan.
A moderator's claim on a pending comment is `claimed_by` and `claimed_until` (epoch seconds)
on the comment itself; a decision clears it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from moderation.errors import DuplicateComment, StorageUnavailable
from moderation.models import HistoryEntry, Status, StoredComment

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

BY_POST_STATUS_INDEX = "ByPostStatus"
BY_STATUS_INDEX = "ByStatus"
COUNTER_SHARDS = 4
STATUSES: tuple[Status, ...] = ("published", "pending", "rejected")
EXPIRY_MARKER_SECONDS = 2 * 24 * 3600

# Fail fast inside a Lambda's time budget; botocore's standard mode retries throttling itself.
_BOTO_CONFIG = Config(connect_timeout=2, read_timeout=3, retries={"mode": "standard", "max_attempts": 3})


@dataclass(frozen=True)
class IdempotencyRecord:
    fingerprint: str
    status_code: int
    response: dict[str, Any]


@dataclass(frozen=True)
class CreateGuards:
    """The records written in the same transaction as a new comment."""

    dedupe_hash: str | None
    dedupe_until: int
    idempotency_hash: str | None
    idempotency: IdempotencyRecord | None
    idempotency_expires_at: int


class IdempotencyRace(Exception):
    """Another request with the same idempotency key was stored first."""


class StaleComment(Exception):
    """The comment changed (or vanished) between reading it and writing a decision; nothing was written."""


class DynamoCommentStore:
    def __init__(self, table_name: str, table: Table | None = None):
        self._table: Table = table or boto3.resource("dynamodb", config=_BOTO_CONFIG).Table(table_name)
        # The resource's client takes plain Python values; its stubs only describe the low-level shapes.
        self._client: Any = self._table.meta.client

    # --- comments -------------------------------------------------------------------------

    def create(self, comment: StoredComment, guards: CreateGuards, now: int) -> None:
        """Store a new comment with its counters and guards atomically: all of it or none."""
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": _comment_item(comment),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        if guards.dedupe_hash:
            items.append(
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": {
                            "pk": f"DEDUPE#{comment.post_id}#{guards.dedupe_hash}",
                            "sk": "DEDUPE",
                            "comment_id": comment.id,
                            "until": guards.dedupe_until,
                            "expires_at": guards.dedupe_until,
                        },
                        "ConditionExpression": "attribute_not_exists(pk) OR #until < :now",
                        "ExpressionAttributeNames": {"#until": "until"},
                        "ExpressionAttributeValues": {":now": now},
                    }
                }
            )
        if guards.idempotency_hash and guards.idempotency:
            record = guards.idempotency
            items.append(
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": {
                            "pk": _idempotency_pk(comment.post_id, guards.idempotency_hash),
                            "sk": "IDEMPOTENCY",
                            "fingerprint": record.fingerprint,
                            "status_code": record.status_code,
                            "response": json.dumps(record.response),
                            "expires_at": guards.idempotency_expires_at,
                        },
                        "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
                        "ExpressionAttributeValues": {":now": now},
                    }
                }
            )
        items.extend(self._counter_updates(comment.post_id, {comment.status: 1}))
        cancelled = self._transact(items)
        if cancelled is None:
            return
        failed = _failed_items(cancelled, items)
        if any(pk.startswith("IDEMPOTENCY#") for pk in failed):
            raise IdempotencyRace from cancelled
        if any(pk.startswith("DEDUPE#") for pk in failed):
            raise DuplicateComment("You already posted this comment here a moment ago.") from cancelled
        # A transaction conflict or a vanishingly unlikely id clash: safe to retry.
        raise StorageUnavailable() from cancelled

    def get(self, comment_id: str) -> StoredComment | None:
        with _storage_errors():
            item = self._table.get_item(Key=_comment_key(comment_id), ConsistentRead=True).get("Item")
        return _comment_from_item(item) if item else None

    def list_post(
        self, post_id: str, status: Status, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]:
        """One page of a post's comments in one status, oldest first."""
        return self._page(BY_POST_STATUS_INDEX, "post_status", f"{post_id}#{status}", limit, start_key)

    def list_status(
        self, status: Status, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]:
        """One page of all comments in one status, oldest first."""
        return self._page(BY_STATUS_INDEX, "status", status, limit, start_key)

    def _page(
        self, index: str, key_name: str, key_value: str, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]:
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
        with _storage_errors():
            while len(items) <= limit:
                response = self._table.query(**query)
                items.extend(response.get("Items", []))
                if "LastEvaluatedKey" not in response:
                    break
                query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        page = items[:limit]
        if len(items) <= limit:
            return [_comment_from_item(item) for item in page], None
        last = page[-1]
        next_key = {"pk": last["pk"], "sk": last["sk"], key_name: last[key_name], "id": last["id"]}
        return [_comment_from_item(item) for item in page], next_key

    # --- counters --------------------------------------------------------------------------

    def counts(self, post_id: str | None = None) -> dict[Status, int]:
        """Exact comment counts per status, summed over the counter shards."""
        pk = f"COUNTS#POST#{post_id}" if post_id else "COUNTS#ALL"
        totals: dict[Status, int] = dict.fromkeys(STATUSES, 0)
        with _storage_errors():
            response = self._table.query(
                KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": pk}, ConsistentRead=True
            )
        for item in response.get("Items", []):
            for status in STATUSES:
                totals[status] += int(item.get(status, 0))  # type: ignore[arg-type]
        return totals

    def _counter_updates(self, post_id: str, deltas: Mapping[Status, int]) -> list[dict[str, Any]]:
        # Counters are sharded so concurrent writes rarely contend for the same item.
        shard = f"SHARD#{random.randrange(COUNTER_SHARDS)}"  # noqa: S311 - spreads load, not a secret
        names = {f"#s{i}": status for i, status in enumerate(deltas)}
        values = {f":d{i}": delta for i, delta in enumerate(deltas.values())}
        expression = "ADD " + ", ".join(f"#s{i} :d{i}" for i in range(len(deltas)))
        return [
            {
                "Update": {
                    "TableName": self._table.name,
                    "Key": {"pk": pk, "sk": shard},
                    "UpdateExpression": expression,
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                }
            }
            for pk in ("COUNTS#ALL", f"COUNTS#POST#{post_id}")
        ]

    # --- guards ----------------------------------------------------------------------------

    def get_idempotency(self, post_id: str, key_hash: str, now: int) -> IdempotencyRecord | None:
        with _storage_errors():
            item = self._table.get_item(
                Key={"pk": _idempotency_pk(post_id, key_hash), "sk": "IDEMPOTENCY"}, ConsistentRead=True
            ).get("Item")
        if not item or int(item["expires_at"]) < now:  # type: ignore[arg-type]
            return None
        return IdempotencyRecord(
            fingerprint=str(item["fingerprint"]),
            status_code=int(item["status_code"]),  # type: ignore[arg-type]
            response=json.loads(str(item["response"])),
        )

    def hit_rate_limit(self, client_hash: str, window_start: int, window_seconds: int, limit: int) -> bool:
        """Count one hit in the client's window; False once the window already holds `limit` hits."""
        with _storage_errors():
            try:
                self._table.update_item(
                    Key={"pk": f"RATE#{client_hash}#{window_start}", "sk": "RATE"},
                    UpdateExpression="ADD hits :one SET expires_at = :expires",
                    ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                    ExpressionAttributeValues={
                        ":one": 1,
                        ":limit": limit,
                        ":expires": window_start + 2 * window_seconds,
                    },
                )
            except ClientError as error:
                if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    # --- moderation: decisions, claims, expiry (issue 4) -----------------------------------

    def apply_decision(
        self, current: StoredComment, entry: HistoryEntry, expires_at: int | None
    ) -> StoredComment:
        """Move `current` to `entry.to_status` in ONE transaction: the comment and its counters.

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
        if expires_at is None:
            removals.append("expires_at")
        else:
            assignments.append("expires_at = :expires")
            values[":expires"] = expires_at
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table.name,
                    "Key": _comment_key(current.id),
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
            items.extend(self._counter_updates(current.post_id, {current.status: -1, to_status: 1}))
        cancelled = self._transact(items)
        if cancelled is None:
            return updated
        reasons = cancelled.response.get("CancellationReasons", [])
        # A failed version check, or a concurrent transaction on the same comment.
        if reasons and reasons[0].get("Code") in ("ConditionalCheckFailed", "TransactionConflict"):
            raise StaleComment from cancelled
        raise StorageUnavailable() from cancelled

    def claim(self, comment_id: str, moderator: str, until: int, now: int) -> StoredComment | None:
        """Lease a pending comment to `moderator` until `until`; None when it is not pending or
        someone else holds an unexpired claim. The moderator's own claim is extended."""
        with _storage_errors():
            try:
                response = self._table.update_item(
                    Key=_comment_key(comment_id),
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
                if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                    return None
                raise
        return _comment_from_item(response["Attributes"])

    @staticmethod
    def comment_from_image(image: Mapping[str, Any]) -> StoredComment | None:
        """The comment in a stream record's (deserialized) image; None for every other item."""
        if not str(image.get("pk", "")).startswith("COMMENT#") or image.get("sk") != "COMMENT":
            return None
        return _comment_from_item(image)

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
                    "TableName": self._table.name,
                    "Item": marker,
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            *self._counter_updates(comment.post_id, {comment.status: -1}),
        ]
        cancelled = self._transact(items)
        if cancelled is None:
            return True
        if any(pk.startswith("EXPIRED#") for pk in _failed_items(cancelled, items)):
            return False
        raise StorageUnavailable() from cancelled

    def _transact(self, items: list[dict[str, Any]]) -> ClientError | None:
        """Run one transaction: None when it is written, its cancellation when a condition or a
        concurrent transaction stopped it; every other failure is StorageUnavailable."""
        with _storage_errors():
            try:
                self._client.transact_write_items(TransactItems=items)
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                return error
        return None


def _comment_key(comment_id: str) -> dict[str, str]:
    return {"pk": f"COMMENT#{comment_id}", "sk": "COMMENT"}


def _idempotency_pk(post_id: str, key_hash: str) -> str:
    return f"IDEMPOTENCY#{post_id}#{key_hash}"


def _comment_item(comment: StoredComment) -> dict[str, Any]:
    data = comment.model_dump(mode="json", by_alias=True, exclude_none=True)
    # DynamoDB has no floats; Decimal via str keeps the value exact as written.
    data["scores"] = {label: Decimal(str(value)) for label, value in comment.scores.items()}
    return {**_comment_key(comment.id), **data, "post_status": f"{comment.post_id}#{comment.status}"}


def _comment_from_item(item: Mapping[str, Any]) -> StoredComment:
    data = {k: v for k, v in item.items() if k not in ("pk", "sk", "post_status")}
    data["scores"] = {label: float(value) for label, value in data.get("scores", {}).items()}
    data["version"] = int(data.get("version", 1))
    if "expires_at" in data:
        data["expires_at"] = int(data["expires_at"])
    return StoredComment.model_validate(data)


def _failed_items(error: ClientError, items: list[dict[str, Any]]) -> list[str]:
    """The pk of each transaction item whose condition failed."""
    reasons = error.response.get("CancellationReasons", [])
    failed = []
    for reason, item in zip(reasons, items, strict=False):
        if reason.get("Code") == "ConditionalCheckFailed":
            operation = next(iter(item.values()))
            key = operation.get("Item") or operation.get("Key")
            failed.append(str(key["pk"]))
    return failed


@contextmanager
def _storage_errors() -> Iterator[None]:
    """Turn AWS failures (throttling, outages, timeouts) into one error the API answers with 503."""
    try:
        yield
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
            raise
        raise StorageUnavailable() from error
    except BotoCoreError as error:
        raise StorageUnavailable() from error
