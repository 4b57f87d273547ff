"""The widget's form token: signed proof of when the comment form was shown, and for which post.

`GET /posts/{post_id}/form` hands the widget `<issued at>.<nonce>.<signature>`, an HMAC-SHA256
with the app secret over the post id, the time and a random nonce: nothing is stored when it is
issued. The submission carries it back. A person takes seconds to write a comment; a bot that
fetches the form and posts at once, reuses one token for many posts, or makes one up does not,
and each of those is a signal for the spam filter (never an error: a false alarm must cost a
reader nothing). Using a token is remembered (by its nonce, until it expires) with the comment
it came with, so a replay is seen.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

# A token as issued: seconds, 22 base64url characters of nonce, 32 hex characters of MAC.
_TOKEN = re.compile(r"(?P<issued>[0-9]{1,12})\.(?P<nonce>[A-Za-z0-9_-]{22})\.(?P<mac>[0-9a-f]{32})")
# Clocks of two functions may differ a little; a token from further in the future was made up.
CLOCK_SKEW_SECONDS = 30


@dataclass(frozen=True)
class FormCheck:
    """What a submission's form token says: a signal (None when all is well) and, for a token
    that may be used now, the nonce to remember until it expires."""

    signal: str | None = None
    nonce: str | None = None
    expires_at: int = 0


class FormTokens:
    def __init__(self, secret: bytes, min_seconds: float, max_age_seconds: int):
        self._key = hashlib.sha256(b"form-token\0" + secret).digest()
        self._min_seconds = min_seconds
        self._max_age = max_age_seconds

    def issue(self, post_id: str, now: int) -> str:
        nonce = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=")
        return f"{now}.{nonce}.{self._mac(post_id, now, nonce)}"

    def check(self, post_id: str, token: str | None, from_widget: bool, now: float) -> FormCheck:
        """`too_fast`, `expired_form`, `tampered_form`, or `missing_form` (only when the request
        came from the widget, which always sends a token); other frontends' posts carry none."""
        if not token:
            return FormCheck("missing_form" if from_widget else None)
        match = _TOKEN.fullmatch(token)
        if not match:
            return FormCheck("tampered_form")
        issued, nonce = int(match["issued"]), match["nonce"]
        if not hmac.compare_digest(match["mac"], self._mac(post_id, issued, nonce)):
            return FormCheck("tampered_form")
        age = now - issued
        if age < -CLOCK_SKEW_SECONDS:
            return FormCheck("tampered_form")
        if age > self._max_age:
            return FormCheck("expired_form")
        expires_at = issued + self._max_age
        if age < self._min_seconds:
            return FormCheck("too_fast", nonce, expires_at)
        return FormCheck(None, nonce, expires_at)

    def _mac(self, post_id: str, issued: int, nonce: str) -> str:
        message = f"{post_id}\0{issued}\0{nonce}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]
