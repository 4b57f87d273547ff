"""Authors, addresses and posts: the standing moderators give an author, a block on an address, and a
post's settings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from moderation.models.base import AuthorKeyKind, BoundaryModel, Note


class AuthorRecord(BoundaryModel):
    """What moderators know of one author: their comments per status and the standing they were given."""

    author_key: str
    author_key_kind: AuthorKeyKind | None = Field(
        default=None, description="email, browser or (older comments) address; None: never seen"
    )
    published: int = 0
    pending: int = 0
    rejected: int = 0
    banned: bool = False
    trusted: bool = False


class AuthorActionRequest(BoundaryModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["ban", "unban", "trust", "untrust"]
    hide_published: bool = Field(
        default=False, strict=True, description="with ban: also take their published comments down"
    )
    note: Note | None = None


class AddressActionRequest(BoundaryModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["block", "unblock"] = Field(
        description="block: hold every new comment from the comment's address for a while; unblock: stop"
    )
    note: Note | None = None


class AddressReach(BoundaryModel):
    """Whom blocking a comment's address reaches: the readers seen posting from it lately."""

    blocked: bool
    blocked_until: datetime | None = Field(default=None, description="when the block lapses by itself")
    window_days: int = Field(description="how far back readers are counted")
    authors_seen: int = Field(description="distinct authors (e-mail or browser keys) seen from the address")
    unrecognised_comments: int = Field(description="comments from it with neither an e-mail nor a reader key")
    comments_seen: int = Field(description="comments from the address in the window")
    complete: bool = Field(description="false: more comments than were counted; the figures are lower bounds")


class PostSettings(BoundaryModel):
    post_id: str
    premoderate: bool = Field(default=False, description="every new comment waits for a moderator")
    closed: bool = Field(default=False, description="new comments are refused (403 comments_closed)")


class PostSettingsUpdate(BoundaryModel):
    model_config = ConfigDict(extra="forbid")

    premoderate: bool | None = Field(default=None, strict=True)
    closed: bool | None = Field(default=None, strict=True)
