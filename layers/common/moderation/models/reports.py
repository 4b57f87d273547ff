"""Readers' reports of published comments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, StringConstraints

from moderation.models.base import BoundaryModel

ReportReason = Literal["spam", "abuse", "off_topic", "other"]


class ReportEntry(BoundaryModel):
    """One reader's report of a published comment, as moderators see it."""

    at: datetime
    reason: ReportReason
    note: str | None = None


MAX_REPORT_NOTE_CHARS = 500


class ReportRequest(BoundaryModel):
    model_config = ConfigDict(extra="forbid")

    reason: ReportReason
    note: (
        Annotated[str, StringConstraints(max_length=MAX_REPORT_NOTE_CHARS), AfterValidator(str.strip)] | None
    ) = None


class ReportReceipt(BoundaryModel):
    status: Literal["received"] = "received"
