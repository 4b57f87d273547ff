"""Readers' privacy requests through the moderation function under moto: export and erasure."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from moderation import runtime

from tests.integration.conftest import HttpResult, invoke_handler, load_event, moderator_decides
from tests.integration.test_moderation_handler import Moderate, moderate
from tests.integration.test_spam import learn
from tests.integration.test_spam_edge import CAMPAIGN, form_token, signals

__all__ = ["moderate"]

POST = "why-we-moderate"
EMAIL = "Reader@Example.com"
HOLD = "[[insult=0.6]]"

Call = Callable[..., HttpResult]


@pytest.fixture
def privacy(aws: Any) -> Call:
    """Call a privacy route as the JWT authorizer passes it on (claims of `grace`)."""

    def call(action: str, email: str, claims: dict[str, Any] | None = None) -> HttpResult:
        event = copy.deepcopy(load_event(f"moderation_authors_{action}"))
        if action == "export":
            event["queryStringParameters"] = {"email": email}
            event["rawQueryString"] = f"email={email}"
        else:
            event["body"] = json.dumps({"email": email})
        if claims is not None:
            event["requestContext"]["authorizer"]["jwt"]["claims"] = claims
        return invoke_handler("moderation_api", event)

    return call


def counts() -> dict[str, int]:
    event = copy.deepcopy(load_event("moderation_counts"))
    event["queryStringParameters"] = None
    event["rawQueryString"] = ""
    result: dict[str, int] = invoke_handler("moderation_api", event).body["counts"]
    return result


@pytest.fixture
def authors(post_comment: Call, list_comments: Call) -> dict[str, Any]:
    """GIVEN a reader who wrote a published comment, a reply to someone else and a held comment
    (their e-mail in another case), and another reader's comments."""
    other = post_comment({"author_name": "Bob", "body": "First!", "author_email": "bob@example.com"}).body
    mine = post_comment({"author_name": "Ada", "body": "Great read", "author_email": EMAIL}).body
    reply = post_comment(
        {"author_name": "Ada", "body": "Agreed", "author_email": EMAIL.lower(), "parent_id": other["id"]}
    ).body
    held = post_comment({"author_name": "Ada", "body": f"meh {HOLD}", "author_email": EMAIL.upper()}).body
    reply_to_mine = post_comment({"author_name": "Bob", "body": "Thanks", "parent_id": mine["id"]}).body
    return {"other": other, "mine": [mine, reply, held], "reply_to_mine": reply_to_mine}


def test_an_export_holds_every_comment_of_the_author_and_no_one_elses(
    privacy: Call, authors: dict[str, Any]
) -> None:
    # WHEN a moderator exports the reader's data by e-mail (any case)
    exported = privacy("export", "reader@example.COM")
    # THEN every comment they wrote is there, oldest first, with what is stored about it
    assert exported.status == 200
    assert [item["id"] for item in exported.body["items"]] == [c["id"] for c in authors["mine"]]
    held = exported.body["items"][2]
    assert held["status"] == "pending"
    assert held["scores"]["insult"] == pytest.approx(0.6)
    assert {"history", "reasons", "version"} <= set(held)
    # AND an address no comment used finds nothing
    assert privacy("export", "nobody@example.com").body == {"items": []}


def test_erasure_replaces_name_and_words_keeps_threads_and_counters(
    privacy: Call, authors: dict[str, Any], list_comments: Call
) -> None:
    before = counts()
    # WHEN a moderator erases the reader's data
    result = privacy("erase", EMAIL)
    # THEN each of their comments is erased, in place
    assert result.status == 200
    assert result.body == {"erased": 3}
    store = runtime.store()
    for original in authors["mine"]:
        erased = store.get(original["id"])
        assert erased is not None
        assert (erased.author_name, erased.body) == (
            "[erased]",
            "[This comment was erased at its author's request.]",
        )
        assert erased.scores == {}
        assert erased.author_email_hash is None
        assert erased.client_hash is None
        assert erased.status == original["status"]
        # AND the history says an erasure happened and which moderator asked for it
        assert [(h.by, h.from_status, h.to_status, h.note) for h in erased.history][-1] == (
            "grace",
            original["status"],
            original["status"],
            "erased at the author's request",
        )
    # AND threads are kept: the reply to the erased comment still hangs under it, publicly
    threads = list_comments(view="threads").body["items"]
    mine = next(item for item in threads if item["id"] == authors["mine"][0]["id"])
    assert mine["body"].startswith("[This comment was erased")
    assert [reply["id"] for reply in mine["replies"]] == [authors["reply_to_mine"]["id"]]
    # AND the counters are unchanged; another reader's comments untouched
    assert counts() == before
    assert store.get(authors["other"]["id"]).author_name == "Bob"  # type: ignore[union-attr]
    # AND a second request finds nothing left to erase or export
    assert privacy("erase", EMAIL).body == {"erased": 0}
    assert privacy("export", EMAIL).body == {"items": []}


