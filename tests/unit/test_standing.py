"""Pre-moderation, banned and trusted authors, closed posts: the step after the policy, and the
submit use case that applies it (in-memory store, scripted scorer)."""

from __future__ import annotations

import pytest
from moderation.errors import CommentsClosed
from moderation.identity import client_hash
from moderation.models.authors import PostSettings
from moderation.models.comments import NewComment
from moderation.policy import Decision
from moderation.service import CommentService
from moderation.settings import Settings
from moderation.standing import Standing, apply_standing

from tests.support.fakes import SEED_FILTER, Clock, InMemoryStore
from tests.support.scorers import ScriptedScorer
from tests.support.submissions import decided

IP = "203.0.113.9"


def make_service(store: InMemoryStore, **env: object) -> CommentService:
    settings = Settings.model_validate({"rate_limit_per_minute": 0, "suspect_words": "scam", **env})
    return CommentService(store, ScriptedScorer(), settings, b"secret", clock=Clock(), spam=SEED_FILTER)


def comment(body: str, email: str = "ada@example.com") -> NewComment:
    return NewComment.model_validate({"author_name": "Ada", "body": body, "author_email": email})


# --- the pure step ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "standing", "expected"),
    [
        (Decision("published", 0.1), Standing(banned=True), ("pending", ["banned_author"])),
        (
            Decision("rejected", 0.95, ["score:threat"]),
            Standing(banned=True),
            ("rejected", ["score:threat", "banned_author"]),
        ),
        (Decision("pending", 0.6, ["score:insult"]), Standing(trusted=True), ("published", [])),
        (
            Decision("pending", 0.6, ["score:insult", "suspect_word"]),
            Standing(trusted=True),
            ("pending", ["suspect_word"]),
        ),
        (
            Decision("pending", 0.0, ["scoring_unavailable"]),
            Standing(trusted=True),
            ("pending", ["scoring_unavailable"]),
        ),
        (
            Decision("rejected", 0.95, ["score:threat"]),
            Standing(trusted=True),
            ("rejected", ["score:threat"]),
        ),
        (
            Decision("published", 0.1),
            Standing(premoderate_all=True, trusted=True),
            ("pending", ["premoderated"]),
        ),
        (Decision("published", 0.1), Standing(new_author=True), ("pending", ["new_author"])),
        (Decision("published", 0.1), Standing(new_author=True, trusted=True), ("published", [])),
        (
            Decision("pending", 0.6, ["score:insult"]),
            Standing(new_author=True),
            ("pending", ["score:insult"]),
        ),
    ],
)
def test_the_standing_step(decision: Decision, standing: Standing, expected: tuple[str, list[str]]) -> None:
    adjusted = apply_standing(decision, standing)
    assert (adjusted.status, adjusted.reasons) == expected


def test_a_blocked_address_holds_and_never_publishes_even_a_trusted_author() -> None:
    for decision in (Decision("published", 0.1), Decision("pending", 0.6, ["score:insult"])):
        adjusted = apply_standing(decision, Standing(trusted=True, address_blocked=True))
        assert (adjusted.status, adjusted.reasons[-1]) == ("pending", "blocked_address")
    both = apply_standing(Decision("published", 0.1), Standing(banned=True, address_blocked=True))
    assert both.reasons == ["banned_author", "blocked_address"]


# --- through the submit use case -------------------------------------------------------------


def test_new_authors_wait_until_they_have_a_published_comment() -> None:
    store = InMemoryStore()
    service = make_service(store, premoderate="new_authors")

    first = decided(service, "p1", comment("Hello there"), IP)
    assert (first.status, first.reasons) == ("pending", ["new_author"])
    # GIVEN a moderator published it, THEN the same author (by e-mail, from elsewhere) publishes at once
    [stored] = store.comments.values()
    store.comments[stored.id] = stored.model_copy(update={"status": "published"})
    assert decided(service, "p1", comment("Me again"), "198.51.100.4").status == "published"
    assert decided(service, "p1", comment("Someone new", email="bob@example.com"), IP).status == "pending"


