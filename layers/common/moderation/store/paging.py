"""Pages of an index partition, oldest first (ids sort by time), with the key to continue from."""

from __future__ import annotations

from typing import Any

from moderation.models.comments import StoredComment
from moderation.store.table import TableAccess, comment_from_item, storage_errors

Page = tuple[list[StoredComment], dict[str, Any] | None]


def query_page(
    db: TableAccess, index: str, key_name: str, key_value: str, limit: int, start_key: dict[str, Any] | None
) -> Page:
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
    with storage_errors():
        while len(items) <= limit:
            response = db.table.query(**query)
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                break
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    page = items[:limit]
    if len(items) <= limit:
        return [comment_from_item(item) for item in page], None
    last = page[-1]
    next_key = {"pk": last["pk"], "sk": last["sk"], key_name: last[key_name], "id": last["id"]}
    return [comment_from_item(item) for item in page], next_key
