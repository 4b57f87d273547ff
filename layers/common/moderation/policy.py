"""The decision: pure, so every threshold boundary can be tested without I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from moderation.models.base import Status

if TYPE_CHECKING:
    from moderation.settings import Settings


@dataclass(frozen=True)
class Thresholds:
    review: float
    reject: float


DEFAULT_THRESHOLDS = Thresholds(review=0.5, reject=0.9)
# The spam filter's score sits in `scores` beside the model's labels but has thresholds of its own.
SPAM_LABEL = "spam"


class ThresholdPair(Protocol):
    """A model's recommended thresholds (the manifest's), read-only."""

    @property
    def review(self) -> float: ...
    @property
    def reject(self) -> float: ...


def effective_thresholds(
    settings_review: float | None, settings_reject: float | None, recommended: ThresholdPair | None
) -> Thresholds:
    """Each threshold from the environment if set, else the model's recommendation, else the default."""
    fallback = recommended or DEFAULT_THRESHOLDS
    review = fallback.review if settings_review is None else settings_review
    reject = fallback.reject if settings_reject is None else settings_reject
    if review > reject:
        raise ValueError(
            f"the review threshold {review} exceeds the reject threshold {reject}: set both "
            "REVIEW_THRESHOLD and REJECT_THRESHOLD, or neither"
        )
    return Thresholds(review=float(review), reject=float(reject))


def thresholds_for(settings: Settings, scorer: object | None = None) -> Thresholds:
    """The thresholds new comments are decided with: the environment's, else the model's
    recommended (a scorer loaded from a manifest carries `recommended_thresholds`)."""
    recommended = getattr(scorer, "recommended_thresholds", None)
    return effective_thresholds(settings.review_threshold, settings.reject_threshold, recommended)


@dataclass(frozen=True)
class Decision:
    status: Status
    score: float
    reasons: list[str] = field(default_factory=list)


def toxicity_scores(scores: Mapping[str, float]) -> dict[str, float]:
    """The model's labels: every score but the spam filter's."""
    return {label: value for label, value in scores.items() if label != SPAM_LABEL}


def comment_score(scores: Mapping[str, float]) -> float:
    """The comment's score is its worst toxicity label (spam is decided on its own thresholds)."""
    return max(toxicity_scores(scores).values(), default=0.0)


def spam_thresholds(settings: Settings) -> Thresholds:
    return Thresholds(review=settings.spam_review_threshold, reject=settings.spam_reject_threshold)


@dataclass(frozen=True)
class SpamFindings:
    """What the spam score adds to a decision: reasons to hold, or to reject."""

    hold: list[str] = field(default_factory=list)
    reject: list[str] = field(default_factory=list)


def spam_findings(score: float | None, reasons: Sequence[str], thresholds: Thresholds) -> SpamFindings:
    """Reject at or above the spam reject threshold, hold at or above review, with the filter's reasons."""
    if score is None or score < thresholds.review:
        return SpamFindings()
    if score >= thresholds.reject:
        return SpamFindings(reject=list(reasons))
    return SpamFindings(hold=list(reasons))


def decide(
    scores: Mapping[str, float],
    hold_reasons: Sequence[str],
    thresholds: Thresholds,
    reject_reasons: Sequence[str] = (),
) -> Decision:
    """Reject at or above the reject threshold, hold at or above review or for any hold reason."""
    labels = toxicity_scores(scores)
    score = comment_score(labels)
    if reject_reasons or score >= thresholds.reject:
        over = [f"score:{label}" for label, value in labels.items() if value >= thresholds.reject]
        return Decision("rejected", score, [*reject_reasons, *over, *hold_reasons])
    over = [f"score:{label}" for label, value in labels.items() if value >= thresholds.review]
    if over or hold_reasons:
        return Decision("pending", score, [*over, *hold_reasons])
    return Decision("published", score, [])
