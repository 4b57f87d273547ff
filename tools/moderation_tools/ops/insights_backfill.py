"""Count the comments stored before insights existed (`moderation insights backfill`).

Insights count every comment submitted since they were deployed. This one-off, offline job gives
older comments their automatic decision — the status they were given at submission (the first
entry of their history says which; without history it is their status), the thresholds you name,
no model (the stored comments don't say which one scored them) — and counts them, with their
moderators' decisions, in the same transaction per comment. It reads the table with a Scan, the
one place the project does: run it once, by hand, never from a function. A comment already
counted is skipped, so running it again counts nothing twice.
Imported comments (`moderation import`) are left out: neither their status nor any decision on them
came from this model or these moderators, so counting them would bend what insights compare.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from moderation.models.comments import AutomaticDecision, StoredComment
from moderation.policy import Thresholds
from moderation.store import DynamoCommentStore
from moderation.store.attribute_values import from_response, to_request
from moderation.store.table import Table, comment_from_item, connect


@dataclass
class BackfillReport:
    counted: int = 0
    skipped: int = 0

    def summary(self) -> str:
        return (
            f"counted {self.counted} comments stored before insights; "
            f"skipped {self.skipped} that changed meanwhile (run it again for them)"
        )


def uncounted_comments(table: Table) -> Iterator[StoredComment]:
    """Every comment submitted here without an automatic decision: a paged Scan with a filter."""
    scan: dict[str, Any] = {
        "FilterExpression": (
            "sk = :comment AND attribute_not_exists(automatic) AND attribute_not_exists(imported)"
        ),
        "ExpressionAttributeValues": {":comment": "COMMENT"},
    }
    while True:
        response = from_response(table.client.scan(TableName=table.name, **to_request(scan)))
        yield from (comment_from_item(item) for item in response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return
        scan["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def backfill(table_name: str, thresholds: Thresholds) -> BackfillReport:
    table = connect(table_name)
    store = DynamoCommentStore(table_name)
    report = BackfillReport()
    for comment in uncounted_comments(table):
        status = comment.history[0].from_status if comment.history else comment.status
        automatic = AutomaticDecision(status=status, review=thresholds.review, reject=thresholds.reject)
        if store.mark_counted(comment, automatic):
            report.counted += 1
        else:
            report.skipped += 1
    return report