def test_premoderate_all_and_a_premoderated_post_hold_everything() -> None:
    store = InMemoryStore()
    assert decided(make_service(store, premoderate="all"), "p1", comment("Hi"), IP).reasons == [
        "premoderated"
    ]
    store.posts["p2"] = PostSettings(post_id="p2", premoderate=True)
    service = make_service(store)
    assert decided(service, "p2", comment("Hi again"), IP).status == "pending"
    assert decided(service, "p3", comment("Hi elsewhere"), IP).status == "published"


def test_a_closed_post_takes_no_comment_and_stores_nothing() -> None:
    store = InMemoryStore()
    store.posts["p1"] = PostSettings(post_id="p1", closed=True)
    with pytest.raises(CommentsClosed):
        make_service(store).submit("p1", comment("Too late?"), IP)
    assert store.comments == {}


def test_a_banned_authors_comments_are_held_and_a_trusted_ones_pass_the_model() -> None:
    store = InMemoryStore()
    service = make_service(store)
    first = decided(service, "p1", comment("Fine words"), IP)
    key = store.comments[first.comment.id].author_key
    assert key is not None

    store.set_author_standing(key, banned=True, trusted=None)
    assert decided(service, "p1", comment("More words"), IP).reasons == ["banned_author"]

    store.set_author_standing(key, banned=False, trusted=True)
    assert decided(service, "p1", comment("Sharp words [[insult=0.7]]"), IP).status == "published"
    assert decided(service, "p1", comment("What a scam"), IP).reasons == ["suspect_word"]


def test_the_author_key_is_opaque_and_the_same_for_the_same_email() -> None:
    store = InMemoryStore()
    service = make_service(store)
    decided(service, "p1", comment("One", email="Ada@Example.com"), IP)
    decided(service, "p1", comment("Two", email="ada@example.com"), "198.51.100.4")
    decided(service, "p1", comment("Three", email="bob@example.com"), IP)
    keys = [c.author_key for c in sorted(store.comments.values(), key=lambda c: c.id)]
    assert keys[0] == keys[1] != keys[2]
    assert all(key and "example" not in key and len(key) == 24 for key in keys)


def test_moderators_see_which_listed_word_matched_the_author_never_does() -> None:
    store = InMemoryStore()
    service = make_service(store, banned_words="idiot,moron")
    outcome = decided(service, "p1", comment("You 1d10t, what a s c a m"), IP)
    assert outcome.reasons == ["banned_word", "suspect_word"]
    stored = store.comments[outcome.comment.id]
    assert stored.matched == {"banned_word": ["idiot"], "suspect_word": ["scam"]}
    assert "matched" not in outcome.comment.model_dump()


# --- standing that belongs to a person, not an address (issue 23, item 5) --------------------

NAT = "198.51.100.77"


def reader_comment(body: str, reader_key: str | None = None) -> NewComment:
    fields = {"author_name": "Reader", "body": body, **({"reader_key": reader_key} if reader_key else {})}
    return NewComment.model_validate(fields)


def readers_behind_one_address(service: CommentService, count: int) -> list[str]:
    """`count` readers posting a first comment from the NAT's address; each keeps the key it got."""
    keys = []
    for n in range(count):
        first = decided(service, "p1", reader_comment(f"First words from reader {n}"), NAT)
        assert first.status == "published"
        assert first.reader_key
        keys.append(first.reader_key)
    return keys


def test_banning_one_of_six_readers_behind_one_address_bans_only_that_one() -> None:
    store = InMemoryStore()
    service = make_service(store)
    troll, *others = readers_behind_one_address(service, 6)
    troll_key = next(c.author_key for c in store.comments.values() if c.body == "First words from reader 0")
    assert troll_key is not None
    store.set_author_standing(troll_key, banned=True, trusted=None)

    for n, key in enumerate(others):
        again = decided(service, "p1", reader_comment(f"A civil reply {n}", key), NAT)
        assert (again.status, again.reader_key) == ("published", None)
    seventh = decided(service, "p1", reader_comment("My first comment here"), NAT)
    assert seventh.status == "published"
    held = decided(service, "p1", reader_comment("Me again", troll), NAT)
    assert (held.status, held.reasons) == ("pending", ["banned_author"])
    # Six readers, six authors: none of them is the address.
    keys = {c.author_key for c in store.comments.values()}
    assert len(keys) == 7
    assert all(c.author_key_kind == "browser" for c in store.comments.values())


