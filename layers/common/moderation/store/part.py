"""The base of each part of the store: they share one table."""

from __future__ import annotations

from moderation.store.table import TableAccess


class StorePart:
    _db: TableAccess
