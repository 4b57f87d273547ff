"""Whatever body or Content-Type a client sends, every route answers 4xx in the envelope, never
5xx, and a refused request changes nothing (no rate-limit hit, no comment)."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moderation import runtime

from tests.integration.conftest import HttpResult, invoke_handler, load_event

# Every POST route: (the event in events/, the function that serves it).
POST_ROUTES = {
    "submit": ("submit_comment", "submit_comment"),
    "decision": ("moderation_decision", "moderation_api"),
    "claims": ("moderation_claims", "moderation_api"),
}


def send(route: str, body: str | bytes | None, content_type: str | None = "application/json") -> HttpResult:
    event_name, module = POST_ROUTES[route]
    event = copy.deepcopy(load_event(event_name))
    event["headers"].pop("idempotency-key", None)
    event["headers"].pop("content-type", None)
    if content_type is not None:
        event["headers"]["content-type"] = content_type
    if isinstance(body, bytes):
        event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    elif body is None:
        event.pop("body", None)
    else:
        event["body"] = body
    return invoke_handler(module, event)


def assert_envelope(result: HttpResult) -> None:
    assert result.status < 500, result.body
    if result.status >= 400:
        assert set(result.body) == {"error"}
        assert isinstance(result.body["error"]["code"], str)
        assert isinstance(result.body["error"]["message"], str)


def table_items(table: Any) -> list[dict[str, Any]]:
    return list(table.scan(ConsistentRead=True)["Items"])


@pytest.fixture
def rate_limited(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "5")
    runtime.reset()
    return aws


HOSTILE_JSON = {
    "lone surrogate": ('{"author_name": "a", "body": "hi \\ud800"}', 400, "invalid_json"),
    "lone surrogate in a key": ('{"author_name": "a", "body": "hi", "\\udfff": 1}', 400, "invalid_json"),
    "nested 3000 deep": (
        '{"author_name": "a", "body": ' + "[" * 3000 + "]" * 3000 + "}",
        400,
        "invalid_json",
    ),
    "a 4301-digit number": ('{"author_name": "a", "body": ' + "9" * 4301 + "}", 400, "invalid_json"),
    "NaN": ('{"author_name": "a", "body": NaN}', 400, "invalid_json"),
    "Infinity": ('{"author_name": "a", "body": -Infinity}', 400, "invalid_json"),
    "an empty body": ("", 400, "invalid_json"),
    "an array of the object": ('[{"author_name": "a", "body": "hi"}]', 422, "invalid_request"),
    "a string": ('"hi"', 422, "invalid_request"),
    "a number": ("42", 422, "invalid_request"),
    "null": ("null", 422, "invalid_request"),
}


@pytest.mark.parametrize("case", HOSTILE_JSON)
def test_hostile_json_is_refused_in_the_envelope(rate_limited: Any, case: str) -> None:
    # GIVEN a body no route can accept
    body, status, code = HOSTILE_JSON[case]
    before = table_items(rate_limited)
    for route in POST_ROUTES:
        # WHEN it is POSTed to each route
        result = send(route, body)

        # THEN a 4xx with the contract's code, and nothing counted or stored
        assert (result.status, result.body["error"]["code"]) == (status, code), route
        assert_envelope(result)
        assert table_items(rate_limited) == before


def test_a_refused_body_uses_no_quota(rate_limited: Any) -> None:
    # GIVEN a client that sends five undecodable bodies (limit 5 a minute)
    for _ in range(5):
        assert send("submit", '{"author_name": "a", "body": "\\ud800"}').status == 400

    # WHEN it then sends a valid comment
    result = send("submit", json.dumps({"author_name": "a", "body": "A fine comment."}))

    # THEN it is accepted: the refusals did not count against the limit
    assert result.status == 201


CONTENT_TYPES_ACCEPTED = ["application/json", "APPLICATION/JSON", "Application/JSON; charset=utf-8"]
CONTENT_TYPES_REFUSED = [
    None,
    "",
    "text/plain",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/jsonp",
    "application/json-patch+json",
]


@pytest.mark.parametrize("content_type", CONTENT_TYPES_ACCEPTED)
def test_json_content_type_is_matched_case_insensitively(aws: Any, content_type: str) -> None:
    result = send("submit", json.dumps({"author_name": "a", "body": "Nice post."}), content_type)
    assert result.status == 201


@pytest.mark.parametrize("route", POST_ROUTES)
def test_a_post_that_is_not_json_is_415_and_changes_nothing(rate_limited: Any, route: str) -> None:
    # GIVEN a valid body sent without the JSON media type (as a cross-site no-cors fetch would)
    event_name, _ = POST_ROUTES[route]
    before = table_items(rate_limited)
    for content_type in CONTENT_TYPES_REFUSED:
        # WHEN it is POSTed
        result = send(route, load_event(event_name)["body"], content_type)

        # THEN 415 unsupported_media_type, and nothing happened
        assert (result.status, result.body["error"]["code"]) == (415, "unsupported_media_type"), content_type
        assert table_items(rate_limited) == before


# Text that may hold lone surrogates, which JSON can escape ("\ud800") but UTF-8 cannot carry.
any_text = st.text(st.characters() | st.characters(categories=["Cs"]), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["author_name", "body", "author_email", "parent_id", "action", "note", "version", "count", "post_id"]
)
objects_with_known_fields = st.dictionaries(field_names, json_values, max_size=5)
# Well-formed JSON that parsers choke on: deep nesting and integers longer than Python converts.
awkward_json = st.one_of(
    st.integers(min_value=1, max_value=4000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(min_value=1, max_value=4000).map(lambda depth: '{"a":' * depth + "1" + "}" * depth),
    st.integers(min_value=4000, max_value=5000).map(lambda digits: '{"count": ' + "7" * digits + "}"),
)


@pytest.mark.parametrize("route", POST_ROUTES)
def test_no_json_value_reaches_a_5xx(aws: Any, route: str) -> None:
    @given(text=(json_values | objects_with_known_fields).map(json.dumps) | awkward_json)
    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    def answered(text: str) -> None:
        assert_envelope(send(route, text))

    answered()


@pytest.mark.parametrize("route", POST_ROUTES)
def test_no_bytes_reach_a_5xx(aws: Any, route: str) -> None:
    @given(data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    def answered(data: bytes) -> None:
        assert_envelope(send(route, data))
        try:
            text = data.decode()
        except UnicodeDecodeError:
            return
        assert_envelope(send(route, text))

    answered()
