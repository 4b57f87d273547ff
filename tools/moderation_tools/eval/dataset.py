"""The labelled evaluation set: comments of the kinds a news blog receives under its articles.

Each line of `comments.jsonl` is `{"text": ..., "class": ..., "expected": ...}`. `expected` is what
a careful moderator of a news site with an ordinary civility policy would want done with the
comment if it arrived unseen:

- `published`: fine to show at once; a moderator need not look at it first. Disagreement, however
  sharp, profanity aimed at no one, sarcasm about the topic, links to sources, and any civil
  mention of who someone is.
- `pending`: a moderator should read it in context before it is shown, because it could go either
  way: a jab at a person that stops short of name-calling ("did you even read the report?"),
  biting sarcasm aimed at the author, a heated comment that edges towards abuse.
- `rejected`: removed on sight whatever the context: threats (with or without swear words),
  attacks on people for who they are, name-calling or profanity aimed at the author or another
  commenter (masked or not), and obvious spam.

A class is abusive when its comments attack a person (the author, another commenter or a group):
the table's recall figure is the share of those the service does not publish.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from moderation.models.base import Status
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

DEFAULT_EVAL_SET = Path(__file__).with_name("comments.jsonl")
# The class whose false holds and rejections the table reports on their own: models trained on
# toxic text often learn that naming an identity is itself a sign of abuse.
IDENTITY_CLASS = "identity_civil"


@dataclass(frozen=True)
class CommentClass:
    name: str
    abusive: bool
    description: str


CLASSES: dict[str, CommentClass] = {
    c.name: c
    for c in (
        CommentClass("civil_disagreement", False, "disagreement with the article or a commenter, civil"),
        CommentClass("praise", False, "thanks and praise for the article or the author"),
        CommentClass("question", False, "questions to the author or other readers"),
        CommentClass(IDENTITY_CLASS, False, "civil comments that mention identities (religion, race, ...)"),
        CommentClass("profanity_untargeted", False, "swearing aimed at no one, some of it masked"),
        CommentClass("sarcasm", False, "sarcasm and irony, nearly all about the topic rather than a person"),
        CommentClass("citation", False, "civil comments that link to sources"),
        CommentClass("insult_author", True, "insults aimed at the author or the paper's staff"),
        CommentClass("insult_commenter", True, "insults aimed at another commenter"),
        CommentClass("threat", True, "threats, many of them worded without a single swear word"),
        CommentClass("identity_attack", True, "attacks on people for their religion, race, sexuality, ..."),
        CommentClass("masked_abuse", True, "insults in masked profanity (f***, a$$, i d i o t)"),
        CommentClass("spam", False, "links, crypto, SEO and work-from-home spam"),
    )
}


class LabelledComment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    text: str = Field(min_length=1)
    comment_class: str = Field(alias="class")
    expected: Status

    @field_validator("comment_class")
    @classmethod
    def _known_class(cls, value: str) -> str:
        if value not in CLASSES:
            raise ValueError(f"unknown class {value!r}; known: {', '.join(CLASSES)}")
        return value

    @property
    def abusive(self) -> bool:
        return CLASSES[self.comment_class].abusive


class EvalSetError(ValueError):
    """The evaluation set cannot be read; the message names the file and line."""


def load_eval_set(path: Path) -> list[LabelledComment]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise EvalSetError(f"cannot read the evaluation set {path}: {error}") from error
    comments: list[LabelledComment] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            comments.append(LabelledComment.model_validate_json(line))
        except ValidationError as error:
            problems = "; ".join(_describe(problem) for problem in error.errors())
            raise EvalSetError(f"{path}:{number}: {problems}") from error
    if not comments:
        raise EvalSetError(f"{path} holds no comments")
    return comments


def _describe(problem: ErrorDetails) -> str:
    where = ".".join(map(str, problem["loc"])) or "line"
    return f"{where}: {problem['msg']}"
