"""Submitting in tests that expect a decision: `CommentService.submit` may also answer with a nudge."""

from __future__ import annotations

from moderation.models.comments import NewComment
from moderation.outcomes import Submission
from moderation.service import CommentService


def decided(
    service: CommentService,
    post_id: str,
    request: NewComment,
    client_ip: str | None,
    idempotency_key: str | None = None,
) -> Submission:
    """A submission that was decided (published, held or rejected), not answered with a nudge."""
    outcome = service.submit(post_id, request, client_ip, idempotency_key)
    assert isinstance(outcome, Submission), outcome
    return outcome
