"""Moderators acting on an author (by the opaque author key): ban, unban, trust, untrust.

A ban holds the author's new comments (reason `banned_author`) and can take their published ones
down in the same action; trust lets the model's scores below the reject threshold pass (the word
lists and links still apply). See moderation.standing for how both shape a new comment's fate.
"""

from __future__ import annotations

from typing import Any, Protocol

from aws_lambda_powertools import Logger

from moderation.errors import DomainError
from moderation.models.authors import AuthorActionRequest, AuthorRecord
from moderation.models.base import Moderator
from moderation.models.comments import StoredComment
from moderation.models.review import DecisionRequest
from moderation.review import ReviewService

logger = Logger(child=True)

# A ban takes down at most this many published comments in one request; the moderator can repeat it.
HIDE_LIMIT = 200
HIDE_PAGE = 50


class AuthorStore(Protocol):
    def author(self, author_key: str) -> AuthorRecord: ...
    def set_author_standing(
        self, author_key: str, *, banned: bool | None, trusted: bool | None
    ) -> AuthorRecord: ...
    def list_author(
        self, author_key: str, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[StoredComment], dict[str, Any] | None]: ...


class AuthorActions:
    def __init__(self, store: AuthorStore, review: ReviewService):
        self._store = store
        self._review = review

    def record(self, author_key: str) -> AuthorRecord:
        return self._store.author(author_key)

    def act(self, author_key: str, request: AuthorActionRequest, moderator: Moderator) -> AuthorRecord:
        standing: dict[str, dict[str, bool]] = {
            "ban": {"banned": True},
            "unban": {"banned": False},
            "trust": {"trusted": True},
            "untrust": {"trusted": False},
        }
        change = standing[request.action]
        self._store.set_author_standing(
            author_key, banned=change.get("banned"), trusted=change.get("trusted")
        )
        if request.action == "ban" and request.hide_published:
            self._hide_published(author_key, request.note, moderator)
        logger.info("author standing changed", extra={"action": request.action, "by": moderator.name})
        return self._store.author(author_key)

    def _hide_published(self, author_key: str, note: str | None, moderator: Moderator) -> None:
        """Reject the author's published comments through the moderators' own versioned decision
        (history, counters and threads stay right), paging through the author index."""
        decision = DecisionRequest(action="reject", note=note or "author banned")
        start_key: dict[str, Any] | None = None
        hidden = 0
        examined = 0
        while examined < HIDE_LIMIT:
            page, start_key = self._store.list_author(author_key, HIDE_PAGE, start_key)
            examined += len(page)
            for comment in page:
                if comment.status != "published":
                    continue
                try:
                    self._review.decide(comment.id, decision, moderator)
                    hidden += 1
                except DomainError:
                    # Decided or gone meanwhile: nothing left to take down.
                    logger.info("not hidden", extra={"comment_id": comment.id})
            if start_key is None:
                break
        logger.info("published comments hidden", extra={"hidden": hidden})
