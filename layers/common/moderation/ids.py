"""Comment ids: ULIDs, which sort by creation time, so indexes sorted by id list oldest first."""

from __future__ import annotations

from datetime import datetime

from ulid import ULID, LaxMonotonicPolicy, ULIDGenerator

from moderation.snapstart import after_restore


def _generator() -> ULIDGenerator:
    # Lax: on the (2^-80) chance that a millisecond's randomness runs out, fresh randomness
    # rather than an error; a comment is never refused for its id.
    return ULIDGenerator(policy=LaxMonotonicPolicy())


# One per execution environment: python-ulid's monotonic generator increments the randomness of
# ids minted in the same millisecond, so they keep their order.
_ids = _generator()


class MonotonicIds:
    """ULIDs that keep increasing within this execution environment, even in the same millisecond."""

    def new(self, at: datetime) -> str:
        return str(_ids.generate(at))


@after_restore
def forget_last_id() -> None:
    """After a SnapStart restore, every environment holds the snapshot's last id: drop it, or
    environments that mint in the same millisecond increment it to the same next id."""
    global _ids
    _ids = _generator()


def first_id_at(at: datetime) -> str:
    """The smallest id minted at `at`: every comment since sorts at or after it."""
    return str(ULID.from_bytes(int(at.timestamp() * 1000).to_bytes(6, "big") + bytes(10)))
