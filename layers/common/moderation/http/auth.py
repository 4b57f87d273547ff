"""Who is calling: the JWT authorizer's claims turned into a moderator, or 401 / 403."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from moderation.errors import DomainError
from moderation.models.base import Moderator

MODERATORS_GROUP = "moderators"
# Cognito puts `username` in access tokens and `cognito:username` in ID tokens.
IDENTITY_CLAIMS = ("username", "cognito:username", "email", "sub")


class Unauthorized(DomainError):
    """No identity in the request: no token, or one the authorizer did not accept."""


class Forbidden(DomainError):
    """A valid identity without the moderators group."""


def moderator_from_claims(claims: Mapping[str, Any]) -> Moderator:
    """The caller, if the claims show a member of the moderators group; else 401 or 403."""
    name = next((str(claims[key]) for key in IDENTITY_CLAIMS if claims.get(key)), None)
    if name is None:
        raise Unauthorized("Your sign-in was not accepted. Sign in again to get a new token.")
    if MODERATORS_GROUP not in groups_from_claim(claims.get("cognito:groups")):
        raise Forbidden(f"You are signed in, but not in the '{MODERATORS_GROUP}' group.")
    return Moderator(name)


def groups_from_claim(value: object) -> set[str]:
    """`cognito:groups` as a set: a JSON list, or the "[a b]" text HTTP API's authorizer passes on.

    Never split on commas: a group name may not contain a space, but "readers,moderators" is one
    (odd) name, not two groups.
    """
    if isinstance(value, list | tuple):
        return {str(group) for group in value}
    if not isinstance(value, str):
        return set()
    text = value.strip()
    if text.startswith('["'):
        try:
            parsed = json.loads(text)
        except ValueError:
            return set()
        return {str(group) for group in parsed} if isinstance(parsed, list) else set()
    if text.startswith("[") and text.endswith("]"):
        return set(text[1:-1].split())
    return set(text.split())
