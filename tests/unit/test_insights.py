"""The insights' pure parts: bins, the curve, the suggested thresholds, what one comment counts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from moderation import insights_tally
from moderation.errors import InvalidQuery
from moderation.insights import curve, parse_since, parse_target, suggest
from moderation.models.comments import AutomaticDecision, HistoryEntry, StoredComment
from moderation.models.insights import BIN_COUNT
from moderation.policy import SPAM_LABEL


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0.0, 0), (0.049, 0), (0.05, 1), (0.5, 10), (0.55, 11), (0.9, 18), (0.95, 19), (0.999, 19), (1.0, 19)],
)
def test_a_score_on_a_bin_edge_falls_in_the_bin_a_threshold_there_starts(score: float, expected: int) -> None:
    assert insights_tally.score_bin(score) == expected


def test_the_curve_counts_the_queue_at_and_the_misses_below_each_threshold() -> None:
    all_scores = [5] * 10 + [1] * 10
    rejected = [0] * 8 + [1, 1] + [0] * 9 + [2]

    points = curve(all_scores, rejected)

    assert len(points) == 21
    assert (points[0].queue, points[0].missed, points[0].miss_rate) == (60, 0, 0.0)
    assert (points[9].queue, points[9].missed, points[9].miss_rate) == (5 + 10, 1, 0.25)
    assert (points[20].queue, points[20].missed, points[20].miss_rate) == (0, 4, 1.0)


def test_no_suggestion_until_moderators_rejected_something() -> None:
    points = curve([3] * 20, [0] * 20)

    assert points[5].miss_rate is None
    assert suggest(points, [3] * 20, [1] * 20, 0.05) is None


def test_when_moderators_approved_too_much_everywhere_no_reject_threshold_meets_the_target() -> None:
    all_scores = [0] * 19 + [4]
    approved = [0] * 19 + [2]
    rejected = [0] * 19 + [2]

    suggestion = suggest(curve(all_scores, rejected), all_scores, approved, 0.05)

    assert suggestion is not None
    assert suggestion.review_threshold == 0.95
    assert (suggestion.reject_threshold, suggestion.met) == (1.0, False)


def test_since_reads_a_date_or_a_date_time_and_defaults_to_thirty_days() -> None:
    today = date(2026, 11, 27)
    assert parse_since(None, today) == date(2026, 10, 28)
    assert parse_since("2026-11-01", today) == date(2026, 11, 1)
    assert parse_since("2026-11-01T23:30:00-02:00", today) == date(2026, 11, 2)
    with pytest.raises(InvalidQuery):
        parse_since("yesterday", today)
    assert parse_target(None) == 0.05
    with pytest.raises(InvalidQuery):
        parse_target("nan")


def test_a_comment_counts_its_latest_decision_only_and_moves_when_it_changes() -> None:
    comment = StoredComment(
        id="c1",
        post_id="p",
        author_name="A",
        body="b",
        created_at=datetime(2026, 11, 27, tzinfo=UTC),
        status="pending",
        scores={"insult": 0.62, "threat": 0.1},
        automatic=AutomaticDecision(status="pending", model="m", review=0.5, reject=0.9),
    )
    approved = _decided(comment, "pending", "published")
    rejected = _decided(approved, "published", "rejected")

    delta = insights_tally.difference(insights_tally.live(rejected), insights_tally.live(approved))

    assert delta == {
        "*|moderators_rejected": 1,
        "insult|moderators_rejected": 1,
        "threat|moderators_rejected": 1,
        "*|held_approved": -1,
        "*|held_rejected": 1,
        "insult|held_approved": -1,
        "insult|held_rejected": 1,
        "threat|held_approved": -1,
        "threat|held_rejected": 1,
        "*|approved|12": -1,
        "*|rejected|12": 1,
        "insult|approved|12": -1,
        "insult|rejected|12": 1,
        "threat|approved|2": -1,
        "threat|rejected|2": 1,
    }


def test_a_comment_stored_before_insights_counts_nothing() -> None:
    comment = StoredComment(
        id="c1", post_id="p", author_name="A", body="b", created_at=datetime.now(UTC), status="pending"
    )
    assert insights_tally.live(_decided(comment, "pending", "published")) == {}


def _decided(comment: StoredComment, before: str, after: str) -> StoredComment:
    entry = HistoryEntry.model_validate({"at": datetime.now(UTC), "by": "grace", "from": before, "to": after})
    return comment.model_copy(update={"status": after, "history": [*comment.history, entry]})


DETOXIFY_LABELS = (
    "toxicity",
    "severe_toxicity",
    "obscene",
    "threat",
    "insult",
    "identity_attack",
    "sexual_explicit",
)


def dynamodb_size(item: dict[str, object]) -> int:
    """An item's size by DynamoDB's rules: names' and strings' UTF-8 bytes, numbers 1 byte per 2
    significant digits plus 1."""
    size = 0
    for name, value in item.items():
        size += len(name.encode())
        size += len(value.encode()) if isinstance(value, str) else len(str(value)) // 2 + 2
    return size


def test_a_day_item_with_every_counter_of_every_detoxify_label_stays_small() -> None:
    # GIVEN every counter a day item of a 7-label model and the spam filter can hold, each at 999
    scopes = (insights_tally.OVERALL, *DETOXIFY_LABELS, SPAM_LABEL)
    counters = [
        *(f"{scope}|{name}" for scope in scopes for name in insights_tally.COUNTERS),
        *(
            f"{scope}|{kind}|{index}"
            for scope in scopes
            for kind in insights_tally.HISTOGRAMS
            for index in range(BIN_COUNT)
        ),
        *(f"{SPAM_LABEL}|{name}" for name in insights_tally.SPAM_FILTER_COUNTERS),
    ]
    item: dict[str, object] = {
        "pk": "INSIGHTS#POST#" + "p" * 128,
        "sk": "DAY#2026-11-27#3",
        "model": "detoxify:unbiased-small (sha256 c8519128…)",
        "review": 0.5,
        "reject": 0.9,
        "at": 1795771803,
        **dict.fromkeys(counters, 999),
    }

    # THEN it is 15 KB at most (docs/moderators/insights.md's cost figures), far under DynamoDB's 400 KB
    assert len(counters) == 642
    assert dynamodb_size(item) <= 15 * 1024
    # AND a shadow item, with its agreement counters and the live-to-shadow matrix, hardly more
    outcomes = insights_tally.OUTCOMES
    shadow_only = [*insights_tally.SHADOW_COUNTERS, *(f"change|{a}|{b}" for a in outcomes for b in outcomes)]
    assert dynamodb_size({**item, **dict.fromkeys(shadow_only, 999)}) <= 15.5 * 1024
