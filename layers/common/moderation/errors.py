"""Errors the service raises; each maps to one code of the contract's error envelope."""

from __future__ import annotations


class ServiceError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, details: object | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}


class InvalidCursor(ServiceError):
    code = "invalid_cursor"


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"


class ParentNotFound(ServiceError):
    status_code = 422
    code = "parent_not_found"


class CommentRejected(ServiceError):
    status_code = 422
    code = "comment_rejected"


class DuplicateComment(ServiceError):
    status_code = 409
    code = "duplicate_comment"


class IdempotencyKeyReused(ServiceError):
    status_code = 409
    code = "idempotency_key_reused"


class VersionConflict(ServiceError):
    status_code = 409
    code = "conflict"


class Unauthorized(ServiceError):
    status_code = 401
    code = "unauthorized"


class Forbidden(ServiceError):
    status_code = 403
    code = "forbidden"


class RateLimited(ServiceError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after: int):
        super().__init__(
            "Too many comments from you; please wait a moment.",
            details={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


class StorageUnavailable(ServiceError):
    status_code = 503
    code = "service_unavailable"

    def __init__(
        self, message: str = "Storage is unavailable; nothing was saved. Please retry.", retry_after: int = 2
    ):
        super().__init__(message, headers={"Retry-After": str(retry_after)})
