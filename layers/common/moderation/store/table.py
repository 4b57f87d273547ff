"""The table itself: one boto3 resource, transactions, and AWS failures turned into domain errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from moderation.errors import StorageUnavailable
from moderation.models import StoredComment

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

# Fail fast inside a Lambda's time budget; botocore's standard mode retries throttling itself.
_BOTO_CONFIG = Config(connect_timeout=2, read_timeout=3, retries={"mode": "standard", "max_attempts": 3})


def connect(table_name: str) -> Table:
    return boto3.resource("dynamodb", config=_BOTO_CONFIG).Table(table_name)


class TableAccess:
    """What every part of the store shares: the table, its name and its transactions."""

    def __init__(self, table: Table):
        self.table = table
        self.name = table.name
        # The resource's client takes plain Python values; its stubs only describe the low-level shapes.
        self.client: Any = table.meta.client

    def transact(self, items: list[dict[str, Any]]) -> ClientError | None:
        """Run one transaction: None when it is written, its cancellation when a condition or a
        concurrent transaction stopped it; every other failure is StorageUnavailable."""
        with storage_errors():
            try:
                self.client.transact_write_items(TransactItems=items)
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                return error
        return None


# BatchGetItem takes at most 100 keys per call.
BATCH_GET_LIMIT = 100


def batch_get(db: TableAccess, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items that exist among `keys` (BatchGetItem in chunks, asking again for what DynamoDB
    leaves unprocessed under load)."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), BATCH_GET_LIMIT):
        pending = keys[start : start + BATCH_GET_LIMIT]
        while pending:
            with storage_errors():
                response = db.client.batch_get_item(RequestItems={db.name: {"Keys": pending}})
            found.extend(response.get("Responses", {}).get(db.name, []))
            pending = response.get("UnprocessedKeys", {}).get(db.name, {}).get("Keys", [])
    return found


def read_comment(db: TableAccess, comment_id: str) -> StoredComment | None:
    """One comment by id, read consistently."""
    with storage_errors():
        item = db.table.get_item(Key=comment_key(comment_id), ConsistentRead=True).get("Item")
    return comment_from_item(item) if item else None


def comment_key(comment_id: str) -> dict[str, str]:
    return {"pk": f"COMMENT#{comment_id}", "sk": "COMMENT"}


def comment_item(comment: StoredComment) -> dict[str, Any]:
    data = comment.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["scores"] = _decimals(comment.scores)
    if comment.shadow_scores:
        data["shadow_scores"] = _decimals(comment.shadow_scores)
    else:
        data.pop("shadow_scores", None)
    if comment.automatic is not None:
        data["automatic"] = {
            **data["automatic"],
            **_decimals({"review": comment.automatic.review, "reject": comment.automatic.reject}),
        }
    item = {**comment_key(comment.id), **data, "post_status": f"{comment.post_id}#{comment.status}"}
    if comment.status == "published":
        item["thread"] = thread_key(comment.post_id, comment.parent_id)
    return item


def _decimals(values: Mapping[str, float]) -> dict[str, Decimal]:
    # DynamoDB has no floats; Decimal via str keeps the value exact as written.
    return {name: Decimal(str(value)) for name, value in values.items()}


def thread_key(post_id: str, parent_id: str | None) -> str:
    """The ByThread partition of a published comment: its post and its parent (`-`: top level)."""
    return f"{post_id}#{parent_id or '-'}"


def comment_from_item(item: Mapping[str, Any]) -> StoredComment:
    data = {k: v for k, v in item.items() if k not in ("pk", "sk", "post_status", "thread")}
    for scores in ("scores", "shadow_scores"):
        data[scores] = {label: float(value) for label, value in data.get(scores, {}).items()}
    data["version"] = int(data.get("version", 1))
    for counter in ("reply_count", "replies_version", "report_count"):
        data[counter] = int(data.get(counter, 0))
    if "expires_at" in data:
        data["expires_at"] = int(data["expires_at"])
    return StoredComment.model_validate(data)


def failed_items(error: ClientError, items: list[dict[str, Any]]) -> list[str]:
    """The pk of each transaction item whose condition failed."""
    reasons = error.response.get("CancellationReasons", [])
    failed = []
    for reason, item in zip(reasons, items, strict=False):
        if reason.get("Code") == "ConditionalCheckFailed":
            operation = next(iter(item.values()))
            key = operation.get("Item") or operation.get("Key")
            failed.append(str(key["pk"]))
    return failed


def is_condition_failure(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "ConditionalCheckFailedException"


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn AWS failures (throttling, outages, timeouts) into one domain error: StorageUnavailable."""
    try:
        yield
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
            raise
        raise StorageUnavailable() from error
    except BotoCoreError as error:
        raise StorageUnavailable() from error
