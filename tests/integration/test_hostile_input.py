"""Hostile input through the real handlers: undecodable bodies, wrong types, tampered cursors."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.integration.conftest import HttpResult, invoke_handler, load_event

Call = Callable[..., HttpResult]
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def test_a_body_that_is_not_utf8_is_invalid_json_not_a_crash(aws: Any) -> None:
    # GIVEN bytes that are not UTF-8, which API Gateway passes on base64-encoded
    event = copy.deepcopy(load_event("submit_comment"))
    event["body"] = base64.b64encode(b"\xef\x00{}").decode()
    event["isBase64Encoded"] = True

    # WHEN the submit handler gets them
    result = invoke_handler("submit_comment", event)

    # THEN 400 invalid_json, as for any other body that is not JSON
    assert (result.status, result.body["error"]["code"]) == (400, "invalid_json")


@pytest.mark.parametrize(
    ("event_name", "body"),
    [("moderation_claims", {"count": True}), ("moderation_decision", {"action": "approve", "version": True})],
)
def test_a_boolean_is_not_a_number(aws: Any, event_name: str, body: dict[str, Any]) -> None:
    # GIVEN a moderator's request with `true` where the document says integer
    event = copy.deepcopy(load_event(event_name))
    event["body"] = json.dumps(body)

    # WHEN the moderation handler gets it
    result = invoke_handler("moderation_api", event)

    # THEN 422 invalid_request, not a lease of one comment or a decision on version 1
    assert (result.status, result.body["error"]["code"]) == (422, "invalid_request")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_tampered_cursor_is_refused_and_never_pages_another_post(
    post_comment: Call, list_comments: Call
) -> None:
    # GIVEN two posts with published comments, and a genuine cursor into each
    for post in ("post-a", "post-b"):
        for n in range(4):
            assert post_comment({"author_name": f"R{n}", "body": f"{post} {n}"}, post_id=post).status == 201
    cursor_a: str = list_comments(post_id="post-a", limit="1").body["next_cursor"]
    cursor_b: str = list_comments(post_id="post-b", limit="1").body["next_cursor"]
    genuine_page = list_comments(post_id="post-a", limit="2", cursor=cursor_a).body
    payload_a, signature_a = cursor_a.split(".")
    payload_b, signature_b = cursor_b.split(".")
    # A forger's best tries: B's position under A's signature, and A's payload edited to point at B.
    forged_key = {k: str(v).replace("post-a", "post-b") for k, v in json.loads(_unb64(payload_a)).items()}
    forgeries = [
        cursor_b,
        f"{payload_b}.{signature_a}",
        f"{payload_a}.{signature_b}",
        f"{_b64(json.dumps(forged_key, sort_keys=True, separators=(',', ':')).encode())}.{signature_a}",
    ]

    def substitute(position: int, char: str) -> str:
        index = position % len(cursor_a)
        return cursor_a[:index] + char + cursor_a[index + 1 :]

    def delete(position: int) -> str:
        index = position % len(cursor_a)
        return cursor_a[:index] + cursor_a[index + 1 :]

    tampered_cursors = st.one_of(
        st.sampled_from(forgeries),
        st.builds(substitute, st.integers(min_value=0), st.sampled_from(BASE64URL + ".=")),
        st.builds(delete, st.integers(min_value=0)),
        st.builds(lambda extra: cursor_a + extra, st.text(BASE64URL + ".", min_size=1, max_size=8)),
    )

    @given(tampered=tampered_cursors)
    @settings(max_examples=150, deadline=None)
    def refused(tampered: str) -> None:
        # WHEN post A's comments are listed with the tampered cursor
        result = list_comments(post_id="post-a", limit="2", cursor=tampered)

        # THEN 400 invalid_cursor; or, if the change left the decoded bytes as they were (base64's
        # unused padding bits), exactly the page the genuine cursor gives
        if result.status == 200:
            assert result.body == genuine_page
        else:
            assert (result.status, result.body["error"]["code"]) == (400, "invalid_cursor")

    refused()


def _listing(event_name: str, cursors: list[str]) -> dict[str, Any]:
    event = copy.deepcopy(load_event(event_name))
    # API Gateway joins a repeated query parameter's values with commas.
    event["queryStringParameters"] = {"cursor": ",".join(cursors)}
    event["rawQueryString"] = "&".join(f"cursor={cursor}" for cursor in cursors)
    return event


@pytest.mark.parametrize(
    ("event_name", "module"),
    [("list_comments", "list_comments"), ("moderation_queue", "moderation_api")],
)
@pytest.mark.parametrize(
    "cursors",
    [["A" * 2049], ["A" * 10_000], ["abc.def", "abc.def"], ["a", "b"], [""]],
    ids=["2049 characters", "10000 characters", "the same one twice", "two", "empty"],
)
def test_any_bad_cursor_is_400_invalid_cursor(
    aws: Any, event_name: str, module: str, cursors: list[str]
) -> None:
    # WHEN a listing is asked for with a cursor we could never have made
    result = invoke_handler(module, _listing(event_name, cursors))

    # THEN 400 invalid_cursor, as for a forged one (not 422)
    assert (result.status, result.body["error"]["code"]) == (400, "invalid_cursor")
