"""An in-memory store with the same contract as DynamoCommentStore, for service unit tests."""

from __future__ import annotations

from typing import Any

from moderation.errors import DuplicateComment, StorageUnavailable
from moderation.models.authors import AuthorRecord, PostSettings, PostSettingsUpdate
from moderation.models.base import Status
from moderation.models.comments import StoredComment
from moderation.rate_limit import RateClaim, RateLog, RateRace
from moderation.spam.bayes import Counts, SpamFilter
from moderation.spam.seed import load_seed
from moderation.store import (
    CreateGuards,
    FormReplayRace,
    IdempotencyRace,
    IdempotencyRecord,
    SimilarText,
    SubmissionKeys,
    SubmissionReads,
)

# The shipped seed's filter, as the submit function loads it.
SEED_FILTER = SpamFilter(load_seed())


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
        self.posts: dict[str, PostSettings] = {}
        # author key -> (banned, trusted)
        self.standing: dict[str, tuple[bool, bool]] = {}
        # client hash -> when its block lapses
        self.blocked: dict[str, int] = {}
        # form token nonce -> expires at; text band digest -> (where it was last seen, expires at)
        self.form_uses: dict[str, int] = {}
        self.text_bands: dict[str, tuple[SimilarText, int]] = {}

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
        if guards.form_nonce and self.form_uses.get(guards.form_nonce, -1) >= now:
            raise FormReplayRace
        if guards.form_nonce:
            self.form_uses[guards.form_nonce] = guards.form_expires_at
        for digest in guards.text_bands:
            seen = SimilarText(comment.post_id, comment.author_key)
            self.text_bands[digest] = (seen, guards.text_bands_expire_at)
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

    def submission_reads(self, wanted: SubmissionKeys, now: int) -> SubmissionReads:
        key = wanted.idempotency_hash
        return SubmissionReads(
            post=self.post_settings(wanted.post_id),
            idempotency=self.get_idempotency(wanted.post_id, key, now) if key else None,
            rate_log=self.get_rate_log(wanted.client_hash) if wanted.client_hash else None,
            nudge_log=self.get_rate_log(wanted.nudge_log) if wanted.nudge_log else None,
            author=self.author(wanted.author_key) if wanted.author_key else None,
            parent=self.get(wanted.parent_id) if wanted.parent_id else None,
            address_blocked=bool(wanted.address_hash)
            and self.blocked.get(wanted.address_hash or "", 0) > now,
            form_used=bool(wanted.form_nonce) and self.form_uses.get(wanted.form_nonce or "", -1) >= now,
            similar_texts=tuple(
                seen
                for seen, expires_at in (
                    self.text_bands[d] for d in wanted.text_bands if d in self.text_bands
                )
                if expires_at >= now
            ),
            spam=Counts() if wanted.spam_tokens else None,
        )

    def record_rate(self, claim: RateClaim) -> None:
        if self.get_rate_log(claim.client_hash).version != claim.expected_version:
            raise RateRace
        self.rate[claim.client_hash] = RateLog(claim.hits, claim.expected_version + 1)

    def post_settings(self, post_id: str) -> PostSettings:
        return self.posts.get(post_id, PostSettings(post_id=post_id))

    def update_post_settings(self, post_id: str, update: PostSettingsUpdate) -> PostSettings:
        updated = self.post_settings(post_id).model_copy(update=update.model_dump(exclude_none=True))
        self.posts[post_id] = updated
        return updated

    def author(self, author_key: str) -> AuthorRecord:
        counts = dict.fromkeys(("published", "pending", "rejected"), 0)
        for comment in self.comments.values():
            if comment.author_key == author_key:
                counts[comment.status] += 1
        banned, trusted = self.standing.get(author_key, (False, False))
        return AuthorRecord(author_key=author_key, **counts, banned=banned, trusted=trusted)

    def authors(self, author_keys: list[str]) -> dict[str, AuthorRecord]:
        return {key: self.author(key) for key in author_keys}

    def set_author_standing(
        self, author_key: str, *, banned: bool | None, trusted: bool | None
    ) -> AuthorRecord:
        was_banned, was_trusted = self.standing.get(author_key, (False, False))
        self.standing[author_key] = (
            was_banned if banned is None else banned,
            was_trusted if trusted is None else trusted,
        )
        return self.author(author_key)

    def list_author(
        self, author_key: str, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]:
        matching = sorted(
            (c for c in self.comments.values() if c.author_key == author_key), key=lambda c: c.id
        )
        if start_key:
            matching = [c for c in matching if c.id > start_key["id"]]
        page = matching[:limit]
        return page, ({"id": page[-1].id} if len(matching) > limit else None)
