"""The one place that maps domain errors to HTTP status codes and the contract's error codes."""

from __future__ import annotations

from dataclasses import dataclass

from moderation.errors import (
    CommentsClosed,
    DomainError,
    DuplicateComment,
    IdempotencyKeyReused,
    InvalidCursor,
    InvalidQuery,
    NoChange,
    NotFound,
    ParentNotFound,
    RateLimited,
    ScoringUnavailable,
    StorageUnavailable,
    VersionConflict,
)
from moderation.http.auth import Forbidden, Unauthorized


@dataclass(frozen=True)
class HttpError:
    status_code: int
    code: str
    headers: dict[str, str]


_STATUS: dict[type[DomainError], tuple[int, str]] = {
    InvalidCursor: (400, "invalid_cursor"),
    InvalidQuery: (400, "invalid_request"),
    Unauthorized: (401, "unauthorized"),
    Forbidden: (403, "forbidden"),
    NotFound: (404, "not_found"),
    DuplicateComment: (409, "duplicate_comment"),
    IdempotencyKeyReused: (409, "idempotency_key_reused"),
    VersionConflict: (409, "conflict"),
    NoChange: (409, "no_change"),
    CommentsClosed: (403, "comments_closed"),
    ParentNotFound: (422, "parent_not_found"),
    RateLimited: (429, "rate_limited"),
    StorageUnavailable: (503, "service_unavailable"),
    ScoringUnavailable: (503, "scoring_unavailable"),
}


def http_error(error: DomainError) -> HttpError:
    """Status, code and headers for a domain error (the nearest mapped ancestor decides)."""
    for kind in type(error).__mro__:
        if kind in _STATUS:
            status_code, code = _STATUS[kind]
            break
    else:
        status_code, code = 400, "bad_request"
    retry_after = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return HttpError(status_code, code, headers)
