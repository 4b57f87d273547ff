"""Threads, replies and counts through the real list handler, with moto (GIVEN / WHEN / THEN)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from moderation import runtime
from moderation.models.base import Moderator
from moderation.models.review import DecisionRequest

from tests.integration.conftest import HttpResult, invoke_handler, load_event

Call = Callable[..., HttpResult]
POST = "why-we-moderate"


@pytest.fixture
def get(aws: Any) -> Call:
    """GET any public path through the list function, the way API Gateway would route it."""

    def call(
        path: str, query: list[tuple[str, str]] | None = None, path_parameters: dict[str, str] | None = None
    ) -> HttpResult:
        event = copy.deepcopy(load_event("list_comments"))
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
        event["pathParameters"] = path_parameters or {}
        joined: dict[str, list[str]] = {}
        for name, value in query or []:
            joined.setdefault(name, []).append(value)
        # HTTP API joins a repeated query parameter's values with commas.
        event["queryStringParameters"] = {name: ",".join(values) for name, values in joined.items()} or None
        event["rawQueryString"] = urlencode(query or [])
        return invoke_handler("list_comments", event)

    return call


@pytest.fixture
def say(post_comment: Call) -> Callable[..., str]:
    def post(author: str, body: str, parent_id: str | None = None, post_id: str = POST) -> str:
        fields = {"author_name": author, "body": body, **({"parent_id": parent_id} if parent_id else {})}
        result = post_comment(fields, post_id=post_id)
        assert result.status in (201, 202), result.body
        return str(result.body["id"])

    return post


def threads(get: Call, **query: str) -> HttpResult:
    return get(f"/posts/{POST}/comments", [("view", "threads"), *query.items()], {"post_id": POST})


def replies(get: Call, comment_id: str, **query: str) -> HttpResult:
    return get(
        f"/posts/{POST}/comments/{comment_id}/replies",
        list(query.items()),
        {"post_id": POST, "comment_id": comment_id},
    )


def decide(comment_id: str, action: str) -> None:
    runtime.review_service().decide(comment_id, DecisionRequest(action=action), Moderator("grace"))


def test_a_reply_shows_under_its_parent_not_under_the_latest_comment(
    get: Call, say: Callable[..., str]
) -> None:
    # GIVEN Ada's comment, then Carol's, then a reply to Ada
    ada = say("Ada", "First!")
    carol = say("Carol", "Second.")
    reply = say("Bob", "Replying to Ada", parent_id=ada)

    # WHEN the blog asks for threads
    page = threads(get)

    # THEN the top level is Ada then Carol, and the reply is under Ada
    assert page.status == 200
    assert [item["id"] for item in page.body["items"]] == [ada, carol]
    first, second = page.body["items"]
    assert (first["reply_count"], [r["id"] for r in first["replies"]]) == (1, [reply])
    assert (second["reply_count"], second["replies"]) == (0, [])
    assert first["replies"][0]["reply_count"] == 0
    private = {"scores", "reasons", "author_email_hash", "client_hash", "first_replies", "history"}
    assert not private & (set(first) | set(first["replies"][0]))


def test_threads_show_the_first_three_replies_and_the_rest_page_by_page(
    get: Call, say: Callable[..., str]
) -> None:
    root = say("Ada", "A popular comment")
    ids = [say(f"Reader {n}", f"reply number {n}", parent_id=root) for n in range(5)]
    nested = say("Ada", "answering reader 0", parent_id=ids[0])

    [item] = threads(get).body["items"]
    assert item["reply_count"] == 5
    assert [reply["id"] for reply in item["replies"]] == ids[:3]
    assert item["replies"][0]["reply_count"] == 1

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        page = replies(get, root, limit="2", **({"cursor": cursor} if cursor else {}))
        assert page.status == 200
        seen += [reply["id"] for reply in page.body["items"]]
        cursor = page.body["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    assert [r["id"] for r in replies(get, ids[0]).body["items"]] == [nested]


def test_held_replies_count_once_approved_and_in_their_place(get: Call, say: Callable[..., str]) -> None:
    root = say("Ada", "Root")
    held = say("Mallory", "borderline reply [[insult=0.6]]", parent_id=root)
    later = say("Bob", "a later reply", parent_id=root)
    assert threads(get).body["items"][0]["reply_count"] == 1

    decide(held, "approve")

    [item] = threads(get).body["items"]
    assert item["reply_count"] == 2
    assert [reply["id"] for reply in item["replies"]] == [held, later]


def test_a_reply_taken_down_leaves_the_thread_and_the_next_one_takes_its_place(
    get: Call, say: Callable[..., str]
) -> None:
    root = say("Ada", "Root")
    ids = [say(f"Reader {n}", f"reply {n}", parent_id=root) for n in range(4)]

    decide(ids[1], "reject")

    [item] = threads(get).body["items"]
    assert item["reply_count"] == 3
    assert [reply["id"] for reply in item["replies"]] == [ids[0], ids[2], ids[3]]
    assert [reply["id"] for reply in replies(get, root).body["items"]] == [ids[0], ids[2], ids[3]]


def test_replies_of_a_comment_that_is_not_published_here_are_not_found(
    get: Call, say: Callable[..., str]
) -> None:
    held = say("Mallory", "held [[insult=0.6]]")
    elsewhere = say("Ada", "on another post", post_id="another-post")

    for comment_id in (held, elsewhere, "01NOPE"):
        result = replies(get, comment_id)
        assert (result.status, result.body["error"]["code"]) == (404, "not_found")


def test_a_page_of_threads_costs_the_same_whatever_the_posts_size(
    get: Call, say: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def count_calls() -> int:
        calls.clear()
        threads(get, limit="3")
        return len(calls)

    for n in range(4):
        root = say(f"Reader {n}", f"comment {n}")
        for m in range(2):
            say(f"Replier {n}.{m}", f"reply {n}.{m}", parent_id=root)
    events = runtime.reading_service()._store._db.client.meta.events  # type: ignore[attr-defined]
    events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name), unique_id="count")
    small = count_calls()
    for n in range(4, 12):
        root = say(f"Reader {n}", f"comment {n}")
        for m in range(2):
            say(f"Replier {n}.{m}", f"reply {n}.{m}", parent_id=root)
    large = count_calls()

    assert small == large
    assert sorted(set(calls)) == ["BatchGetItem", "Query"]


def test_counts_are_exact_and_cacheable(get: Call, say: Callable[..., str]) -> None:
    root = say("Ada", "one")
    say("Bob", "two", parent_id=root)
    say("Mallory", "held [[insult=0.6]]")
    say("Carol", "elsewhere", post_id="another-post")

    one = get(f"/posts/{POST}/comments/count", None, {"post_id": POST})
    many = get(
        "/comments/counts", [("post_id", POST), ("post_id", "another-post"), ("post_id", "quiet-post")]
    )

    assert (one.status, one.body) == (200, {"post_id": POST, "published": 2})
    assert (many.status, many.body) == (200, {"counts": {POST: 2, "another-post": 1, "quiet-post": 0}})
    assert "max-age" in one.headers["cache-control"]
    assert "max-age" in many.headers["cache-control"]


@pytest.mark.parametrize("count", [0, 51])
def test_counts_take_one_to_fifty_posts(get: Call, count: int) -> None:
    result = get("/comments/counts", [("post_id", f"post-{n}") for n in range(count)])
    assert result.status in (400, 422)
    assert result.status < 500
