"""Domain errors: what the use cases refuse and why. They know nothing of HTTP; the edge
(`moderation.http.errors`) maps each kind to a status code and the contract's error code."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str, details: object | None = None):
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidCursor(DomainError):
    """A page cursor we did not make for this listing."""


class InvalidQuery(DomainError):
    """A query parameter the use case cannot read (a date, a rate out of range)."""


class NotFound(DomainError):
    """No such comment (or none the caller may see)."""


class ParentNotFound(DomainError):
    """A reply to a comment that is not published on the same post."""


class DuplicateComment(DomainError):
    """The same author posted the same text on the same post a moment ago."""


class IdempotencyKeyReused(DomainError):
    """An Idempotency-Key already used for a different comment."""


class VersionConflict(DomainError):
    """A moderator decided on a version of the comment that is no longer the current one."""


class NoChange(DomainError):
    """A decision that would leave the comment as it is (approve a published one, reject a rejected one)."""


class CommentsClosed(DomainError):
    """The post takes no new comments."""


class RateLimited(DomainError):
    def __init__(self, retry_after: int):
        super().__init__(
            "Too many comments from you; please wait a moment.", details={"retry_after": retry_after}
        )
        self.retry_after = retry_after


class StorageUnavailable(DomainError):
    """Storage failed; nothing was saved and a retry may succeed."""

    def __init__(
        self, message: str = "Storage is unavailable; nothing was saved. Please retry.", retry_after: int = 2
    ):
        super().__init__(message)
        self.retry_after = retry_after


class ScoringUnavailable(DomainError):
    """Comments could not be scored, so nothing of them was stored (an import never stores unscored)."""
