"""The insights aggregates: counters per UTC day, overall and per post, for the live model and
for the shadow model, written in the same transaction as the comment change they count.

| item            | pk                                                | sk                  |
|-----------------|---------------------------------------------------|---------------------|
| live figures    | INSIGHTS#ALL / INSIGHTS#POST#<post_id>            | DAY#<date>#<shard>  |
| shadow figures  | INSIGHTS#SHADOW#ALL / INSIGHTS#SHADOW#POST#<id>   | DAY#<date>#<shard>  |

The day is the comment's submission day (UTC), so the moves a later decision makes land in the
same items that counted the comment. A period is one Query per partition (sort key BETWEEN two
days), never a Scan. Shards spread concurrent writers as the status counters do; a read sums them.
Each attribute is one counter (insights_tally names them): ADD creates it, so there is no
read-before-write. The submit path also SETs the model and thresholds it decided with (`model`,
`review`, `reject`, `at`): the moderators' function reports them without loading the model.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from moderation import insights_tally
from moderation.errors import StorageUnavailable
from moderation.models.comments import AutomaticDecision, StoredComment
from moderation.store.part import StorePart
from moderation.store.table import TableAccess, comment_key, storage_errors

INSIGHT_SHARDS = 4
LIVE = "INSIGHTS"
SHADOW = "INSIGHTS#SHADOW"
# Attributes of a day item that are not counters.
_NOT_COUNTERS = frozenset({"pk", "sk", "model", "review", "reject", "at"})


@dataclass(frozen=True)
class DayTotals:
    """Counters summed over the days of a period, and what the newest of them recorded."""

    counters: dict[str, int]
    model: str | None = None
    review: float | None = None
    reject: float | None = None


def _partitions(prefix: str, post_id: str) -> tuple[str, str]:
    return f"{prefix}#ALL", f"{prefix}#POST#{post_id}"


def _day(comment: StoredComment) -> str:
    return comment.created_at.astimezone(UTC).date().isoformat()


def _update(
    db: TableAccess, pk: str, sk: str, deltas: Mapping[str, int], sets: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    adds = []
    for i, (name, delta) in enumerate(sorted(deltas.items())):
        names[f"#c{i}"] = name
        values[f":c{i}"] = delta
        adds.append(f"#c{i} :c{i}")
    assignments = []
    for i, (name, value) in enumerate((sets or {}).items()):
        names[f"#v{i}"] = name
        values[f":v{i}"] = value
        assignments.append(f"#v{i} = :v{i}")
    expression = " ".join(
        part
        for part in (
            f"SET {', '.join(assignments)}" if assignments else "",
            f"ADD {', '.join(adds)}" if adds else "",
        )
        if part
    )
    return {
        "Update": {
            "TableName": db.name,
            "Key": {"pk": pk, "sk": sk},
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def _day_updates(
    db: TableAccess,
    prefix: str,
    comment: StoredComment,
    deltas: Mapping[str, int],
    sets: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    if not deltas:
        return []
    shard = random.randrange(INSIGHT_SHARDS)  # noqa: S311 - spreads load, not a secret
    sk = f"DAY#{_day(comment)}#{shard}"
    return [_update(db, pk, sk, deltas, sets) for pk in _partitions(prefix, comment.post_id)]


def submission_updates(db: TableAccess, comment: StoredComment, at: int) -> list[dict[str, Any]]:
    """Transaction items counting a new comment's automatic decision (none if it has no mark)."""
    automatic = comment.automatic
    if automatic is None:
        return []
    sets: dict[str, Any] = {
        "review": Decimal(str(automatic.review)),
        "reject": Decimal(str(automatic.reject)),
        "at": at,
    }
    if automatic.model:
        sets["model"] = automatic.model
    return _day_updates(db, LIVE, comment, insights_tally.live(comment), sets)


def change_updates(db: TableAccess, before: StoredComment, after: StoredComment) -> list[dict[str, Any]]:
    """Transaction items moving a comment's contribution from its state `before` to `after` (a
    moderator's decision, or readers' reports sending it back), live and, if scored, shadow."""
    live = insights_tally.difference(insights_tally.live(after), insights_tally.live(before))
    shadow = insights_tally.difference(insights_tally.shadow(after), insights_tally.shadow(before))
    return [*_day_updates(db, LIVE, after, live), *_day_updates(db, SHADOW, after, shadow)]


