"""The rate limit against DynamoDB (moto): a sliding minute, atomic across containers, counting
only comments that were stored."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from moderation import runtime
from moderation.errors import RateLimited
from moderation.models.comments import NewComment
from moderation.service import CommentService
from moderation.store import DynamoCommentStore

from tests.integration.conftest import HttpResult
from tests.support.races import reads_all_before_any_write
from tests.support.submissions import decided

Post = Callable[..., HttpResult]
POST = "why-we-moderate"
READER_IP = "203.0.113.24"


@pytest.fixture
def limit_of_five(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "5")
    runtime.reset()
    return aws


def stored_comments(table: Any) -> int:
    return sum(1 for item in table.scan(ConsistentRead=True)["Items"] if item["pk"].startswith("COMMENT#"))


def test_concurrent_posts_from_one_client_never_exceed_the_limit(
    limit_of_five: Any, serializable_transactions: None
) -> None:
    # GIVEN twelve Lambda containers (own service and store) on one table, a limit of 5, and every
    # container reading the client's rate log before any of them writes
    containers = 12
    all_read = threading.Barrier(containers, timeout=10)

    def container() -> CommentService:
        store = DynamoCommentStore(limit_of_five.name)
        reads_all_before_any_write(store, all_read)
        return CommentService(
            store, runtime.scorer(), runtime.settings(), runtime.secret(), spam=runtime.spam_filter()
        )

    services = [container() for _ in range(containers)]

    # WHEN the same client posts through all of them at once
    def submit(numbered: tuple[int, CommentService]) -> str:
        n, service = numbered
        try:
            return decided(
                service, POST, NewComment(author_name="Ada", body=f"at once {n}"), READER_IP
            ).status
        except RateLimited:
            return "rate_limited"

    with ThreadPoolExecutor(containers) as pool:
        outcomes = list(pool.map(submit, enumerate(services)))

    # THEN exactly five are stored and the rest refused
    assert sorted(outcomes) == ["published"] * 5 + ["rate_limited"] * 7
    assert stored_comments(limit_of_five) == 5


def test_invalid_and_duplicate_requests_use_no_quota(post_comment: Post, limit_of_five: Any) -> None:
    # GIVEN a client whose one comment is stored
    assert post_comment({"author_name": "Ada", "body": "Once."}).status == 201

    # WHEN it sends invalid requests and duplicates, many more than its limit
    for _ in range(6):
        assert post_comment({"author_name": "Ada", "body": "   "}).status == 422
        assert post_comment({"author_name": "Ada"}).status == 422
        assert post_comment({"author_name": "Ada", "body": "Once."}).status == 409

    # THEN it still has four posts left in this minute, and no more
    statuses = [post_comment({"author_name": "Ada", "body": f"Later {n}"}).status for n in range(5)]
    assert statuses == [201, 201, 201, 201, 429]


def test_rate_limited_answer_says_when_to_retry(post_comment: Post, limit_of_five: Any) -> None:
    for n in range(5):
        assert post_comment({"author_name": "Ada", "body": f"Quick {n}"}).status == 201
    refused = post_comment({"author_name": "Ada", "body": "One too many"})
    assert (refused.status, refused.body["error"]["code"]) == (429, "rate_limited")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Another client is not limited by this one.
    assert post_comment({"author_name": "Bo", "body": "Hi"}, source_ip="198.51.100.1").status == 201
