"""The reader use cases, with an in-memory store and a scripted scorer (GIVEN / WHEN / THEN)."""

from __future__ import annotations

import pytest
from moderation.errors import (
    DuplicateComment,
    IdempotencyKeyReused,
    ParentNotFound,
    RateLimited,
    StorageUnavailable,
)
from moderation.models.comments import NewComment
from moderation.outcomes import Nudge
from moderation.service import CommentService
from moderation.settings import Settings

from tests.support.fakes import SEED_FILTER, Clock, InMemoryStore
from tests.support.scorers import ScriptedScorer
from tests.support.submissions import decided


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_service(
    store: InMemoryStore, clock: Clock, scorer: ScriptedScorer | None = None, **env: object
) -> CommentService:
    settings = Settings.model_validate({"rate_limit_per_minute": 5, **env})
    return CommentService(
        store, scorer or ScriptedScorer(), settings, b"secret", clock=clock, spam=SEED_FILTER
    )


@pytest.fixture
def service(store: InMemoryStore, clock: Clock) -> CommentService:
    return make_service(store, clock)


def comment(body: str = "Lovely post", **fields: object) -> NewComment:
    return NewComment.model_validate({"author_name": "Ada", "body": body, **fields})


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("clean [[toxicity=0.49]]", "published"),
        ("borderline [[insult=0.5]]", "pending"),
        ("abuse [[threat=0.9]]", "rejected"),
    ],
)
def test_every_comment_is_stored_whatever_its_fate(
    service: CommentService, store: InMemoryStore, body: str, status: str
) -> None:
    outcome = decided(service, "p1", comment(body), "203.0.113.9")
    assert outcome.status == status
    [stored] = store.comments.values()
    assert stored.status == status
    assert stored.scores["toxicity"] == pytest.approx(0.49 if "0.49" in body else 0.01)


def test_a_rejection_answers_with_the_id_and_reasons(service: CommentService, store: InMemoryStore) -> None:
    outcome = decided(service, "p1", comment("[[insult=0.97]]"), None)
    [stored] = store.comments.values()
    assert outcome.status == "rejected"
    assert (outcome.comment.id, outcome.reasons) == (stored.id, ["score:insult"])


def test_a_failing_scorer_holds_the_comment_never_loses_or_publishes_it(
    service: CommentService, store: InMemoryStore
) -> None:
    outcome = decided(service, "p1", comment("[[fail]] kind words"), None)
    assert outcome.status == "pending"
    [stored] = store.comments.values()
    assert (stored.status, stored.reasons) == ("pending", ["scoring_unavailable"])


def test_without_a_scorer_every_comment_is_held(store: InMemoryStore, clock: Clock) -> None:
    settings = Settings()
    service = CommentService(store, None, settings, b"s", clock=clock, spam=SEED_FILTER)
    assert decided(service, "p1", comment(), None).status == "pending"
    assert next(iter(store.comments.values())).reasons == ["scoring_unavailable"]


def test_links_at_max_links_hold_the_comment(store: InMemoryStore, clock: Clock) -> None:
    service = make_service(store, clock, max_links=2)
    assert decided(service, "p1", comment("see https://a.example"), None).status == "published"
    outcome = decided(service, "p1", comment("see https://a.example and https://b.example"), None)
    assert outcome.status == "pending"
    assert "too_many_links" in next(c for c in store.comments.values() if c.status == "pending").reasons


def test_banned_words_reject_and_suspect_words_hold(store: InMemoryStore, clock: Clock) -> None:
    service = make_service(store, clock, banned_words=("scumbag",), suspect_words=("casino",))
    assert decided(service, "p1", comment("you s c u m b a g"), None).status == "rejected"
    assert decided(service, "p1", comment("try my c4sino"), None).status == "pending"


def test_private_data_is_stored_only_as_hashes(service: CommentService, store: InMemoryStore) -> None:
    decided(service, "p1", comment(author_email="Ada@Example.com"), "203.0.113.9")
    [stored] = store.comments.values()
    assert stored.author_email_hash
    assert "@" not in stored.author_email_hash
    assert stored.client_hash
    assert "203.0.113.9" not in stored.client_hash
    assert "203.0.113.9" not in stored.model_dump_json()
    assert "Example.com" not in stored.model_dump_json()


