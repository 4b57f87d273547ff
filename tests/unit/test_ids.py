"""Comment ids sort by time, so "every comment since" is a range of ids (an address block's reach)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from moderation.ids import MonotonicIds, first_id_at


def test_the_first_id_at_a_moment_sorts_after_every_earlier_id_and_before_every_later_one() -> None:
    moment = datetime(2026, 12, 7, 16, 30, tzinfo=UTC)
    ids = MonotonicIds()
    before = ids.new(moment - timedelta(milliseconds=1))
    at, after = ids.new(moment), ids.new(moment + timedelta(days=1))
    assert before < first_id_at(moment) <= at < after
