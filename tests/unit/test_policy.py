"""The decision: thresholds are inclusive, the worst label decides, hold reasons always hold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from moderation.policy import Thresholds, decide, effective_thresholds

THRESHOLDS = Thresholds(review=0.5, reject=0.9)


@pytest.mark.parametrize(
    ("score", "status"),
    [
        (0.0, "published"),
        (0.4999, "published"),
        (0.5, "pending"),
        (0.8999, "pending"),
        (0.9, "rejected"),
        (1.0, "rejected"),
    ],
)
def test_thresholds_are_inclusive(score: float, status: str) -> None:
    assert decide({"toxicity": score}, [], THRESHOLDS).status == status


def test_the_worst_label_decides_and_is_named() -> None:
    decision = decide({"toxicity": 0.1, "insult": 0.95, "threat": 0.6}, [], THRESHOLDS)
    assert decision.status == "rejected"
    assert decision.score == 0.95
    assert "score:insult" in decision.reasons


def test_a_hold_reason_holds_a_clean_comment() -> None:
    decision = decide({"toxicity": 0.01}, ["too_many_links"], THRESHOLDS)
    assert (decision.status, decision.reasons) == ("pending", ["too_many_links"])


def test_no_scores_with_scoring_unavailable_is_held_never_published() -> None:
    assert decide({}, ["scoring_unavailable"], THRESHOLDS).status == "pending"


def test_a_reject_reason_rejects_whatever_the_score() -> None:
    decision = decide({"toxicity": 0.0}, [], THRESHOLDS, reject_reasons=["banned_word"])
    assert (decision.status, decision.reasons) == ("rejected", ["banned_word"])


def test_published_comments_carry_no_reasons() -> None:
    assert decide({"toxicity": 0.2}, [], THRESHOLDS).reasons == []


@given(
    scores=st.dictionaries(st.sampled_from(["toxicity", "insult", "threat"]), st.floats(0, 1), min_size=1),
    review=st.floats(0, 1),
    gap=st.floats(0, 1),
    holds=st.lists(st.sampled_from(["too_many_links", "scoring_unavailable"]), max_size=2),
)
def test_decision_matches_the_contract_for_any_scores(
    scores: dict[str, float], review: float, gap: float, holds: list[str]
) -> None:
    thresholds = Thresholds(review=review, reject=min(1.0, review + gap))
    worst = max(scores.values())
    decision = decide(scores, holds, thresholds)
    if worst >= thresholds.reject:
        expected = "rejected"
    elif worst >= thresholds.review or holds:
        expected = "pending"
    else:
        expected = "published"
    assert decision.status == expected
    assert decision.score == worst


STARTER_RECOMMENDS = Thresholds(review=0.5, reject=1.0)


@pytest.mark.parametrize(
    ("review", "reject", "recommended", "expected"),
    [
        (None, None, None, Thresholds(0.5, 0.9)),
        (None, None, STARTER_RECOMMENDS, Thresholds(0.5, 1.0)),
        (0.3, 0.8, STARTER_RECOMMENDS, Thresholds(0.3, 0.8)),
        (0.7, None, STARTER_RECOMMENDS, Thresholds(0.7, 1.0)),
        (None, 0.95, None, Thresholds(0.5, 0.95)),
    ],
)
def test_each_threshold_comes_from_the_environment_else_the_model_else_the_default(
    review: float | None, reject: float | None, recommended: Thresholds | None, expected: Thresholds
) -> None:
    assert effective_thresholds(review, reject, recommended) == expected


def test_an_environment_threshold_crossing_the_models_other_one_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="REVIEW_THRESHOLD and REJECT_THRESHOLD"):
        effective_thresholds(None, 0.3, Thresholds(review=0.5, reject=1.0))
