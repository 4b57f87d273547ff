"""Comment ids: ULIDs, which sort by creation time, so indexes sorted by id list oldest first."""

from __future__ import annotations

import threading
from datetime import datetime

from ulid import ULID


class MonotonicIds:
    """ULIDs that keep increasing within this process, even for comments in the same millisecond."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def new(self, at: datetime) -> str:
        candidate = int.from_bytes(ULID.from_datetime(at).bytes, "big")
        with self._lock:
            if candidate <= self._last:
                candidate = self._last + 1
            self._last = candidate
        return str(ULID.from_bytes(candidate.to_bytes(16, "big")))
