"""The edge's spam signals through CommentService.submit: kept on the comment, never an error,
and weighed by the spam filter (moving its score, never deciding alone)."""

from __future__ import annotations

import pytest
from moderation.models.comments import NewComment, StoredComment
from moderation.service import CommentService
from moderation.settings import Settings
from moderation.store import CreateGuards, FormReplayRace

from tests.support.fakes import SEED_FILTER, Clock, InMemoryStore
from tests.support.scorers import ScriptedScorer
from tests.support.submissions import decided

SPAM = (
    "Great article! I have been looking for information like this for ages. Visit my shop "
    "for the best deals on replica watches, shipped worldwide."
)


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(store: InMemoryStore, clock: Clock) -> CommentService:
    settings = Settings.model_validate({"rate_limit_per_minute": 0, "form_min_seconds": 3})
    return CommentService(store, ScriptedScorer(), settings, b"secret", clock=clock, spam=SEED_FILTER)


def comment(body: str = "Lovely post", name: str = "Ada", **fields: object) -> NewComment:
    return NewComment.model_validate({"author_name": name, "body": body, **fields})


def stored(store: InMemoryStore, comment_id: str) -> StoredComment:
    return store.comments[comment_id]


def signals_of(
    service: CommentService, store: InMemoryStore, request: NewComment, post_id: str = "p1"
) -> list[str]:
    outcome = decided(service, post_id, request, "203.0.113.9")
    return stored(store, outcome.comment.id).spam_signals


def test_a_widget_post_after_a_pause_carries_only_the_authors_standing(
    service: CommentService, store: InMemoryStore, clock: Clock
) -> None:
    token = service.form_token("p1")
    clock.now += 20
    assert signals_of(service, store, comment(form_token=token, website="")) == ["first_comment"]


def test_a_post_from_another_frontend_works_without_token_or_honeypot(
    service: CommentService, store: InMemoryStore
) -> None:
    outcome = decided(service, "p1", comment(), "203.0.113.9")
    assert outcome.status == "published"
    assert stored(store, outcome.comment.id).spam_signals == ["first_comment"]


@pytest.mark.parametrize(
    ("seconds_later", "token_for", "signal"),
    [(1, "p1", "too_fast"), (3 * 86400, "p1", "expired_form"), (20, "other-post", "tampered_form")],
)
def test_a_form_token_out_of_place_is_a_signal_not_an_error(
    service: CommentService,
    store: InMemoryStore,
    clock: Clock,
    seconds_later: int,
    token_for: str,
    signal: str,
) -> None:
    token = service.form_token(token_for)
    clock.now += seconds_later
    outcome = decided(service, "p1", comment(form_token=token, website=""), "203.0.113.9")
    # THEN the comment is decided as it would be without the signal
    assert outcome.status == "published"
    assert signal in stored(store, outcome.comment.id).spam_signals


def test_a_made_up_token_is_tampered(service: CommentService, store: InMemoryStore) -> None:
    assert "tampered_form" in signals_of(service, store, comment(form_token="1.2.3", website=""))


def test_the_widget_without_a_token_is_missing_one(service: CommentService, store: InMemoryStore) -> None:
    assert "missing_form" in signals_of(service, store, comment(website=""))


def test_a_filled_honeypot_is_a_signal(service: CommentService, store: InMemoryStore) -> None:
    assert "honeypot" in signals_of(service, store, comment(website="https://spam.example"))


def test_a_token_used_twice_is_replayed_the_second_time(
    service: CommentService, store: InMemoryStore, clock: Clock
) -> None:
    token = service.form_token("p1")
    clock.now += 20
    first = signals_of(service, store, comment("First comment", form_token=token, website=""))
    second = signals_of(service, store, comment("Second comment", form_token=token, website=""))
    assert "replayed_form" not in first
    assert "replayed_form" in second


def test_a_token_racing_another_post_is_replayed(
    service: CommentService, store: InMemoryStore, clock: Clock
) -> None:
    token = service.form_token("p1")
    clock.now += 20
    create = store.create

    def another_post_used_it_first(
        comment: StoredComment, guards: CreateGuards, now: int, parent: StoredComment | None = None
    ) -> None:
        if guards.form_nonce:
            raise FormReplayRace
        create(comment, guards, now, parent)

    store.create = another_post_used_it_first  # type: ignore[method-assign]
    outcome = decided(service, "p1", comment(form_token=token, website=""), "203.0.113.9")
    assert outcome.status == "published"
    assert "replayed_form" in stored(store, outcome.comment.id).spam_signals


def test_a_nudge_does_not_use_up_the_token(
    service: CommentService, store: InMemoryStore, clock: Clock
) -> None:
    token = service.form_token("p1")
    clock.now += 20
    service.submit("p1", comment("A dim take [[insult=0.7]]", form_token=token, website="", nudge=True), None)
    assert "replayed_form" not in signals_of(
        service, store, comment("A dim take", form_token=token, website="")
    )


def test_the_same_text_from_another_author_is_a_duplicate(
    service: CommentService, store: InMemoryStore
) -> None:
    assert "duplicate" not in signals_of(service, store, comment(SPAM, author_email="one@example.com"))
    assert "duplicate" in signals_of(service, store, comment(SPAM, "Bea", author_email="two@example.com"))


def test_the_same_text_on_another_post_is_a_duplicate(service: CommentService, store: InMemoryStore) -> None:
    signals_of(service, store, comment(SPAM), post_id="p1")
    assert "duplicate" in signals_of(service, store, comment(SPAM), post_id="p2")


def test_a_text_a_week_old_is_forgotten(service: CommentService, store: InMemoryStore, clock: Clock) -> None:
    signals_of(service, store, comment(SPAM), post_id="p1")
    clock.now += 8 * 86400
    assert "duplicate" not in signals_of(service, store, comment(SPAM), post_id="p2")


def test_links_and_contacts_are_kept_as_signals(service: CommentService, store: InMemoryStore) -> None:
    request = comment(
        "Loans fast! https://loans.example.com, WhatsApp +1 555 123 4567", "Cash essays.example.com"
    )
    assert {"contact_scheme", "link", "link_in_name"} <= set(signals_of(service, store, request))


def test_signals_move_the_spam_score_and_are_the_reasons_when_it_holds(
    service: CommentService, store: InMemoryStore
) -> None:
    # A civil comment with a filled honeypot and a forged token: the signals alone don't hold it
    civil = comment("I disagree with the second paragraph; the council's figures say otherwise.")
    alone = decided(
        service, "p1", civil.model_copy(update={"website": "filled", "form_token": "forged"}), "203.0.113.9"
    )
    assert alone.status == "published"
    # but they move the score of the same words
    plain = decided(service, "p2", civil, "203.0.113.9")
    assert stored(store, alone.comment.id).scores["spam"] > stored(store, plain.comment.id).scores["spam"]
    # and a contact offer with them is held as spam, the signals its reasons
    request = comment("Contact me on WhatsApp +1 555 123 4567", website="filled", form_token="forged")
    outcome = decided(service, "p1", request, "203.0.113.9")
    assert outcome.status == "pending"
    assert {"spam:content", "spam:honeypot", "spam:tampered_form", "spam:contact_scheme"} <= set(
        outcome.reasons
    )
