"""Who wrote or sent something, recognisable without being readable: keyed hashes with the app's secret."""

from __future__ import annotations

import hashlib
import hmac


def client_hash(secret: bytes, client_ip: str) -> str:
    """The same client is recognisable; its address is not stored."""
    return hmac.new(secret, f"ip:{client_ip}".encode(), hashlib.sha256).hexdigest()[:32]


def author_key(secret: bytes, email_hash: str | None, client: str | None) -> str | None:
    """The opaque key moderators act on: from the e-mail's hash when given, else the client's.
    Keyed with the secret, so the key can't be matched against a guessed address."""
    source = f"email:{email_hash}" if email_hash else f"client:{client}" if client else None
    if source is None:
        return None
    return hmac.new(secret, f"author:{source}".encode(), hashlib.sha256).hexdigest()[:24]
