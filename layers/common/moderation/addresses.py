"""Moderators blocking a comment's client address: an explicit action, apart from an author's standing.

Everyone behind one office, campus or carrier NAT shares an address, so a block reaches all of
them: the moderator sees how many readers were seen posting from it before confirming. A block
holds (never rejects) every new comment from the address, with the reason `blocked_address`,
and lapses by itself after BLOCK_DAYS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from aws_lambda_powertools import Logger

from moderation.errors import NotFound
from moderation.ids import first_id_at
from moderation.models.authors import AddressActionRequest, AddressReach
from moderation.models.base import Moderator
from moderation.models.comments import StoredComment
from moderation.store.addresses import AddressComments

logger = Logger(child=True)

BLOCK_DAYS = 30
REACH_DAYS = 30
# The reach reads at most this many of the address's recent comments; beyond, it says "at least".
REACH_LIMIT = 1000


class AddressStore(Protocol):
    def get(self, comment_id: str) -> StoredComment | None: ...
    def address_blocked_until(self, client_hash: str, now: int) -> int | None: ...
    def block_address(self, client_hash: str, until: int, by: str, note: str | None) -> None: ...
    def unblock_address(self, client_hash: str) -> None: ...
    def address_comments(self, client_hash: str, since_id: str, limit: int) -> AddressComments: ...


class AddressBlocks:
    def __init__(self, store: AddressStore, clock: Callable[[], float] = time.time):
        self._store = store
        self._clock = clock

    def reach(self, comment_id: str) -> AddressReach:
        """Whether the comment's address is blocked, and whom a block reaches."""
        return self._reach(self._address(comment_id))

    def act(self, comment_id: str, request: AddressActionRequest, moderator: Moderator) -> AddressReach:
        address = self._address(comment_id)
        if request.action == "block":
            until = int(self._clock()) + BLOCK_DAYS * 24 * 3600
            self._store.block_address(address, until, moderator.name, request.note)
        else:
            self._store.unblock_address(address)
        logger.info("address block changed", extra={"action": request.action, "by": moderator.name})
        return self._reach(address)

    def _address(self, comment_id: str) -> str:
        comment = self._store.get(comment_id)
        if comment is None:
            raise NotFound("No comment with this id.", details={"id": comment_id})
        if not comment.client_hash:
            raise NotFound(
                "No address is known for this comment (imported without one, or erased).",
                details={"id": comment_id},
            )
        return comment.client_hash

    def _reach(self, address: str) -> AddressReach:
        now = self._clock()
        since = datetime.fromtimestamp(now, UTC) - timedelta(days=REACH_DAYS)
        seen = self._store.address_comments(address, first_id_at(since), REACH_LIMIT)
        until = self._store.address_blocked_until(address, int(now))
        return AddressReach(
            blocked=until is not None,
            blocked_until=datetime.fromtimestamp(until, UTC) if until else None,
            window_days=REACH_DAYS,
            authors_seen=len(seen.author_keys),
            unrecognised_comments=seen.unrecognised,
            comments_seen=seen.comments,
            complete=seen.complete,
        )
