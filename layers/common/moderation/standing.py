"""Who may publish at once: pre-moderation (everyone's comments, one post's, or new authors'), the
standing moderators gave an author (banned, trusted), and an address a moderator blocked. Pure,
like the policy it adjusts."""

from __future__ import annotations

from dataclasses import dataclass

from moderation.models.base import Status
from moderation.policy import Decision

BANNED_AUTHOR = "banned_author"
BLOCKED_ADDRESS = "blocked_address"
NEW_AUTHOR = "new_author"
PREMODERATED = "premoderated"


@dataclass(frozen=True)
class Standing:
    premoderate_all: bool = False
    """Every comment waits: PREMODERATE=all, or the post is pre-moderated."""
    new_author: bool = False
    """PREMODERATE=new_authors and the author has no published comment yet."""
    banned: bool = False
    trusted: bool = False
    address_blocked: bool = False
    """A moderator blocked the address it came from: every reader's comments from it wait."""


def apply_standing(decision: Decision, standing: Standing) -> Decision:
    """The policy's decision adjusted for the author and the post; never publishes what the word
    lists, the links or a failed scorer held, and never publishes what the model rejected."""
    if standing.banned or standing.address_blocked:
        held: Status = "rejected" if decision.status == "rejected" else "pending"
        why = [BANNED_AUTHOR] * standing.banned + [BLOCKED_ADDRESS] * standing.address_blocked
        return Decision(held, decision.score, [*decision.reasons, *why])
    status: Status = decision.status
    reasons = decision.reasons
    if standing.trusted and status == "pending":
        # Scores below the reject threshold no longer hold a trusted author.
        reasons = [reason for reason in reasons if not reason.startswith("score:")]
        status = "pending" if reasons else "published"
    if status == "published" and standing.premoderate_all:
        return Decision("pending", decision.score, [PREMODERATED])
    if status == "published" and standing.new_author and not standing.trusted:
        return Decision("pending", decision.score, [NEW_AUTHOR])
    return Decision(status, decision.score, reasons)
