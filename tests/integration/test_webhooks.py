"""Webhook delivery against a loopback receiver: signed, retried with backoff, dead-lettered into
moto's SQS; and the stream handler WebhookFunction runs, fed a DynamoDB stream event."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from boto3.dynamodb.types import TypeSerializer
from moderation import runtime
from moderation.events import events_from_record
from moderation.models.comments import HistoryEntry, StoredComment
from moderation.models.events import Event
from moderation.store.table import comment_item
from moderation.webhooks import LoggedDeadLetters, RetryPolicy, SqsDeadLetters, WebhookSender, sign
from moto import mock_aws

from tests.integration.conftest import LambdaContext
from tests.support.certificates import self_signed
from tests.support.webhook_receiver import Delivery, verify, webhook_receiver

SECRET = b"webhook-secret"
CREATED = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


class RecordedSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class KeptDeadLetters:
    def __init__(self) -> None:
        self.kept: list[tuple[str, str, str, int]] = []

    def keep(self, url: str, event: Event, error: str, attempts: int) -> None:
        self.kept.append((url, event.id, error, attempts))


def comment(status: str = "pending") -> StoredComment:
    return StoredComment.model_validate(
        {
            "id": "01JCOMMENT",
            "post_id": "why-we-moderate",
            "author_name": "Ada",
            "body": "A thoughtful reply",
            "created_at": CREATED,
            "status": status,
            "author_email_hash": "emailhash-123",
        }
    )


def new_comment_event() -> Event:
    return events_from_record(None, comment_item(comment()), "INSERT")[0]


def sender(urls: tuple[str, ...], dead_letters: Any, sleep: RecordedSleep, **options: Any) -> WebhookSender:
    retry = RetryPolicy(attempts=3, first_delay_seconds=0.25, timeout_seconds=2)
    # The receivers listen on 127.0.0.1: the opt-in local development uses.
    options.setdefault("allow_private", True)
    return WebhookSender(urls, SECRET, dead_letters, retry=retry, sleep=sleep, **options)


def test_an_event_arrives_signed_and_the_receiver_verifies_it() -> None:
    # GIVEN a receiver on the loopback interface
    with webhook_receiver() as receiver:
        # WHEN an event is sent
        event = new_comment_event()
        delivered = sender((receiver.url,), KeptDeadLetters(), RecordedSleep()).send(event)
        (delivery,) = receiver.wait_for(1)
    # THEN it arrives once as the event's JSON, and the signature verifies with the shared secret
    assert delivered == 1
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.event == json.loads(event.model_dump_json())
    assert verify(SECRET, delivery)
    # AND a body or timestamp changed on the way, or another key, fails verification
    tampered = Delivery(delivery.headers, delivery.body.replace(b"Ada", b"Eve"), delivery.at)
    assert not verify(SECRET, tampered)
    assert not verify(b"another-secret", delivery)
    replayed = {
        **delivery.headers,
        "x-webhook-timestamp": str(int(delivery.headers["x-webhook-timestamp"]) - 1),
    }
    assert not verify(SECRET, Delivery(replayed, delivery.body, delivery.at))


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    # Known answer, from: printf '1700000000.{}' | openssl dgst -sha256 -hmac webhook-secret
    assert sign(SECRET, 1_700_000_000, b"{}") == (
        "sha256=1ca80a9e18507c4d07ef99f9a0e139c940cafc2e9520b9c3545e1574139a91f9"
    )


def test_a_failing_receiver_is_retried_with_growing_delays_until_it_answers() -> None:
    # GIVEN a receiver that fails its first two requests
    with webhook_receiver(fail_first=2) as receiver:
        sleep, dead = RecordedSleep(), KeptDeadLetters()
        # WHEN an event is sent
        delivered = sender((receiver.url,), dead, sleep).send(new_comment_event())
        (delivery,) = receiver.wait_for(1)
    # THEN the third attempt delivers it after backing off 0.25 s then 0.5 s, and nothing is dead-lettered
    assert delivered == 1
    assert len(receiver.attempts) == 3
    assert sleep.delays == [0.25, 0.5]
    assert dead.kept == []
    assert verify(SECRET, delivery)


def test_a_receiver_that_keeps_failing_gets_its_copy_dead_lettered_and_the_others_still_theirs() -> None:
    with webhook_receiver(fail_first=100) as broken, webhook_receiver() as healthy:
        sleep, dead = RecordedSleep(), KeptDeadLetters()
        event = new_comment_event()
        delivered = sender((broken.url, healthy.url), dead, sleep).send(event)
        healthy.wait_for(1)
    assert delivered == 1
    assert len(broken.attempts) == 3
    assert dead.kept == [(broken.url, event.id, "HTTP 500", 3)]


def test_a_refusal_that_cannot_succeed_later_is_not_retried() -> None:
    with webhook_receiver(fail_first=100, status_when_failing=410) as gone:
        sleep, dead = RecordedSleep(), KeptDeadLetters()
        sender((gone.url,), dead, sleep).send(new_comment_event())
    assert len(gone.attempts) == 1
    assert sleep.delays == []
    assert [(error, attempts) for _, _, error, attempts in dead.kept] == [("HTTP 410", 1)]


def test_an_unreachable_receiver_is_retried_then_dead_lettered() -> None:
    with webhook_receiver() as receiver:
        url = receiver.url  # the port is closed once the receiver stops
    sleep, dead = RecordedSleep(), KeptDeadLetters()
    assert sender((url,), dead, sleep).send(new_comment_event()) == 0
    assert sleep.delays == [0.25, 0.5]
    assert dead.kept[0][2].startswith("unreachable")


def test_a_redirect_is_a_failed_delivery_and_the_signature_never_reaches_its_target() -> None:
    # GIVEN a receiver that answers 302, pointing at another receiver
    with webhook_receiver() as target, webhook_receiver(redirect_to=target.url) as redirecting:
        sleep, dead = RecordedSleep(), KeptDeadLetters()
        event = new_comment_event()
        # WHEN an event is sent to the redirecting one
        delivered = sender((redirecting.url,), dead, sleep).send(event)
    # THEN nothing is delivered, the redirect target never saw a request, and the copy is
    # dead-lettered at once with where the receiver pointed
    assert delivered == 0
    assert len(redirecting.attempts) == 1
    assert target.attempts == []
    assert dead.kept == [(redirecting.url, event.id, f"HTTP 302 redirect to {target.url} not followed", 1)]


def resolving(name: str, *addresses: str) -> tuple[Any, list[str]]:
    """A resolver answering `addresses` for `name`, and the list of names it was asked."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[Any]:
        asked.append(host)
        assert host == name
        return [ipaddress.ip_address(address) for address in addresses]

    return resolve, asked


