"""The figures of one evaluation: per class, for abusive comments, for civil identity mentions, overall."""

from __future__ import annotations

from collections.abc import Iterable

from moderation.models import Status
from pydantic import BaseModel, computed_field

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


class Evaluation(BaseModel):
    model: str
    scorer_source: str
    review_threshold: float
    reject_threshold: float
    max_links: int
    word_lists: str
    eval_set: str
    classes: list[ClassFigures]
    overall: Tally
    abusive: Tally
    identity_civil: Tally
    civil: Tally
    scoring_failures: int
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
