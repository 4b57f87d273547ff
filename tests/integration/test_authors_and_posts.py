"""Authors (records, ban, trust), post settings and pre-moderation through the real handlers under
moto (tables from template.yaml)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from moderation import runtime

from tests.integration.conftest import HttpResult
from tests.integration.test_moderation_handler import HOLD, POST, Moderate, moderate

__all__ = ["moderate"]

Post = Callable[..., HttpResult]


@pytest.fixture
def post(post_comment: Post) -> Post:
    def send(
        body: str, email: str = "ada@example.com", post_id: str = POST, ip: str = "203.0.113.24"
    ) -> HttpResult:
        return post_comment(
            {"author_name": "Ada", "body": body, "author_email": email}, post_id=post_id, source_ip=ip
        )

    return send


def author_key_of(moderate: Moderate, comment_id: str) -> str:
    key: str = moderate("GET", f"comments/{comment_id}").body["author_key"]
    return key


def test_an_authors_record_counts_their_comments_as_they_are_decided(
    moderate: Moderate, post: Post, list_comments: Post
) -> None:
    published = post("A fine comment")
    held = post(f"A sharp one {HOLD}", ip="198.51.100.9")
    post("Someone else", email="bob@example.com")
    key = author_key_of(moderate, published.body["id"])
    # public answers never carry the key
    assert "author_key" not in published.body
    assert all("author_key" not in item for item in list_comments().body["items"])

    assert moderate("GET", f"authors/{key}").body == {
        "author_key": key,
        "author_key_kind": "email",
        "published": 1,
        "pending": 1,
        "rejected": 0,
        "banned": False,
        "trusted": False,
    }
    [queued] = moderate("GET", "queue").body["items"]
    assert (queued["author_key"], queued["author"]["pending"]) == (key, 1)
    moderate("POST", f"comments/{held.body['id']}/decision", {"action": "reject"})
    record = moderate("GET", f"authors/{key}").body
    assert (record["published"], record["pending"], record["rejected"]) == (1, 0, 1)
    assert moderate("GET", f"comments/{held.body['id']}").body["author"]["rejected"] == 1


def test_a_ban_holds_new_comments_and_can_take_the_published_ones_down(
    moderate: Moderate, post: Post, list_comments: Post
) -> None:
    first, second = post("First").body["id"], post("Second").body["id"]
    bob = post("Bob's", email="bob@example.com").body["id"]
    key = author_key_of(moderate, first)

    result = moderate(
        "POST", f"authors/{key}/actions", {"action": "ban", "hide_published": True, "note": "spammer"}
    )

    assert result.status == 200
    assert (result.body["banned"], result.body["published"], result.body["rejected"]) == (True, 0, 2)
    assert [item["id"] for item in list_comments().body["items"]] == [bob]
    history = moderate("GET", f"comments/{second}").body["history"]
    assert [(h["by"], h["to"], h["note"]) for h in history] == [("grace", "rejected", "spammer")]
    held = post("After the ban")
    assert held.status == 202
    assert moderate("GET", f"comments/{held.body['id']}").body["reasons"] == ["banned_author"]

    record = moderate("POST", f"authors/{key}/actions", {"action": "unban"}).body
    assert record["banned"] is False
    assert post("Forgiven").status == 201


def test_trust_lets_the_models_doubts_pass_but_not_its_rejections(moderate: Moderate, post: Post) -> None:
    key = author_key_of(moderate, post("Hello").body["id"])
    assert moderate("POST", f"authors/{key}/actions", {"action": "trust"}).body["trusted"] is True
    assert post(f"Sharp but fair {HOLD}").status == 201
    assert post("Over the line [[threat=0.95]]").status == 422
    moderate("POST", f"authors/{key}/actions", {"action": "untrust"})
    assert post(f"Sharp again {HOLD}").status == 202


def test_author_routes_refuse_bad_keys_and_actions(moderate: Moderate) -> None:
    assert moderate("GET", "authors/not-a-key").status == 422
    result = moderate("POST", f"authors/{'a' * 24}/actions", {"action": "delete"})
    assert (result.status, result.body["error"]["code"]) == (422, "invalid_request")


def test_a_closed_post_refuses_comments_with_403(moderate: Moderate, post: Post) -> None:
    assert moderate("GET", f"posts/{POST}").body == {"post_id": POST, "premoderate": False, "closed": False}
    settings = moderate("POST", f"posts/{POST}", {"closed": True})
    assert settings.body == {"post_id": POST, "premoderate": False, "closed": True}

    refused = post("Anyone there?")
    assert (refused.status, refused.body["error"]["code"]) == (403, "comments_closed")
    assert post("Elsewhere", post_id="another-post").status == 201
    assert moderate("POST", f"posts/{POST}", {"closed": False}).body["closed"] is False
    assert post("Open again").status == 201


def test_a_premoderated_post_holds_every_comment(moderate: Moderate, post: Post) -> None:
    moderate("POST", f"posts/{POST}", {"premoderate": True})
    held = post("Clean but waits")
    assert held.status == 202
    assert moderate("GET", f"comments/{held.body['id']}").body["reasons"] == ["premoderated"]
    # only the fields given change
    assert moderate("POST", f"posts/{POST}", {}).body["premoderate"] is True


def test_premoderating_new_authors(monkeypatch: pytest.MonkeyPatch, moderate: Moderate, post: Post) -> None:
    monkeypatch.setenv("PREMODERATE", "new_authors")
    runtime.reset()
    first = post("My first comment")
    assert first.status == 202
    moderate("POST", f"comments/{first.body['id']}/decision", {"action": "approve"})
    assert post("My second comment").status == 201
    assert post("A newcomer", email="new@example.com").status == 202


def test_post_settings_are_strict(moderate: Moderate) -> None:
    for body in ({"closed": "yes"}, {"closed": 1}, {"archived": True}):
        result: Any = moderate("POST", f"posts/{POST}", body)
        assert (result.status, result.body["error"]["code"]) == (422, "invalid_request")