def test_an_erased_comment_can_still_be_decided(privacy: Call, authors: dict[str, Any]) -> None:
    held = authors["mine"][2]
    privacy("erase", EMAIL)
    decided = moderator_decides(held["id"], "reject")
    assert decided.status == 200
    assert decided.body["status"] == "rejected"
    assert decided.body["version"] == 3


@pytest.mark.parametrize("action", ["export", "erase"])
def test_privacy_routes_are_for_moderators_only(privacy: Call, authors: dict[str, Any], action: str) -> None:
    reader = {"sub": "someone", "username": "someone", "cognito:groups": "[readers]"}
    refused = privacy(action, EMAIL, claims=reader)
    assert refused.status == 403
    assert refused.body["error"]["code"] == "forbidden"
    assert privacy("export", EMAIL).body["items"]  # nothing erased


@pytest.mark.parametrize("email", ["not-an-address", "", "a@b"])
def test_a_bad_address_is_refused_and_changes_nothing(
    privacy: Call, authors: dict[str, Any], email: str
) -> None:
    assert privacy("erase", email).status == 422
    assert privacy("export", email).status == 422
    assert len(privacy("export", EMAIL).body["items"]) == 3


def stored_text(table: Any) -> str:
    """Everything the table holds, as one text (a test may Scan; the code never does)."""
    items: list[dict[str, Any]] = []
    scan: dict[str, Any] = {}
    while True:
        page = table.scan(**scan)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return json.dumps(items, default=str)
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_erasure_also_removes_the_idempotency_record_and_the_duplicate_guard(
    aws: Any, privacy: Call, post_comment: Call
) -> None:
    # GIVEN a reader who posted twice with Idempotency-Keys, and another reader who did too
    mine = {"author_name": "Zelda Quill", "body": "My unmistakable words", "author_email": EMAIL}
    theirs = {"author_name": "Bob", "body": "Words of his own", "author_email": "bob@example.com"}
    first = post_comment(mine, headers={"Idempotency-Key": "zelda-1"})
    held = post_comment({**mine, "body": f"More of my words {HOLD}"}, headers={"Idempotency-Key": "zelda-2"})
    other = post_comment(theirs, headers={"Idempotency-Key": "bob-1"})
    assert [first.status, held.status, other.status] == [201, 202, 201]
    # (before the erasure, the same key answers with the first comment, and the same text is a duplicate)
    assert post_comment(mine, headers={"Idempotency-Key": "zelda-1"}).body["id"] == first.body["id"]
    assert post_comment(mine).status == 409
    # WHEN a moderator erases the reader
    assert privacy("erase", EMAIL).body == {"erased": 2}
    # THEN nothing stored holds their name or their words any more
    text = stored_text(aws)
    assert "Zelda" not in text
    assert "my words" not in text.lower()
    assert "unmistakable" not in text
    # AND their old key no longer replays the erased answer, nor is the text a duplicate any more:
    # the same request is a new comment
    replayed = post_comment(mine, headers={"Idempotency-Key": "zelda-1"})
    assert replayed.status == 201
    assert replayed.body["id"] != first.body["id"]
    # AND the other reader's records are untouched: their key still answers with their comment
    # and their text is still a duplicate
    assert post_comment(theirs, headers={"Idempotency-Key": "bob-1"}).body["id"] == other.body["id"]
    assert post_comment(theirs).status == 409


def test_a_guard_a_later_comment_took_over_is_kept_and_the_erasure_still_happens(
    aws: Any, privacy: Call, post_comment: Call
) -> None:
    # GIVEN a reader's comment whose duplicate guard expired and was taken over by a later
    # comment of the same name and text, posted without an e-mail
    mine = {"author_name": "Ada", "body": "Same words", "author_email": EMAIL}
    first = post_comment(mine)
    later = "01LATERCOMMENT"
    (guard,) = [item for item in aws.scan()["Items"] if str(item["pk"]).startswith("DEDUPE#")]
    aws.update_item(
        Key={"pk": guard["pk"], "sk": guard["sk"]},
        UpdateExpression="SET comment_id = :later",
        ExpressionAttributeValues={":later": later},
    )
    # WHEN the reader is erased
    assert privacy("erase", EMAIL).body == {"erased": 1}
    # THEN their comment is erased, and the later comment's guard is still there
    assert runtime.store().get(first.body["id"]).author_name == "[erased]"  # type: ignore[union-attr]
    kept = aws.get_item(Key={"pk": guard["pk"], "sk": guard["sk"]})["Item"]
    assert kept["comment_id"] == later


