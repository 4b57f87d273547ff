"""The records that protect a new comment: idempotency keys, the duplicate guard, rate windows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from moderation.store.part import StorePart
from moderation.store.table import TableAccess, is_condition_failure, storage_errors


@dataclass(frozen=True)
class IdempotencyRecord:
    """The first answer to an Idempotency-Key: the request's fingerprint and the outcome to replay."""

    fingerprint: str
    outcome: dict[str, Any]


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


def idempotency_pk(post_id: str, key_hash: str) -> str:
    return f"IDEMPOTENCY#{post_id}#{key_hash}"


def guard_puts(
    db: TableAccess, post_id: str, comment_id: str, guards: CreateGuards, now: int
) -> list[dict[str, Any]]:
    """Transaction items for the guards of a new comment: each fails if its record is still live."""
    items: list[dict[str, Any]] = []
    if guards.dedupe_hash:
        items.append(
            {
                "Put": {
                    "TableName": db.name,
                    "Item": {
                        "pk": f"DEDUPE#{post_id}#{guards.dedupe_hash}",
                        "sk": "DEDUPE",
                        "comment_id": comment_id,
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
                    "TableName": db.name,
                    "Item": {
                        "pk": idempotency_pk(post_id, guards.idempotency_hash),
                        "sk": "IDEMPOTENCY",
                        "fingerprint": record.fingerprint,
                        "outcome": json.dumps(record.outcome),
                        "expires_at": guards.idempotency_expires_at,
                    },
                    "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
                    "ExpressionAttributeValues": {":now": now},
                }
            }
        )
    return items


class Guards(StorePart):
    def get_idempotency(self, post_id: str, key_hash: str, now: int) -> IdempotencyRecord | None:
        with storage_errors():
            item = self._db.table.get_item(
                Key={"pk": idempotency_pk(post_id, key_hash), "sk": "IDEMPOTENCY"}, ConsistentRead=True
            ).get("Item")
        if not item or int(item["expires_at"]) < now or "outcome" not in item:  # type: ignore[arg-type]
            return None
        return IdempotencyRecord(
            fingerprint=str(item["fingerprint"]), outcome=json.loads(str(item["outcome"]))
        )

    def hit_rate_limit(self, client_hash: str, window_start: int, window_seconds: int, limit: int) -> bool:
        """Count one hit in the client's window; False once the window already holds `limit` hits."""
        with storage_errors():
            try:
                self._db.table.update_item(
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
                if is_condition_failure(error):
                    return False
                raise
        return True
