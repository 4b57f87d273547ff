"""Webhook delivery: each event POSTed as JSON to every configured URL, signed, retried with
backoff; what still fails goes to a dead-letter queue. Plain http.client: nothing heavy to ship.

Each attempt resolves the host once, refuses it unless every address is public (see
webhook_targets), and connects to the address it checked, so a name that changes its answer
between the check and the connection (DNS rebinding) still reaches only a checked address. A
redirect is never followed: it would re-send the signature wherever the receiver points."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from aws_lambda_powertools import Logger

from moderation import webhook_targets
from moderation.models.events import Event
from moderation.webhook_targets import IPAddress, Resolver

logger = Logger(child=True)

WebhookFormat = Literal["json", "slack"]
TIMESTAMP_HEADER = "X-Webhook-Timestamp"
SIGNATURE_HEADER = "X-Webhook-Signature"
# A receiver that answers one of these may succeed later; any other 4xx never will.
_RETRYABLE_CLIENT_ERRORS = frozenset({408, 425, 429})

_SLACK_VERBS = {
    "comment.published": "New comment published",
    "comment.held": "New comment held for review",
    "comment.rejected": "New comment rejected",
    "comment.decided": "Comment decided",
    "comment.reported": "Comment reported by readers",
}
_SLACK_EXCERPT_CHARS = 280


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`: what a receiver recomputes."""
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def render(event: Event, webhook_format: WebhookFormat) -> bytes:
    """The request body: the event itself, or a Slack-compatible `{"text": ...}` for a channel."""
    if webhook_format == "slack":
        comment = event.comment
        excerpt = comment.body if len(comment.body) <= _SLACK_EXCERPT_CHARS else comment.body[:279] + "…"
        text = (
            f"{_SLACK_VERBS[event.type]} ({comment.status}) on post {comment.post_id}"
            f" by {comment.author_name}: {excerpt}"
        )
        return json.dumps({"text": text}).encode()
    return event.model_dump_json().encode()


class DeadLetters(Protocol):
    def keep(self, url: str, event: Event, error: str, attempts: int) -> None: ...


class SqsDeadLetters:
    """Failed deliveries as SQS messages: the URL, the event, the last error, to replay by hand."""

    def __init__(self, queue_url: str, client: Any = None):
        import boto3  # only where a queue is configured

        self._queue_url = queue_url
        self._client = client or boto3.client("sqs")

    def keep(self, url: str, event: Event, error: str, attempts: int) -> None:
        message = {
            "url": url,
            "event": event.model_dump(mode="json"),
            "error": error,
            "attempts": attempts,
            "failed_at": datetime.now(UTC).isoformat(),
        }
        self._client.send_message(QueueUrl=self._queue_url, MessageBody=json.dumps(message))


class LoggedDeadLetters:
    """Without a queue, a failed delivery is at least logged loudly with its event id."""

    def keep(self, url: str, event: Event, error: str, attempts: int) -> None:
        logger.error(
            "webhook delivery failed",
            extra={"url": url, "event_id": event.id, "error": error, "attempts": attempts},
        )


class DeliveryError(Exception):
    def __init__(self, message: str, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    first_delay_seconds: float = 0.5
    timeout_seconds: float = 5.0

    def delay(self, failed_attempts: int) -> float:
        """Exponential backoff: the first delay, doubled after each further failure."""
        return float(self.first_delay_seconds * 2 ** (failed_attempts - 1))


class WebhookSender:
    def __init__(
        self,
        urls: tuple[str, ...],
        secret: bytes,
        dead_letters: DeadLetters,
        webhook_format: WebhookFormat = "json",
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        allow_private: bool = False,
        resolver: Resolver = webhook_targets.resolve,
        tls: ssl.SSLContext | None = None,
    ):
        self.urls = urls
        self._secret = secret
        self._dead_letters = dead_letters
        self._format: WebhookFormat = webhook_format
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._allow_private = allow_private
        self._resolver = resolver
        # The system's CAs, hostname checked: what https receivers' certificates are verified with.
        self._tls = tls or ssl.create_default_context()

    def send(self, event: Event) -> int:
        """POST `event` to every URL; a URL that keeps failing gets its copy dead-lettered (raises
        only if even that fails). Returns how many URLs took it."""
        body = render(event, self._format)
        delivered = 0
        for url in self.urls:
            attempts, error = self._post_with_retries(url, body)
            if error is None:
                delivered += 1
            else:
                self._dead_letters.keep(url, event, error, attempts)
        return delivered

    def _post_with_retries(self, url: str, body: bytes) -> tuple[int, str | None]:
        attempt = 0
        while True:
            attempt += 1
            try:
                self._post(url, body)
                return attempt, None
            except DeliveryError as error:
                if not error.retryable or attempt >= self._retry.attempts:
                    return attempt, str(error)
                logger.warning("webhook delivery failed; retrying", extra={"url": url, "error": str(error)})
                self._sleep(self._retry.delay(attempt))

    def _post(self, url: str, body: bytes) -> None:
        # Signed per attempt: a receiver may refuse old timestamps to stop replays.
        timestamp = int(self._clock())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "comment-moderation-webhooks/1",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(self._secret, timestamp, body),
        }
        parts = urlsplit(url)
        connection = self._connect(url)
        try:
            target = parts.path or "/"
            connection.request("POST", f"{target}?{parts.query}" if parts.query else target, body, headers)
            response = connection.getresponse()
            response.read()
        except (http.client.HTTPException, OSError) as error:
            raise DeliveryError(f"unreachable: {error}", retryable=True) from error
        finally:
            connection.close()
        status = response.status
        if 300 <= status < 400:
            # Not followed, and not retried: the receiver would point the same way again.
            where = response.getheader("Location", "nowhere")
            raise DeliveryError(f"HTTP {status} redirect to {where} not followed", retryable=False)
        if status >= 400:
            retryable = status >= 500 or status in _RETRYABLE_CLIENT_ERRORS
            raise DeliveryError(f"HTTP {status}", retryable)

    def _connect(self, url: str) -> http.client.HTTPConnection:
        """A connection to the host's checked address (not yet opened)."""
        host, port = webhook_targets.host_and_port(url)
        try:
            addresses = self._resolver(host, port)
        except OSError as error:
            raise DeliveryError(f"unreachable: {error}", retryable=True) from error
        if not self._allow_private:
            try:
                webhook_targets.check_resolved(url, addresses)
            except webhook_targets.UnsafeTarget as error:
                raise DeliveryError(str(error), retryable=False) from error
        timeout = self._retry.timeout_seconds
        if urlsplit(url).scheme == "https":
            return _PinnedHTTPSConnection(host, port, addresses, timeout, self._tls)
        return _PinnedHTTPConnection(host, port, addresses, timeout)


def _connect_to_any(addresses: list[IPAddress], port: int, timeout: float | None) -> socket.socket:
    """The first of `addresses` that accepts, tried in the resolver's order as create_connection does."""
    error: OSError = OSError("no address")
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout)
        except OSError as failed:
            error = failed
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked `addresses`, whatever `host` resolves to by now; the Host header
    still names `host`."""

    def __init__(self, host: str, port: int, addresses: list[IPAddress], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def connect(self) -> None:
        self.sock = _connect_to_any(self._addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked `addresses`, with `host` as the name the certificate must match (and SNI)."""

    def __init__(self, host: str, port: int, addresses: list[IPAddress], timeout: float, tls: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=tls)
        self._tls = tls
        self._addresses = addresses

    def connect(self) -> None:
        raw = _connect_to_any(self._addresses, self.port, self.timeout)
        try:
            self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)
        except OSError:
            raw.close()
            raise
