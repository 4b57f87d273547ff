"""The moderation function invoked with events/ (JWT-claim events, as HTTP API sends them) under moto."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from moderation import runtime
from moderation.models.comments import HistoryEntry
from moderation.store import StaleComment

from tests.integration.conftest import HttpResult, LambdaContext, invoke_handler, load_event

POST = "why-we-moderate"
HOLD = "[[insult=0.6]]"
REJECT = "[[threat=0.95]]"

Moderate = Callable[..., HttpResult]
Submit = Callable[..., str]


@pytest.fixture
def moderate(aws: Any) -> Moderate:
    """Call a moderation route as the JWT authorizer would pass it on (claims of `grace`)."""

    def call(
        method: str,
        path: str,
        body: Any = None,
        claims: dict[str, Any] | None = None,
        drop_authorizer: bool = False,
        **query: str,
    ) -> HttpResult:
        event = copy.deepcopy(load_event(_event_name(path)))
        full_path = f"/moderation/{path}"
        event["rawPath"] = event["requestContext"]["http"]["path"] = full_path
        event["requestContext"]["http"]["method"] = method
        event["queryStringParameters"] = query or None
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
        if "pathParameters" in event:
            name = next(iter(event["pathParameters"]))
            event["pathParameters"] = {name: full_path.split("/")[3]}
        if body is not None:
            event["body"] = json.dumps(body)
            event["headers"]["content-type"] = "application/json"
        if claims is not None:
            event["requestContext"]["authorizer"]["jwt"]["claims"] = claims
        if drop_authorizer:
            del event["requestContext"]["authorizer"]
        return invoke_handler("moderation_api", event)

    return call


def _event_name(path: str) -> str:
    if path.endswith("/decision"):
        return "moderation_decision"
    if path.endswith("/address"):
        # The GET and POST events differ only in method and body.
        return "moderation_comment_address"
    if path.startswith("comments/"):
        return "moderation_comment"
    if path.startswith("authors/"):
        return "moderation_author_actions" if path.endswith("/actions") else "moderation_author"
    if path.startswith("posts/"):
        # The GET and POST events differ only in method and body.
        return "moderation_post"
    return f"moderation_{path}"


@pytest.fixture
def submit(post_comment: Callable[..., HttpResult]) -> Submit:
    def post(body: str, post_id: str = POST, author: str = "Reader") -> str:
        result = post_comment({"author_name": author, "body": body}, post_id=post_id)
        assert result.status in (201, 202, 422), result.body
        comment_id: str = result.body["id"] if result.status != 422 else result.body["error"]["details"]["id"]
        return comment_id

    return post


def counts(moderate: Moderate, post_id: str | None = None) -> dict[str, int]:
    result = moderate("GET", "counts", **({"post_id": post_id} if post_id else {}))
    assert result.status == 200
    found: dict[str, int] = result.body["counts"]
    assert result.body["total"] == sum(found.values())
    return found


def raw_item(table: Any, comment_id: str) -> dict[str, Any]:
    item: dict[str, Any] = table.get_item(Key={"pk": f"COMMENT#{comment_id}", "sk": "COMMENT"})["Item"]
    return item


# --- the queue -----------------------------------------------------------------------------


def test_queue_lists_pending_oldest_first_by_default(moderate: Moderate, submit: Submit) -> None:
    first = submit(f"first {HOLD}")
    submit("clean and published")
    submit(f"abusive {REJECT}")
    second = submit(f"second {HOLD}", post_id="another-post")

    result = moderate("GET", "queue")

    assert result.status == 200
    assert [item["id"] for item in result.body["items"]] == [first, second]
    item = result.body["items"][0]
    assert item["status"] == "pending"
    assert item["scores"]["insult"] == 0.6
    assert item["reasons"] == ["score:insult"]
    assert item["version"] == 1
    assert result.body["next_cursor"] is None


def test_queue_filters_by_status_and_post(moderate: Moderate, submit: Submit) -> None:
    rejected = submit(f"abusive {REJECT}")
    published = submit("clean")
    other_published = submit("clean elsewhere", post_id="another-post")

    assert [i["id"] for i in moderate("GET", "queue", status="rejected").body["items"]] == [rejected]
    all_published = moderate("GET", "queue", status="published").body["items"]
    assert [i["id"] for i in all_published] == [published, other_published]
    one_post = moderate("GET", "queue", status="published", post_id="another-post").body["items"]
    assert [i["id"] for i in one_post] == [other_published]


def test_queue_pages_return_every_comment_exactly_once(moderate: Moderate, submit: Submit) -> None:
    held = [submit(f"held {n} {HOLD}") for n in range(5)]
    seen: list[str] = []
    query: dict[str, str] = {"limit": "2"}
    while True:
        page = moderate("GET", "queue", **query).body
        seen += [item["id"] for item in page["items"]]
        if not page["next_cursor"]:
            break
        query = {"limit": "2", "cursor": page["next_cursor"]}
    assert seen == held


def test_a_cursor_only_pages_the_listing_it_came_from(moderate: Moderate, submit: Submit) -> None:
    for n in range(3):
        submit(f"held {n} {HOLD}")
    cursor = moderate("GET", "queue", limit="1").body["next_cursor"]
    result = moderate("GET", "queue", status="rejected", cursor=cursor)
    assert result.status == 400
    assert result.body["error"]["code"] == "invalid_cursor"


def test_queue_refuses_an_unknown_status(moderate: Moderate) -> None:
    result = moderate("GET", "queue", status="deleted")
    assert result.status == 422
    assert result.body["error"]["code"] == "invalid_request"


# --- one comment and decisions -------------------------------------------------------------


def test_detail_shows_scores_reasons_version_and_history(moderate: Moderate, submit: Submit) -> None:
    comment_id = submit(f"borderline {HOLD}")
    moderate("POST", f"comments/{comment_id}/decision", {"action": "reject", "note": "rude", "version": 1})
    moderate("POST", f"comments/{comment_id}/decision", {"action": "approve", "note": "on reflection"})

    result = moderate("GET", f"comments/{comment_id}")

    assert result.status == 200
    detail = result.body
    assert (detail["status"], detail["version"], detail["reasons"]) == ("published", 3, ["score:insult"])
    assert detail["scores"]["insult"] == 0.6
    assert [(h["by"], h["from"], h["to"], h["note"]) for h in detail["history"]] == [
        ("grace", "pending", "rejected", "rude"),
        ("grace", "rejected", "published", "on reflection"),
    ]
    assert detail["history"][0]["at"] <= detail["history"][1]["at"]
    assert "client_hash" not in detail
    assert "author_email_hash" not in detail


def test_approve_publishes_and_the_public_list_shows_it(
    moderate: Moderate, submit: Submit, list_comments: Callable[..., HttpResult]
) -> None:
    comment_id = submit(f"borderline {HOLD}")

    result = moderate("POST", f"comments/{comment_id}/decision", {"action": "approve", "version": 1})

    assert result.status == 200
    assert (result.body["status"], result.body["version"]) == ("published", 2)
    assert [item["id"] for item in list_comments().body["items"]] == [comment_id]
    assert moderate("GET", "queue").body["items"] == []


def test_reject_takes_down_a_published_comment_and_sets_its_retention(
    aws: Any, moderate: Moderate, submit: Submit, list_comments: Callable[..., HttpResult]
) -> None:
    comment_id = submit("clean, but off topic")

    result = moderate("POST", f"comments/{comment_id}/decision", {"action": "reject"})

    assert result.status == 200
    assert result.body["status"] == "rejected"
    assert list_comments().body["items"] == []
    item = raw_item(aws, comment_id)
    assert item["post_status"] == f"{POST}#rejected"
    assert abs(int(item["expires_at"]) - (time.time() + 30 * 86400)) < 60


def test_approving_a_rejected_comment_cancels_its_expiry(
    aws: Any, moderate: Moderate, submit: Submit
) -> None:
    comment_id = submit(f"misjudged {REJECT}")
    assert "expires_at" in raw_item(aws, comment_id)

    result = moderate("POST", f"comments/{comment_id}/decision", {"action": "approve"})

    assert result.body["status"] == "published"
    assert "expires_at" not in raw_item(aws, comment_id)


def test_a_stale_version_is_a_conflict_and_changes_nothing(
    aws: Any, moderate: Moderate, submit: Submit
) -> None:
    comment_id = submit(f"borderline {HOLD}")
    moderate("POST", f"comments/{comment_id}/decision", {"action": "approve", "version": 1})
    before_item, before_counts = raw_item(aws, comment_id), counts(moderate)

    result = moderate("POST", f"comments/{comment_id}/decision", {"action": "reject", "version": 1})

    assert result.status == 409
    assert result.body["error"]["code"] == "conflict"
    assert result.body["error"]["details"] == {"current_version": 2, "status": "published"}
    assert raw_item(aws, comment_id) == before_item
    assert counts(moderate) == before_counts


def test_unknown_comments_are_not_found(moderate: Moderate) -> None:
    detail = moderate("GET", "comments/01KB2Y8N6Q4X9ZJ3T7R5M1C0VD")
    decision = moderate("POST", "comments/01KB2Y8N6Q4X9ZJ3T7R5M1C0VD/decision", {"action": "approve"})
    assert (detail.status, decision.status) == (404, 404)
    assert detail.body["error"]["code"] == decision.body["error"]["code"] == "not_found"


def test_a_decision_needs_a_known_action(moderate: Moderate, submit: Submit) -> None:
    comment_id = submit(f"borderline {HOLD}")
    result = moderate("POST", f"comments/{comment_id}/decision", {"action": "delete"})
    assert result.status == 422
    assert result.body["error"]["code"] == "invalid_request"


def test_two_moderators_deciding_at_once_exactly_one_wins(
    aws: Any, moderate: Moderate, submit: Submit, serializable_transactions: None
) -> None:
    comment_id = submit(f"borderline {HOLD}")
    start = threading.Barrier(2)

    def decide(action: str, name: str) -> HttpResult:
        claims = {"username": name, "cognito:groups": "[moderators]"}
        start.wait()
        return moderate("POST", f"comments/{comment_id}/decision", {"action": action, "version": 1}, claims)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(decide, ["approve", "reject"], ["grace", "linus"]))

    assert sorted(r.status for r in results) == [200, 409]
    winner = next(r for r in results if r.status == 200)
    detail = moderate("GET", f"comments/{comment_id}").body
    assert detail["version"] == 2
    assert [h["to"] for h in detail["history"]] == [winner.body["status"]]
    assert counts(moderate) == {"published": 0, "pending": 0, "rejected": 0} | {winner.body["status"]: 1}


def test_a_decision_read_before_another_one_landed_cannot_overwrite_it(aws: Any, submit: Submit) -> None:
    # The store conditions the write on the version it read, whatever the caller asked for.
    store = runtime.store()
    comment_id = submit(f"borderline {HOLD}")
    current = store.get(comment_id)
    assert current is not None

    def entry(to: str, by: str) -> HistoryEntry:
        return HistoryEntry.model_validate(
            {"at": "2026-11-27T09:00:00Z", "by": by, "from": "pending", "to": to}
        )

    store.apply_decision(current, entry("published", "grace"), None)
    after_first = raw_item(aws, comment_id)
    with pytest.raises(StaleComment):
        store.apply_decision(current, entry("rejected", "linus"), 1)
    assert raw_item(aws, comment_id) == after_first
    assert store.counts(POST) == {"published": 1, "pending": 0, "rejected": 0}


# --- sign-in --------------------------------------------------------------------------------


def test_no_claims_is_unauthorized(moderate: Moderate) -> None:
    result = moderate("GET", "queue", drop_authorizer=True)
    assert result.status == 401
    assert result.body["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    "claims",
    [
        {"username": "mallory", "cognito:groups": "[editors]"},
        {"username": "mallory"},
        {"sub": "8c1d2e3f", "cognito:groups": ["editors", "writers"]},
    ],
)
def test_signed_in_without_the_moderators_group_is_forbidden(
    moderate: Moderate, claims: dict[str, Any]
) -> None:
    for method, path, body in [
        ("GET", "queue", None),
        ("GET", "counts", None),
        ("POST", "claims", {"count": 1}),
        ("POST", "comments/01KB2Y8N6Q4X9ZJ3T7R5M1C0VD/decision", {"action": "approve"}),
    ]:
        result = moderate(method, path, body, claims)
        assert result.status == 403, (method, path)
        assert result.body["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    "groups", ["[moderators]", "[editors moderators]", ["moderators"], ["editors", "moderators"]]
)
def test_the_group_claim_may_be_a_list_or_a_string(moderate: Moderate, groups: object) -> None:
    result = moderate("GET", "queue", claims={"email": "grace@example.com", "cognito:groups": groups})
    assert result.status == 200


def test_the_history_names_the_moderator_from_their_claims(moderate: Moderate, submit: Submit) -> None:
    comment_id = submit(f"borderline {HOLD}")
    claims = {"email": "ada@example.com", "sub": "1f2e", "cognito:groups": "[moderators]"}
    result = moderate("POST", f"comments/{comment_id}/decision", {"action": "approve"}, claims)
    assert result.body["history"][0]["by"] == "ada@example.com"


# --- claims ---------------------------------------------------------------------------------


def claim(moderate: Moderate, name: str, count: int, post_id: str | None = None) -> list[str]:
    body: dict[str, Any] = {"count": count} | ({"post_id": post_id} if post_id else {})
    result = moderate("POST", "claims", body, {"username": name, "cognito:groups": "[moderators]"})
    assert result.status == 200, result.body
    assert all(item["claimed_by"] == name for item in result.body["items"])
    return [item["id"] for item in result.body["items"]]


def test_claims_lease_the_next_unclaimed_pending_comments(moderate: Moderate, submit: Submit) -> None:
    held = [submit(f"held {n} {HOLD}") for n in range(3)]
    submit("published, never claimed")

    assert claim(moderate, "grace", 2) == held[:2]
    assert claim(moderate, "linus", 2) == held[2:]
    # Asking again extends your own claims and takes nobody else's.
    assert claim(moderate, "grace", 5) == held[:2]
    queue = moderate("GET", "queue").body["items"]
    assert [item["claimed_by"] for item in queue] == ["grace", "grace", "linus"]


def test_claims_can_be_limited_to_one_post(moderate: Moderate, submit: Submit) -> None:
    submit(f"elsewhere {HOLD}", post_id="another-post")
    here = submit(f"here {HOLD}")
    assert claim(moderate, "grace", 5, post_id=POST) == [here]


def test_a_decision_releases_the_claim(moderate: Moderate, submit: Submit) -> None:
    comment_id = submit(f"held {HOLD}")
    claim(moderate, "grace", 1)

    decided = moderate("POST", f"comments/{comment_id}/decision", {"action": "approve"})

    assert decided.body["claimed_by"] is None
    assert moderate("GET", f"comments/{comment_id}").body["claimed_by"] is None


def test_an_expired_claim_can_be_taken_by_someone_else(aws: Any, moderate: Moderate, submit: Submit) -> None:
    comment_id = submit(f"held {HOLD}")
    claim(moderate, "grace", 1)
    assert claim(moderate, "linus", 1) == []
    # The lease ran out (claims last minutes; moving its end is quicker than waiting).
    aws.update_item(
        Key={"pk": f"COMMENT#{comment_id}", "sk": "COMMENT"},
        UpdateExpression="SET claimed_until = :past",
        ExpressionAttributeValues={":past": 1_000},
    )
    assert moderate("GET", f"comments/{comment_id}").body["claimed_by"] is None
    assert claim(moderate, "linus", 1) == [comment_id]


def test_a_claim_asks_for_between_one_and_twenty_five(moderate: Moderate) -> None:
    assert moderate("POST", "claims", {"count": 0}).status == 422
    assert moderate("POST", "claims", {"count": 26}).status == 422


# --- counts ---------------------------------------------------------------------------------


def test_counts_are_exact_after_submissions_and_decisions(moderate: Moderate, submit: Submit) -> None:
    held = [submit(f"held {n} {HOLD}") for n in range(3)]
    submit("clean")
    submit(f"abuse {REJECT}")
    submit("clean elsewhere", post_id="another-post")
    assert counts(moderate, POST) == {"published": 1, "pending": 3, "rejected": 1}

    moderate("POST", f"comments/{held[0]}/decision", {"action": "approve"})
    moderate("POST", f"comments/{held[1]}/decision", {"action": "reject"})
    moderate("POST", f"comments/{held[1]}/decision", {"action": "reject"})  # same status: no change
    moderate("POST", f"comments/{held[2]}/decision", {"action": "reject", "version": 7})  # conflict

    assert counts(moderate, POST) == {"published": 2, "pending": 1, "rejected": 2}
    assert counts(moderate, "another-post") == {"published": 1, "pending": 0, "rejected": 0}
    assert counts(moderate) == {"published": 3, "pending": 1, "rejected": 2}
    assert moderate("GET", "counts", post_id="never-commented").body["total"] == 0


# --- TTL expiry keeps the counters exact ----------------------------------------------------


class Expiry:
    """Deletes a comment as TTL would, then feeds its REMOVE record to the stream consumer."""

    def __init__(self, table: Any):
        self._table = table
        self._images: dict[str, dict[str, Any]] = {}

    def __call__(self, comment_id: str, identity: dict[str, str] | None = None) -> dict[str, Any]:
        import count_expired

        key = {"pk": f"COMMENT#{comment_id}", "sk": "COMMENT"}
        if comment_id not in self._images:
            self._images[comment_id] = self._table.get_item(Key=key)["Item"]
            self._table.delete_item(Key=key)
        serialize = TypeSerializer().serialize
        event = copy.deepcopy(load_event("count_expired"))
        record = event["Records"][0]
        record["dynamodb"]["Keys"] = {k: serialize(v) for k, v in key.items()}
        record["dynamodb"]["OldImage"] = {k: serialize(v) for k, v in self._images[comment_id].items()}
        if identity is not None:
            record["userIdentity"] = identity
        return dict(count_expired.handler(event, LambdaContext()))


@pytest.fixture
def expire(aws: Any) -> Expiry:
    return Expiry(aws)


def test_a_ttl_deletion_comes_off_the_counters_once(
    moderate: Moderate, submit: Submit, expire: Expiry
) -> None:
    comment_id = submit(f"abuse {REJECT}")
    submit(f"more abuse {REJECT}")
    assert counts(moderate, POST)["rejected"] == 2

    assert expire(comment_id) == {"batchItemFailures": []}
    assert counts(moderate, POST)["rejected"] == 1
    assert counts(moderate)["rejected"] == 1
    # Streams deliver at least once: the same record again changes nothing.
    expire(comment_id)
    assert counts(moderate, POST)["rejected"] == 1


def test_only_ttl_deletions_are_counted(moderate: Moderate, submit: Submit, expire: Expiry) -> None:
    comment_id = submit(f"abuse {REJECT}")
    expire(comment_id, identity={})
    assert counts(moderate, POST)["rejected"] == 1


def test_the_expiry_event_in_events_is_a_ttl_removal() -> None:
    import count_expired
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

    record = DynamoDBRecord(load_event("count_expired")["Records"][0])
    assert count_expired.is_ttl_removal(record)
