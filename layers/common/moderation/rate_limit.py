"""The per-client rate limit: a sliding log of the client's accepted posts in the last minute.

Any 60 seconds hold at most `limit` accepted posts — no second burst at a window's edge, as fixed
windows allow. The log is a handful of timestamps per client, read before the work and written in
the same transaction as the comment, conditional on the version read: a hit counts only when its
comment is stored, and two concurrent posts cannot both take the last slot. A hit that stores
nothing else (a nudge, a report: each in a log of its own) writes the log alone, with `record_alone`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from moderation.errors import RateLimited

WINDOW_MS = 60_000
# A nudge is not a post: a writer asking first may reword a comment a few times before posting it,
# so nudges have their own log, allowing this many times the posts per minute.
NUDGES_PER_POST = 4
# Each lost race for the log means another hit of the client was counted meanwhile; ten in a row
# is a burst, refused with Retry-After: 1.
RATE_CLAIM_ATTEMPTS = 10


@dataclass(frozen=True)
class RateLog:
    """A client's accepted posts (epoch milliseconds) as stored, and the version they were read at."""

    hits: tuple[int, ...] = ()
    version: int = 0


@dataclass(frozen=True)
class RateClaim:
    """One more post for a client: the log to write, if it is still at `expected_version`."""

    client_hash: str
    hits: tuple[int, ...]
    expected_version: int
    expires_at: int


class RateRace(Exception):
    """Another post of the same client was stored since its log was read."""


@dataclass(frozen=True)
class SlidingWindowLimit:
    limit: int
    window_ms: int = WINDOW_MS

    def claim(self, client_hash: str, log: RateLog, now_ms: int) -> RateClaim:
        """The claim for a post at `now_ms`, or RateLimited with the seconds until one fits."""
        live = sorted(hit for hit in log.hits if hit > now_ms - self.window_ms)
        if len(live) >= self.limit:
            # A post fits once the oldest of the last `limit` posts has left the window.
            frees_at = live[-self.limit] + self.window_ms
            raise RateLimited(retry_after=max(1, math.ceil((frees_at - now_ms) / 1000)))
        return RateClaim(
            client_hash=client_hash,
            hits=(*live, now_ms),
            expected_version=log.version,
            expires_at=math.ceil((now_ms + self.window_ms) / 1000),
        )


class RateLogStore(Protocol):
    def get_rate_log(self, client_hash: str) -> RateLog: ...
    def record_rate(self, claim: RateClaim) -> None: ...


def record_alone(
    store: RateLogStore,
    window: SlidingWindowLimit,
    client_hash: str,
    now_ms: int,
    claim: RateClaim | None = None,
) -> None:
    """Count a hit that stores nothing else: write `claim` (or one made from the log now); when
    another hit was counted since the log was read, claim again from the new log."""
    for _ in range(RATE_CLAIM_ATTEMPTS):
        claim = claim or window.claim(client_hash, store.get_rate_log(client_hash), now_ms)
        try:
            store.record_rate(claim)
            return
        except RateRace:
            claim = None
    raise RateLimited(retry_after=1)
