"""`moderation serve` with WEBHOOK_URLS: the local stack reads its table's stream and delivers
every event, signed, to a loopback receiver, as the deployed WebhookFunction does."""

from __future__ import annotations

import pytest

from tests.support.local_stack import local_stack
from tests.support.webhook_receiver import verify, webhook_receiver

pytestmark = pytest.mark.e2e

SECRET = "e2e-webhook-secret"


def test_every_new_comment_and_every_decision_reaches_the_receiver_signed() -> None:
    # GIVEN the local stack posting events to a receiver on 127.0.0.1 (opted in: a loopback target)
    with (
        webhook_receiver() as receiver,
        local_stack(WEBHOOK_URLS=receiver.url, WEBHOOK_ALLOW_PRIVATE="true", WEBHOOK_SECRET=SECRET) as stack,
    ):
        moderator = {"Authorization": f"Bearer {stack.token}"}
        path = "/posts/e2e-webhooks/comments"
        # WHEN readers post a clean, a borderline and an abusive comment, and a moderator decides twice
        published = stack.request(
            "POST", path, {"author_name": "Ada", "body": "Great read", "author_email": "ada@example.com"}
        )
        held = stack.request("POST", path, {"author_name": "Bob", "body": "meh [[insult=0.6]]"})
        rejected = stack.request("POST", path, {"author_name": "Eve", "body": "abuse [[threat=0.95]]"})
        assert [published.status, held.status, rejected.status] == [201, 202, 422]
        rejected_id = rejected.body["error"]["details"]["id"]
        for comment_id, action in ((held.body["id"], "approve"), (rejected_id, "approve")):
            decision = stack.request(
                "POST", f"/moderation/comments/{comment_id}/decision", {"action": action}, headers=moderator
            )
            assert decision.status == 200
        deliveries = receiver.wait_for(5)
    # THEN the receiver got one event per change, in order, each signed with the shared secret
    assert [(d.event["type"], d.event["comment"]["id"]) for d in deliveries] == [
        ("comment.published", published.body["id"]),
        ("comment.held", held.body["id"]),
        ("comment.rejected", rejected_id),
        ("comment.decided", held.body["id"]),
        ("comment.decided", rejected_id),
    ]
    assert all(verify(SECRET.encode(), delivery) for delivery in deliveries)
    # AND no event carries the reader's e-mail
    assert all(b"ada@example.com" not in delivery.body for delivery in deliveries)
