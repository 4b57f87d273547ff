"""Standing that belongs to a person, not an address, through the real handlers under moto: the
reader key the submit function hands out (Reader-Key) and takes back (`reader_key`), bans and
trust behind one NAT, the kind of each author key, and a moderator's explicit address block."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moderation import runtime

from tests.integration.conftest import HttpResult, invoke_handler, load_event
from tests.integration.test_moderation_handler import HOLD, Moderate, moderate

__all__ = ["moderate"]

NAT = "198.51.100.77"
ELSEWHERE = "192.0.2.10"

Post = Callable[..., HttpResult]


@pytest.fixture
def post(post_comment: Post) -> Post:
    def send(body: str, reader_key: str | None = None, ip: str = NAT, **fields: str) -> HttpResult:
        comment = {"author_name": "Reader", "body": body, **fields}
        if reader_key is not None:
            comment["reader_key"] = reader_key
        return post_comment(comment, source_ip=ip)

    return send


def comment_id(result: HttpResult) -> str:
    found: str = result.body["id"] if result.status != 422 else result.body["error"]["details"]["id"]
    return found


def readers(post: Post, count: int) -> list[tuple[str, str]]:
    """`count` readers behind one NAT, each with a first comment and the key its browser kept."""
    found = []
    for n in range(count):
        first = post(f"My first comment, reader {n}")
        assert first.status == 201
        found.append((first.body["id"], first.headers["reader-key"]))
    return found


def test_the_first_answer_hands_the_browser_a_key_and_later_comments_stay_its_own(
    aws: Any, moderate: Moderate, post: Post
) -> None:
    first = post("Hello from my browser")
    key = first.headers["reader-key"]
    assert "reader_key" not in first.body

    again = post("Hello again", reader_key=key)
    assert again.status == 201
    assert "reader-key" not in again.headers
    one, two = (moderate("GET", f"comments/{comment_id(r)}").body for r in (first, again))
    assert one["author_key"] == two["author_key"]
    assert (one["author_key_kind"], one["author"]["author_key_kind"]) == ("browser", "browser")
    assert two["author"]["published"] == 2
    # The author's record itself says what its key was made from (written with its counts).
    record = aws.get_item(Key={"pk": f"AUTHOR#{one['author_key']}", "sk": "AUTHOR"})["Item"]
    assert record["author_key_kind"] == "browser"
    # The same browser from another network is still the same reader.
    moved = moderate("GET", f"comments/{comment_id(post('On the train', key, ip=ELSEWHERE))}").body
    assert moved["author_key"] == one["author_key"]


def test_banning_one_of_six_readers_behind_one_address_holds_only_that_ones_comments(
    moderate: Moderate, post: Post
) -> None:
    (troll_comment, troll), *others = readers(post, 6)
    troll_author = moderate("GET", f"comments/{troll_comment}").body["author_key"]

    banned = moderate("POST", f"authors/{troll_author}/actions", {"action": "ban", "hide_published": True})
    assert (banned.body["banned"], banned.body["published"], banned.body["author_key_kind"]) == (
        True,
        0,
        "browser",
    )

    for n, (_, key) in enumerate(others):
        assert post(f"A civil second comment {n}", key).status == 201
    assert post("A seventh reader's first, civil comment").status == 201
    held = post("Back again", troll)
    assert held.status == 202
    assert moderate("GET", f"comments/{comment_id(held)}").body["reasons"] == ["banned_author"]


def test_trusting_one_reader_behind_an_address_leaves_a_strangers_borderline_comment_held(
    moderate: Moderate, post: Post
) -> None:
    [(first, key)] = readers(post, 1)
    author = moderate("GET", f"comments/{first}").body["author_key"]
    moderate("POST", f"authors/{author}/actions", {"action": "trust"})

    assert post(f"Sharp but fair {HOLD}", key).status == 201
    stranger = post(f"Sharp and new {HOLD}")
    assert stranger.status == 202
    assert moderate("GET", f"comments/{comment_id(stranger)}").body["reasons"] == ["score:insult"]


@pytest.mark.parametrize(
    "forge",
    [
        lambda key: key.split(".")[0] + "." + key.split(".")[1][::-1],
        lambda key: key[:-2] + ("AA" if not key.endswith("AA") else "BB"),
        lambda _key: "not-a-key-at-all",
        lambda key: key + "\u0000",
    ],
)
def test_a_key_we_did_not_sign_is_ignored_never_an_error_and_claims_no_standing(
    moderate: Moderate, post: Post, forge: Callable[[str], str]
) -> None:
    [(first, key)] = readers(post, 1)
    trusted = moderate("GET", f"comments/{first}").body["author_key"]
    moderate("POST", f"authors/{trusted}/actions", {"action": "trust"})

    borrowed = post(f"Borrowed trust {HOLD}", forge(key))

    assert borrowed.status == 202
    assert borrowed.headers["reader-key"] not in (key, forge(key))
    detail = moderate("GET", f"comments/{comment_id(borrowed)}").body
    assert detail["author_key"] != trusted
    assert (detail["author_key_kind"], detail["author"]["published"], detail["author"]["pending"]) == (
        "browser",
        0,
        1,
    )


def test_a_reader_key_that_is_not_a_string_is_bad_input(post_comment: Post) -> None:
    for key in (42, ["a"], "k" * 201):
        result = post_comment({"author_name": "Reader", "body": "Hi", "reader_key": key})
        assert (result.status, result.body["error"]["code"]) == (422, "invalid_request")


def test_an_email_makes_the_key_and_a_rejected_comment_hands_out_a_key_too(
    moderate: Moderate, post: Post
) -> None:
    with_email = post("Signed", author_email="ada@example.com")
    assert moderate("GET", f"comments/{comment_id(with_email)}").body["author_key_kind"] == "email"
    rejected = post("Over the line [[threat=0.95]]")
    assert rejected.status == 422
    assert rejected.headers["reader-key"]


def test_a_replay_hands_back_the_key_of_the_first_answer(post_comment: Post) -> None:
    body = {"author_name": "Reader", "body": "Sent once, answered twice"}
    first = post_comment(body, headers={"idempotency-key": "k-1"}, source_ip=NAT)
    again = post_comment(body, headers={"idempotency-key": "k-1"}, source_ip=NAT)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["reader-key"] == first.headers["reader-key"]


def test_blocking_an_address_states_its_reach_and_holds_every_readers_comments_from_it(
    moderate: Moderate, post: Post
) -> None:
    (first, key), *_ = readers(post, 3)
    post("Signed from the NAT", author_email="ada@example.com")
    post("Also the first reader", key)
    post("From elsewhere", ip=ELSEWHERE)

    reach = moderate("GET", f"comments/{first}/address").body
    # Three browsers and one e-mail: four readers, however many comments each wrote.
    assert reach == {
        "blocked": False,
        "blocked_until": None,
        "window_days": 30,
        "authors_seen": 4,
        "unrecognised_comments": 0,
        "comments_seen": 5,
        "complete": True,
    }

    blocked = moderate("POST", f"comments/{first}/address", {"action": "block", "note": "a bot farm"})
    assert blocked.status == 200
    assert blocked.body["blocked"] is True
    until = datetime.fromisoformat(blocked.body["blocked_until"])
    assert timedelta(days=29, hours=23) < until - datetime.now(UTC) <= timedelta(days=30)

    for held in (post("Trusted or not, from there", key), post("A newcomer from there")):
        assert held.status == 202
        assert moderate("GET", f"comments/{comment_id(held)}").body["reasons"] == ["blocked_address"]
    assert post("Elsewhere is fine", ip=ELSEWHERE).status == 201

    assert moderate("POST", f"comments/{first}/address", {"action": "unblock"}).body["blocked"] is False
    assert post("Unblocked again").status == 201
    # Unblocking what is not blocked changes nothing and is no error.
    assert moderate("POST", f"comments/{first}/address", {"action": "unblock"}).status == 200


def test_the_address_routes_refuse_bad_requests(moderate: Moderate, post: Post) -> None:
    first = comment_id(post("Hello"))
    assert moderate("GET", "comments/01KB2Y8N6Q4X9ZJ3T7R5M1C0VD/address").status == 404
    result = moderate("POST", f"comments/{first}/address", {"action": "ban"})
    assert (result.status, result.body["error"]["code"]) == (422, "invalid_request")
    refused = moderate("POST", f"comments/{first}/address", {"action": "block"}, claims={"username": "x"})
    assert refused.status == 403


def test_comments_stored_before_reader_keys_show_their_key_as_an_address(
    aws: Any, moderate: Moderate, post: Post
) -> None:
    # GIVEN a comment and an author record as they were stored before (keyed by the client's hash)
    table = aws
    stored = comment_id(post("Written long ago"))
    item = table.get_item(Key={"pk": f"COMMENT#{stored}", "sk": "COMMENT"})["Item"]
    legacy_key = "0123456789abcdef01234567"
    item.pop("author_key_kind")
    item["author_key"] = legacy_key
    table.put_item(Item=item)
    table.put_item(Item={"pk": f"AUTHOR#{legacy_key}", "sk": "AUTHOR", "published": 1})

    detail = moderate("GET", f"comments/{stored}").body
    assert (detail["author_key"], detail["author_key_kind"]) == (legacy_key, "address")
    assert detail["author"]["author_key_kind"] == "address"
    assert moderate("GET", f"authors/{legacy_key}").body["author_key_kind"] == "address"
    [queued] = moderate("GET", "queue", status="published").body["items"]
    assert (queued["author_key_kind"], queued["author"]["author_key_kind"]) == ("address", "address")
    # Its actions still work: a ban takes its published comments down.
    banned = moderate("POST", f"authors/{legacy_key}/actions", {"action": "ban", "hide_published": True})
    assert (banned.status, banned.body["published"]) == (200, 0)
    # And its address still counts as no one in particular in a block's reach.
    assert moderate("GET", f"comments/{stored}/address").body["unrecognised_comments"] == 1


def test_a_privacy_export_finds_comments_by_email_not_by_browser(post: Post) -> None:
    signed = post("With my address", author_email="ada@example.com")
    post("Same browser, no address", signed.headers["reader-key"])
    event = copy.deepcopy(load_event("moderation_authors_export"))
    event["queryStringParameters"] = {"email": "ada@example.com"}
    event["rawQueryString"] = "email=ada@example.com"
    items = invoke_handler("moderation_api", event).body["items"]
    assert [item["body"] for item in items] == ["With my address"]


def test_the_reach_counts_each_reader_once_only_from_that_address_and_never_shows_it(
    moderate: Moderate, post: Post
) -> None:
    [(first, key)] = readers(post, 1)
    for n in range(3):
        post(f"More from the same reader {n}", key)
    post("Someone elsewhere", ip=ELSEWHERE)
    reach = moderate("GET", f"comments/{first}/address")
    assert (reach.body["authors_seen"], reach.body["comments_seen"]) == (1, 4)
    assert NAT not in json.dumps(reach.body)


def test_a_block_past_its_time_holds_nothing_though_its_item_is_not_yet_deleted(
    aws: Any, moderate: Moderate, post: Post
) -> None:
    # GIVEN a block that lapsed a moment ago (DynamoDB's TTL deletes it only some time later)
    first = comment_id(post("Before the block"))
    moderate("POST", f"comments/{first}/address", {"action": "block"})
    address = aws.get_item(Key={"pk": f"COMMENT#{first}", "sk": "COMMENT"})["Item"]["client_hash"]
    lapsed = int(datetime.now(UTC).timestamp()) - 1
    aws.update_item(
        Key={"pk": f"ADDRESS#{address}", "sk": "BLOCK"},
        UpdateExpression="SET blocked_until = :t, expires_at = :t",
        ExpressionAttributeValues={":t": lapsed},
    )
    assert post("After it lapsed").status == 201
    assert moderate("GET", f"comments/{first}/address").body["blocked"] is False


def test_the_reach_reads_a_bounded_number_of_comments_and_says_when_there_were_more(
    aws: Any, post: Post
) -> None:
    ids = [comment_id(post(f"Comment {n} from the address")) for n in range(3)]
    address = aws.get_item(Key={"pk": f"COMMENT#{ids[0]}", "sk": "COMMENT"})["Item"]["client_hash"]
    since = "0" * 26
    store = runtime.store()
    capped = store.address_comments(address, since, 2)
    assert (capped.comments, capped.complete) == (2, False)
    everything = store.address_comments(address, since, 10)
    assert (everything.comments, len(everything.author_keys), everything.complete) == (3, 3, True)
