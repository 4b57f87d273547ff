"""Opaque, tamper-evident page cursors: the store's last key, signed and bound to its listing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from moderation.errors import InvalidCursor


class CursorCodec:
    def __init__(self, secret: bytes):
        self._key = hmac.new(secret, b"cursor", hashlib.sha256).digest()

    def encode(self, last_key: dict[str, Any], scope: str) -> str:
        payload = json.dumps(last_key, sort_keys=True, separators=(",", ":")).encode()
        signature = self._sign(payload, scope)
        return _b64(payload) + "." + _b64(signature)

    def decode(self, cursor: str, scope: str) -> dict[str, Any]:
        """The last key, if the cursor was made by us for this same listing; else InvalidCursor."""
        try:
            payload_text, signature_text = cursor.split(".")
            payload = _unb64(payload_text)
            signature = _unb64(signature_text)
        except ValueError as error:
            raise InvalidCursor("The cursor is malformed; start again without one.") from error
        if not hmac.compare_digest(signature, self._sign(payload, scope)):
            raise InvalidCursor("The cursor does not belong to this listing; start again without one.")
        value = json.loads(payload)
        if not isinstance(value, dict):
            raise InvalidCursor("The cursor is malformed; start again without one.")
        return value

    def _sign(self, payload: bytes, scope: str) -> bytes:
        return hmac.new(self._key, scope.encode() + b"\0" + payload, hashlib.sha256).digest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text or not text.replace("-", "").replace("_", "").isalnum():
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
