"""GET /moderation/insights over a synthetic decision history whose right answers were worked out by
hand: comments with chosen scores (the scripted scorer), moderators' decisions on chosen ones."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moderation import runtime
from moderation.models.base import Moderator
from moderation.models.comments import AutomaticDecision, StoredComment
from moderation.store import CreateGuards

from tests.integration.conftest import HttpResult, invoke_handler, load_event, moderator_decides

POST = "known-answers"
OTHER_POST = "another-post"

Get = Callable[..., HttpResult]
Decide = Callable[[str, str], HttpResult]


@pytest.fixture
def insights(aws: Any) -> Get:
    def get(claims: dict[str, Any] | None = None, drop_authorizer: bool = False, **query: str) -> HttpResult:
        event = copy.deepcopy(load_event("moderation_insights"))
        event["queryStringParameters"] = query or None
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
        if claims is not None:
            event["requestContext"]["authorizer"]["jwt"]["claims"] = claims
        if drop_authorizer:
            del event["requestContext"]["authorizer"]
        return invoke_handler("moderation_api", event)

    return get


@pytest.fixture
def decide(aws: Any) -> Decide:
    def call(comment_id: str, action: str) -> HttpResult:
        result = moderator_decides(comment_id, action)
        assert result.status == 200, result.body
        return result

    return call


@pytest.fixture
def submit(post_comment: Callable[..., HttpResult]) -> Callable[[float, str, str], str]:
    def post(score: float, post_id: str = POST, tag: str = "") -> str:
        body = f"comment {tag} scoring [[toxicity={score}]]"
        result = post_comment({"author_name": "Reader", "body": body}, post_id=post_id)
        assert result.status in (201, 202, 422), result.body
        return str(result.body["id"] if result.status != 422 else result.body["error"]["details"]["id"])

    return post


def history(submit: Callable[[float, str, str], str], decide: Decide) -> dict[int, list[str]]:
    """40 comments, two per bin (scores (b + 0.25)/20 and (b + 0.75)/20): bins 0-9 published,
    10-17 held, 18-19 rejected (thresholds 0.5 / 0.9). Moderators approve the held comments of
    bins 10-13 and reject those of 14-17, take down the published ones of bins 8-9, approve the
    lower rejected one of bin 18, and change their mind on one comment of bin 13 (reject it)."""
    by_bin = {
        b: [submit((b + 0.25) / 20, POST, f"{b}a"), submit((b + 0.75) / 20, POST, f"{b}b")] for b in range(20)
    }
    for b in (10, 11, 12, 13):
        for comment_id in by_bin[b]:
            decide(comment_id, "approve")
    for b in (14, 15, 16, 17, 8, 9):
        for comment_id in by_bin[b]:
            decide(comment_id, "reject")
    decide(by_bin[18][0], "approve")
    decide(by_bin[13][1], "reject")
    return by_bin


def test_figures_and_suggestions_of_a_known_history_are_exact(
    insights: Get, submit: Callable[[float, str, str], str], decide: Decide
) -> None:
    # GIVEN the history above
    history(submit, decide)

    # WHEN a moderator asks for the post's insights
    result = insights(post_id=POST)

    # THEN every figure is the one worked out by hand
    assert result.status == 200, result.body
    body = result.body
    assert body["post_id"] == POST
    assert body["bin_count"] == 20
    assert body["thresholds"] == {"review": 0.5, "reject": 0.9}
    assert body["model"] == "plugin:tests.support.scorers.ScriptedScorer"
    overall = body["overall"]
    assert overall["automatic"] == {"published": 20, "held": 16, "rejected": 4}
    assert overall["moderators"] == {"approved": 9, "rejected": 13, "spam": 0}
    assert overall["held"] == {"approved": 7, "rejected": 9}
    assert overall["overturns"] == {
        "rejected_to_published": 1,
        "published_to_rejected": 4,
        "rejected_to_published_rate": 0.25,
        "published_to_rejected_rate": 0.2,
        "reported": 0,
    }
    histograms = overall["histograms"]
    assert histograms["all"] == [2] * 20
    assert histograms["approved"] == [0] * 10 + [2, 2, 2, 1, 0, 0, 0, 0, 1, 0]
    assert histograms["rejected"] == [0] * 8 + [2, 2, 0, 0, 0, 1, 2, 2, 2, 2, 0, 0]
    curve = overall["curve"]
    assert [point["review_threshold"] for point in curve] == [k / 20 for k in range(21)]
    assert [point["queue"] for point in curve] == [40 - 2 * k for k in range(21)]
    assert [point["missed"] for point in curve] == [0] * 9 + [2, 4, 4, 4, 4, 5, 7, 9, 11, 13, 13, 13]
    assert curve[9]["miss_rate"] == pytest.approx(2 / 13)
    assert overall["suggested"] == {
        "review_threshold": 0.4,
        "reject_threshold": 0.95,
        "queue": 24,
        "miss_rate": 0.0,
        "met": True,
    }
    # The max is the toxicity score; every other label scored 0.01, in the first bin.
    assert body["labels"]["toxicity"]["histograms"] == histograms
    insult = body["labels"]["insult"]
    assert insult["histograms"]["all"] == [40] + [0] * 19
    assert insult["histograms"]["approved"] == [8] + [0] * 19
    assert insult["histograms"]["rejected"] == [13] + [0] * 19
    assert insult["suggested"]["review_threshold"] == 0.0
    assert body["shadow"] is None

    # AND a looser target: 2 of the 13 rejected score below 0.45 (0.154 <= 0.2), below 0.5 four
    # (0.31); at 0.65 and above 2 of 14 comments were approved (0.14 <= 0.2), at 0.6 4 of 16.
    looser = insights(post_id=POST, target_miss_rate="0.2").body
    assert looser["target_miss_rate"] == 0.2
    assert looser["overall"]["suggested"] == {
        "review_threshold": 0.45,
        "reject_threshold": 0.65,
        "queue": 22,
        "miss_rate": pytest.approx(2 / 13),
        "met": True,
    }


def test_a_re_decision_moves_the_comment_between_histograms(
    insights: Get, submit: Callable[[float, str, str], str], decide: Decide
) -> None:
    held = submit(0.725, POST, "held")  # bin 14
    decide(held, "approve")
    decide(held, "reject")
    decide(held, "approve")

    overall = insights(post_id=POST).body["overall"]

    assert overall["histograms"]["approved"][14] == 1
    assert overall["histograms"]["rejected"][14] == 0
    assert overall["held"] == {"approved": 1, "rejected": 0}
    assert overall["moderators"] == {"approved": 2, "rejected": 1, "spam": 0}
    assert overall["suggested"] is None


def test_reports_that_take_a_comment_down_are_counted(
    insights: Get, submit: Callable[[float, str, str], str], aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = submit(0.2, POST, "reported")
    monkeypatch.setenv("REPORT_THRESHOLD", "1")
    runtime.reset()
    runtime.report_service().report(POST, published, _report(), "198.51.100.9")

    overall = insights(post_id=POST).body["overall"]

    assert overall["overturns"]["reported"] == 1
    assert overall["automatic"] == {"published": 1, "held": 0, "rejected": 0}
    assert overall["moderators"] == {"approved": 0, "rejected": 0, "spam": 0}


def test_an_erased_comment_stays_counted_without_its_score(
    insights: Get, post_comment: Callable[..., HttpResult], decide: Decide
) -> None:
    # GIVEN a held comment whose author asked for erasure
    body = {"author_name": "Reader", "author_email": "reader@example.com", "body": "hm [[toxicity=0.7]]"}
    held = post_comment(body, post_id=POST).body["id"]
    runtime.privacy_service().erase("reader@example.com", Moderator("grace"))
    # WHEN a moderator then approves it
    decide(held, "approve")

    # THEN it counts as held and approved, without the score it no longer has
    overall = insights(post_id=POST).body["overall"]
    assert overall["automatic"] == {"published": 0, "held": 1, "rejected": 0}
    assert overall["held"] == {"approved": 1, "rejected": 0}
    assert overall["histograms"]["all"] == [0] * 20
    assert overall["histograms"]["approved"] == [0] * 20
    assert insights(post_id=POST).body["labels"]["toxicity"]["automatic"]["held"] == 0


def test_the_post_filter_counts_only_that_posts_comments(
    insights: Get, submit: Callable[[float, str, str], str], decide: Decide
) -> None:
    submit(0.3, POST, "mine")
    decide(submit(0.7, OTHER_POST, "theirs"), "reject")
    submit(0.95, OTHER_POST, "theirs too")

    mine = insights(post_id=POST).body["overall"]
    theirs = insights(post_id=OTHER_POST).body["overall"]
    everyone = insights().body["overall"]

    assert mine["automatic"] == {"published": 1, "held": 0, "rejected": 0}
    assert theirs["automatic"] == {"published": 0, "held": 1, "rejected": 1}
    assert theirs["held"] == {"approved": 0, "rejected": 1}
    assert everyone["automatic"] == {"published": 1, "held": 1, "rejected": 1}
    assert everyone["histograms"]["all"][6] == 1
    assert everyone["histograms"]["all"][14] == 1


def test_since_counts_the_comments_submitted_from_that_day(insights: Get, aws: Any) -> None:
    # GIVEN a comment submitted 10 days ago and one today (stored through the same transaction)
    store = runtime.store()
    today = datetime.now(UTC)
    for age, score in ((10, 0.3), (0, 0.7)):
        store.create(_comment(today - timedelta(days=age), score), _no_guards(), int(today.timestamp()))

    recent = insights(since=(today - timedelta(days=5)).date().isoformat()).body
    longer = insights(since=(today - timedelta(days=15)).strftime("%Y-%m-%dT%H:%M:%SZ")).body
    default = insights().body

    assert recent["since"] == (today - timedelta(days=5)).date().isoformat()
    assert recent["until"] == today.date().isoformat()
    assert recent["overall"]["automatic"] == {"published": 0, "held": 1, "rejected": 0}
    assert longer["overall"]["automatic"] == {"published": 1, "held": 1, "rejected": 0}
    assert default["since"] == (today - timedelta(days=30)).date().isoformat()
    assert default["overall"]["automatic"] == longer["overall"]["automatic"]
    # AND the live model and thresholds are the ones last used, whatever the period or post asked
    elsewhere = insights(post_id="no-comments-here").body
    assert elsewhere["overall"]["automatic"] == {"published": 0, "held": 0, "rejected": 0}
    assert (elsewhere["model"], elsewhere["thresholds"]) == ("dated-model", {"review": 0.4, "reject": 0.8})


@pytest.mark.parametrize(
    "query",
    [
        {"since": "last tuesday"},
        {"since": "2026-13-01"},
        {"since": "2999-01-01"},
        {"target_miss_rate": "0"},
        {"target_miss_rate": "1"},
        {"target_miss_rate": "-0.1"},
        {"target_miss_rate": "lots"},
    ],
)
def test_a_bad_query_is_400(insights: Get, query: dict[str, str]) -> None:
    result = insights(**query)

    assert result.status == 400
    assert result.body["error"]["code"] == "invalid_request"


def test_insights_are_for_moderators_only(insights: Get) -> None:
    assert insights(drop_authorizer=True).status == 401
    forbidden = insights(claims={"username": "mallory", "cognito:groups": "[readers]"})
    assert forbidden.status == 403


def _report() -> Any:
    from moderation.models.reports import ReportRequest

    return ReportRequest(reason="abuse")


def _comment(created: datetime, score: float) -> StoredComment:
    status = "published" if score < 0.4 else "pending"
    return StoredComment(
        id=f"01DATED{int(created.timestamp())}",
        post_id=POST,
        author_name="Reader",
        body="dated",
        created_at=created,
        status=status,
        scores={"toxicity": score},
        automatic=AutomaticDecision(status=status, model="dated-model", review=0.4, reject=0.8),
    )


def _no_guards() -> CreateGuards:
    return CreateGuards(
        dedupe_hash=None, dedupe_until=0, idempotency_hash=None, idempotency=None, idempotency_expires_at=0
    )
