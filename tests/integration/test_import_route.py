"""POST /moderation/import through the import function under moto: scored, stored once, threads and
counters kept as a submission keeps them, statuses kept, and the route's refusals."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from moderation import runtime
from moderation.events import events_from_record
from moderation.importing import imported_id
from moderation.store.table import comment_item

from tests.integration.conftest import HttpResult, invoke_handler, load_event

POST = "hello-world"
Call = Callable[..., HttpResult]


def comment(source_id: str, created_at: str, **fields: Any) -> dict[str, Any]:
    parent = fields.pop("parent", None)
    item: dict[str, Any] = {
        "source": "disqus",
        "source_id": source_id,
        "post_id": POST,
        "author_name": "Ada",
        "body": f"Comment {source_id}",
        "created_at": created_at,
        "status": "published",
        **fields,
    }
    if parent is not None:
        item["parent_source_id"], item["parent_created_at"] = parent
    return item


ROOT_COMMENT = comment("100", "2019-03-14T09:00:00Z", author_email="ada@example.com")
REPLIES = [
    comment("101", "2019-03-14T10:00:00Z", parent=("100", "2019-03-14T09:00:00Z"), author_name="Bob"),
    comment("102", "2019-03-14T11:00:00Z", parent=("100", "2019-03-14T09:00:00Z"), author_name="Cy"),
    comment("103", "2019-03-14T12:00:00Z", parent=("101", "2019-03-14T10:00:00Z"), author_name="Di"),
]


@pytest.fixture
def send(aws: Any) -> Call:
    """POST /moderation/import as the JWT authorizer passes it on (claims of `grace`)."""

    def call(body: Any, claims: dict[str, Any] | None = None) -> HttpResult:
        event = copy.deepcopy(load_event("moderation_import"))
        event["body"] = json.dumps(body)
        if claims is not None:
            event["requestContext"]["authorizer"]["jwt"]["claims"] = claims
        return invoke_handler("import_comments", event)

    return call


@pytest.fixture
def read(aws: Any) -> Call:
    """GET a public path through the list function."""

    def call(path: str, **query: str) -> HttpResult:
        event = copy.deepcopy(load_event("list_comments"))
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
        parts = path.strip("/").split("/")
        event["pathParameters"] = {
            "post_id": parts[1],
            **({"comment_id": parts[3]} if len(parts) > 3 else {}),
        }
        event["queryStringParameters"] = query or None
        event["rawQueryString"] = urlencode(query)
        return invoke_handler("list_comments", event)

    return call


def moderation(name: str, path: str, query: dict[str, str] | None = None) -> HttpResult:
    event = copy.deepcopy(load_event(name))
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["queryStringParameters"] = query
    event["rawQueryString"] = urlencode(query or {})
    if "{id}" in event["routeKey"]:
        event["pathParameters"] = {"id": path.rsplit("/", 1)[1]}
    return invoke_handler("moderation_api", event)


def counts(post_id: str | None = None) -> dict[str, int]:
    query = {"post_id": post_id} if post_id else None
    result: dict[str, int] = moderation("moderation_counts", "/moderation/counts", query).body["counts"]
    return result


def imported(send: Call, items: list[dict[str, Any]], **options: str) -> list[dict[str, Any]]:
    answer = send({"comments": items, **options})
    assert answer.status == 200, answer.body
    results: list[dict[str, Any]] = answer.body["results"]
    return results


def test_a_thread_imported_in_any_order_ends_up_whole(send: Call, read: Call) -> None:
    # GIVEN every reply sent before its parent, each in a batch of its own
    for item in [*reversed(REPLIES), ROOT_COMMENT]:
        assert imported(send, [item])[0]["result"] == "imported"
    # WHEN the blog reads the post's threads
    page = read(f"/posts/{POST}/comments", view="threads").body
    # THEN the top-level comment carries its two replies, oldest first, and the reply its own
    [top] = page["items"]
    assert top["id"] == imported_id("disqus", "100", top_created("2019-03-14T09:00:00Z"))
    assert top["reply_count"] == 2
    assert [reply["author_name"] for reply in top["replies"]] == ["Bob", "Cy"]
    assert [reply["reply_count"] for reply in top["replies"]] == [1, 0]
    nested = read(f"/posts/{POST}/comments/{top['replies'][0]['id']}/replies").body["items"]
    assert [reply["author_name"] for reply in nested] == ["Di"]
    assert nested[0]["created_at"].startswith("2019-03-14T12:00:00")


def test_a_batch_is_one_read_and_one_transaction(send: Call, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a thread's batch, counting the store's round trips
    from moderation.store.table import TableAccess, batch_get

    calls: list[str] = []
    transact = TableAccess.transact

    def counted_read(*args: Any, **kwargs: Any) -> Any:
        calls.append("BatchGetItem")
        return batch_get(*args, **kwargs)

    def counted_write(self: TableAccess, items: list[dict[str, Any]]) -> Any:
        calls.append("TransactWriteItems")
        return transact(self, items)

    monkeypatch.setattr("moderation.store.imports.batch_get", counted_read)
    monkeypatch.setattr(TableAccess, "transact", counted_write)
    # WHEN it is imported, replies and all
    assert [result["result"] for result in imported(send, [ROOT_COMMENT, *REPLIES])] == ["imported"] * 4
    # THEN storage was read once (existence and threads together) and written once
    assert calls == ["BatchGetItem", "TransactWriteItems"]
    # AND importing it again is one read
    calls.clear()
    assert [result["result"] for result in imported(send, [ROOT_COMMENT, *REPLIES])] == ["exists"] * 4
    assert calls == ["BatchGetItem"]


def test_a_parent_imported_between_a_batchs_read_and_its_write_is_counted_once(
    send: Call, read: Call, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a reply's batch that reads storage while its parent is absent, and another import
    # storing the parent right after that read (two batches at once)
    from moderation.store import DynamoCommentStore

    read_batch = DynamoCommentStore.read_batch
    raced: list[bool] = []

    def parent_arrives_after_the_read(self: DynamoCommentStore, *ids: list[str]) -> Any:
        found = read_batch(self, *ids)
        if not raced:
            raced.append(True)
            assert imported(send, [ROOT_COMMENT])[0]["result"] == "imported"
        return found

    monkeypatch.setattr(DynamoCommentStore, "read_batch", parent_arrives_after_the_read)
    # WHEN the reply's batch writes on what it read
    assert imported(send, [REPLIES[0]])[0]["result"] == "imported"
    # THEN the stale read cost a retry, not a count: the parent counts its one reply
    [top] = read(f"/posts/{POST}/comments", view="threads").body["items"]
    assert top["reply_count"] == 1
    assert [reply["author_name"] for reply in top["replies"]] == ["Bob"]
    assert counts(POST) == {"published": 2, "pending": 0, "rejected": 0}


def top_created(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_importing_twice_adds_nothing_and_says_so(send: Call) -> None:
    # GIVEN a thread imported once
    first = imported(send, [ROOT_COMMENT, *REPLIES])
    assert [result["result"] for result in first] == ["imported"] * 4
    before = (counts(), counts(POST))
    # WHEN the same export is imported again
    second = imported(send, [ROOT_COMMENT, *REPLIES])
    # THEN every comment is found, under the same id, and no count moved
    assert [result["result"] for result in second] == ["exists"] * 4
    assert [result["id"] for result in second] == [result["id"] for result in first]
    assert (counts(), counts(POST)) == before == ({"published": 4, "pending": 0, "rejected": 0},) * 2


def test_statuses_are_kept_and_scores_stored_with_who_imported_them(send: Call) -> None:
    # GIVEN comments that were held and removed on the old blog, one of them insulting
    items = [
        comment("200", "2020-01-01T00:00:00Z", status="pending"),
        comment("201", "2020-01-02T00:00:00Z", status="rejected", body="You idiot [[insult=0.95]]"),
        comment("202", "2020-01-03T00:00:00Z", body="Nice [[insult=0.6]]"),
    ]
    results = imported(send, items)
    # THEN each keeps its status; its scores and today's reasons are stored
    assert [result["status"] for result in results] == ["pending", "rejected", "published"]
    detail = moderation("moderation_comment", f"/moderation/comments/{results[2]['id']}").body
    assert detail["status"] == "published"
    assert detail["scores"]["insult"] == pytest.approx(0.6)
    assert detail["reasons"] == ["score:insult"]
    [entry] = detail["history"]
    assert entry["by"] == "grace"
    assert entry["note"] == "imported from disqus (id 202) as published"
    assert counts(POST) == {"published": 1, "pending": 1, "rejected": 1}


def test_rescore_decides_with_todays_policy(send: Call) -> None:
    # GIVEN an insult the old blog published, imported with status_policy rescore
    items = [comment("300", "2020-01-01T00:00:00Z", body="You idiot [[insult=0.95]]")]
    [result] = imported(send, items, status_policy="rescore")
    # THEN today's thresholds reject it
    assert result["status"] == "rejected"
    assert counts(POST)["rejected"] == 1


def test_counters_and_the_author_record_match_a_submission(send: Call, post_comment: Call) -> None:
    # GIVEN the same author submitting one comment and importing two (one held)
    post_comment({"author_name": "Ada", "body": "Live", "author_email": "ada@example.com"}, post_id=POST)
    imported(
        send,
        [
            ROOT_COMMENT,
            comment("400", "2020-01-01T00:00:00Z", author_email="ADA@example.com", status="pending"),
        ],
    )
    # THEN the author's record counts all three, like three submissions would
    detail = moderation(
        "moderation_comment",
        f"/moderation/comments/{imported_id('disqus', '100', top_created('2019-03-14T09:00:00Z'))}",
    ).body
    record = moderation("moderation_author", f"/moderation/authors/{detail['author_key']}").body
    assert (record["published"], record["pending"]) == (2, 1)
    assert counts(POST) == {"published": 2, "pending": 1, "rejected": 0}


def test_a_scorer_failure_stores_nothing_and_a_later_run_imports_it(
    send: Call, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a batch the scorer fails on
    items = [ROOT_COMMENT, comment("500", "2020-01-01T00:00:00Z", body="boom [[fail]]")]
    results = imported(send, items)
    # THEN each new comment says why, and nothing was stored
    assert [result["result"] for result in results] == ["error", "error"]
    assert {result["error"] for result in results} == {"scoring_unavailable"}
    assert counts() == {"published": 0, "pending": 0, "rejected": 0}
    # WHEN the scorer works again, the same comment imports
    assert imported(send, [ROOT_COMMENT])[0]["result"] == "imported"


def test_imported_comments_fire_no_webhook(send: Call) -> None:
    # GIVEN an imported comment as the table's stream shows its insert
    [result] = imported(send, [ROOT_COMMENT])
    stored = runtime.store().get(result["id"])
    assert stored is not None
    assert stored.imported is not None
    # THEN it stands for no event: old comments are not news
    assert events_from_record(None, comment_item(stored), "INSERT") == []


def test_the_route_refuses_too_many_comments_and_anyone_but_moderators(send: Call) -> None:
    too_many = [comment(str(600 + n), "2020-01-01T00:00:00Z") for n in range(26)]
    assert send({"comments": too_many}).status == 422
    assert send({"comments": []}).status == 422
    reader = {"sub": "abc", "username": "reader", "cognito:groups": "[readers]"}
    assert send({"comments": [ROOT_COMMENT]}, claims=reader).status == 403
    assert send({"comments": [ROOT_COMMENT]}, claims={}).status == 401
    orphan = comment("700", "2020-01-01T00:00:00Z", parent_source_id="699")
    assert send({"comments": [orphan]}).status == 422  # a parent's id needs its date too
    assert counts() == {"published": 0, "pending": 0, "rejected": 0}
