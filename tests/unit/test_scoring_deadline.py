"""Scoring has a deadline: past it the comment is held, and a stuck scorer never blocks later
requests (GIVEN / WHEN / THEN)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from moderation.models.comments import NewComment
from moderation.service import CommentService
from moderation.settings import Settings
from moderation_tools.local.template import Template

from tests.support.aws import TEMPLATE
from tests.support.fakes import SEED_FILTER, Clock, InMemoryStore
from tests.support.scorers import ScriptedScorer
from tests.support.submissions import decided


class GatedScorer(ScriptedScorer):
    """Scores a text containing `[[gate]]` only once the test opens the gate: a stuck model."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.finished = threading.Event()

    def predict(self, text: list[str]) -> dict[str, list[float]]:
        if any("[[gate]]" in item for item in text):
            self.gate.wait(timeout=30)
            self.finished.set()
        return super().predict(text)


@pytest.fixture
def scorer() -> Iterator[GatedScorer]:
    gated = GatedScorer()
    yield gated
    gated.gate.set()


def make_service(store: InMemoryStore, scorer: GatedScorer) -> CommentService:
    settings = Settings.model_validate({"rate_limit_per_minute": 0, "scoring_deadline_seconds": 0.2})
    return CommentService(store, scorer, settings, b"secret", clock=Clock(), spam=SEED_FILTER)


def comment(body: str) -> NewComment:
    return NewComment(author_name="Ada", body=body)


def test_a_scorer_past_its_deadline_holds_the_comment(scorer: GatedScorer) -> None:
    # GIVEN a scorer that does not answer
    store = InMemoryStore()
    service = make_service(store, scorer)

    # WHEN a comment is submitted
    outcome = decided(service, "p1", comment("Stuck [[gate]]"), None)

    # THEN the answer came without the score: stored and held for review, never published
    assert not scorer.finished.is_set()
    assert (outcome.status, outcome.reasons) == ("pending", ["scoring_unavailable"])
    assert store.comments[outcome.comment.id].status == "pending"


def test_while_an_abandoned_scoring_runs_the_next_comments_are_held_at_once(scorer: GatedScorer) -> None:
    # GIVEN a first comment whose scoring was abandoned and is still running
    store = InMemoryStore()
    service = make_service(store, scorer)
    decided(service, "p1", comment("Stuck [[gate]]"), None)
    calls_before = len(scorer.calls)

    # WHEN more comments arrive meanwhile
    later = [decided(service, "p1", comment(f"Fine {n}"), None) for n in range(3)]

    # THEN each is held without queueing behind the stuck scorer (which is never called again)
    assert [outcome.reasons for outcome in later] == [["scoring_unavailable"]] * 3
    assert len(scorer.calls) == calls_before
    assert not scorer.finished.is_set()

    # AND once the scorer comes back, comments are scored again
    scorer.gate.set()
    assert scorer.finished.wait(timeout=10)
    assert decided(service, "p1", comment("After"), None).status == "published"


def test_a_fast_scorer_is_unaffected(scorer: GatedScorer) -> None:
    service = make_service(InMemoryStore(), scorer)
    outcomes = [decided(service, "p1", comment(f"Quick {n} [[insult=0.95]]"), None) for n in range(5)]
    assert {outcome.status for outcome in outcomes} == {"rejected"}


def test_the_deployed_deadline_is_well_under_the_submit_functions_timeout() -> None:
    template = Template.load(TEMPLATE)
    deadline = float(template.environment("SubmitCommentFunction")["SCORING_DEADLINE_SECONDS"])
    function = template.resources["SubmitCommentFunction"]["Properties"]
    timeout = function.get("Timeout", template.document["Globals"]["Function"]["Timeout"])
    assert deadline == 3
    # Scoring, then the storage calls (each with botocore's 3 s read timeout and retries), in time.
    assert deadline <= timeout / 3
