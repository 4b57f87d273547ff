"""Domain events, derived from the table's stream: the one writer is the transaction, and every
reader (webhooks, alerts) sees the same change. Pure: images in, events out, no AWS."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from moderation.models.base import Status
from moderation.models.comments import StoredComment
from moderation.models.events import Event, EventType

REPORTED_REASON = "reported"

# A new comment's event names its status; `pending` reads as "held for review".
_NEW_COMMENT_EVENTS: dict[Status, EventType] = {
    "published": "comment.published",
    "pending": "comment.held",
    "rejected": "comment.rejected",
}
# Ids are derived, not random: a stream delivers at least once, so receivers may see an event
# twice and can drop the repeat by its id.
_EVENT_ID_NAMESPACE = uuid.UUID("5b0f3c1e-8a4e-4d59-9d57-6f1c2b7a9e10")


def events_from_record(
    old_image: Mapping[str, Any] | None,
    new_image: Mapping[str, Any] | None,
    event_name: str,
    changed_at: datetime | None = None,
) -> list[Event]:
    """The events one stream record stands for (deserialized images, `INSERT`/`MODIFY`/`REMOVE`).

    - INSERT of a comment: `comment.published`, `comment.held` or `comment.rejected`, by status
      (none for an imported comment: `moderation import` brings old comments, not new ones);
    - MODIFY that adds the `reported` reason to a comment: `comment.reported`;
    - MODIFY that changes a comment's status and records it in its history: `comment.decided`;
    - anything else (claims, reply counts, erasures that keep the status, other items, TTL
      deletions): no event.

    `changed_at` is the record's time, used when the comment itself does not date the change.
    """
    new = _comment(new_image)
    if new is None:
        return []
    if event_name == "INSERT":
        # An imported comment is not news: a blog's old comments must not arrive as new ones.
        if new.imported is not None:
            return []
        return [_event(_NEW_COMMENT_EVENTS[new.status], new, new.created_at)]
    old = _comment(old_image)
    if event_name != "MODIFY" or old is None:
        return []
    grew = len(new.history) > len(old.history)
    last_change = new.history[-1].at if grew and new.history else changed_at or new.created_at
    if REPORTED_REASON in new.reasons and REPORTED_REASON not in old.reasons:
        return [_event("comment.reported", new, last_change)]
    if grew and new.status != old.status:
        return [_event("comment.decided", new, last_change)]
    return []


def _comment(image: Mapping[str, Any] | None) -> StoredComment | None:
    # Only the store knows the table's keys; imported here, as it loads botocore.
    from moderation.store.decisions import Decisions

    return None if image is None else Decisions.comment_from_image(image)


def _event(kind: EventType, comment: StoredComment, at: datetime) -> Event:
    name = f"{comment.id}:{comment.version}:{kind}"
    return Event(id=str(uuid.uuid5(_EVENT_ID_NAMESPACE, name)), type=kind, at=at, comment=comment.public())
