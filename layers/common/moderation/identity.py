"""Who wrote or sent something, recognisable without being readable: keyed hashes with the app's secret.

Standing (trust, bans, a first comment) belongs to what a person holds: their e-mail address, or
a reader key the widget keeps in its browser. The client's address is shared by everyone behind
the same office, campus or carrier NAT, so it only ever serves rate limits, spam signals and a
moderator's explicit address block, never an author's standing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from moderation.models.base import AuthorKeyKind

# A reader key is "<random id>.<signature>", both base64url of 16 bytes without padding.
_READER_KEY = re.compile(r"([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})")


def client_hash(secret: bytes, client_ip: str) -> str:
    """The same client is recognisable; its address is not stored."""
    return hmac.new(secret, f"ip:{client_ip}".encode(), hashlib.sha256).hexdigest()[:32]


def new_reader_key(secret: bytes) -> str:
    """A fresh reader key for a browser to keep: random, signed, so no one can make up another's."""
    reader = _base64url(secrets.token_bytes(16))
    return f"{reader}.{_reader_signature(secret, reader)}"


def reader_id(secret: bytes, reader_key: str | None) -> str | None:
    """The reader a key names, if we signed it; anything else (tampered, from another secret,
    not a key at all) names no one."""
    match = _READER_KEY.fullmatch(reader_key or "")
    if match is None:
        return None
    reader, signature = match.groups()
    return reader if hmac.compare_digest(signature, _reader_signature(secret, reader)) else None


@dataclass(frozen=True)
class AuthorIdentity:
    """The opaque key moderators act on, and what it was made from."""

    key: str
    kind: AuthorKeyKind


def author_identity(secret: bytes, email_hash: str | None, reader: str | None) -> AuthorIdentity | None:
    """From the e-mail's hash when given, else the reader's key; None without either. Keyed with
    the secret, so a key can't be matched against a guessed address. The e-mail's key is the one
    authors had before reader keys, so their records carry on."""
    if email_hash:
        return AuthorIdentity(_author_key(secret, f"email:{email_hash}"), "email")
    if reader:
        return AuthorIdentity(_author_key(secret, f"reader:{reader}"), "browser")
    return None


def _author_key(secret: bytes, source: str) -> str:
    return hmac.new(secret, f"author:{source}".encode(), hashlib.sha256).hexdigest()[:24]


def _reader_signature(secret: bytes, reader: str) -> str:
    return _base64url(hmac.new(secret, f"reader-key:{reader}".encode(), hashlib.sha256).digest()[:16])


def _base64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
