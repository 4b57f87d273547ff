"""Readers' reports, bulk decisions, no-op decisions and the detail view, through the real handlers
under moto (tables from template.yaml)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.conftest import HttpResult, invoke_handler, load_event
from tests.integration.test_moderation_handler import HOLD, POST, Moderate, Submit, counts, moderate, submit

__all__ = ["moderate", "submit"]

Report = Callable[..., HttpResult]


@pytest.fixture
def report(aws: Any) -> Report:
    def send(comment_id: str, body: Any, source_ip: str = "198.51.100.1", post_id: str = POST) -> HttpResult:
        event = copy.deepcopy(load_event("report_comment"))
        path = f"/posts/{post_id}/comments/{comment_id}/reports"
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
        event["pathParameters"] = {"post_id": post_id, "comment_id": comment_id}
        event["requestContext"]["http"]["sourceIp"] = source_ip
        event["body"] = json.dumps(body)
        return invoke_handler("report_comment", event)

    return send


def test_the_sample_event_is_answered(report: Report, submit: Submit) -> None:
    event = load_event("report_comment")
    assert invoke_handler("report_comment", event).status == 404
    assert report(submit("clean"), json.loads(event["body"])).status == 202


def test_three_readers_send_a_published_comment_back_to_review(
    report: Report, moderate: Moderate, submit: Submit, list_comments: Callable[..., HttpResult]
) -> None:
    comment_id = submit("clean, published at once")
    # GIVEN two readers' reports, one sent three times
    for ip in ("198.51.100.1", "198.51.100.1", "198.51.100.1", "198.51.100.2"):
        answer = report(comment_id, {"reason": "spam", "note": "a link farm"}, source_ip=ip)
        assert (answer.status, answer.body) == (202, {"status": "received"})
    # THEN it stays published, and nothing public says it was reported
    [listed] = list_comments().body["items"]
    assert listed["id"] == comment_id
    assert "report_count" not in listed
    assert "reasons" not in listed

    # WHEN a third reader reports it
    assert report(comment_id, {"reason": "abuse"}, source_ip="198.51.100.3").status == 202

    # THEN it leaves the public list and is the reported queue's
    assert list_comments().body["items"] == []
    reported = moderate("GET", "queue", reason="reported").body["items"]
    assert [(item["id"], item["reasons"], item["report_count"]) for item in reported] == [
        (comment_id, ["reported"], 3)
    ]
    assert counts(moderate, POST) == {"published": 0, "pending": 1, "rejected": 0}
    detail = moderate("GET", f"comments/{comment_id}").body
    # one report per reader: the repeats were not stored
    assert sorted((r["reason"], r.get("note")) for r in detail["reports"]) == [
        ("abuse", None),
        ("spam", "a link farm"),
        ("spam", "a link farm"),
    ]
    assert [(h["by"], h["from"], h["to"]) for h in detail["history"]] == [("readers", "published", "pending")]

    # WHEN a moderator approves it, THEN the same readers' reports don't send it back again
    assert moderate("POST", f"comments/{comment_id}/decision", {"action": "approve"}).status == 200
    assert report(comment_id, {"reason": "spam"}, source_ip="198.51.100.3").status == 202
    assert [item["id"] for item in list_comments().body["items"]] == [comment_id]


def test_only_a_comment_published_on_that_post_can_be_reported(report: Report, submit: Submit) -> None:
    held = submit(f"held {HOLD}")
    published = submit("clean")
    for comment_id, post_id in (
        (held, POST),
        (published, "another-post"),
        ("01KB0000000000000000000000", POST),
    ):
        answer = report(comment_id, {"reason": "spam"}, post_id=post_id)
        assert (answer.status, answer.body["error"]["code"]) == (404, "not_found")


def test_a_bad_report_is_refused(report: Report, submit: Submit) -> None:
    comment_id = submit("clean")
    for body in ({"reason": "boring"}, {"reason": "spam", "note": "x" * 501}, {"reason": "spam", "n": 1}):
        answer = report(comment_id, body)
        assert (answer.status, answer.body["error"]["code"]) == (422, "invalid_request")


def test_reports_are_rate_limited_like_posts(
    monkeypatch: pytest.MonkeyPatch, report: Report, submit: Submit
) -> None:
    ids = [submit(f"clean {n}") for n in range(3)]
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "2")
    from moderation import runtime

    runtime.reset()
    assert [report(comment_id, {"reason": "spam"}).status for comment_id in ids] == [202, 202, 429]


# --- decisions that change nothing, bulk decisions, the detail view, the moderator's name -----


def test_a_decision_that_would_change_nothing_is_409_no_change(moderate: Moderate, submit: Submit) -> None:
    comment_id = submit("clean")
    result = moderate("POST", f"comments/{comment_id}/decision", {"action": "approve"})
    assert (result.status, result.body["error"]["code"]) == (409, "no_change")
    assert result.body["error"]["details"] == {"current_version": 1, "status": "published"}
    assert moderate("GET", f"comments/{comment_id}").body["version"] == 1


def test_bulk_decisions_decide_each_and_say_which_failed(
    moderate: Moderate, submit: Submit, list_comments: Callable[..., HttpResult]
) -> None:
    held = [submit(f"held {n} {HOLD}") for n in range(2)]
    published = submit("clean")

    result = moderate(
        "POST", "decisions", {"ids": [*held, published, "nope"], "action": "approve", "note": "all fine"}
    )

    assert result.status == 200
    assert result.body["results"] == [
        {"id": held[0], "status": "published"},
        {"id": held[1], "status": "published"},
        {"id": published, "error": "no_change"},
        {"id": "nope", "error": "not_found"},
    ]
    assert [item["id"] for item in list_comments().body["items"]] == [*held, published]
    history = moderate("GET", f"comments/{held[1]}").body["history"]
    assert [(h["by"], h["note"]) for h in history] == [("grace", "all fine")]


def test_bulk_decisions_take_at_most_fifty(moderate: Moderate) -> None:
    result = moderate("POST", "decisions", {"ids": [f"id{n}" for n in range(51)], "action": "reject"})
    assert (result.status, result.body["error"]["code"]) == (422, "invalid_request")


def test_a_replys_detail_carries_the_comment_it_answers(
    moderate: Moderate, post_comment: Callable[..., HttpResult], submit: Submit
) -> None:
    parent = submit("the parent, published")
    reply = post_comment({"author_name": "Bob", "body": f"a reply {HOLD}", "parent_id": parent}, post_id=POST)
    detail = moderate("GET", f"comments/{reply.body['id']}").body
    assert (detail["parent"]["id"], detail["parent"]["body"]) == (parent, "the parent, published")
    assert detail["reports"] == []


def test_me_names_the_moderator_as_the_history_does(moderate: Moderate) -> None:
    assert moderate("GET", "me").body == {"name": "grace"}
