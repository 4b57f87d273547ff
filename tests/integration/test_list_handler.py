"""GET /posts/{post_id}/comments through the real handler, with moto."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.conftest import HttpResult, invoke_handler, load_event

Call = Callable[..., HttpResult]
PUBLIC_FIELDS = {"id", "post_id", "parent_id", "author_name", "body", "created_at", "status"}


@pytest.fixture
def seeded(post_comment: Call) -> list[str]:
    """Seven published comments and a held and a rejected one, on one post; one on another post."""
    ids = [post_comment({"author_name": f"Reader {n}", "body": f"comment {n}"}).body["id"] for n in range(7)]
    post_comment({"author_name": "Held", "body": "held [[insult=0.6]]", "author_email": "h@example.com"})
    post_comment({"author_name": "Rejected", "body": "abuse [[insult=0.99]]"})
    post_comment({"author_name": "Elsewhere", "body": "other post"}, post_id="another-post")
    return ids


@pytest.mark.parametrize("limit", [1, 2, 3, 6, 7, 8, 100])
def test_paging_returns_every_published_comment_once_oldest_first(
    list_comments: Call, seeded: list[str], limit: int
) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        query = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
        page = list_comments(**query)
        assert page.status == 200
        assert len(page.body["items"]) <= limit
        seen.extend(item["id"] for item in page.body["items"])
        cursor = page.body["next_cursor"]
        if cursor is None:
            break
    assert seen == seeded


def test_default_page_and_public_fields_only(list_comments: Call, seeded: list[str]) -> None:
    page = list_comments()
    assert page.body["next_cursor"] is None
    assert [item["id"] for item in page.body["items"]] == seeded
    for item in page.body["items"]:
        assert set(item) == PUBLIC_FIELDS
        assert item["status"] == "published"


def test_sample_event(aws: Any, post_comment: Call) -> None:
    post_comment({"author_name": "Ada", "body": "hello"})
    result = invoke_handler("list_comments", load_event("list_comments"))
    assert result.status == 200
    assert [item["body"] for item in result.body["items"]] == ["hello"]


def test_empty_post(list_comments: Call) -> None:
    assert list_comments(post_id="nothing-here").body == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_limit_out_of_range(list_comments: Call, limit: str) -> None:
    result = list_comments(limit=limit)
    assert (result.status, result.body["error"]["code"]) == (422, "invalid_request")


def test_bad_cursor(list_comments: Call) -> None:
    result = list_comments(cursor="not-a-cursor")
    assert (result.status, result.body["error"]["code"]) == (400, "invalid_cursor")


def test_cursor_from_another_post_is_refused(
    list_comments: Call, post_comment: Call, seeded: list[str]
) -> None:
    cursor = list_comments(limit="1").body["next_cursor"]
    result = list_comments(post_id="another-post", cursor=cursor)
    assert (result.status, result.body["error"]["code"]) == (400, "invalid_cursor")


def test_invalid_post_id(list_comments: Call) -> None:
    result = list_comments(post_id="no spaces")
    assert (result.status, result.body["error"]["code"]) == (400, "invalid_post_id")