def test_rejected_comments_expire_after_the_retention(store: InMemoryStore, clock: Clock) -> None:
    service = make_service(store, clock, rejected_retention_days=7)
    decided(service, "p1", comment("[[toxicity=0.99]]"), None)
    decided(service, "p1", comment("fine"), None)
    rejected = next(c for c in store.comments.values() if c.status == "rejected")
    published = next(c for c in store.comments.values() if c.status == "published")
    assert rejected.expires_at == int(clock.now) + 7 * 86400
    assert published.expires_at is None


def test_idempotent_repeat_returns_the_first_response_and_stores_nothing_new(
    service: CommentService, store: InMemoryStore
) -> None:
    first = decided(service, "p1", comment(), "1.1.1.1", idempotency_key="k1")
    again = decided(service, "p1", comment(), "1.1.1.1", idempotency_key="k1")
    assert (again.comment, again.reasons) == (first.comment, first.reasons)
    assert again.replayed
    assert len(store.comments) == 1


def test_same_key_different_body_is_refused(service: CommentService, store: InMemoryStore) -> None:
    decided(service, "p1", comment("one"), None, idempotency_key="k1")
    with pytest.raises(IdempotencyKeyReused):
        decided(service, "p1", comment("two"), None, idempotency_key="k1")
    assert len(store.comments) == 1


def test_duplicate_within_window_is_refused_then_allowed_after(
    service: CommentService, store: InMemoryStore, clock: Clock
) -> None:
    decided(service, "p1", comment(), None)
    with pytest.raises(DuplicateComment):
        decided(service, "p1", comment(), None)
    decided(service, "p2", comment(), None)
    clock.now += 601
    decided(service, "p1", comment(), None)
    assert len(store.comments) == 3


@pytest.mark.parametrize("variant", ["LOVELY POST", "Lovely  post", "Lovely\u200b post", "Ｌovely post"])
def test_the_duplicate_check_compares_text_as_a_reader_sees_it(
    service: CommentService, store: InMemoryStore, variant: str
) -> None:
    decided(service, "p1", comment("Lovely post"), None)
    with pytest.raises(DuplicateComment):
        decided(service, "p1", NewComment(author_name="ADA", body=variant), None)
    assert len(store.comments) == 1


def test_rate_limit_counts_per_client_and_says_when_to_retry(store: InMemoryStore, clock: Clock) -> None:
    service = make_service(store, clock, rate_limit_per_minute=2)
    clock.now = 1_800_000_010.0
    decided(service, "p1", comment("a"), "1.1.1.1")
    clock.now += 15
    decided(service, "p1", comment("b"), "1.1.1.1")
    decided(service, "p1", comment("c"), "2.2.2.2")
    with pytest.raises(RateLimited) as refused:
        decided(service, "p1", comment("d"), "1.1.1.1")
    # The first post leaves the last minute 45 s from now; then one more fits.
    assert refused.value.retry_after == 45
    assert len(store.comments) == 3
    clock.now += 44.9
    with pytest.raises(RateLimited) as refused:
        decided(service, "p1", comment("d"), "1.1.1.1")
    assert refused.value.retry_after == 1
    clock.now += 0.1
    decided(service, "p1", comment("d"), "1.1.1.1")
    assert len(store.comments) == 4


@pytest.mark.parametrize("start", [1_800_000_058.5, 1_800_000_030.0, 1_800_000_000.0])
def test_ten_posts_in_three_seconds_with_a_limit_of_five_accept_exactly_five(
    store: InMemoryStore, clock: Clock, start: float
) -> None:
    # GIVEN a limit of 5 a minute and a client posting every 0.3 s, across a minute's edge or not
    service = make_service(store, clock, rate_limit_per_minute=5)
    accepted = 0
    for n in range(10):
        clock.now = start + n * 0.3
        # WHEN it posts ten times in three seconds
        try:
            decided(service, "p1", comment(f"comment {n}"), "1.1.1.1")
            accepted += 1
        except RateLimited:
            pass

    # THEN exactly five are accepted: no second burst at a window's edge
    assert accepted == 5


