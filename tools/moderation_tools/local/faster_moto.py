"""moto with the local stack's versions of its slowest DynamoDB code: transactions that copy only
what they touch, items built and projected in time proportional to the item, responses written
directly. Each gives what moto's own gives (tests/unit/test_local_*.py compare them on the same
calls); only the time differs, and it no longer grows with the table."""

from __future__ import annotations

from moderation_tools.local import moto_items, moto_responses, transactions


def install() -> None:
    """Use them in this process's moto, in-memory or server mode alike (idempotent)."""
    transactions.install()
    moto_items.install()
    moto_responses.install()
