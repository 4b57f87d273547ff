"""Moderators alerted once when the review queue stalls: when the oldest pending comment has
waited longer than ALERT_PENDING_MINUTES, ONE digest is published, and not again for the same
oldest comment (a new one alerts again once it, in turn, has waited too long). The oldest
comment is given, not read: the scheduled run reads the queue once for this and its age metric."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Protocol

from aws_lambda_powertools import Logger

from moderation.models.base import Status
from moderation.models.comments import StoredComment

logger = Logger(child=True)


class AlertStore(Protocol):
    def last_alerted(self) -> str | None: ...
    def remember_alerted(self, comment_id: str, at: int) -> None: ...
    def counts(self, post_id: str | None = None) -> dict[Status, int]: ...


class Publisher(Protocol):
    def publish(self, subject: str, message: str) -> None: ...


class SnsPublisher:
    def __init__(self, topic_arn: str, client: Any = None):
        import boto3

        self._topic_arn = topic_arn
        self._client = client or boto3.client("sns")

    def publish(self, subject: str, message: str) -> None:
        self._client.publish(TopicArn=self._topic_arn, Subject=subject, Message=message)


@dataclass(frozen=True)
class Alert:
    subject: str
    message: str
    comment_id: str


class PendingAlerts:
    def __init__(
        self,
        store: AlertStore,
        publisher: Publisher,
        pending_minutes: int,
        clock: Callable[[], float] = time.time,
    ):
        self._store = store
        self._publisher = publisher
        self._pending_minutes = pending_minutes
        self._clock = clock

    def check(self, oldest: StoredComment | None) -> Alert | None:
        """Publish one digest if `oldest` (the oldest pending comment, None for an empty queue)
        has stalled the queue and this stall wasn't alerted yet."""
        if oldest is None:
            return None
        now = self._clock()
        waited_minutes = int((now - oldest.created_at.timestamp()) // 60)
        if waited_minutes < self._pending_minutes or self._store.last_alerted() == oldest.id:
            return None
        pending = self._store.counts().get("pending", 0)
        alert = Alert(
            subject=f"{pending} comment(s) waiting for review",
            message=(
                f"{pending} comment(s) are waiting for review. The oldest, on post {oldest.post_id},"
                f" has waited {waited_minutes} minutes (since"
                f" {oldest.created_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC).\n"
                "Open the moderators' console to work the queue."
            ),
            comment_id=oldest.id,
        )
        self._publisher.publish(alert.subject, alert.message)
        # Remembered after publishing: a failure here means one repeat, never a missed alert.
        self._store.remember_alerted(oldest.id, int(now))
        logger.info("moderators alerted", extra={"comment_id": oldest.id, "pending": pending})
        return alert
