"""The moderators' review: the queue, one comment in full, decisions one at a time or in bulk, claims."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from moderation.models.authors import AuthorRecord
from moderation.models.base import POST_ID_PATTERN, BoundaryModel, CommentId, Note, Status
from moderation.models.comments import CommentDetail, ModeratorComment
from moderation.models.reports import ReportEntry


class ModerationDetail(CommentDetail):
    """One comment in full for a moderator: with the comment it answers, its reports and its author."""

    parent: ModeratorComment | None = Field(default=None, description="the comment this one replies to")
    reports: list[ReportEntry] = Field(default_factory=list, description="readers' reports, oldest first")
    author: AuthorRecord | None = None


MAX_CLAIM = 25


class QueueItem(ModeratorComment):
    author: AuthorRecord | None = Field(default=None, description="the author's record, when known")


class ModerationQueuePage(BoundaryModel):
    items: list[QueueItem]
    next_cursor: str | None = None


class DecisionRequest(BoundaryModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["approve", "reject", "spam"] = Field(
        description="approve publishes; reject rejects; spam rejects and teaches the spam filter"
    )
    note: Note | None = None
    # strict: JSON `true` is not a number (pydantic's lax mode would read it as 1)
    version: int | None = Field(
        default=None,
        ge=1,
        strict=True,
        description="the version you reviewed; another one answers 409 conflict",
    )


class ClaimRequest(BoundaryModel):
    model_config = ConfigDict(extra="forbid")

    # strict: JSON `true` is not a number (pydantic's lax mode would read it as 1)
    count: int = Field(default=10, ge=1, le=MAX_CLAIM, strict=True, description="how many comments to lease")
    post_id: Annotated[str, StringConstraints(pattern=POST_ID_PATTERN)] | None = None


class ClaimResult(BoundaryModel):
    items: list[ModeratorComment] = Field(description="pending comments now leased to you, oldest first")
    claimed_until: datetime


class StatusCounts(BoundaryModel):
    post_id: str | None = None
    counts: dict[Status, int]
    total: int


MAX_BULK = 50


class BulkDecisionRequest(BoundaryModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[CommentId] = Field(min_length=1, max_length=MAX_BULK, description="the comments to decide")
    action: Literal["approve", "reject", "spam"]
    note: Note | None = None


class ModeratorIdentity(BoundaryModel):
    name: str = Field(description="the name the decision history and claims record")


class BulkDecisionItem(BoundaryModel):
    id: str
    status: Status | None = Field(default=None, description="its new status, when decided")
    error: str | None = Field(default=None, description="the error code, when not decided")


class BulkDecisionResult(BoundaryModel):
    results: list[BulkDecisionItem] = Field(description="one per id, in the order given")
