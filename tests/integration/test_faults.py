"""Storage faults on the submit and list paths: 503 with Retry-After, and nothing half-written.

Faults are raised from botocore's `before-call` event on the store's own client, so the request
goes through the real handler, service and store code; only the DynamoDB call itself fails.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from moderation import runtime
from moderation.models.comments import NewComment
from moderation.outcomes import Submission
from moderation.service import CommentService
from moderation.store import DynamoCommentStore

from tests.integration.conftest import HttpResult
from tests.support.races import reads_all_before_any_write
from tests.support.submissions import decided

Post = Callable[..., HttpResult]
ErrorFactory = Callable[[str], Exception]

POST = "why-we-moderate"
READER_IP = "203.0.113.24"
ENDPOINT = "https://dynamodb.us-east-1.amazonaws.com"


def client_error(code: str, **extra: Any) -> ErrorFactory:
    response: Any = {"Error": {"Code": code, "Message": "injected"}, **extra}
    return lambda operation: ClientError(response, operation)


FAULTS: dict[str, ErrorFactory] = {
    "ProvisionedThroughputExceeded": client_error("ProvisionedThroughputExceededException"),
    "Throttling": client_error("ThrottlingException"),
    "RequestLimitExceeded": client_error("RequestLimitExceeded"),
    "InternalServerError": client_error("InternalServerError"),
    "ServiceUnavailable": client_error("ServiceUnavailable"),
    "ReadTimeout": lambda _: ReadTimeoutError(endpoint_url=ENDPOINT),
    "ConnectTimeout": lambda _: ConnectTimeoutError(endpoint_url=ENDPOINT),
    "EndpointConnection": lambda _: EndpointConnectionError(endpoint_url=ENDPOINT),
}

# Every storage call a submission with a key, a rate limit and a parent makes, in order:
# (the step, the DynamoDB operation, the pk prefix of the item it touches).
SUBMIT_STEPS = {
    # The key's record, the post, the rate log, the author and the parent, in one read.
    "submission reads": ("BatchGetItem", ""),
    "create transaction": ("TransactWriteItems", ""),
}


def cancelled(*codes: str) -> ErrorFactory:
    """TransactionCanceledException, one reason per transaction item (comment, dedupe, key, counters)."""
    reasons = [{"Code": code} for code in codes]
    return client_error("TransactionCanceledException", CancellationReasons=reasons)


def fail(operation: str, pk_prefix: str, error: ErrorFactory) -> Callable[[], None]:
    """Make every `operation` of the store's client on an item whose pk starts with `pk_prefix` raise;
    returns what ends the fault."""

    def before_call(params: dict[str, Any], **_: Any) -> None:
        request = json.loads(params["body"])
        pk = request.get("Key", {}).get("pk", {}).get("S", "")
        if pk.startswith(pk_prefix):
            raise error(operation)

    events = runtime.store()._db.client.meta.events
    event = f"before-call.dynamodb.{operation}"
    events.register(event, before_call, unique_id="injected-fault")
    return lambda: events.unregister(event, unique_id="injected-fault")


def table_items(table: Any) -> dict[tuple[str, str], dict[str, Any]]:
    return {(item["pk"], item["sk"]): item for item in table.scan(ConsistentRead=True)["Items"]}


@pytest.fixture
def rate_limited(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The rate limit on, so a submission makes every one of its storage calls."""
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "100")
    runtime.reset()
    return aws


@pytest.fixture
def parent_id(post_comment: Post, rate_limited: Any) -> str:
    """A published comment to reply to, posted from another client than the faulty request's."""
    reply: HttpResult = post_comment(
        {"author_name": "Grace", "body": "The parent."}, source_ip="198.51.100.9"
    )
    assert reply.status == 201
    comment_id: str = reply.body["id"]
    return comment_id


