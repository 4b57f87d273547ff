"""The primitives every capability's models share: the base model, the field types a reader sends, the
error envelope and the signed-in moderator."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

Status = Literal["published", "pending", "rejected"]


# What an author key was made from: an e-mail's hash, a browser's reader key, or (comments stored
# before reader keys) the client's address.
AuthorKeyKind = Literal["email", "browser", "address"]


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


def comment_body(value: str) -> str:
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


@dataclass(frozen=True)
class Moderator:
    """The signed-in moderator, as the authorizer's claims name them."""

    name: str


class ErrorInfo(BoundaryModel):
    code: str
    message: str
    details: object | None = None


class ErrorResponse(BoundaryModel):
    error: ErrorInfo


MAX_NOTE_CHARS = 1000
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE_CHARS), AfterValidator(str.strip)]