def test_a_name_resolving_to_a_private_address_is_refused_at_delivery_without_connecting() -> None:
    # GIVEN a public-looking name whose DNS answers, among public ones, the loopback receiver's address
    with webhook_receiver() as receiver:
        port = urlsplit(receiver.url).port
        url = f"http://hooks.example.com:{port}/hook"
        resolver, _ = resolving("hooks.example.com", "93.184.215.14", "127.0.0.1")
        sleep, dead = RecordedSleep(), KeptDeadLetters()
        event = new_comment_event()
        # WHEN an event is sent without the local opt-in
        delivered = sender((url,), dead, sleep, allow_private=False, resolver=resolver).send(event)
    # THEN no request was made, no retry either: the copy is dead-lettered naming the address
    assert delivered == 0
    assert receiver.attempts == []
    assert sleep.delays == []
    ((kept_url, kept_id, error, attempts),) = dead.kept
    assert (kept_url, kept_id, attempts) == (url, event.id, 1)
    assert "127.0.0.1, not a public address" in error


def test_the_connection_goes_to_the_address_checked_with_the_host_named_in_the_request() -> None:
    # GIVEN a name only the sender's resolver knows (.test never resolves in DNS), answering the
    # receiver's address
    with webhook_receiver() as receiver:
        port = urlsplit(receiver.url).port
        resolver, asked = resolving("receiver.test", "127.0.0.1")
        # WHEN an event is sent to it
        delivered = sender(
            (f"http://receiver.test:{port}/hook?source=blog",),
            KeptDeadLetters(),
            RecordedSleep(),
            resolver=resolver,
        ).send(new_comment_event())
        (delivery,) = receiver.wait_for(1)
    # THEN the name was resolved once, the request went to that address (nothing else could find
    # it), and the Host header still names the host, as a virtual host expects
    assert delivered == 1
    assert asked == ["receiver.test"]
    assert delivery.headers["host"] == f"receiver.test:{port}"
    assert verify(SECRET, delivery)


def test_over_https_the_pinned_connection_checks_the_certificate_against_the_name() -> None:
    # GIVEN an https receiver whose certificate names receiver.test, reached through a resolver
    server_tls, trusting = self_signed("receiver.test")
    with webhook_receiver(tls=server_tls) as receiver:
        port = urlsplit(receiver.url).port
        resolver, _ = resolving("receiver.test", "127.0.0.1")
        # WHEN an event is sent to the name, with the certificate trusted
        delivered = sender(
            (f"https://receiver.test:{port}/hook",),
            KeptDeadLetters(),
            RecordedSleep(),
            resolver=resolver,
            tls=trusting,
        ).send(new_comment_event())
        (delivery,) = receiver.wait_for(1)
    # THEN it arrives signed: the TLS server name and the Host header were the name, not the address
    assert delivered == 1
    assert delivery.headers["host"] == f"receiver.test:{port}"
    assert verify(SECRET, delivery)


