"""Client addresses a moderator blocked, and whom a block would reach.

A block is one small item per address hash, read with each submission; it lapses by itself at
`blocked_until` (also its TTL, so DynamoDB deletes it some time after). Whom it reaches is read
from the sparse index `ByClient` (comments that carry a client hash, sorted by id, so by time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from moderation.store.part import StorePart
from moderation.store.table import is_condition_failure, storage_errors

BY_CLIENT_INDEX = "ByClient"


def address_block_key(client_hash: str) -> dict[str, str]:
    return {"pk": f"ADDRESS#{client_hash}", "sk": "BLOCK"}


def blocked_until_from_item(item: dict[str, Any] | None, now: int) -> int | None:
    """When the block in `item` lapses; None if there is none, or it has lapsed (TTL deletes late)."""
    until = int((item or {}).get("blocked_until", 0))
    return until if until > now else None


@dataclass(frozen=True)
class AddressComments:
    """What the comments from one address since some moment show of their writers."""

    author_keys: frozenset[str]
    unrecognised: int
    comments: int
    complete: bool


class Addresses(StorePart):
    def address_blocked_until(self, client_hash: str, now: int) -> int | None:
        key = address_block_key(client_hash)
        with storage_errors():
            item = self._db.table.get_item(Key=key, ConsistentRead=True).get("Item")
        return blocked_until_from_item(item, now)

    def block_address(self, client_hash: str, until: int, by: str, note: str | None) -> None:
        values: dict[str, Any] = {":until": until, ":by": by}
        expression = "SET blocked_until = :until, expires_at = :until, blocked_by = :by"
        if note:
            expression += ", note = :note"
            values[":note"] = note
        with storage_errors():
            self._db.table.update_item(
                Key=address_block_key(client_hash),
                UpdateExpression=expression,
                ExpressionAttributeValues=values,
            )

    def unblock_address(self, client_hash: str) -> None:
        try:
            with storage_errors():
                self._db.table.update_item(
                    Key=address_block_key(client_hash),
                    UpdateExpression="REMOVE blocked_until, note",
                    ConditionExpression="attribute_exists(pk)",
                )
        except ClientError as error:
            # Nothing was blocked: there is nothing to lift.
            if not is_condition_failure(error):
                raise

    def address_comments(self, client_hash: str, since_id: str, limit: int) -> AddressComments:
        """The writers of the comments from `client_hash` with ids from `since_id` on, reading at most
        `limit` of them (complete=False when there were more)."""
        query: dict[str, Any] = {
            "IndexName": BY_CLIENT_INDEX,
            "KeyConditionExpression": "client_hash = :client AND id >= :since",
            "ExpressionAttributeValues": {":client": client_hash, ":since": since_id},
            "ProjectionExpression": "author_key, author_key_kind, author_email_hash",
            "ScanIndexForward": False,
        }
        keys: set[str] = set()
        unrecognised = comments = 0
        complete = True
        with storage_errors():
            while True:
                response = self._db.table.query(**query, Limit=limit - comments)
                for item in response.get("Items", []):
                    comments += 1
                    kind = item.get("author_key_kind") or ("email" if item.get("author_email_hash") else None)
                    if item.get("author_key") and kind in ("email", "browser"):
                        keys.add(str(item["author_key"]))
                    else:
                        # No key, or an address's (comments from before reader keys): no one in particular.
                        unrecognised += 1
                if "LastEvaluatedKey" not in response:
                    break
                if comments >= limit:
                    complete = False
                    break
                query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return AddressComments(frozenset(keys), unrecognised, comments, complete)
