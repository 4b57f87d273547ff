"""The figures of one evaluation: per class, for abusive comments, for civil identity mentions, overall."""

from __future__ import annotations

from collections.abc import Iterable

from moderation.models.base import Status
from pydantic import BaseModel, Field, computed_field

from moderation_tools.eval.dataset import CLASSES, IDENTITY_CLASS, LabelledComment


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


class Outcome(BaseModel):
    """One comment of the set as the service decided it."""

    text: str
    comment_class: str
    expected: Status
    status: Status
    score: float
    reasons: list[str]

    @property
    def agrees(self) -> bool:
        return self.status == self.expected


class Tally(BaseModel):
    """Decisions over a group of comments, and how many match the moderator's."""

    total: int = 0
    published: int = 0
    pending: int = 0
    rejected: int = 0
    agreed: int = 0

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> Tally:
        tally = cls()
        for outcome in outcomes:
            tally.total += 1
            setattr(tally, outcome.status, getattr(tally, outcome.status) + 1)
            tally.agreed += outcome.agrees
        return tally

    @computed_field  # type: ignore[prop-decorator]
    @property
    def agreement(self) -> float:
        return share(self.agreed, self.total)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def not_published(self) -> float:
        return share(self.pending + self.rejected, self.total)


class ClassFigures(BaseModel):
    name: str
    abusive: bool
    tally: Tally


SPAM_CLASS = "spam"


class SpamFilterFigures(BaseModel):
    """What the spam filter flagged (held or rejected with its reasons) among the set."""

    spam: int = Field(description="rows of the spam class")
    flagged: int = Field(description="rows the spam filter held or rejected")
    caught: int = Field(description="spam rows among them")
    civil_flagged: int = Field(description="rows to publish among them")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return share(self.caught, self.flagged)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return share(self.caught, self.spam)


def spam_filter_figures(outcomes: list[Outcome]) -> SpamFilterFigures:
    flagged = [o for o in outcomes if any(reason.startswith("spam:") for reason in o.reasons)]
    return SpamFilterFigures(
        spam=sum(o.comment_class == SPAM_CLASS for o in outcomes),
        flagged=len(flagged),
        caught=sum(o.comment_class == SPAM_CLASS for o in flagged),
        civil_flagged=sum(o.expected == "published" for o in flagged),
    )


class Evaluation(BaseModel):
    model: str
    scorer_source: str
    review_threshold: float
    reject_threshold: float
    spam_review_threshold: float
    spam_reject_threshold: float
    max_links: int
    word_lists: str
    eval_set: str
    classes: list[ClassFigures]
    overall: Tally
    abusive: Tally
    identity_civil: Tally
    civil: Tally
    scoring_failures: int
    spam_filter: SpamFilterFigures
    outcomes: list[Outcome]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def abusive_recall(self) -> float:
        """Share of abusive comments the service does not publish."""
        return self.abusive.not_published


def evaluate(
    outcomes: list[Outcome],
    *,
    model: str,
    scorer_source: str,
    review: float,
    reject: float,
    spam_review: float,
    spam_reject: float,
    max_links: int,
    word_lists: str,
    eval_set: str,
) -> Evaluation:
    classes = [
        ClassFigures(
            name=name,
            abusive=info.abusive,
            tally=Tally.of(o for o in outcomes if o.comment_class == name),
        )
        for name, info in CLASSES.items()
        if any(o.comment_class == name for o in outcomes)
    ]
    # False holds and rejections are counted among comments the moderator would publish.
    return Evaluation(
        model=model,
        scorer_source=scorer_source,
        review_threshold=review,
        reject_threshold=reject,
        spam_review_threshold=spam_review,
        spam_reject_threshold=spam_reject,
        max_links=max_links,
        word_lists=word_lists,
        eval_set=eval_set,
        classes=classes,
        overall=Tally.of(outcomes),
        abusive=Tally.of(o for o in outcomes if CLASSES[o.comment_class].abusive),
        identity_civil=Tally.of(
            o for o in outcomes if o.comment_class == IDENTITY_CLASS and o.expected == "published"
        ),
        civil=Tally.of(o for o in outcomes if o.expected == "published"),
        scoring_failures=sum("scoring_unavailable" in o.reasons for o in outcomes),
        spam_filter=spam_filter_figures(outcomes),
        outcomes=outcomes,
    )


def outcome_for(comment: LabelledComment, status: Status, score: float, reasons: list[str]) -> Outcome:
    return Outcome(
        text=comment.text,
        comment_class=comment.comment_class,
        expected=comment.expected,
        status=status,
        score=score,
        reasons=reasons,
    )