def test_over_https_a_certificate_for_another_name_is_refused() -> None:
    server_tls, trusting = self_signed("someone-else.test")
    with webhook_receiver(tls=server_tls) as receiver:
        port = urlsplit(receiver.url).port
        resolver, _ = resolving("receiver.test", "127.0.0.1")
        dead = KeptDeadLetters()
        delivered = sender(
            (f"https://receiver.test:{port}/hook",), dead, RecordedSleep(), resolver=resolver, tls=trusting
        ).send(new_comment_event())
    assert delivered == 0
    assert receiver.deliveries == []
    assert "certificate verify failed" in dead.kept[0][2]


def test_the_slack_format_is_one_text_line_without_private_fields() -> None:
    with webhook_receiver() as receiver:
        sender((receiver.url,), KeptDeadLetters(), RecordedSleep(), webhook_format="slack").send(
            new_comment_event()
        )
        (delivery,) = receiver.wait_for(1)
    assert verify(SECRET, delivery)
    assert delivery.event == {
        "text": "New comment held for review (pending) on post why-we-moderate by Ada: A thoughtful reply"
    }


@pytest.fixture
def dead_letter_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with mock_aws():
        queue_url = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="dlq")["QueueUrl"]
        yield queue_url


def received(queue_url: str) -> list[dict[str, Any]]:
    messages = boto3.client("sqs", region_name="us-east-1").receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10
    )
    return [json.loads(message["Body"]) for message in messages.get("Messages", [])]


def test_dead_letters_land_in_sqs_with_the_url_the_event_and_the_error(dead_letter_queue: str) -> None:
    # GIVEN a receiver that always fails, and the dead-letter queue in SQS
    with webhook_receiver(fail_first=100) as broken:
        dead = SqsDeadLetters(dead_letter_queue, boto3.client("sqs", region_name="us-east-1"))
        event = new_comment_event()
        # WHEN an event is sent
        sender((broken.url,), dead, RecordedSleep()).send(event)
    # THEN the queue holds one message to replay it from
    (message,) = received(dead_letter_queue)
    assert message["url"] == broken.url
    assert message["event"] == event.model_dump(mode="json")
    assert (message["error"], message["attempts"]) == ("HTTP 500", 3)


def test_without_a_queue_a_dead_letter_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    LoggedDeadLetters().keep("http://127.0.0.1:9/hook", new_comment_event(), "HTTP 500", 3)
    assert [record.getMessage() for record in caplog.records] == ["webhook delivery failed"]


def stream_record(name: str, old: StoredComment | None, new: StoredComment | None) -> dict[str, Any]:
    serializer = TypeSerializer()

    def wire(item: StoredComment) -> dict[str, Any]:
        return {key: serializer.serialize(value) for key, value in comment_item(item).items()}

    change: dict[str, Any] = {
        "Keys": {"pk": {"S": "COMMENT#01JCOMMENT"}, "sk": {"S": "COMMENT"}},
        "ApproximateCreationDateTime": 1_800_000_000,
        "SequenceNumber": "1",
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if old is not None:
        change["OldImage"] = wire(old)
    if new is not None:
        change["NewImage"] = wire(new)
    return {"eventID": name, "eventName": name, "eventSource": "aws:dynamodb", "dynamodb": change}


def test_the_stream_function_posts_each_change_and_dead_letters_what_keeps_failing(
    dead_letter_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the webhook function configured for a healthy and a broken receiver and the queue
    with webhook_receiver() as healthy, webhook_receiver(fail_first=100) as broken:
        monkeypatch.setenv("WEBHOOK_URLS", f"{healthy.url},{broken.url}")
        monkeypatch.setenv("WEBHOOK_SECRET", SECRET.decode())
        monkeypatch.setenv("WEBHOOK_DLQ_URL", dead_letter_queue)
        monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "true")
        runtime.reset()
        monkeypatch.setattr("moderation.webhooks.time.sleep", lambda seconds: None)
        from webhooks import handler

        held = comment("pending")
        entry = HistoryEntry(at=CREATED, by="grace", from_status="pending", to_status="published")
        approved = held.model_copy(update={"status": "published", "version": 2, "history": [entry]})
        claimed = approved.model_copy(update={"claimed_by": "grace"})
        # WHEN a batch holds a new comment, its approval and a change that is no event
        event = {
            "Records": [
                stream_record("INSERT", None, held),
                stream_record("MODIFY", held, approved),
                stream_record("MODIFY", approved, claimed),
            ]
        }
        response = handler(event, LambdaContext())
        deliveries = healthy.wait_for(2)
    runtime.reset()
    # THEN the healthy receiver got both events, signed, in order; no record failed
    assert response == {"batchItemFailures": []}
    assert [delivery.event["type"] for delivery in deliveries] == ["comment.held", "comment.decided"]
    assert all(verify(SECRET, delivery) for delivery in deliveries)
    # AND the broken receiver's copies wait in the dead-letter queue
    assert sorted(message["event"]["type"] for message in received(dead_letter_queue)) == [
        "comment.decided",
        "comment.held",
    ]
