"""What the spam signals remember between submissions: used form tokens and recent texts' bands.

A used form token is `FORM#<nonce>`, kept until the token expires; its put in the comment's
transaction fails if the nonce is still live, so two posts racing with one token can't both
pass as its first use. A recent text is one `TEXTBAND#<digest>` per MinHash band (see
spam.near_duplicates), naming the post and author it came from, kept a week: the submission
reads its own bands in its one BatchGetItem. Both expire by DynamoDB's TTL (`expires_at`).
Both name the comment (`comment_id`) and are listed in its `guard_keys` (spam_mark_pks): they
still recognise the author's text, so erasing the author deletes them with the guards, by key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moderation.models.comments import StoredComment
from moderation.store.table import TableAccess


class FormReplayRace(Exception):
    """Another comment with the same form token was stored first."""


@dataclass(frozen=True)
class SimilarText:
    """A recent comment that shared a band with the new one: where it was and who wrote it."""

    post_id: str
    author_key: str | None


def form_use_key(nonce: str) -> dict[str, str]:
    return {"pk": f"FORM#{nonce}", "sk": "FORM"}


def text_band_key(digest: str) -> dict[str, str]:
    return {"pk": f"TEXTBAND#{digest}", "sk": "TEXTBAND"}


def spam_mark_pks(form_nonce: str | None, text_bands: tuple[str, ...]) -> list[str]:
    """The pk of each item spam_mark_puts writes for these marks."""
    pks = [form_use_key(form_nonce)["pk"]] if form_nonce else []
    return pks + [text_band_key(digest)["pk"] for digest in text_bands]


def form_used(item: dict[str, Any] | None, now: int) -> bool:
    """Whether a token's nonce was used, and is still remembered (TTL deletes late)."""
    return item is not None and int(item["expires_at"]) >= now


def similar_text(item: dict[str, Any], now: int) -> SimilarText | None:
    if int(item["expires_at"]) < now:
        return None
    author = item.get("author_key")
    return SimilarText(post_id=str(item["post_id"]), author_key=str(author) if author else None)


def spam_mark_puts(
    db: TableAccess,
    comment: StoredComment,
    form_nonce: str | None,
    form_expires_at: int,
    text_bands: tuple[str, ...],
    text_bands_expire_at: int,
    now: int,
) -> list[dict[str, Any]]:
    """Transaction items: the token's first use (conditional) and the text's bands (the latest
    comment with a band names it)."""
    items: list[dict[str, Any]] = []
    if form_nonce:
        items.append(
            {
                "Put": {
                    "TableName": db.name,
                    "Item": {
                        **form_use_key(form_nonce),
                        "comment_id": comment.id,
                        "expires_at": form_expires_at,
                    },
                    "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
                    "ExpressionAttributeValues": {":now": now},
                }
            }
        )
    for digest in text_bands:
        item: dict[str, Any] = {
            **text_band_key(digest),
            "post_id": comment.post_id,
            "comment_id": comment.id,
            "expires_at": text_bands_expire_at,
        }
        if comment.author_key:
            item["author_key"] = comment.author_key
        items.append({"Put": {"TableName": db.name, "Item": item}})
    return items
