"""A comment: what a reader submits, what anyone may read, what moderators see and what is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from moderation.models.base import (
    MAX_BODY_CHARS,
    AuthorKeyKind,
    AuthorName,
    BoundaryModel,
    CommentId,
    Email,
    Status,
    comment_body,
)
from moderation.models.imports import ImportOrigin


class NewComment(BoundaryModel):
    """What a reader submits through the blog's frontend."""

    model_config = ConfigDict(extra="forbid")

    author_name: AuthorName
    body: str = Field(description=f"1–{MAX_BODY_CHARS} characters after trimming white space")
    author_email: Email | None = Field(default=None, description="never shown publicly")
    parent_id: CommentId | None = Field(default=None, description="id of the comment replied to")
    reader_key: str | None = Field(
        default=None,
        max_length=200,
        description="the key an earlier answer's Reader-Key header gave this browser; one we did not sign "
        "is ignored",
    )
    nudge: bool = Field(
        default=False,
        description="ask first: if the model's scores alone would hold or reject it, answer 200 with a nudge "
        "and store nothing",
    )
    # Bounds generous beyond what the widget sends: a forged token or a filled honeypot is a spam
    # signal, not a refusal that would tell a bot what to change.
    form_token: str | None = Field(
        default=None,
        max_length=1000,
        description="the token of GET /posts/{post_id}/form, fetched when the form was shown; optional "
        "(other frontends may leave it out), but one too young, expired, reused or not issued for this post "
        "is a spam signal",
    )
    website: str | None = Field(
        default=None,
        max_length=MAX_BODY_CHARS,
        description="the widget's honeypot, a field people never see: the widget sends it empty; filled "
        "in, it is a spam signal. Sending it at all says the request came from the widget, which always "
        "sends a form_token too",
    )

    @field_validator("body")
    @classmethod
    def _trimmed_body(cls, value: str) -> str:
        return comment_body(value)


class FormToken(BoundaryModel):
    """200 to GET /posts/{post_id}/form: the token the widget sends back with the comment."""

    token: str = Field(description="signed; says when the form was shown and for which post; use it once")


class NudgeDetails(BoundaryModel):
    labels: list[str] = Field(description="the model's labels that would hold or reject it, worst first")
    message: str = Field(description="for the writer, in plain words")


class NudgeAnswer(BoundaryModel):
    """200 to a submission with `"nudge": true` that the model would hold or reject; nothing was stored."""

    nudge: NudgeDetails


class PublicComment(BoundaryModel):
    """A comment as anyone may see it: no e-mail, no IP, no scores, no reasons."""

    id: str
    post_id: str
    parent_id: str | None = None
    author_name: str
    body: str
    created_at: datetime
    status: Status


class ThreadReply(PublicComment):
    reply_count: int = Field(description="its published direct replies")


class ThreadComment(ThreadReply):
    replies: list[ThreadReply] = Field(description="its first published replies, oldest first (at most 3)")


class HistoryEntry(BoundaryModel):
    model_config = ConfigDict(populate_by_name=True)

    at: datetime
    by: str
    from_status: Status = Field(alias="from")
    to_status: Status = Field(alias="to")
    note: str | None = None
    action: Literal["spam"] | None = Field(
        default=None, description='"spam": rejected as spam, and the spam filter learnt from it'
    )


class ModeratorComment(PublicComment):
    """A comment as moderators see it in the queue."""

    scores: dict[str, float] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)
    version: int = 1
    claimed_by: str | None = Field(default=None, description="the moderator holding the claim, if any")
    claimed_until: datetime | None = Field(default=None, description="when the claim lapses")
    author_key: str | None = Field(
        default=None, description="opaque key of the author (moderators only); see /moderation/authors"
    )
    author_key_kind: AuthorKeyKind | None = Field(
        default=None, description="what the author key was made from: email, browser or (older) address"
    )
    matched: dict[str, list[str]] = Field(
        default_factory=dict,
        description="what each word or link rule matched, by reason (`banned_word`: the listed words)",
    )
    report_count: int = Field(default=0, description="distinct readers who reported it")
    spam_signals: list[str] = Field(
        default_factory=list,
        description="what the edge saw at submission (`honeypot`, `too_fast`, `link`, `duplicate`, ...): "
        "evidence for the spam filter, none of it alone a verdict",
    )


class CommentDetail(ModeratorComment):
    history: list[HistoryEntry] = Field(default_factory=list)


class AutomaticDecision(BoundaryModel):
    """How the submit path decided a comment: what insights compare moderators' decisions with.

    Only comments stored with it are counted in the insights aggregates (those submitted since)."""

    status: Status = Field(description="the status given at submission")
    model: str | None = Field(default=None, description="the live model that scored it; None: unscored")
    review: float = Field(description="the review threshold in force")
    reject: float = Field(description="the reject threshold in force")


class StoredComment(CommentDetail):
    """Everything kept about a comment; only the store and the service see all of it."""

    automatic: AutomaticDecision | None = None
    shadow_scores: dict[str, float] = Field(
        default_factory=dict, description="the shadow model's scores (never public, never decisive)"
    )
    shadow_model: str | None = Field(default=None, description="the shadow model that gave them")
    author_email_hash: str | None = None
    client_hash: str | None = None
    expires_at: int | None = Field(default=None, description="epoch seconds; DynamoDB's TTL deletes after")
    reply_count: int = Field(default=0, description="published direct replies")
    first_replies: list[str] = Field(default_factory=list, description="ids of the earliest of them")
    replies_version: int = Field(default=0, description="guards reply_count and first_replies")
    imported: ImportOrigin | None = Field(default=None, description="set on comments brought in by an import")
    spam_features: list[str] = Field(
        default_factory=list, description="the edge's features the spam filter read, to learn them again"
    )

    def public(self) -> PublicComment:
        return PublicComment.model_validate(self.model_dump(include=set(PublicComment.model_fields)))

    def in_thread(self, replies: list[ThreadReply] | None = None) -> ThreadComment:
        public = self.public().model_dump()
        return ThreadComment(**public, reply_count=self.reply_count, replies=replies or [])

    def as_reply(self) -> ThreadReply:
        return ThreadReply(**self.public().model_dump(), reply_count=self.reply_count)

    def for_moderators(self) -> ModeratorComment:
        return ModeratorComment.model_validate(self.model_dump(include=set(ModeratorComment.model_fields)))

    def detail(self) -> CommentDetail:
        return CommentDetail.model_validate(
            self.model_dump(include=set(CommentDetail.model_fields), by_alias=True)
        )


class CommentPage(BoundaryModel):
    items: list[PublicComment]
    next_cursor: str | None = None


class ThreadPage(BoundaryModel):
    items: list[ThreadComment] = Field(description="top-level comments, oldest first")
    next_cursor: str | None = None


class ReplyPage(BoundaryModel):
    items: list[ThreadReply]
    next_cursor: str | None = None


class PostCount(BoundaryModel):
    post_id: str
    published: int


class PostCounts(BoundaryModel):
    counts: dict[str, int] = Field(description="published comments per post id")
