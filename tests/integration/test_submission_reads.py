"""A submission reads everything its checks need in one round trip, then writes in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from moderation import runtime

from tests.integration.conftest import HttpResult


@pytest.fixture
def calls(aws: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    """Each DynamoDB call of the store's client: the operation and the partition keys it reads."""
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "100")
    runtime.reset()
    seen: list[tuple[str, list[str]]] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        request = json.loads(params["body"])
        keys = [key["pk"]["S"] for table in request.get("RequestItems", {}).values() for key in table["Keys"]]
        seen.append((model.name, sorted(key.split("#")[0] for key in keys)))

    runtime.store()._db.client.meta.events.register("before-call.dynamodb", record, unique_id="count")
    return seen


def test_a_reply_with_a_key_an_author_and_a_rate_limit_is_one_read_and_one_write(
    post_comment: Callable[..., HttpResult], calls: list[tuple[str, list[str]]]
) -> None:
    # GIVEN a published comment to reply to, and the rate limit on
    parent = post_comment({"author_name": "Grace", "body": "The parent."}, source_ip="198.51.100.9")
    assert parent.status == 201
    calls.clear()

    # WHEN a reader replies with an e-mail address and an idempotency key
    reply = post_comment(
        {
            "author_name": "Ada",
            "author_email": "ada@example.org",
            "body": "A reply.",
            "parent_id": parent.body["id"],
        },
        headers={"idempotency-key": "once"},
    )

    # THEN the key's record, the post's settings, the rate log, the author, the parent, a block on
    # the address and the spam filter's counts (the site's totals, "name:ada" and "reply") came in
    # one consistent read, and the comment with all its records in one transaction
    assert reply.status == 201
    assert calls == [
        (
            "BatchGetItem",
            ["ADDRESS", "AUTHOR", "COMMENT", "IDEMPOTENCY", "POST", "RATE", "SPAM", "SPAM", "SPAM"],
        ),
        ("TransactWriteItems", []),
    ]


def test_a_repeated_key_is_answered_from_the_same_read(
    post_comment: Callable[..., HttpResult], calls: list[tuple[str, list[str]]]
) -> None:
    # GIVEN a comment stored with an idempotency key
    first = post_comment({"author_name": "Ada", "body": "Sent twice."}, headers={"idempotency-key": "twice"})
    calls.clear()

    # WHEN the same request comes again
    again = post_comment({"author_name": "Ada", "body": "Sent twice."}, headers={"idempotency-key": "twice"})

    # THEN the first answer is replayed after one read, and nothing is written
    assert (again.status, again.body["id"], again.headers["idempotent-replayed"]) == (
        201,
        first.body["id"],
        "true",
    )
    assert [operation for operation, _ in calls] == ["BatchGetItem"]
