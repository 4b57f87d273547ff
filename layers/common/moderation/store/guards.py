"""The records that protect a new comment: idempotency keys, the duplicate guard, rate windows.

A new comment's item lists the keys of the idempotency record, the duplicate guard and the spam
marks (store.spam_marks) written with it (`guard_keys`), and each of them names the comment
(`comment_id`): all hold or recognise the author's words (the first answer, the fingerprint of
their name and text, the text's bands), so erasing the author deletes them with the comment,
found by key, without a Scan."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from moderation.rate_limit import RateClaim, RateLog, RateRace
from moderation.store.part import StorePart
from moderation.store.spam_marks import spam_mark_pks
from moderation.store.table import TableAccess, storage_errors


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
    rate: RateClaim | None = None
    # The form token's first use and the text's near-duplicate bands (store.spam_marks).
    form_nonce: str | None = None
    form_expires_at: int = 0
    text_bands: tuple[str, ...] = ()
    text_bands_expire_at: int = 0


class IdempotencyRace(Exception):
    """Another request with the same idempotency key was stored first."""


def idempotency_pk(post_id: str, key_hash: str) -> str:
    return f"IDEMPOTENCY#{post_id}#{key_hash}"


def dedupe_pk(post_id: str, dedupe_hash: str) -> str:
    return f"DEDUPE#{post_id}#{dedupe_hash}"


def guard_item_keys(post_id: str, guards: CreateGuards) -> list[str]:
    """The pk of each record guard_puts and spam_mark_puts write that carries or recognises the
    author's words (the rate log holds none)."""
    keys = []
    if guards.dedupe_hash:
        keys.append(dedupe_pk(post_id, guards.dedupe_hash))
    if guards.idempotency_hash and guards.idempotency:
        keys.append(idempotency_pk(post_id, guards.idempotency_hash))
    return keys + spam_mark_pks(guards.form_nonce, guards.text_bands)


def guard_deletes(db: TableAccess, comment_id: str, pks: list[str]) -> list[dict[str, Any]]:
    """Transaction items deleting a comment's guard records. Gone already (expired) is fine; one a
    later comment took over once this one's expired fails its condition (it is not this comment's)."""
    return [
        {
            "Delete": {
                "TableName": db.name,
                # Each guard's sk is its pk's prefix (DEDUPE, IDEMPOTENCY, FORM, TEXTBAND).
                "Key": {"pk": pk, "sk": pk.split("#", 1)[0]},
                "ConditionExpression": "attribute_not_exists(pk) OR comment_id = :comment",
                "ExpressionAttributeValues": {":comment": comment_id},
            }
        }
        for pk in pks
    ]


def rate_key(client_hash: str) -> dict[str, str]:
    return {"pk": f"RATE#{client_hash}", "sk": "RATE"}


def idempotency_key(post_id: str, key_hash: str) -> dict[str, str]:
    return {"pk": idempotency_pk(post_id, key_hash), "sk": "IDEMPOTENCY"}


def idempotency_from_item(item: dict[str, Any] | None, now: int) -> IdempotencyRecord | None:
    """The record in a key's item, unless it expired (TTL deletes late) or holds no outcome yet."""
    if not item or int(item["expires_at"]) < now or "outcome" not in item:
        return None
    return IdempotencyRecord(fingerprint=str(item["fingerprint"]), outcome=json.loads(str(item["outcome"])))


def rate_log_from_item(item: dict[str, Any] | None) -> RateLog:
    """The client's accepted posts as stored (an empty log for a new client)."""
    if not item:
        return RateLog()
    return RateLog(hits=tuple(int(hit) for hit in item.get("hits", [])), version=int(item["version"]))


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
                        "pk": dedupe_pk(post_id, guards.dedupe_hash),
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
                        "comment_id": comment_id,
                        "fingerprint": record.fingerprint,
                        "outcome": json.dumps(record.outcome),
                        "expires_at": guards.idempotency_expires_at,
                    },
                    "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
                    "ExpressionAttributeValues": {":now": now},
                }
            }
        )
    if guards.rate:
        items.append(_rate_put(db, guards.rate))
    return items


def _rate_put(db: TableAccess, claim: RateClaim) -> dict[str, Any]:
    """The client's new rate log, written only if no other post changed it since it was read."""
    put: dict[str, Any] = {
        "TableName": db.name,
        "Item": {
            **rate_key(claim.client_hash),
            "hits": list(claim.hits),
            "version": claim.expected_version + 1,
            "expires_at": claim.expires_at,
        },
    }
    if claim.expected_version:
        put["ConditionExpression"] = "version = :read"
        put["ExpressionAttributeValues"] = {":read": claim.expected_version}
    else:
        put["ConditionExpression"] = "attribute_not_exists(pk)"
    return {"Put": put}


class Guards(StorePart):
    def get_idempotency(self, post_id: str, key_hash: str, now: int) -> IdempotencyRecord | None:
        with storage_errors():
            key = idempotency_key(post_id, key_hash)
            item = self._db.table.get_item(Key=key, ConsistentRead=True).get("Item")
        return idempotency_from_item(item, now)

    def record_rate(self, claim: RateClaim) -> None:
        """Count a hit that stores no comment (a nudge, a report): its log alone, on the version read."""
        if self._db.transact([_rate_put(self._db, claim)]) is not None:
            raise RateRace

    def get_rate_log(self, client_hash: str) -> RateLog:
        """The client's accepted posts as last stored (an empty log for a new client)."""
        with storage_errors():
            item = self._db.table.get_item(Key=rate_key(client_hash), ConsistentRead=True).get("Item")
        return rate_log_from_item(item)
