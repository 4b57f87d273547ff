"""Containers that all read before any of them writes: the races DynamoDB's conditions settle."""

from __future__ import annotations

import threading
from typing import Any

from moderation.store import DynamoCommentStore


def reads_all_before_any_write(store: DynamoCommentStore, everyone_read: threading.Barrier) -> None:
    """Make this store's first submission read wait until every container has made its own; later
    reads (a replay after a lost race, a re-claimed rate log) are other calls and don't wait."""
    read = store.submission_reads
    first_read = threading.Event()

    def read_then_wait(*args: Any, **kwargs: Any) -> Any:
        reads = read(*args, **kwargs)
        if not first_read.is_set():
            first_read.set()
            everyone_read.wait()
        return reads

    store.submission_reads = read_then_wait  # type: ignore[method-assign]
