"""The spam filter through the real handlers under moto: its score and decision on the submit path,
the "spam" decision, learning from the table's stream (replayed batches included), reversals, and
fail-to-review when its seed or its state is broken."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from moderation import runtime
from moderation.spam import seed
from moderation.spam.tokens import comment_text

from tests.integration.conftest import HttpResult, LambdaContext
from tests.integration.test_moderation_handler import POST, Moderate, moderate

__all__ = ["moderate"]

Post = Callable[..., HttpResult]

SPAM = "Get a fast payday loan today, no credit check, instant approval! Apply at https://quick-loans.example"
CIVIL = "Thanks for the careful piece on the library budget; the figures match the council's report."
CAMPAIGN = [
    "Lovely piece about Leeds. My cousin's crew clears blocked gutters, see https://gutterpros.example",
    "Gutters blocked after the storm? The lads at https://gutterpros.example in Leeds sorted ours",
]


def post(post_comment: Post, body: str, author: str = "Reader") -> HttpResult:
    result = post_comment({"author_name": author, "body": body}, post_id=POST)
    assert result.status in (201, 202, 422), result.body
    return result


def stored(aws: Any, comment_id: str) -> dict[str, Any]:
    item: dict[str, Any] = aws.get_item(Key={"pk": f"COMMENT#{comment_id}", "sk": "COMMENT"})["Item"]
    return item


def learn(aws: Any, *comment_ids: str) -> dict[str, Any]:
    """The stream's MODIFY records of these comments as they are now, handed to the learning function."""
    import spam_learning

    serializer = TypeSerializer()
    records = []
    for n, comment_id in enumerate(comment_ids):
        item = stored(aws, comment_id)
        records.append(
            {
                "eventID": f"modify-{comment_id}-{n}",
                "eventName": "MODIFY",
                "eventSource": "aws:dynamodb",
                "dynamodb": {
                    "Keys": {"pk": {"S": f"COMMENT#{comment_id}"}, "sk": {"S": "COMMENT"}},
                    "NewImage": {name: serializer.serialize(value) for name, value in item.items()},
                    "SequenceNumber": str(n + 1),
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
            }
        )
    response: dict[str, Any] = spam_learning.handler({"Records": records}, LambdaContext())
    return response


def token_counts(aws: Any, token: str) -> tuple[int, int]:
    item = aws.get_item(Key={"pk": f"SPAM#TOKEN#{token}", "sk": "SPAM"}).get("Item", {})
    return int(item.get("spam", 0)), int(item.get("ham", 0))


def spam_score(aws: Any, comment_id: str) -> float:
    return float(stored(aws, comment_id)["scores"]["spam"])


def test_clear_spam_is_held_or_rejected_but_its_poster_is_told_it_awaits_moderation(
    post_comment: Post, aws: Any, moderate: Moderate
) -> None:
    # WHEN a typical loan spam and a civil comment are posted
    spam, civil = post(post_comment, SPAM, author="Fast Loans"), post(post_comment, CIVIL)

    # THEN the spam is answered 202 "pending", as a held comment is, but stored rejected as spam
    assert (spam.status, spam.body["status"]) == (202, "pending")
    item = stored(aws, spam.body["id"])
    assert item["status"] == "rejected"
    assert item["reasons"][0] == "spam:content"
    assert float(item["scores"]["spam"]) >= 0.97
    # AND the civil one is published, with its (low) spam score beside the toxicity labels
    assert civil.status == 201
    assert spam_score(aws, civil.body["id"]) < 0.5
    # AND the moderators' detail shows the reasons and the score
    detail = moderate("GET", f"comments/{spam.body['id']}").body
    assert detail["reasons"][0] == "spam:content"
    assert "spam" in detail["scores"]


def test_marking_spam_rejects_records_it_and_teaches_the_filter_once_however_often_replayed(
    post_comment: Post, aws: Any, moderate: Moderate
) -> None:
    # GIVEN a campaign comment of a site the seed has never seen
    first = post(post_comment, CAMPAIGN[0], author="Gutter Pros")
    before = token_counts(aws, "domain:gutterpros.example")
    unlearnt = runtime.spam_filter()
    assert unlearnt is not None
    seed_only = unlearnt.score(comment_text("Gutter Pros", CAMPAIGN[1])).score

    # WHEN a moderator marks it as spam
    decided = moderate("POST", f"comments/{first.body['id']}/decision", {"action": "spam"})

    # THEN it is rejected, and its history says spam
    assert decided.status == 200, decided.body
    assert decided.body["status"] == "rejected"
    assert decided.body["history"][-1]["action"] == "spam"
    # AND marking it spam again changes nothing
    again = moderate("POST", f"comments/{first.body['id']}/decision", {"action": "spam"})
    assert (again.status, again.body["error"]["code"]) == (409, "no_change")

    # WHEN the stream delivers the decision, and then the same batch again
    assert learn(aws, first.body["id"]) == {"batchItemFailures": []}
    assert learn(aws, first.body["id"], first.body["id"]) == {"batchItemFailures": []}

    # THEN its tokens were counted as spam exactly once
    assert before == (0, 0)
    assert token_counts(aws, "domain:gutterpros.example") == (1, 0)
    assert token_counts(aws, "crew") == (1, 0)
    assert token_counts(aws, "storm") == (0, 0)
    # AND the campaign's next comment scores higher than the seed alone would score it
    second = post(post_comment, CAMPAIGN[1], author="Gutter Pros")
    assert spam_score(aws, second.body["id"]) > seed_only


def test_marking_a_rejected_comment_as_spam_is_a_change(
    post_comment: Post, aws: Any, moderate: Moderate
) -> None:
    comment_id = post(post_comment, "a link farm [[threat=0.95]]").body["error"]["details"]["id"]
    assert stored(aws, comment_id)["status"] == "rejected"

    marked = moderate("POST", f"comments/{comment_id}/decision", {"action": "spam"})

    assert marked.status == 200, marked.body
    assert (marked.body["status"], marked.body["history"][-1]["action"]) == ("rejected", "spam")


def test_bulk_decisions_mark_spam_and_a_change_of_mind_reverses_the_lesson(
    post_comment: Post, aws: Any, moderate: Moderate
) -> None:
    # GIVEN two campaign comments marked spam in bulk, and learnt
    ids = [post(post_comment, text, author="Gutter Pros").body["id"] for text in CAMPAIGN]
    bulk = moderate("POST", "decisions", {"ids": ids, "action": "spam"})
    assert bulk.status == 200, bulk.body
    assert bulk.body["results"] == [{"id": comment_id, "status": "rejected"} for comment_id in ids]
    learn(aws, *ids)
    assert token_counts(aws, "domain:gutterpros.example") == (2, 0)

    # WHEN a moderator changes their mind and approves one
    approved = moderate("POST", f"comments/{ids[0]}/decision", {"action": "approve"})
    assert approved.status == 200
    learn(aws, ids[0])
    learn(aws, ids[0])

    # THEN its spam lesson is undone and it is learnt as ham, once
    assert token_counts(aws, "domain:gutterpros.example") == (1, 1)
    # AND a plain reject later unlearns it altogether
    assert moderate("POST", f"comments/{ids[0]}/decision", {"action": "reject"}).status == 200
    learn(aws, ids[0])
    assert token_counts(aws, "domain:gutterpros.example") == (1, 0)


def test_approving_a_comment_held_for_spam_teaches_ham(
    post_comment: Post, aws: Any, moderate: Moderate, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a low review threshold, so a civil comment with a shop-like word is held for spam
    monkeypatch.setenv("SPAM_REVIEW_THRESHOLD", "0.05")
    runtime.reset()
    held = post(post_comment, "Visit the allotment society's open day, free entry")
    assert held.status == 202
    assert "spam:content" in stored(aws, held.body["id"])["reasons"]

    # WHEN a moderator approves it and the stream delivers the decision
    assert moderate("POST", f"comments/{held.body['id']}/decision", {"action": "approve"}).status == 200
    learn(aws, held.body["id"])

    # THEN its words are counted as ham
    assert token_counts(aws, "allotment") == (0, 1)


def test_an_approve_of_a_comment_not_held_for_spam_teaches_nothing(
    post_comment: Post, aws: Any, moderate: Moderate
) -> None:
    comment_id = post(post_comment, "A fair point about the allotments [[insult=0.6]]").body["id"]
    assert moderate("POST", f"comments/{comment_id}/decision", {"action": "approve"}).status == 200
    learn(aws, comment_id)
    assert token_counts(aws, "allotments") == (0, 0)


# --- faults: never publish what would have been held ---------------------------------------------


def test_a_corrupt_seed_holds_every_comment_as_spam_unavailable(
    post_comment: Post, aws: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "seed.json"
    broken.write_text('{"spam_messages": 3, "tokens": ')
    monkeypatch.setattr(seed, "SEED_PATH", broken)
    runtime.reset()

    result = post(post_comment, CIVIL)

    assert (result.status, result.body["status"]) == (202, "pending")
    item = stored(aws, result.body["id"])
    assert item["reasons"] == ["spam_unavailable"]
    assert "spam" not in item["scores"]


def test_a_corrupt_spam_state_item_holds_the_comment_as_spam_unavailable(
    post_comment: Post, aws: Any
) -> None:
    aws.put_item(Item={"pk": "SPAM#TOTALS", "sk": "SPAM", "spam": "many", "ham": 1})

    result = post(post_comment, CIVIL)

    assert result.status == 202
    assert stored(aws, result.body["id"])["reasons"] == ["spam_unavailable"]


def test_with_the_filter_off_there_is_no_spam_score(
    post_comment: Post, aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPAM_FILTER", "false")
    runtime.reset()

    result = post(post_comment, SPAM)

    assert result.status == 201
    assert "spam" not in stored(aws, result.body["id"])["scores"]


def test_insights_show_the_spam_filters_precision_and_spam_apart_from_abuse(
    post_comment: Post, aws: Any, moderate: Moderate
) -> None:
    # GIVEN two comments the filter held or rejected as spam, and an abusive one the model rejected
    confirmed = post(post_comment, SPAM, author="Fast Loans").body["id"]
    cleared = post(post_comment, "Payday loans with no credit check at https://loans.example").body["id"]
    abuse = post(post_comment, "you will regret this [[threat=0.95]]").body["error"]["details"]["id"]
    assert all("spam:content" in stored(aws, c)["reasons"] for c in (confirmed, cleared))
    assert "spam:content" not in stored(aws, abuse)["reasons"]

    # WHEN moderators confirm the first as spam and approve the second
    assert moderate("POST", f"comments/{confirmed}/decision", {"action": "spam"}).status == 200
    assert moderate("POST", f"comments/{cleared}/decision", {"action": "approve"}).status == 200

    # THEN the filter's precision is one of two, and spam is counted apart from other rejections
    report = moderate("GET", "insights").body
    assert report["spam_filter"] == {"flagged": 2, "confirmed": 1, "cleared": 1, "precision": 0.5}
    assert report["overall"]["moderators"] == {"approved": 1, "rejected": 0, "spam": 1}
    # AND spam has per-label figures like the toxicity labels: its scores against the verdicts
    spam = report["labels"]["spam"]
    assert sum(spam["histograms"]["all"]) == 3
    assert sum(spam["histograms"]["rejected"]) == 1
    assert sum(spam["histograms"]["approved"]) == 1
