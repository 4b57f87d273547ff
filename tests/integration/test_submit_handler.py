"""POST /posts/{post_id}/comments through the real handler, with moto (GIVEN / WHEN / THEN)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moderation import runtime

from tests.integration.conftest import HttpResult, invoke_handler, load_event

Post = Callable[..., HttpResult]


def comment(body: str = "Thoughtful post, thank you.", **fields: Any) -> dict[str, Any]:
    return {"author_name": "Ada Lovelace", "body": body, **fields}


def stored_comments(table: Any) -> list[dict[str, Any]]:
    return [item for item in table.scan()["Items"] if item["pk"].startswith("COMMENT#")]


def test_the_sample_event_publishes_a_clean_comment(aws: Any) -> None:
    result = invoke_handler("submit_comment", load_event("submit_comment"))
    assert result.status == 201
    assert result.body["status"] == "published"
    assert set(result.body) == {"id", "post_id", "parent_id", "author_name", "body", "created_at", "status"}
    assert result.body["created_at"].endswith("Z")


@pytest.mark.parametrize(
    ("marker", "status", "stored"),
    [
        ("[[toxicity=0.4999]]", 201, "published"),
        ("[[toxicity=0.5]]", 202, "pending"),
        ("[[insult=0.8999]]", 202, "pending"),
        ("[[insult=0.9]]", 422, "rejected"),
    ],
)
def test_status_code_follows_the_score_with_inclusive_thresholds(
    post_comment: Post, aws: Any, marker: str, status: int, stored: str
) -> None:
    result = post_comment(comment(f"An opinion {marker}"))
    assert result.status == status
    [item] = stored_comments(aws)
    assert item["status"] == stored


def test_thresholds_come_from_the_environment(post_comment: Post, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_THRESHOLD", "0.2")
    monkeypatch.setenv("REJECT_THRESHOLD", "0.3")
    runtime.reset()
    assert post_comment(comment("mild [[toxicity=0.25]]")).status == 202
    assert post_comment(comment("worse [[toxicity=0.3]]")).status == 422


def test_rejected_comment_is_stored_and_answered_with_id_and_reasons(post_comment: Post, aws: Any) -> None:
    result = post_comment(comment("abuse [[threat=0.97]]"))
    assert result.status == 422
    assert result.body["error"]["code"] == "comment_rejected"
    [item] = stored_comments(aws)
    assert result.body["error"]["details"] == {"id": item["id"], "reasons": ["score:threat"]}
    assert item["expires_at"] > 0


def test_scorer_failure_holds_with_scoring_unavailable(post_comment: Post, aws: Any) -> None:
    result = post_comment(comment("[[fail]] a perfectly fine comment"))
    assert result.status == 202
    [item] = stored_comments(aws)
    assert (item["status"], item["reasons"]) == ("pending", ["scoring_unavailable"])


def test_no_model_and_no_plugin_holds_everything(
    post_comment: Post, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.delenv("MODERATION_SCORER")
    monkeypatch.setenv("MODEL_DIR", str(tmp_path))
    monkeypatch.setenv("STARTER_MODEL_DIR", str(tmp_path))
    runtime.reset()
    assert post_comment(comment()).status == 202


def test_too_many_links_hold_the_comment(post_comment: Post, aws: Any) -> None:
    result = post_comment(comment("the sources: https://a.example and https://b.example"))
    assert result.status == 202
    assert stored_comments(aws)[0]["reasons"] == ["too_many_links"]


def test_scores_and_private_data_are_stored_only_as_intended(post_comment: Post, aws: Any) -> None:
    post_comment(comment(author_email="ada@example.com"), source_ip="198.51.100.7")
    [item] = stored_comments(aws)
    text = json.dumps(item, default=str)
    assert "ada@example.com" not in text
    assert "198.51.100.7" not in text
    assert float(item["scores"]["toxicity"]) == pytest.approx(0.01)


@pytest.mark.parametrize("post_id", ["has space", "a" * 129, "semi;colon", "ünïcode"])
def test_invalid_post_id(post_comment: Post, aws: Any, post_id: str) -> None:
    result = post_comment(comment(), post_id=post_id)
    assert (result.status, result.body["error"]["code"]) == (400, "invalid_post_id")
    assert stored_comments(aws) == []


def test_malformed_json(post_comment: Post, aws: Any) -> None:
    result = post_comment(None, raw_body='{"author_name": "Ada", "body": ')
    assert (result.status, result.body["error"]["code"]) == (400, "invalid_json")
    assert stored_comments(aws) == []


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"body": "no name"}, {"author_name"}),
        ({"author_name": "Ada", "body": "   "}, {"body"}),
        ({"author_name": "x" * 81, "body": "x" * 5001}, {"author_name", "body"}),
        ({"author_name": "Ada", "body": "hi", "author_email": "nope"}, {"author_email"}),
        ({"author_name": "Ada", "body": "hi", "surprise": 1}, {"surprise"}),
        (["not", "an", "object"], {"body"}),
    ],
)
def test_invalid_fields_are_listed(post_comment: Post, aws: Any, body: Any, fields: set[str]) -> None:
    result = post_comment(body)
    assert (result.status, result.body["error"]["code"]) == (422, "invalid_request")
    assert {detail["field"] for detail in result.body["error"]["details"]} >= fields
    assert stored_comments(aws) == []


def test_body_over_16_kib_is_refused(post_comment: Post, aws: Any) -> None:
    result = post_comment(comment("x" * 17000))
    assert (result.status, result.body["error"]["code"]) == (413, "payload_too_large")


def test_reply_to_unknown_parent(post_comment: Post, aws: Any) -> None:
    result = post_comment(comment(parent_id="01JUNKJUNKJUNKJUNKJUNKJUNK"))
    assert (result.status, result.body["error"]["code"]) == (422, "parent_not_found")
    assert stored_comments(aws) == []


def test_reply_to_a_published_comment(post_comment: Post) -> None:
    parent = post_comment(comment("parent")).body["id"]
    reply = post_comment(comment("reply", parent_id=parent))
    assert (reply.status, reply.body["parent_id"]) == (201, parent)


def test_duplicate_comment_within_ten_minutes(post_comment: Post, aws: Any) -> None:
    assert post_comment(comment()).status == 201
    result = post_comment(comment())
    assert (result.status, result.body["error"]["code"]) == (409, "duplicate_comment")
    assert len(stored_comments(aws)) == 1


def test_idempotency_key_replays_the_first_response(post_comment: Post, aws: Any) -> None:
    first = post_comment(comment(), headers={"idempotency-key": "key-1"})
    again = post_comment(comment(), headers={"idempotency-key": "key-1"})
    assert (again.status, again.body) == (first.status, first.body)
    assert len(stored_comments(aws)) == 1


def test_idempotency_key_reused_with_another_body(post_comment: Post, aws: Any) -> None:
    post_comment(comment("one"), headers={"idempotency-key": "key-1"})
    result = post_comment(comment("two"), headers={"idempotency-key": "key-1"})
    assert (result.status, result.body["error"]["code"]) == (409, "idempotency_key_reused")
    assert len(stored_comments(aws)) == 1


def test_rate_limit_answers_429_with_retry_after(
    post_comment: Post, monkeypatch: pytest.MonkeyPatch, aws: Any
) -> None:
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "2")
    runtime.reset()
    # Keep the three posts inside one one-minute window.
    if time.time() % 60 > 55:
        time.sleep(60 - time.time() % 60)
    assert [post_comment(comment(f"comment {n}")).status for n in range(2)] == [201, 201]
    limited = post_comment(comment("one more"))
    assert (limited.status, limited.body["error"]["code"]) == (429, "rate_limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert len(stored_comments(aws)) == 2
    assert post_comment(comment("other client"), source_ip="198.51.100.1").status == 201


@pytest.mark.parametrize(
    "code", ["ProvisionedThroughputExceededException", "ThrottlingException", "InternalServerError"]
)
def test_storage_failure_answers_503_and_stores_nothing(
    post_comment: Post, aws: Any, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    def fail(**_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": "injected"}}, "TransactWriteItems")

    monkeypatch.setattr(runtime.store()._db.client, "transact_write_items", fail)
    result = post_comment(comment())
    assert (result.status, result.body["error"]["code"]) == (503, "service_unavailable")
    assert int(result.headers["retry-after"]) >= 1
    assert stored_comments(aws) == []


def test_a_nudge_answers_200_with_labels_and_stores_nothing(post_comment: Post, aws: Any) -> None:
    # GIVEN a submission that asks to be nudged, which the model would hold
    result = post_comment(comment("You are clueless [[insult=0.7]]", nudge=True))
    # THEN the writer is told why, and nothing is stored
    assert result.status == 200
    assert result.body["nudge"]["labels"] == ["insult"]
    assert "insulting" in result.body["nudge"]["message"]
    assert stored_comments(aws) == []
    # WHEN they post it anyway, it is decided as usual
    assert post_comment(comment("You are clueless [[insult=0.7]]")).status == 202


def test_a_nudge_never_names_the_banned_word_that_matched(
    post_comment: Post, aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BANNED_WORDS", "scumbag")
    runtime.reset()
    result = post_comment(comment("what a scumbag", nudge=True))
    assert result.status == 422
    assert result.body["error"]["details"]["reasons"] == ["banned_word"]
    assert "scumbag" not in json.dumps(result.body)


def test_a_nudge_is_not_a_post_and_nudges_have_their_own_allowance(
    post_comment: Post, monkeypatch: pytest.MonkeyPatch, aws: Any
) -> None:
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "2")
    runtime.reset()
    # GIVEN a writer nudged five times, rewording (the demo's fifth try was refused when nudges were posts)
    nudged = [post_comment(comment(f"dim take {n} [[insult=0.7]]", nudge=True)) for n in range(9)]
    assert [answer.status for answer in nudged[:5]] == [200] * 5
    # THEN nudges stop only at four per post the limit allows, with a time to wait
    assert [answer.status for answer in nudged[5:]] == [200, 200, 200, 429]
    assert int(nudged[-1].headers["retry-after"]) >= 1
    # AND the two posts of the minute are still the writer's, a third is not
    assert [post_comment(comment(f"clean {n}")).status for n in range(3)] == [201, 201, 429]
    assert len(stored_comments(aws)) == 2