@pytest.fixture
def widget(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Readers who post through the widget's form at once: its token is good from the start."""
    monkeypatch.setenv("FORM_MIN_SECONDS", "0")
    runtime.reset()


def marks_naming(table: Any, comment_ids: set[str]) -> list[dict[str, Any]]:
    """The spam marks (used form tokens, texts' bands) that name one of these comments, by pk."""
    marks = [
        item
        for item in json.loads(stored_text(table))
        if item["sk"] in ("FORM", "TEXTBAND") and item.get("comment_id") in comment_ids
    ]
    return sorted(marks, key=lambda item: str(item["pk"]))


def test_erasure_removes_the_form_uses_and_text_bands_that_still_name_the_author(
    aws: Any, widget: None, privacy: Call, post_comment: Call
) -> None:
    # GIVEN a reader who posted two texts through the form, another reader's text, and a later
    # comment by someone else with the reader's second text (its bands took over the reader's)
    bob_text = "Long-time reader here. The part about moderation queues matched what I see on my forum."
    copied_text = "I copy this paragraph from a reader I liked, word for word, because it said it best."

    def ada(body: str) -> str:
        fields = {"author_name": "Ada", "body": body, "author_email": EMAIL, "website": ""}
        fields["form_token"] = form_token().body["token"]
        return str(post_comment(fields, source_ip="198.51.100.1").body["id"])

    mine = {ada(CAMPAIGN), copied := ada(copied_text)}
    copied_bands = {item["pk"] for item in marks_naming(aws, {copied}) if item["sk"] == "TEXTBAND"}
    bob_fields = {"author_name": "Bob", "body": bob_text, "author_email": "bob@example.com"}
    bob = post_comment(bob_fields, source_ip="198.51.100.2").body["id"]
    later = post_comment({"author_name": "Cy", "body": copied_text}, source_ip="198.51.100.3").body["id"]
    assert {item["sk"] for item in marks_naming(aws, mine)} == {"FORM", "TEXTBAND"}
    bob_bands, later_bands = marks_naming(aws, {bob}), marks_naming(aws, {later})
    assert bob_bands
    assert copied_bands
    assert {item["pk"] for item in later_bands} == copied_bands
    # WHEN a moderator erases the reader
    assert privacy("erase", EMAIL).body == {"erased": 2}
    # THEN no form use or band names their comments any more
    assert marks_naming(aws, mine) == []
    # AND the other reader's bands, and those the later comment took over, are still there
    assert marks_naming(aws, {bob}) == bob_bands
    assert marks_naming(aws, {later}) == later_bands
    # AND the erased text from another author is no near-duplicate, while the other reader's still is
    again = post_comment({"author_name": "Dee", "body": CAMPAIGN}, source_ip="198.51.100.4").body["id"]
    bobs_again = post_comment({"author_name": "Dee", "body": bob_text}, source_ip="198.51.100.4").body["id"]
    assert "duplicate" not in signals(aws, again)
    assert "duplicate" in signals(aws, bobs_again)


def test_erasure_removes_what_the_spam_filter_kept_of_the_authors_words(
    aws: Any, privacy: Call, post_comment: Call, moderate: Moderate
) -> None:
    # GIVEN a reader's comment a moderator marked as spam, which the filter learnt from
    body = "Get a fast payday loan today, no credit check, instant approval! Apply at https://quick-loans.example"
    posted = post_comment({"author_name": "Ada", "body": body, "author_email": EMAIL}).body["id"]
    assert moderate("POST", f"comments/{posted}/decision", {"action": "spam"}).status == 200
    learn(aws, posted)
    lesson = {"pk": f"SPAM#LESSON#{posted}", "sk": "SPAM"}
    assert "tokens" in aws.get_item(Key=lesson)["Item"]
    # WHEN a moderator erases the reader
    assert privacy("erase", EMAIL).body == {"erased": 1}
    # THEN the lesson listing the comment's words is gone
    assert "Item" not in aws.get_item(Key=lesson)
