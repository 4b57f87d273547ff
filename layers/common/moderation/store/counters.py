"""Exact comment counts per status, overall and per post, in sharded counter items.

Every write that changes a comment's status updates its counters in the same transaction, so
the counts never drift; they are summed over the shards when read.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from moderation.models.base import Status
from moderation.store.part import StorePart
from moderation.store.table import TableAccess, batch_get, storage_errors

COUNTER_SHARDS = 4
STATUSES: tuple[Status, ...] = ("published", "pending", "rejected")


def counter_updates(
    db: TableAccess,
    post_id: str,
    deltas: Mapping[Status, int],
    author_key: str | None = None,
    author_key_kind: str | None = None,
) -> list[dict[str, Any]]:
    """Transaction items adding `deltas` to the overall and the post's counters, and to the
    author's record when the comment has an author key (which records the key's kind when given)."""
    # Sharded so concurrent writes rarely contend for the same item.
    shard = f"SHARD#{random.randrange(COUNTER_SHARDS)}"  # noqa: S311 - spreads load, not a secret
    names = {f"#s{i}": status for i, status in enumerate(deltas)}
    values = {f":d{i}": delta for i, delta in enumerate(deltas.values())}
    expression = "ADD " + ", ".join(f"#s{i} :d{i}" for i in range(len(deltas)))
    keys = [{"pk": pk, "sk": shard} for pk in ("COUNTS#ALL", f"COUNTS#POST#{post_id}")]
    if author_key:
        # One author's comments are few and slow: their record needs no shards.
        keys.append({"pk": f"AUTHOR#{author_key}", "sk": "AUTHOR"})
    updates = [
        {
            "Update": {
                "TableName": db.name,
                "Key": key,
                "UpdateExpression": expression,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
        for key in keys
    ]
    if author_key and author_key_kind:
        author = updates[-1]["Update"]
        author["UpdateExpression"] = f"{expression} SET author_key_kind = :kind"
        author["ExpressionAttributeValues"] = {**values, ":kind": author_key_kind}
    return updates


class Counters(StorePart):
    def counts(self, post_id: str | None = None) -> dict[Status, int]:
        """Exact comment counts per status, summed over the counter shards."""
        pk = f"COUNTS#POST#{post_id}" if post_id else "COUNTS#ALL"
        totals: dict[Status, int] = dict.fromkeys(STATUSES, 0)
        with storage_errors():
            response = self._db.table.query(
                KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": pk}, ConsistentRead=True
            )
        for item in response.get("Items", []):
            for status in STATUSES:
                totals[status] += int(item.get(status, 0))
        return totals

    def published_counts(self, post_ids: list[str]) -> dict[str, int]:
        """Exact published counts of many posts: their counter shards in one BatchGetItem each 100."""
        keys = [
            {"pk": f"COUNTS#POST#{post_id}", "sk": f"SHARD#{shard}"}
            for post_id in post_ids
            for shard in range(COUNTER_SHARDS)
        ]
        totals = dict.fromkeys(post_ids, 0)
        for item in batch_get(self._db, keys):
            post_id = str(item["pk"]).removeprefix("COUNTS#POST#")
            totals[post_id] += int(item.get("published", 0))
        return totals
