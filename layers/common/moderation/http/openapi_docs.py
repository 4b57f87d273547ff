"""OpenAPI descriptions of responses, shared by the handlers so the document matches the contract."""

from __future__ import annotations

from types import UnionType
from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from moderation.models.base import ErrorResponse

# How long to wait before retrying, in seconds: sent with every 429 and 503.
RETRY_AFTER: dict[str, Any] = {
    "Retry-After": {
        "description": "seconds to wait before retrying",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}


def json_response(
    description: str,
    model: type[BaseModel] | UnionType = ErrorResponse,
    headers: dict[str, Any] | None = None,
) -> OpenAPIResponse:
    response: OpenAPIResponse = {
        "description": description,
        "content": {"application/json": {"model": model}},
    }
    if headers:
        response["headers"] = headers
    return response


COMMON_ERRORS: dict[int, OpenAPIResponse] = {
    400: json_response("invalid_json, invalid_post_id or invalid_cursor"),
    413: json_response("payload_too_large: the request body is over 16 KiB"),
    415: json_response("unsupported_media_type: the body is not JSON"),
    422: json_response("invalid_request: fields missing or invalid (details lists them)"),
    500: json_response("internal_error"),
    503: json_response(
        "service_unavailable: storage failed; retry after Retry-After seconds", headers=RETRY_AFTER
    ),
}