def assert_unavailable(result: HttpResult) -> None:
    assert (result.status, result.body["error"]["code"]) == (503, "service_unavailable")
    assert int(result.headers["retry-after"]) >= 1


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("step", SUBMIT_STEPS)
def test_a_failing_storage_call_answers_503_and_writes_nothing(
    post_comment: Post, rate_limited: Any, parent_id: str, step: str, fault: str
) -> None:
    # GIVEN one storage call of the submit path failing
    before = table_items(rate_limited)
    operation, pk_prefix = SUBMIT_STEPS[step]
    heal = fail(operation, pk_prefix, FAULTS[fault])
    request = {"author_name": "Ada", "body": "A reply.", "parent_id": parent_id}

    # WHEN a reader submits a reply with an idempotency key
    result = post_comment(request, headers={"idempotency-key": "retry-me"})

    # THEN 503 with Retry-After, and no comment, counter, duplicate guard, key or rate-limit hit
    # was written (the hit is stored in the comment's own transaction)
    assert_unavailable(result)
    assert table_items(rate_limited) == before

    # AND the retry, once storage is back, is stored exactly once (no guard was left behind)
    heal()
    retried = post_comment(request, headers={"idempotency-key": "retry-me"})
    assert retried.status == 201
    comments = [item for item in table_items(rate_limited).values() if item["pk"].startswith("COMMENT#")]
    assert sorted(item["id"] for item in comments) == sorted([parent_id, retried.body["id"]])


@pytest.mark.parametrize(
    "reasons",
    [
        # DynamoDB cancels a transaction that touches an item another transaction is writing.
        ("None", "TransactionConflict", "None", "None", "None"),
        ("None", "None", "None", "ThrottlingError", "None"),
        ("None", "None", "None", "None", "ProvisionedThroughputExceeded"),
        # A comment id clash (two ids from one millisecond in two containers): safe to retry.
        ("ConditionalCheckFailed", "None", "None", "None", "None"),
    ],
    ids=["conflict", "throttled-item", "throughput-item", "id-clash"],
)
def test_a_cancelled_create_transaction_answers_503(
    post_comment: Post, aws: Any, reasons: tuple[str, ...]
) -> None:
    # GIVEN the create transaction cancelled for a reason that is not the reader's fault
    fail("TransactWriteItems", "", cancelled(*reasons))

    # WHEN a reader submits a comment with an idempotency key
    result = post_comment({"author_name": "Ada", "body": "Hello"}, headers={"idempotency-key": "k"})

    # THEN 503 with Retry-After (not a duplicate or key reuse), and the table is still empty
    assert_unavailable(result)
    assert table_items(aws) == {}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failing_list_query_answers_503(post_comment: Post, list_comments: Post, fault: str) -> None:
    # GIVEN a published comment and the index query failing
    assert post_comment({"author_name": "Ada", "body": "Hello"}).status == 201
    fail("Query", "", FAULTS[fault])

    # WHEN a reader lists the post's comments
    result = list_comments()

    # THEN 503 with Retry-After, not an empty page that would look like "no comments"
    assert_unavailable(result)


def test_concurrent_requests_with_one_idempotency_key_store_one_comment(
    aws: Any, serializable_transactions: None
) -> None:
    # GIVEN two Lambda containers (own service, store and client) on one table, and DynamoDB's
    # serializable transactions
    both_looked = threading.Barrier(2, timeout=10)

    def container() -> CommentService:
        store = DynamoCommentStore(aws.name)
        # Both find no record for the key before either writes: the race the transaction settles.
        reads_all_before_any_write(store, both_looked)
        return CommentService(
            store, runtime.scorer(), runtime.settings(), runtime.secret(), spam=runtime.spam_filter()
        )

    services = [container(), container()]
    request = NewComment(author_name="Ada", body="Posted twice by a flaky network")

    # WHEN both submit the same comment with the same key at the same time
    def submit(service: CommentService) -> Submission:
        return decided(service, POST, request, READER_IP, idempotency_key="double-click")

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(submit, services)

    # THEN both get the same answer, one of them as a replay, and one comment is stored and counted
    assert (first.comment, first.status) == (second.comment, second.status)
    assert first.status == "published"
    assert sorted([first.replayed, second.replayed]) == [False, True]
    items = table_items(aws)
    assert [item["id"] for item in items.values() if item["pk"].startswith("COMMENT#")] == [first.comment.id]
    assert runtime.store().counts(POST)["published"] == 1