class Insights(StorePart):
    def insight_totals(
        self, since: date, until: date, post_id: str | None, shadow: bool = False
    ) -> DayTotals:
        """The counters of the days since..until (inclusive), summed: one Query (paged)."""
        everyone, one_post = _partitions(SHADOW if shadow else LIVE, post_id or "")
        query: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :first AND :last",
            "ExpressionAttributeValues": {
                ":pk": one_post if post_id else everyone,
                ":first": f"DAY#{since.isoformat()}",
                # `~` sorts after every shard number.
                ":last": f"DAY#{until.isoformat()}#~",
            },
        }
        totals: Counter[str] = Counter()
        items: list[dict[str, Any]] = []
        with storage_errors():
            while True:
                response = self._db.table.query(**query)
                for item in response.get("Items", []):
                    for name, value in item.items():
                        if name not in _NOT_COUNTERS:
                            totals[name] += int(value)
                    items.append(item)
                if "LastEvaluatedKey" not in response:
                    break
                query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return _totals(totals, items)

    def live_settings(self) -> DayTotals:
        """The model and thresholds the submit path used last, whatever the period: the newest day
        items (one Query, newest first, a few items)."""
        with storage_errors():
            response = self._db.table.query(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": f"{LIVE}#ALL"},
                ScanIndexForward=False,
                Limit=2 * INSIGHT_SHARDS,
            )
        return _totals(Counter(), response.get("Items", []))

    def mark_counted(self, current: StoredComment, automatic: AutomaticDecision) -> bool:
        """Give a comment stored before insights its automatic decision and count it, in one
        transaction conditioned on the version read and on the mark's absence; False (nothing
        written) when it changed or was counted meanwhile."""
        marked = current.model_copy(update={"automatic": automatic})
        mark = {
            **automatic.model_dump(mode="json"),
            "review": Decimal(str(automatic.review)),
            "reject": Decimal(str(automatic.reject)),
        }
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._db.name,
                    "Key": comment_key(current.id),
                    "UpdateExpression": "SET automatic = :mark",
                    "ConditionExpression": (
                        "attribute_exists(pk) AND #version = :version AND attribute_not_exists(automatic)"
                    ),
                    "ExpressionAttributeNames": {"#version": "version"},
                    "ExpressionAttributeValues": {
                        ":mark": {name: value for name, value in mark.items() if value is not None},
                        ":version": current.version,
                    },
                }
            },
            *_day_updates(self._db, LIVE, marked, insights_tally.live(marked)),
        ]
        return self._written(items)

    def record_shadow(
        self, current: StoredComment, scores: Mapping[str, float], model: str, now: int
    ) -> bool:
        """Store the shadow model's scores and provenance on the comment and count them, in one
        transaction. The comment's `version` is left alone (a moderator's decision in flight must
        not conflict) but the write is conditioned on it, so the counts match the state they were
        computed from. False when the comment changed, vanished or was already shadow-scored (a
        stream record delivered twice): nothing was written; read it again to see which."""
        updated = current.model_copy(update={"shadow_scores": dict(scores), "shadow_model": model})
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._db.name,
                    "Key": comment_key(current.id),
                    "UpdateExpression": "SET shadow_scores = :scores, shadow_model = :model",
                    "ConditionExpression": (
                        "attribute_exists(pk) AND #version = :version AND attribute_not_exists(shadow_model)"
                    ),
                    "ExpressionAttributeNames": {"#version": "version"},
                    "ExpressionAttributeValues": {
                        ":scores": {label: Decimal(str(value)) for label, value in scores.items()},
                        ":model": model,
                        ":version": current.version,
                    },
                }
            },
            *_day_updates(
                self._db, SHADOW, updated, insights_tally.shadow(updated), {"model": model, "at": now}
            ),
        ]
        return self._written(items)

    def _written(self, items: list[dict[str, Any]]) -> bool:
        """Run the transaction: False when a condition or a concurrent transaction stopped it."""
        cancelled = self._db.transact(items)
        if cancelled is None:
            return True
        reasons = cancelled.response.get("CancellationReasons", [])
        if any(reason.get("Code") in ("ConditionalCheckFailed", "TransactionConflict") for reason in reasons):
            return False
        raise StorageUnavailable() from cancelled


def _totals(counters: Counter[str], items: list[dict[str, Any]]) -> DayTotals:
    """The summed counters, with the model and thresholds of the item the submit path wrote last."""
    stamped = [item for item in items if "at" in item]
    newest = max(stamped, key=lambda item: int(item["at"]), default={})
    return DayTotals(
        counters=dict(counters),
        model=str(newest["model"]) if "model" in newest else None,
        review=float(newest["review"]) if "review" in newest else None,
        reject=float(newest["reject"]) if "reject" in newest else None,
    )
