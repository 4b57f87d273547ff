"""The synthetic GET /moderation/insights answers the console's browser test serves (and the route can
be checked against): each follows the definitions in the route's contract, so the numbers the
browser test expects on screen are the right ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "insights"
NAMES = sorted(path.stem for path in FIXTURES.glob("*.json"))
TOP = {
    "since",
    "until",
    "post_id",
    "target_miss_rate",
    "thresholds",
    "model",
    "bin_count",
    "overall",
    "labels",
    "spam_filter",
    "shadow",
}
DECISIONS = ("published", "held", "rejected")


def load(name: str) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return answer


def every_figures(answer: dict[str, Any]) -> list[dict[str, Any]]:
    shadow = [answer["shadow"]["overall"]] if answer["shadow"] else []
    return [answer["overall"], *answer["labels"].values(), *shadow]


def rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def test_there_are_answers_with_decisions_with_a_shadow_before_any_decision_and_with_nothing() -> None:
    assert NAMES == ["decided", "empty", "shadow", "undecided"]
    assert load("shadow")["shadow"] is not None
    assert load("decided")["shadow"] is None
    undecided = load("undecided")["overall"]["histograms"]
    assert sum(undecided["all"]) > 0
    assert sum(undecided["approved"]) + sum(undecided["rejected"]) == 0
    assert sum(load("empty")["overall"]["histograms"]["all"]) == 0


@pytest.mark.parametrize("name", NAMES)
def test_each_answer_has_the_contracts_fields(name: str) -> None:
    answer = load(name)
    assert set(answer) == TOP
    assert answer["bin_count"] == 20
    assert set(answer["thresholds"]) == {"review", "reject"}
    for figures in every_figures(answer):
        assert set(figures) == {
            "automatic",
            "moderators",
            "held",
            "overturns",
            "histograms",
            "curve",
            "suggested",
        }
        assert all(len(counts) == 20 for counts in figures["histograms"].values())


@pytest.mark.parametrize("name", NAMES)
def test_the_curve_follows_from_the_histograms(name: str) -> None:
    for figures in every_figures(load(name)):
        scored, rejected = figures["histograms"]["all"], figures["histograms"]["rejected"]
        assert [point["review_threshold"] for point in figures["curve"]] == [
            round(i / 20, 2) for i in range(21)
        ]
        for i, point in enumerate(figures["curve"]):
            # held or rejected at t: score >= t; missed: moderator-rejected, scoring below t
            assert point["queue"] == sum(scored[i:])
            assert point["missed"] == sum(rejected[:i])
            expected = rate(point["missed"], sum(rejected))
            assert point["miss_rate"] == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize("name", NAMES)
def test_the_totals_follow_from_the_histograms_and_the_thresholds(name: str) -> None:
    answer = load(name)
    review, reject = (round(answer["thresholds"][k] * 20) for k in ("review", "reject"))
    for figures in every_figures(answer):
        scored, approved, rejected = (figures["histograms"][k] for k in ("all", "approved", "rejected"))
        assert all(a + r <= n for n, a, r in zip(scored, approved, rejected, strict=True))
        automatic = figures["automatic"]
        assert automatic == {
            "published": sum(scored[:review]),
            "held": sum(scored[review:reject]),
            "rejected": sum(scored[reject:]),
        }
        assert figures["moderators"] == {"approved": sum(approved), "rejected": sum(rejected)}
        assert figures["held"] == {
            "approved": sum(approved[review:reject]),
            "rejected": sum(rejected[review:reject]),
        }
        overturns = figures["overturns"]
        assert overturns["rejected_to_published"] == sum(approved[reject:])
        assert overturns["published_to_rejected"] == sum(rejected[:review])
        for kind, whole in (
            ("rejected_to_published", automatic["rejected"]),
            ("published_to_rejected", automatic["published"]),
        ):
            expected = rate(overturns[kind], whole)
            assert overturns[f"{kind}_rate"] == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize("name", NAMES)
def test_the_suggestion_is_the_highest_threshold_meeting_the_target(name: str) -> None:
    answer = load(name)
    target = answer["target_miss_rate"]
    for figures in every_figures(answer):
        suggested = figures["suggested"]
        scored, approved, rejected = (figures["histograms"][k] for k in ("all", "approved", "rejected"))
        if sum(rejected) == 0:
            assert suggested is None
            continue
        meeting = [p for p in figures["curve"] if p["miss_rate"] <= target]
        best = max(meeting, key=lambda p: p["review_threshold"])
        assert suggested["met"] is True
        assert (suggested["review_threshold"], suggested["queue"], suggested["miss_rate"]) == (
            best["review_threshold"],
            best["queue"],
            best["miss_rate"],
        )
        # the reject threshold: the lowest t, never below the review one, at which no more than the
        # target share of the comments scoring >= t were approved by moderators; else 1.0
        lowest = next(
            (
                t
                for t in (i / 20 for i in range(21))
                if t >= best["review_threshold"]
                and sum(scored[round(t * 20) :])
                and sum(approved[round(t * 20) :]) <= target * sum(scored[round(t * 20) :])
            ),
            1.0,
        )
        assert suggested["reject_threshold"] == lowest


def test_the_shadow_changes_add_up_to_what_it_scored_and_decided() -> None:
    shadow = load("shadow")["shadow"]
    changes = shadow["changes"]
    assert sum(sum(row.values()) for row in changes.values()) == shadow["scored"]
    assert sum(shadow["overall"]["histograms"]["all"]) == shadow["scored"]
    # the shadow decision is the live thresholds applied to the shadow's scores
    assert {to: sum(changes[live][to] for live in DECISIONS) for to in DECISIONS} == shadow["overall"][
        "automatic"
    ]
    agreed = sum(changes[d][d] for d in DECISIONS)
    assert shadow["agreement_with_live"] == pytest.approx(agreed / shadow["scored"])


@pytest.mark.parametrize("name", NAMES)
def test_the_route_would_give_each_answer_field_for_field(name: str) -> None:
    # The route's own response model reads each answer and writes back the same figures: what the
    # browser test serves is what the console gets from GET /moderation/insights.
    from moderation.models.insights import InsightsReport

    answer = load(name)
    written = InsightsReport.model_validate(answer).model_dump(mode="json")
    for figures in every_figures(written):
        # the fields the route adds to the contract
        assert isinstance(figures["overturns"].pop("reported"), int)
        assert isinstance(figures["moderators"].pop("spam"), int)
    assert written == answer
