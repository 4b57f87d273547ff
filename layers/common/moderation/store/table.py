"""The table itself: botocore's DynamoDB client, transactions, and AWS failures turned into domain
errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from moderation.errors import StorageUnavailable
from moderation.models import StoredComment
from moderation.store.attribute_values import from_attributes, from_response, to_attributes, to_request

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Fail fast inside a Lambda's time budget; botocore's standard mode retries throttling itself.
# Parameter validation is DynamoDB's to do (a bad request fails as StorageUnavailable either way):
# botocore's copy of it walks every key of every request, 0.6 ms of a submission's read alone.
_BOTO_CONFIG = Config(
    connect_timeout=2,
    read_timeout=3,
    retries={"mode": "standard", "max_attempts": 3},
    parameter_validation=False,
)


def connect(table_name: str) -> Table:
    client = botocore.session.get_session().create_client("dynamodb", config=_BOTO_CONFIG)
    return Table(cast("DynamoDBClient", client), table_name)


class Table:
    """One table's item calls in plain Python values (as boto3's Table took them), over botocore's
    low-level client: boto3 and its resource model stay out of the cold start."""

    def __init__(self, client: DynamoDBClient, name: str):
        self.client = client
        self.name = name

    def get_item(self, **params: Any) -> dict[str, Any]:
        return from_response(self.client.get_item(TableName=self.name, **to_request(params)))

    def put_item(self, **params: Any) -> dict[str, Any]:
        return from_response(self.client.put_item(TableName=self.name, **to_request(params)))

    def update_item(self, **params: Any) -> dict[str, Any]:
        return from_response(self.client.update_item(TableName=self.name, **to_request(params)))

    def query(self, **params: Any) -> dict[str, Any]:
        return from_response(self.client.query(TableName=self.name, **to_request(params)))


class TableAccess:
    """What every part of the store shares: the table, its name and its transactions."""

    def __init__(self, table: Table):
        self.table = table
        self.name = table.name
        # The low-level client: transactions and batch reads type their values here.
        self.client = table.client

    def transact(self, items: list[dict[str, Any]]) -> ClientError | None:
        """Run one transaction: None when it is written, its cancellation when a condition or a
        concurrent transaction stopped it; every other failure is StorageUnavailable."""
        typed = [{action: to_request(params) for action, params in item.items()} for item in items]
        with storage_errors():
            try:
                self.client.transact_write_items(TransactItems=cast(Any, typed))
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                return error
        return None


# BatchGetItem takes at most 100 keys per call.
BATCH_GET_LIMIT = 100


def batch_get(
    db: TableAccess, keys: list[dict[str, Any]], read: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The items that exist among `keys` (BatchGetItem in chunks, asking again for what DynamoDB
    leaves unprocessed under load); `read` adds e.g. a ProjectionExpression or ConsistentRead."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), BATCH_GET_LIMIT):
        # Typed for the wire, as DynamoDB hands back the keys it left unprocessed.
        pending: list[Any] = [to_attributes(key) for key in keys[start : start + BATCH_GET_LIMIT]]
        while pending:
            request: Any = {**(read or {}), "Keys": pending}
            with storage_errors():
                response = db.client.batch_get_item(RequestItems={db.name: request})
            found.extend(from_attributes(item) for item in response.get("Responses", {}).get(db.name, []))
            unprocessed = response.get("UnprocessedKeys", {})
            pending = list(unprocessed[db.name]["Keys"]) if db.name in unprocessed else []
    return found


def read_comment(db: TableAccess, comment_id: str) -> StoredComment | None:
    """One comment by id, read consistently."""
    with storage_errors():
        item = db.table.get_item(Key=comment_key(comment_id), ConsistentRead=True).get("Item")
    return comment_from_item(item) if item else None


# On a comment item, the pks of its guard records (module guards): the store's, not the comment's.
GUARD_KEYS = "guard_keys"


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
    data = {k: v for k, v in item.items() if k not in ("pk", "sk", "post_status", "thread", GUARD_KEYS)}
    for scores in ("scores", "shadow_scores"):
        data[scores] = {label: float(value) for label, value in data.get(scores, {}).items()}
    data["version"] = int(data.get("version", 1))
    for counter in ("reply_count", "replies_version", "report_count"):
        data[counter] = int(data.get(counter, 0))
    if "expires_at" in data:
        data["expires_at"] = int(data["expires_at"])
    if data.get("author_key") and "author_key_kind" not in data:
        # Stored before reader keys: the key was the e-mail's, or else the client address's.
        data["author_key_kind"] = "email" if data.get("author_email_hash") else "address"
    return StoredComment.model_validate(data)


def failed_items(
    error: ClientError, items: list[dict[str, Any]], code: str = "ConditionalCheckFailed"
) -> list[str]:
    """The pk of each transaction item whose condition failed (or that failed for `code`, such as
    another transaction writing it at the same time: "TransactionConflict")."""
    reasons = error.response.get("CancellationReasons", [])
    failed = []
    for reason, item in zip(reasons, items, strict=False):
        if reason.get("Code") == code:
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
