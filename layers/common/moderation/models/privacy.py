"""Privacy requests: an author's export and erasure."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from moderation.models.base import BoundaryModel, Email
from moderation.models.comments import CommentDetail


class AuthorExport(BoundaryModel):
    items: list[CommentDetail] = Field(description="every comment stored under the e-mail, oldest first")


class EraseRequest(BoundaryModel):
    model_config = ConfigDict(extra="forbid")

    email: Email


class ErasureResult(BoundaryModel):
    erased: int = Field(description="comments whose author name and words were erased")
