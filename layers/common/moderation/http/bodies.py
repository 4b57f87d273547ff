"""A request body, checked once: JSON by its media type, at most 16 KiB, UTF-8, parseable without
surprises (no lone surrogates, no NaN, bounded nesting and numbers), and one JSON object."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

MAX_REQUEST_BYTES = 16 * 1024
# Far deeper than any request of the contract (two levels at most), far shallower than the parser's
# recursion limit.
MAX_DEPTH = 32
JSON_MEDIA_TYPE = "application/json"


class BodyRefused(Exception):
    def __init__(self, status_code: int, code: str, message: str, details: object | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details


def is_json_media_type(content_type: str | None) -> bool:
    """`application/json` in any case, with or without parameters (`; charset=utf-8`)."""
    media_type = (content_type or "").split(";", 1)[0].strip()
    return media_type.lower() == JSON_MEDIA_TYPE


def json_object_body(
    content_type: str | None, body: str | None, base64_encoded: bool, max_bytes: int = MAX_REQUEST_BYTES
) -> dict[str, Any]:
    """The body as a JSON object, or BodyRefused saying why (415, 413, 400 or 422)."""
    if not is_json_media_type(content_type):
        raise BodyRefused(415, "unsupported_media_type", "Send the request body as application/json.")
    raw = _raw_bytes(body or "", base64_encoded, max_bytes)
    try:
        text = raw.decode()
        value = json.loads(text, parse_constant=_refuse_constant)
        # A lone surrogate (`"\ud800"`) parses but is no Unicode text: nothing could store it.
        json.dumps(value, ensure_ascii=False).encode()
    except (ValueError, RecursionError) as error:
        # ValueError covers malformed JSON, bytes that are not UTF-8, surrogates and integers
        # longer than Python will convert; RecursionError, nesting deeper than the parser goes.
        raise _invalid_json() from error
    if _depth(value) > MAX_DEPTH:
        raise _invalid_json()
    if not isinstance(value, dict):
        raise BodyRefused(
            422,
            "invalid_request",
            "The request body must be one JSON object.",
            [{"field": "body", "in": "body", "message": "must be a JSON object", "type": "model_type"}],
        )
    return value


def _raw_bytes(body: str, base64_encoded: bool, max_bytes: int) -> bytes:
    # A base64 body is a third larger than the bytes it carries: refuse by size before decoding.
    size = len(body) * 3 // 4 if base64_encoded else len(body.encode(errors="surrogatepass"))
    if size > max_bytes:
        message = f"The request body must be at most {max_bytes} bytes."
        raise BodyRefused(413, "payload_too_large", message)
    if not base64_encoded:
        return body.encode(errors="surrogatepass")
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error as error:
        raise _invalid_json() from error


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _invalid_json() -> BodyRefused:
    return BodyRefused(400, "invalid_json", "The request body is not valid JSON.")
