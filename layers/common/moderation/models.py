"""Pydantic models for everything that crosses a boundary: requests, stored comments, responses."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    IPvAnyAddress,
    StringConstraints,
    field_validator,
    model_validator,
)

Status = Literal["published", "pending", "rejected"]
# What an author key was made from: an e-mail's hash, a browser's reader key, or (comments stored
# before reader keys) the client's address.
AuthorKeyKind = Literal["email", "browser", "address"]
ReportReason = Literal["spam", "abuse", "off_topic", "other"]
POST_ID_PATTERN = r"^[A-Za-z0-9._-]{1,128}$"
MAX_BODY_CHARS = 5000


class BoundaryModel(BaseModel):
    """The base of every model here: each builds its validator when it is first used, or when a
    function builds it at init (`build`), so no function pays at import for the models that only
    the others use."""

    model_config = ConfigDict(defer_build=True)


def build(*models: type[BaseModel]) -> None:
    """Build these models' validators now, at init, rather than in the first request using them."""
    for model in models:
        model.model_rebuild()


# Control characters, and the bidi controls that can make a name read backwards or spoof another.
_NAME_CONTROLS = re.compile("[\x00-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(value: str) -> str:
    # Imported here: the read path uses these models but never validates a new comment.
    from moderation.content_rules import is_visibly_empty

    if is_visibly_empty(value):
        raise ValueError("must contain visible text")
    return value


def _comment_body(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("body must not be empty")
    _visible(value)
    if len(value) > MAX_BODY_CHARS:
        raise ValueError(f"body must be at most {MAX_BODY_CHARS} characters")
    return value


def _without_controls(value: str) -> str:
    return _NAME_CONTROLS.sub("", value)


# Length limits apply to the text as sent, as the OpenAPI schema states; cleaning comes after.
AuthorName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=80),
    AfterValidator(_without_controls),
    AfterValidator(str.strip),
    AfterValidator(_visible),
]
# The pattern admits no white space, so there is nothing to trim.
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
CommentId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


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
        return _comment_body(value)


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


class ReportEntry(BoundaryModel):
    """One reader's report of a published comment, as moderators see it."""

    at: datetime
    reason: ReportReason
    note: str | None = None


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


class ModerationDetail(CommentDetail):
    """One comment in full for a moderator: with the comment it answers, its reports and its author."""

    parent: ModeratorComment | None = Field(default=None, description="the comment this one replies to")
    reports: list[ReportEntry] = Field(default_factory=list, description="readers' reports, oldest first")
    author: AuthorRecord | None = None


class AutomaticDecision(BoundaryModel):
    """How the submit path decided a comment: what insights compare moderators' decisions with.

    Only comments stored with it are counted in the insights aggregates (those submitted since)."""

    status: Status = Field(description="the status given at submission")
    model: str | None = Field(default=None, description="the live model that scored it; None: unscored")
    review: float = Field(description="the review threshold in force")
    reject: float = Field(description="the reject threshold in force")


class ImportOrigin(BoundaryModel):
    """Where an imported comment came from (`moderation import`): the export and its id there."""

    source: str
    source_id: str


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


@dataclass(frozen=True)
class Moderator:
    """The signed-in moderator, as the authorizer's claims name them."""

    name: str


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


class ErrorInfo(BoundaryModel):
    code: str
    message: str
    details: object | None = None


class ErrorResponse(BoundaryModel):
    error: ErrorInfo


# --- moderation API (issue 4) ---------------------------------------------------------------

MAX_NOTE_CHARS = 1000
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE_CHARS), AfterValidator(str.strip)]
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


# --- privacy requests (issue 14) --------------------------------------------------------------


class AuthorExport(BoundaryModel):
    items: list[CommentDetail] = Field(description="every comment stored under the e-mail, oldest first")


class EraseRequest(BoundaryModel):
    model_config = ConfigDict(extra="forbid")

    email: Email


class ErasureResult(BoundaryModel):
    erased: int = Field(description="comments whose author name and words were erased")


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


# --- readers' reports, authors and posts (issue 13) ------------------------------------------

MAX_REPORT_NOTE_CHARS = 500


class ReportRequest(BoundaryModel):
    model_config = ConfigDict(extra="forbid")

    reason: ReportReason
    note: (
        Annotated[str, StringConstraints(max_length=MAX_REPORT_NOTE_CHARS), AfterValidator(str.strip)] | None
    ) = None


class ReportReceipt(BoundaryModel):
    status: Literal["received"] = "received"


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


# --- importing an existing blog's comments (issue 14) ------------------------------------------

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
        return _comment_body(value)

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
