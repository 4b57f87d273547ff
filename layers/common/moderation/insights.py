"""Insights for moderators: how the automatic decisions compare with their own, what the thresholds
cost, which thresholds would meet a target, and what a shadow model would change.

Everything is computed from the day aggregates (store/insights.py, counted by insights_tally) by
pure functions; the use case only parses the query and reads one Query per partition.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from moderation.errors import InvalidQuery
from moderation.insights_tally import HISTOGRAMS, OUTCOMES, OVERALL
from moderation.models.insights import (
    BIN_COUNT,
    AutomaticCounts,
    CurvePoint,
    Figures,
    Histograms,
    InsightsReport,
    LiveThresholds,
    ModeratorCounts,
    ModeratorDecisions,
    Overturns,
    Shadow,
    SpamFilterFigures,
    Suggestion,
)
from moderation.policy import DEFAULT_THRESHOLDS, SPAM_LABEL
from moderation.store import DayTotals

DEFAULT_PERIOD_DAYS = 30
DEFAULT_TARGET_MISS_RATE = 0.05


class InsightsStore(Protocol):
    def insight_totals(
        self, since: date, until: date, post_id: str | None, shadow: bool = False
    ) -> DayTotals: ...
    def live_settings(self) -> DayTotals: ...


def parse_since(value: str | None, today: date) -> date:
    """`YYYY-MM-DD` or an ISO date-time (its UTC day); default 30 days before today."""
    if value is None or not value.strip():
        return today - timedelta(days=DEFAULT_PERIOD_DAYS)
    text = value.strip()
    try:
        if len(text) == len("YYYY-MM-DD"):
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise InvalidQuery(
            "since must be a date (YYYY-MM-DD) or an ISO date-time.", details={"since": value}
        ) from error
    return (moment if moment.tzinfo is None else moment.astimezone(UTC)).date()


def parse_target(value: str | None) -> float:
    if value is None or not value.strip():
        return DEFAULT_TARGET_MISS_RATE
    try:
        target = float(value)
    except ValueError:
        target = -1.0
    if not 0.0 < target < 1.0:
        raise InvalidQuery(
            "target_miss_rate must be a number between 0 and 1 (exclusive).",
            details={"target_miss_rate": value},
        )
    return target


def _histogram(counters: Mapping[str, int], scope: str, kind: str) -> list[int]:
    return [counters.get(f"{scope}|{kind}|{index}", 0) for index in range(BIN_COUNT)]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def curve(all_scores: list[int], rejected: list[int]) -> list[CurvePoint]:
    """Queue size against missed abuse for each review threshold t = k/20: the queue is every
    comment scoring >= t, a miss a moderator-rejected comment scoring below t."""
    total_rejected = sum(rejected)
    return [
        CurvePoint(
            review_threshold=edge / BIN_COUNT,
            queue=sum(all_scores[edge:]),
            missed=sum(rejected[:edge]),
            miss_rate=_rate(sum(rejected[:edge]), total_rejected),
        )
        for edge in range(BIN_COUNT + 1)
    ]


def suggest(
    points: list[CurvePoint], all_scores: list[int], approved: list[int], target: float
) -> Suggestion | None:
    """The highest review threshold whose miss rate meets the target (t = 0 always does: nothing
    is missed when everything is held), and the lowest reject threshold, not below it, at which
    no more than the target share of the comments scoring >= t were approved by moderators.
    `met` is false when no reject threshold meets that (then 1.0 is given). None until
    moderators have rejected something."""
    if points[0].miss_rate is None:
        return None
    review = [point for point in points if point.miss_rate is not None and point.miss_rate <= target][-1]
    reject = next(
        (
            edge / BIN_COUNT
            for edge in range(BIN_COUNT + 1)
            if edge / BIN_COUNT >= review.review_threshold
            and _approved_share(all_scores[edge:], approved[edge:]) <= target
        ),
        None,
    )
    return Suggestion(
        review_threshold=review.review_threshold,
        reject_threshold=1.0 if reject is None else reject,
        queue=review.queue,
        miss_rate=review.miss_rate,
        met=reject is not None,
    )


def _approved_share(all_scores: list[int], approved: list[int]) -> float:
    """The share of these comments moderators approved; above any target when there are none."""
    return sum(approved) / sum(all_scores) if sum(all_scores) else 1.0


def figures(counters: Mapping[str, int], scope: str, target: float) -> Figures:
    """The Figures of one scope (`*` overall, or a label) from summed counters."""

    def count(name: str) -> int:
        return counters.get(f"{scope}|{name}", 0)

    automatic = AutomaticCounts(**{outcome: count(f"auto_{outcome}") for outcome in OUTCOMES})
    histograms = Histograms(**{kind: _histogram(counters, scope, kind) for kind in HISTOGRAMS})
    points = curve(histograms.all, histograms.rejected)
    return Figures(
        automatic=automatic,
        moderators=ModeratorDecisions(
            approved=count("moderators_approved"),
            rejected=count("moderators_rejected"),
            spam=count("moderators_spam"),
        ),
        held=ModeratorCounts(approved=count("held_approved"), rejected=count("held_rejected")),
        overturns=Overturns(
            rejected_to_published=count("rejected_to_published"),
            published_to_rejected=count("published_to_rejected"),
            rejected_to_published_rate=_rate(count("rejected_to_published"), automatic.rejected),
            published_to_rejected_rate=_rate(count("published_to_rejected"), automatic.published),
            reported=count("reported"),
        ),
        histograms=histograms,
        curve=points,
        suggested=suggest(points, histograms.all, histograms.approved, target),
    )


def spam_filter_figures(counters: Mapping[str, int]) -> SpamFilterFigures:
    confirmed = counters.get(f"{SPAM_LABEL}|flagged_confirmed", 0)
    cleared = counters.get(f"{SPAM_LABEL}|flagged_cleared", 0)
    return SpamFilterFigures(
        flagged=counters.get(f"{SPAM_LABEL}|flagged", 0),
        confirmed=confirmed,
        cleared=cleared,
        precision=_rate(confirmed, confirmed + cleared),
    )


def labels_of(counters: Mapping[str, int]) -> list[str]:
    scopes = {name.split("|", 1)[0] for name in counters if "|" in name}
    return sorted(scope for scope in scopes if scope not in (OVERALL, "change"))


def shadow_block(totals: DayTotals, target: float) -> Shadow | None:
    counters = totals.counters
    scored = counters.get("scored", 0)
    if not scored:
        return None
    return Shadow(
        model=totals.model,
        scored=scored,
        agreement_with_live=_rate(counters.get("agree_live", 0), scored),
        agreement_with_moderators=_rate(counters.get("agree_moderators", 0), counters.get("moderated", 0)),
        changes={
            live: {candidate: counters.get(f"change|{live}|{candidate}", 0) for candidate in OUTCOMES}
            for live in OUTCOMES
        },
        overall=figures(counters, OVERALL, target),
    )


class InsightsService:
    def __init__(self, store: InsightsStore, clock: Callable[[], float] = time.time):
        self._store = store
        self._clock = clock

    def insights(
        self, since: str | None, post_id: str | None, target_miss_rate: str | None
    ) -> InsightsReport:
        today = datetime.fromtimestamp(self._clock(), UTC).date()
        first = parse_since(since, today)
        target = parse_target(target_miss_rate)
        if first > today:
            raise InvalidQuery("since must not be in the future.", details={"since": since})
        live = self._store.insight_totals(first, today, post_id)
        shadow = self._store.insight_totals(first, today, post_id, shadow=True)
        current = self._store.live_settings()
        return InsightsReport(
            since=first,
            until=today,
            post_id=post_id,
            target_miss_rate=target,
            thresholds=LiveThresholds(
                review=DEFAULT_THRESHOLDS.review if current.review is None else current.review,
                reject=DEFAULT_THRESHOLDS.reject if current.reject is None else current.reject,
            ),
            model=current.model,
            overall=figures(live.counters, OVERALL, target),
            labels={label: figures(live.counters, label, target) for label in labels_of(live.counters)},
            spam_filter=spam_filter_figures(live.counters),
            shadow=shadow_block(shadow, target),
        )