def test_trusting_one_reader_behind_an_address_waves_no_strangers_comment_through() -> None:
    store = InMemoryStore()
    service = make_service(store)
    trusted, other = readers_behind_one_address(service, 2)
    trusted_key = next(c.author_key for c in store.comments.values() if c.body == "First words from reader 0")
    assert trusted_key is not None
    store.set_author_standing(trusted_key, banned=None, trusted=True)

    assert decided(service, "p1", reader_comment("Sharp [[insult=0.6]]", trusted), NAT).status == "published"
    assert decided(service, "p1", reader_comment("Sharp too [[insult=0.6]]", other), NAT).status == "pending"
    stranger = decided(service, "p1", reader_comment("Also sharp [[insult=0.6]]"), NAT)
    assert (stranger.status, stranger.reasons) == ("pending", ["score:insult"])


def test_a_key_we_did_not_sign_is_ignored_and_claims_no_ones_standing() -> None:
    store = InMemoryStore()
    service = make_service(store)
    [trusted] = readers_behind_one_address(service, 1)
    [first] = store.comments.values()
    assert first.author_key is not None
    store.set_author_standing(first.author_key, banned=None, trusted=True)
    reader, signature = trusted.split(".")
    forged = f"{reader}.{signature[::-1]}"

    outcome = decided(service, "p1", reader_comment("Borrowed trust [[insult=0.6]]", forged), NAT)
    # Treated as no key at all: held like anyone's, and this browser is handed a key of its own.
    assert outcome.status == "pending"
    assert outcome.reader_key
    assert outcome.reader_key != trusted
    assert store.comments[outcome.comment.id].author_key != first.author_key


def test_without_an_email_or_a_kept_key_each_comment_is_a_first_comment() -> None:
    store = InMemoryStore()
    service = make_service(store, premoderate="new_authors")
    first = decided(service, "p1", reader_comment("Hello"), NAT)
    [stored] = store.comments.values()
    store.comments[stored.id] = stored.model_copy(update={"status": "published"})
    # The same browser, had it kept its key, would publish; without it, it is new again.
    assert decided(service, "p1", reader_comment("Hello again", first.reader_key), NAT).status == "published"
    assert decided(service, "p1", reader_comment("Hello once more"), NAT).reasons == ["new_author"]


def test_a_blocked_address_holds_every_readers_comments_from_it_until_it_lapses() -> None:
    store = InMemoryStore()
    service = make_service(store)
    [trusted] = readers_behind_one_address(service, 1)
    [first] = store.comments.values()
    assert first.author_key is not None
    store.set_author_standing(first.author_key, banned=None, trusted=True)
    store.blocked[client_hash(b"secret", NAT)] = int(Clock().now) + 60

    for request in (reader_comment("Trusted, but from there", trusted), reader_comment("A stranger")):
        outcome = decided(service, "p1", request, NAT)
        assert (outcome.status, outcome.reasons) == ("pending", ["blocked_address"])
    assert decided(service, "p1", comment("From elsewhere"), IP).status == "published"
    # Never a rejection for the address alone: a moderator sees each held comment.
    abuse = decided(service, "p1", reader_comment("abuse [[threat=0.95]]"), NAT)
    assert abuse.reasons == ["score:threat", "blocked_address"]

    store.blocked[client_hash(b"secret", NAT)] = int(Clock().now)
    assert decided(service, "p1", reader_comment("After the block"), NAT).status == "published"


def test_a_replayed_submission_hands_back_the_same_reader_key() -> None:
    store = InMemoryStore()
    service = make_service(store)
    first = decided(service, "p1", reader_comment("Sent twice"), NAT, idempotency_key="k1")
    again = decided(service, "p1", reader_comment("Sent twice"), NAT, idempotency_key="k1")
    assert again.replayed
    assert again.reader_key == first.reader_key
    assert len(store.comments) == 1
