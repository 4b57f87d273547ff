"""The edge's spam signals through the real submit function under moto: the form token's route,
its one use remembered in the comment's transaction, and recent texts' bands read in the
submission's one BatchGetItem."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moderation import runtime

from tests.integration.conftest import HttpResult, invoke_handler, load_event

CAMPAIGN = (
    "Great article! I have been looking for information like this for ages. Visit my shop "
    "for the best deals on replica watches, shipped worldwide."
)


@pytest.fixture
def widget(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader who takes no time at all: the signals other than too_fast are what is tested."""
    monkeypatch.setenv("FORM_MIN_SECONDS", "0")
    runtime.reset()


def form_token(post_id: str = "why-we-moderate") -> HttpResult:
    event = copy.deepcopy(load_event("submit_comment"))
    event["headers"].pop("idempotency-key")
    event["headers"].pop("content-type", None)
    event["requestContext"]["http"]["method"] = "GET"
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/posts/{post_id}/form"
    event["routeKey"] = "GET /posts/{post_id}/form"
    event["pathParameters"] = {"post_id": post_id}
    event["body"] = None
    return invoke_handler("submit_comment", event)


def signals(table: Any, comment_id: str) -> list[str]:
    item = table.get_item(Key={"pk": f"COMMENT#{comment_id}", "sk": "COMMENT"})["Item"]
    return list(item.get("spam_signals", []))


def test_the_form_route_hands_out_a_fresh_token_never_cached(widget: None) -> None:
    first, second = form_token(), form_token()
    assert first.status == 200
    assert first.headers["cache-control"] == "no-store"
    assert first.body["token"] != second.body["token"]
    assert form_token("not a post id!").status == 400


def test_a_token_is_good_once_then_replayed(
    aws: Any, widget: None, post_comment: Callable[..., HttpResult]
) -> None:
    token = form_token().body["token"]
    first = post_comment({"author_name": "Ada", "body": "One comment.", "form_token": token, "website": ""})
    again = post_comment({"author_name": "Ada", "body": "Another one.", "form_token": token, "website": ""})
    assert (first.status, again.status) == (201, 201)
    assert signals(aws, first.body["id"]) == ["first_comment"]
    assert "replayed_form" in signals(aws, again.body["id"])


@pytest.mark.parametrize(
    ("fields", "signal"),
    [
        (
            {"form_token": "1.AAAAAAAAAAAAAAAAAAAAAA.00000000000000000000000000000000", "website": ""},
            "tampered_form",
        ),
        ({"form_token": "x" * 1000, "website": ""}, "tampered_form"),
        ({"website": "https://spam.example/" + "x" * 4000}, "honeypot"),
        ({"website": ""}, "missing_form"),
        ({"website": "https://spam.example"}, "honeypot"),
    ],
)
def test_a_bad_token_or_a_filled_honeypot_is_a_signal_not_an_error(
    aws: Any, widget: None, post_comment: Callable[..., HttpResult], fields: dict[str, str], signal: str
) -> None:
    posted = post_comment({"author_name": "Ada", "body": "A comment.", **fields})
    assert posted.status == 201
    assert signal in signals(aws, posted.body["id"])


def test_a_token_too_long_is_bad_input(widget: None, post_comment: Callable[..., HttpResult]) -> None:
    posted = post_comment({"author_name": "Ada", "body": "A comment.", "form_token": "x" * 1001})
    assert posted.status == 422
    assert posted.body["error"]["code"] == "invalid_request"


def test_the_same_text_from_another_author_is_found_in_the_one_read(
    aws: Any, widget: None, post_comment: Callable[..., HttpResult]
) -> None:
    first = post_comment({"author_name": "Ada", "body": CAMPAIGN}, source_ip="198.51.100.1")
    calls: list[tuple[str, list[str]]] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        request = json.loads(params["body"])
        keys = [key["pk"]["S"] for table in request.get("RequestItems", {}).values() for key in table["Keys"]]
        calls.append((model.name, sorted({key.split("#")[0] for key in keys})))

    runtime.store()._db.client.meta.events.register("before-call.dynamodb", record, unique_id="spam-edge")
    token = form_token().body["token"]
    second = post_comment(
        {"author_name": "Bea", "body": CAMPAIGN, "form_token": token, "website": ""}, source_ip="198.51.100.2"
    )

    assert "duplicate" not in signals(aws, first.body["id"])
    assert "duplicate" in signals(aws, second.body["id"])
    # the token's use, the text's bands and the spam filter's counts came with the other reads, and
    # went with the comment
    assert calls == [
        ("BatchGetItem", ["ADDRESS", "AUTHOR", "FORM", "POST", "SPAM", "TEXTBAND"]),
        ("TransactWriteItems", []),
    ]


def test_the_same_text_stored_at_the_same_moment_is_still_stored(
    aws: Any, widget: None, post_comment: Callable[..., HttpResult]
) -> None:
    # GIVEN another comment with the same text writing its bands at this very moment (DynamoDB
    # cancels a transaction that writes an item another transaction is writing)
    attempts: list[int] = []

    def conflict_once_on_a_band(params: dict[str, Any], **_: Any) -> None:
        items = json.loads(params["body"])["TransactItems"]
        bands = [
            n
            for n, item in enumerate(items)
            if item.get("Put", {}).get("Item", {}).get("pk", {}).get("S", "").startswith("TEXTBAND#")
        ]
        attempts.append(len(bands))
        if len(attempts) == 1:
            reasons = [
                {"Code": "TransactionConflict" if n == bands[0] else "None"} for n in range(len(items))
            ]
            error = {
                "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
                "CancellationReasons": reasons,
            }
            raise ClientError(error, "TransactWriteItems")  # type: ignore[arg-type]

    events = runtime.store()._db.client.meta.events
    events.register("before-call.dynamodb.TransactWriteItems", conflict_once_on_a_band, unique_id="conflict")

    # WHEN a reader posts it
    posted = post_comment({"author_name": "Ada", "body": CAMPAIGN})

    # THEN it is stored (held: the spam filter knows a replica-watch shop), once, without bands of
    # its own (the other comment's stand for both)
    assert (posted.status, posted.body["status"]) == (202, "pending")
    assert attempts[0] > 0
    assert attempts[1:] == [0]
    assert "TEXTBAND" not in {item["pk"].split("#")[0] for item in aws.scan()["Items"]}
