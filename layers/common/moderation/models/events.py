"""Domain events: what webhooks receive, one per change of a comment."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from moderation.models.comments import PublicComment

EventType = Literal[
    "comment.published",
    "comment.held",
    "comment.rejected",
    "comment.decided",
    "comment.reported",
]
EVENT_VERSION: Literal[1] = 1


class Event(BaseModel):
    """What webhooks receive. `comment` holds public fields only: never e-mail, IP, scores or reasons."""

    id: str = Field(description="the same for every delivery of the same change")
    type: EventType
    version: Literal[1] = EVENT_VERSION
    at: datetime = Field(description="when the change happened (UTC)")
    comment: PublicComment
