"""Insights for moderators: the figures the insights route answers with."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from moderation.models.base import BoundaryModel

# Scores are counted in this many equal bins between 0 and 1.
BIN_COUNT = 20


class AutomaticCounts(BoundaryModel):
    published: int = 0
    held: int = 0
    rejected: int = 0


class ModeratorCounts(BoundaryModel):
    approved: int = 0
    rejected: int = 0


class ModeratorDecisions(ModeratorCounts):
    spam: int = Field(default=0, description="rejections as spam (counted apart from rejected)")


class SpamFilterFigures(BoundaryModel):
    flagged: int = Field(description="comments the spam filter held or rejected")
    confirmed: int = Field(description="... whose latest moderator decision rejected them (spam or not)")
    cleared: int = Field(description="... that moderators approved")
    precision: float | None = Field(description="confirmed / (confirmed + cleared); null before any decision")


class Overturns(BoundaryModel):
    rejected_to_published: int = Field(description="the model rejected it, a moderator approved it")
    published_to_rejected: int = Field(description="the model published it, a moderator took it down")
    rejected_to_published_rate: float | None = Field(description="of the model's rejections")
    published_to_rejected_rate: float | None = Field(description="of the model's publications")
    reported: int = Field(default=0, description="times readers' reports sent a published comment back")


class Histograms(BoundaryModel):
    all: list[int] = Field(description="every scored comment's score")
    approved: list[int] = Field(description="scores of comments whose latest moderator decision is approve")
    rejected: list[int] = Field(description="... is reject")


class CurvePoint(BoundaryModel):
    review_threshold: float
    queue: int = Field(description="comments that would be held or rejected (score >= threshold)")
    missed: int = Field(description="moderator-rejected comments scoring below it (would be published)")
    miss_rate: float | None = Field(description="missed / moderator-rejected; null when none were rejected")


class Suggestion(BoundaryModel):
    review_threshold: float
    reject_threshold: float
    queue: int
    miss_rate: float | None
    met: bool = Field(description="false when no reject threshold meets the target (1.0 is given)")


class Figures(BoundaryModel):
    automatic: AutomaticCounts
    moderators: ModeratorDecisions = Field(description="every moderator decision on the period's comments")
    held: ModeratorCounts = Field(description="the latest moderator decision on the comments the model held")
    overturns: Overturns
    histograms: Histograms
    curve: list[CurvePoint] = Field(description="one point per bin edge 0.0, 0.05, ..., 1.0")
    suggested: Suggestion | None = Field(description="null until moderators have rejected anything")


class Shadow(BoundaryModel):
    model: str | None
    scored: int
    agreement_with_live: float | None
    agreement_with_moderators: float | None
    changes: dict[str, dict[str, int]] = Field(description="live decision -> shadow decision -> count")
    overall: Figures


class LiveThresholds(BoundaryModel):
    review: float
    reject: float


class InsightsReport(BoundaryModel):
    since: date = Field(description="the first UTC day counted (comments submitted from then)")
    until: date = Field(description="the last UTC day counted (today)")
    post_id: str | None
    target_miss_rate: float
    thresholds: LiveThresholds = Field(
        description="the live thresholds, as the submit path last used them (0.5 / 0.9 before any)"
    )
    model: str | None = Field(description="the live model, as the submit path last named it (or null)")
    bin_count: int = BIN_COUNT
    overall: Figures
    labels: dict[str, Figures]
    spam_filter: SpamFilterFigures
    shadow: Shadow | None
