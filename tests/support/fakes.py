"""An in-memory store with the same contract as DynamoCommentStore, for service unit tests."""

from __future__ import annotations

from typing import Any

from moderation.errors import DuplicateComment, StorageUnavailable
from moderation.models import Status, StoredComment
from moderation.rate_limit import RateClaim, RateLog, RateRace
from moderation.store import CreateGuards, IdempotencyRace, IdempotencyRecord


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class InMemoryStore:
    def __init__(self) -> None:
        self.comments: dict[str, StoredComment] = {}
        self.dedupe: dict[tuple[str, str], int] = {}
        self.idempotency: dict[tuple[str, str], tuple[IdempotencyRecord, int]] = {}
        self.rate: dict[str, RateLog] = {}
        self.fail_writes = False

    def create(
        self, comment: StoredComment, guards: CreateGuards, now: int, parent: StoredComment | None = None
    ) -> None:
        if self.fail_writes:
            raise StorageUnavailable()
        if guards.idempotency_hash and guards.idempotency:
            existing = self.idempotency.get((comment.post_id, guards.idempotency_hash))
            if existing and existing[1] >= now:
                raise IdempotencyRace
        if guards.dedupe_hash and self.dedupe.get((comment.post_id, guards.dedupe_hash), -1) >= now:
            raise DuplicateComment("duplicate")
        if guards.rate and self.get_rate_log(guards.rate.client_hash).version != guards.rate.expected_version:
            raise RateRace
        if guards.rate:
            self.rate[guards.rate.client_hash] = RateLog(guards.rate.hits, guards.rate.expected_version + 1)
        self.comments[comment.id] = comment
        if guards.dedupe_hash:
            self.dedupe[(comment.post_id, guards.dedupe_hash)] = guards.dedupe_until
        if guards.idempotency_hash and guards.idempotency:
            self.idempotency[(comment.post_id, guards.idempotency_hash)] = (
                guards.idempotency,
                guards.idempotency_expires_at,
            )

    def get(self, comment_id: str) -> StoredComment | None:
        return self.comments.get(comment_id)

    def list_post(
        self, post_id: str, status: Status, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]:
        matching = sorted(
            (c for c in self.comments.values() if c.post_id == post_id and c.status == status),
            key=lambda c: c.id,
        )
        if start_key:
            matching = [c for c in matching if c.id > start_key["id"]]
        page = matching[:limit]
        more = len(matching) > limit
        return page, ({"id": page[-1].id} if more else None)

    def get_idempotency(self, post_id: str, key_hash: str, now: int) -> IdempotencyRecord | None:
        found = self.idempotency.get((post_id, key_hash))
        return found[0] if found and found[1] >= now else None

    def get_rate_log(self, client_hash: str) -> RateLog:
        return self.rate.get(client_hash, RateLog())

    def record_rate(self, claim: RateClaim) -> None:
        if self.get_rate_log(claim.client_hash).version != claim.expected_version:
            raise RateRace
        self.rate[claim.client_hash] = RateLog(claim.hits, claim.expected_version + 1)
