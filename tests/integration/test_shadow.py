"""The shadow scoring function fed stream records under moto: it stores a second model's scores
without touching the decision or the version, and the insights compare it, exactly, with the live
model and with moderators."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from moderation import runtime
from moderation.shadow import ShadowScoring

from tests.integration.conftest import HttpResult, LambdaContext, invoke_handler, load_event
from tests.support.scorers import ShadowScorer

POST = "shadowed"

Submit = Callable[[str, str], str]


@pytest.fixture
def shadow(aws: Any, monkeypatch: pytest.MonkeyPatch) -> ShadowScoring:
    """The shadow function's scoring, with a scripted second model instead of SHADOW_MODEL_DIR's."""
    scoring = ShadowScoring(runtime.store(), ShadowScorer(), ShadowScorer.name)
    monkeypatch.setattr(runtime, "shadow_scoring", lambda: scoring)
    return scoring


@pytest.fixture
def submit(post_comment: Callable[..., HttpResult]) -> Submit:
    def post(live: str, shadow: str) -> str:
        body = f"text [[toxicity={live}]] [[shadow_toxicity={shadow}]]"
        result = post_comment({"author_name": "Reader", "body": body}, post_id=POST)
        assert result.status in (201, 202, 422), result.body
        return str(result.body["id"] if result.status != 422 else result.body["error"]["details"]["id"])

    return post


def stream(*records: dict[str, Any]) -> dict[str, Any]:
    import shadow_scores

    response: dict[str, Any] = shadow_scores.handler({"Records": list(records)}, LambdaContext())
    return response


def record(comment_id: str, event_name: str = "INSERT", sequence: str = "1") -> dict[str, Any]:
    return {
        "eventID": f"{event_name}-{comment_id}-{sequence}",
        "eventName": event_name,
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "Keys": {"pk": {"S": f"COMMENT#{comment_id}"}, "sk": {"S": "COMMENT"}},
            "SequenceNumber": sequence,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def moderate(path: str, body: Any = None, **query: str) -> HttpResult:
    name = "moderation_decision" if path.endswith("/decision") else f"moderation_{path.split('/')[0]}"
    event = copy.deepcopy(load_event(name))
    full_path = f"/moderation/{path}"
    event["rawPath"] = event["requestContext"]["http"]["path"] = full_path
    event["queryStringParameters"] = query or None
    event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
    if "pathParameters" in event:
        event["pathParameters"] = {"id": full_path.split("/")[3]}
    if body is not None:
        event["body"] = json.dumps(body)
        event["headers"]["content-type"] = "application/json"
    return invoke_handler("moderation_api", event)


def decide(comment_id: str, action: str, version: int | None = None) -> HttpResult:
    body: dict[str, Any] = {"action": action}
    if version is not None:
        body["version"] = version
    result = moderate(f"comments/{comment_id}/decision", body)
    assert result.status == 200, result.body
    return result


def test_the_shadow_is_compared_exactly_with_the_live_model_and_moderators(
    shadow: ShadowScoring, submit: Submit, list_comments: Callable[..., HttpResult]
) -> None:
    # GIVEN five comments (live score, shadow score): A published by both, B published but held
    # by the shadow, C held but rejected by it, D rejected but published by it, E held but published
    a, b, c, d, e = (
        submit(*scores)
        for scores in (("0.2", "0.2"), ("0.3", "0.6"), ("0.7", "0.95"), ("0.95", "0.4"), ("0.6", "0.1"))
    )
    # AND a moderator rejects E before the shadow model got to it
    decide(e, "reject")
    # WHEN the stream delivers their INSERTs (A's twice), a MODIFY and another item's INSERT
    other = record("x", "INSERT")
    other["dynamodb"]["Keys"] = {"pk": {"S": "COUNTS#ALL"}, "sk": {"S": "SHARD#0"}}
    outcome = stream(
        *(record(i) for i in (a, b, c, d, e)), record(a, sequence="2"), record(b, "MODIFY"), other
    )
    assert outcome == {"batchItemFailures": []}
    # THEN each comment keeps its status and version, and carries the shadow's scores
    stored = runtime.store()
    b_now = stored.get(b)
    assert b_now is not None
    assert (b_now.status, b_now.version) == ("published", 1)
    assert b_now.shadow_scores["toxicity"] == 0.6
    assert b_now.shadow_model == "test-shadow"
    # AND a moderator who read the comment before it was shadow-scored decides without a conflict
    decide(b, "reject", version=1)
    decide(c, "approve", version=1)
    # AND nothing public shows shadow scores
    listing = list_comments(POST)
    assert listing.status == 200
    assert listing.body["items"]
    assert all(
        set(item) == {"id", "post_id", "parent_id", "author_name", "body", "created_at", "status"}
        for item in listing.body["items"]
    )
    assert "test-shadow" not in json.dumps(listing.body)
    threads = list_comments(POST, view="threads")
    assert "test-shadow" not in json.dumps(threads.body)

    # AND the insights' shadow block holds the numbers worked out by hand
    report = moderate("insights", post_id=POST)
    assert report.status == 200, report.body
    block = report.body["shadow"]
    assert block["model"] == "test-shadow"
    assert block["scored"] == 5
    assert block["agreement_with_live"] == pytest.approx(1 / 5)  # A only
    assert block["agreement_with_moderators"] == pytest.approx(1 / 3)  # B (rejected ~ held); not C, E
    assert block["changes"] == {
        "published": {"published": 1, "held": 1, "rejected": 0},
        "held": {"published": 1, "held": 0, "rejected": 1},
        "rejected": {"published": 1, "held": 0, "rejected": 0},
    }
    figures = block["overall"]
    assert figures["automatic"] == {"published": 3, "held": 1, "rejected": 1}
    assert figures["moderators"] == {"approved": 1, "rejected": 2, "spam": 0}
    assert figures["held"] == {"approved": 0, "rejected": 1}
    assert figures["overturns"]["rejected_to_published"] == 1
    assert figures["overturns"]["rejected_to_published_rate"] == 1.0
    assert figures["overturns"]["published_to_rejected"] == 1
    assert figures["overturns"]["published_to_rejected_rate"] == pytest.approx(1 / 3)
    assert figures["histograms"]["all"] == _bins({2: 1, 4: 1, 8: 1, 12: 1, 19: 1})
    assert figures["histograms"]["approved"] == _bins({19: 1})
    assert figures["histograms"]["rejected"] == _bins({2: 1, 12: 1})
    # AND the live figures are the live model's, untouched by the shadow
    assert report.body["overall"]["automatic"] == {"published": 2, "held": 2, "rejected": 1}


def test_a_shadow_failure_is_retried_and_never_touches_the_comment(
    shadow: ShadowScoring, post_comment: Callable[..., HttpResult]
) -> None:
    # GIVEN a comment the shadow model fails on, and one it scores, in the same batch
    result = post_comment({"author_name": "Reader", "body": "fine [[shadow_fail]]"}, post_id=POST)
    comment_id = result.body["id"]
    scored = post_comment({"author_name": "Reader", "body": "also fine"}, post_id=POST).body["id"]

    outcome = stream(record(comment_id, sequence="1"), record(scored, sequence="2"))

    # THEN only the failed record goes back to the stream, to be retried
    assert outcome == {"batchItemFailures": [{"itemIdentifier": "1"}]}
    comment = runtime.store().get(comment_id)
    assert comment is not None
    assert (comment.status, comment.version, comment.shadow_scores) == ("published", 1, {})
    assert moderate("insights", post_id=POST).body["shadow"]["scored"] == 1


def test_without_a_shadow_model_the_function_does_nothing(
    aws: Any, post_comment: Callable[..., HttpResult]
) -> None:
    comment_id = post_comment({"author_name": "Reader", "body": "fine"}, post_id=POST).body["id"]

    assert runtime.shadow_scoring() is None
    assert stream(record(comment_id)) == {"batchItemFailures": []}
    comment = runtime.store().get(comment_id)
    assert comment is not None
    assert comment.shadow_model is None


def _bins(found: dict[int, int]) -> list[int]:
    return [found.get(index, 0) for index in range(20)]
