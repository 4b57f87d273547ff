"""Importing an existing blog's comments (Disqus, WordPress)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    ConfigDict,
    Field,
    IPvAnyAddress,
    StringConstraints,
    field_validator,
    model_validator,
)

from moderation.models.base import (
    MAX_BODY_CHARS,
    POST_ID_PATTERN,
    AuthorName,
    BoundaryModel,
    Email,
    Status,
    comment_body,
)


class ImportOrigin(BoundaryModel):
    """Where an imported comment came from (`moderation import`): the export and its id there."""

    source: str
    source_id: str


MAX_IMPORT = 25
ImportSource = Literal["disqus", "wordpress"]


# The exports' own ids: Disqus's and WordPress's are numbers; a little more is allowed.
SourceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{1,128}$")]


# How far ahead of this machine's clock an original date may be (the exporter's clock may differ).
FUTURE_SLACK_SECONDS = 300


class ImportedComment(BoundaryModel):
    """One comment of an existing blog's export, as `moderation import` sends it."""

    model_config = ConfigDict(extra="forbid")

    source: ImportSource
    source_id: SourceId = Field(description="the comment's id in the export")
    post_id: Annotated[str, StringConstraints(pattern=POST_ID_PATTERN)]
    parent_source_id: SourceId | None = Field(default=None, description="the export's id of its parent")
    parent_created_at: AwareDatetime | None = Field(
        default=None,
        description="the parent's original date (with parent_source_id: its id derives from both)",
    )
    author_name: AuthorName
    author_email: Email | None = Field(default=None, description="stored as its hash, never shown")
    ip: IPvAnyAddress | None = Field(default=None, description="stored as a keyed hash, never as sent")
    body: str = Field(description=f"1–{MAX_BODY_CHARS} characters after trimming white space")
    created_at: AwareDatetime = Field(description="the original date")
    status: Status = Field(description="the original status, mapped to ours")

    @field_validator("body")
    @classmethod
    def _trimmed_body(cls, value: str) -> str:
        return comment_body(value)

    @field_validator("created_at")
    @classmethod
    def _not_in_the_future(cls, value: datetime) -> datetime:
        if value.timestamp() > time.time() + FUTURE_SLACK_SECONDS:
            raise ValueError("created_at is in the future")
        if value.year < 1990:
            raise ValueError("created_at is before 1990")
        return value

    @model_validator(mode="after")
    def _parent_dated(self) -> ImportedComment:
        if (self.parent_source_id is None) != (self.parent_created_at is None):
            raise ValueError("parent_source_id and parent_created_at go together")
        if self.parent_source_id == self.source_id:
            raise ValueError("a comment cannot reply to itself")
        return self


class ImportRequest(BoundaryModel):
    model_config = ConfigDict(extra="forbid")

    comments: list[ImportedComment] = Field(min_length=1, max_length=MAX_IMPORT)
    status_policy: Literal["keep", "rescore"] = Field(
        default="keep",
        description="keep: each comment keeps its original status; rescore: today's policy decides it",
    )


class ImportItemResult(BoundaryModel):
    source_id: str
    id: str = Field(description="the comment's id here, derived from its source, source id and date")
    result: Literal["imported", "exists", "error"]
    status: Status | None = Field(default=None, description="its status here, when imported or already there")
    error: str | None = Field(default=None, description="the error code, when not imported")


class ImportResult(BoundaryModel):
    results: list[ImportItemResult] = Field(description="one per comment, in the order given")