def test_no_minute_ever_holds_more_than_the_limit(store: InMemoryStore, clock: Clock) -> None:
    # GIVEN a client that tries to post every 7 seconds for ten minutes (limit 5 a minute)
    service = make_service(store, clock, rate_limit_per_minute=5)
    accepted: list[float] = []
    for n in range(90):
        clock.now = 1_800_000_000.0 + n * 7
        try:
            decided(service, "p1", comment(f"comment {n}"), "1.1.1.1")
            accepted.append(clock.now)
        except RateLimited as refused:
            # AND whenever it is refused, Retry-After is when the next post fits
            retry_at = clock.now + refused.retry_after
            assert len([t for t in accepted if t > retry_at - 60]) < 5
            assert len([t for t in accepted if t > retry_at - 1 - 60]) == 5

    # THEN any 60 seconds hold at most five accepted posts, and every slot was used
    assert all(len([t for t in accepted if start <= t < start + 60]) <= 5 for start in accepted)
    assert len(accepted) >= 5 * (90 * 7 // 60)


def test_refused_requests_use_no_quota(store: InMemoryStore, clock: Clock) -> None:
    # GIVEN a limit of 2, a published comment and an idempotent one
    service = make_service(store, clock, rate_limit_per_minute=2)
    decided(service, "p1", comment("first"), "1.1.1.1", idempotency_key="k1")

    # WHEN the client sends duplicates, reuses its key for another text, and hits a storage failure
    for _ in range(3):
        with pytest.raises(DuplicateComment):
            decided(service, "p1", comment("first"), "1.1.1.1")
        with pytest.raises(IdempotencyKeyReused):
            decided(service, "p1", comment("other"), "1.1.1.1", idempotency_key="k1")
        assert decided(service, "p1", comment("first"), "1.1.1.1", idempotency_key="k1").replayed
    store.fail_writes = True
    with pytest.raises(StorageUnavailable):
        decided(service, "p1", comment("lost"), "1.1.1.1")
    store.fail_writes = False

    # THEN its one remaining post still goes through, and only then is it limited
    decided(service, "p1", comment("second"), "1.1.1.1")
    with pytest.raises(RateLimited):
        decided(service, "p1", comment("third"), "1.1.1.1")


def test_rate_limit_zero_turns_it_off(store: InMemoryStore, clock: Clock) -> None:
    service = make_service(store, clock, rate_limit_per_minute=0)
    for n in range(20):
        decided(service, "p1", comment(f"comment {n}"), "1.1.1.1")
    assert len(store.comments) == 20


def test_reply_needs_a_published_parent_on_the_same_post(
    service: CommentService, store: InMemoryStore
) -> None:
    parent = decided(service, "p1", comment("parent"), None).comment.id
    held = decided(service, "p1", comment("held [[insult=0.6]]"), None).comment.id
    assert decided(service, "p1", comment("reply", parent_id=parent), None).status == "published"
    for post, parent_id in [("p2", parent), ("p1", "01NOPE"), ("p1", held)]:
        with pytest.raises(ParentNotFound):
            decided(service, post, comment(f"reply to {parent_id}", parent_id=parent_id), None)


def test_storage_failure_raises_and_leaves_nothing(service: CommentService, store: InMemoryStore) -> None:
    store.fail_writes = True
    with pytest.raises(StorageUnavailable):
        decided(service, "p1", comment(), None)
    assert store.comments == {}


@pytest.mark.parametrize(
    ("body", "labels"),
    [
        ("borderline [[insult=0.5]]", ["insult"]),
        ("abuse [[threat=0.95]] and [[insult=0.6]]", ["threat", "insult"]),
    ],
)
def test_a_nudge_asks_first_when_the_model_would_hold_or_reject_and_stores_nothing(
    service: CommentService, store: InMemoryStore, body: str, labels: list[str]
) -> None:
    # GIVEN a writer who asks to be nudged
    # WHEN the model's scores would hold or reject the comment
    outcome = service.submit("p1", comment(body, nudge=True), "203.0.113.9", idempotency_key="k1")
    # THEN they get the labels, worst first, in words, and nothing is stored
    assert isinstance(outcome, Nudge)
    assert outcome.labels == labels
    assert "come across as" in outcome.message
    assert store.comments == {}
    # AND posting it anyway, with the same key, decides it as usual
    assert decided(service, "p1", comment(body), "203.0.113.9", idempotency_key="k1").status != "published"
    assert len(store.comments) == 1


@pytest.mark.parametrize(
    "body", ["clean words", "see https://a.example and https://b.example", "[[fail]] hi"]
)
def test_a_nudge_is_only_about_the_model_everything_else_is_decided_as_usual(
    store: InMemoryStore, clock: Clock, body: str
) -> None:
    service = make_service(store, clock, banned_words=("scumbag",))
    outcome = decided(service, "p1", comment(body, nudge=True), None)
    assert [c.id for c in store.comments.values()] == [outcome.comment.id]
    # the flag itself is not part of what is stored
    assert "nudge" not in next(iter(store.comments.values())).model_dump()


def test_banned_words_are_not_nudged_but_rejected(store: InMemoryStore, clock: Clock) -> None:
    service = make_service(store, clock, banned_words=("scumbag",))
    outcome = decided(service, "p1", comment("you scumbag", nudge=True), None)
    assert outcome.status == "rejected"
    assert outcome.reasons == ["banned_word"]


def test_a_nudge_is_not_a_post_it_uses_up_none_of_the_rate_limit(store: InMemoryStore, clock: Clock) -> None:
    service = make_service(store, clock, rate_limit_per_minute=2)
    clock.now = 1_800_000_010.0
    # GIVEN a writer nudged five times in a minute, rewording a harsh comment
    for n in range(5):
        assert isinstance(
            service.submit("p1", comment(f"take {n} [[insult=0.7]]", nudge=True), "1.1.1.1"), Nudge
        )
    # THEN they may still post as many comments as the limit allows, asking first or not
    assert decided(service, "p1", comment("now kind", nudge=True), "1.1.1.1").status == "published"
    assert decided(service, "p1", comment("and harsh [[insult=0.7]]"), "1.1.1.1").status == "pending"
    with pytest.raises(RateLimited):
        service.submit("p1", comment("one more"), "1.1.1.1")


def test_nudges_have_an_allowance_of_their_own_checked_before_the_model_runs(
    store: InMemoryStore, clock: Clock
) -> None:
    scorer = ScriptedScorer()
    service = make_service(store, clock, scorer, rate_limit_per_minute=2)
    clock.now = 1_800_000_010.0
    # GIVEN a client that used up its nudges: four per post the limit allows
    for n in range(8):
        assert isinstance(
            service.submit("p1", comment(f"probe {n} [[insult=0.7]]", nudge=True), "1.1.1.1"), Nudge
        )
    scored = len(scorer.calls)
    # WHEN it asks once more, THEN it is told to wait, and the model is not asked
    with pytest.raises(RateLimited) as refused:
        service.submit("p1", comment("probe 8 [[insult=0.7]]", nudge=True), "1.1.1.1")
    assert refused.value.retry_after == 60
    assert len(scorer.calls) == scored
    # AND another client's nudges are its own
    assert isinstance(service.submit("p1", comment("probe [[insult=0.7]]", nudge=True), "2.2.2.2"), Nudge)
    # AND posting without asking first is still allowed, and once the minute has passed, asking is too
    assert decided(service, "p1", comment("posted as it is [[insult=0.7]]"), "1.1.1.1").status == "pending"
    clock.now += 60
    assert isinstance(service.submit("p1", comment("probe 9 [[insult=0.7]]", nudge=True), "1.1.1.1"), Nudge)


def test_a_request_to_be_nudged_that_could_not_be_posted_is_refused_before_the_model_runs(
    store: InMemoryStore, clock: Clock
) -> None:
    scorer = ScriptedScorer()
    service = make_service(store, clock, scorer, rate_limit_per_minute=1)
    clock.now = 1_800_000_010.0
    decided(service, "p1", comment("the one post this minute"), "1.1.1.1")
    scored = len(scorer.calls)
    # the comment may well be posted as it is: it must fit as a post too
    with pytest.raises(RateLimited):
        service.submit("p1", comment("clean, asking first", nudge=True), "1.1.1.1")
    assert len(scorer.calls) == scored


def test_the_nudge_flag_is_not_part_of_what_an_idempotency_key_guards(
    service: CommentService, store: InMemoryStore
) -> None:
    # GIVEN a clean comment posted with the flag, decided as usual under a key
    first = decided(service, "p1", comment("Kind words", nudge=True), None, idempotency_key="k1")
    # WHEN the same comment comes again under that key without the flag (a retry of "post anyway")
    again = decided(service, "p1", comment("Kind words"), None, idempotency_key="k1")
    # THEN it is the same comment, answered again, not a reused key
    assert again.replayed
    assert again.comment == first.comment
    assert len(store.comments) == 1
