"""What a new comment's submission reads before it is decided, in one round trip.

The idempotency record, the post's settings, the client's rate log, the author's record, the
comment replied to, a block on the client's address, the form token's use and the text's
near-duplicate bands (store.spam_marks) are one consistent BatchGetItem (with the client's log
of nudges when the comment asks for one), not a GetItem each, one after the other. Each was
read before the comment's transaction either way, and that transaction's conditions (the key
unused, the rate log at the version read, the parent's reply bookkeeping unchanged, the token
unused) hold as before, so reading them at once lets no concurrent request win what it couldn't.
The spam filter's counts for the comment's own tokens (at most tokens.MAX_TOKENS, and the site's
totals) are read in the same call: at most 100 keys, one request (BatchGetItem's limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from moderation.models.authors import AuthorRecord, PostSettings
from moderation.models.comments import StoredComment
from moderation.rate_limit import RateLog
from moderation.spam.bayes import Counts
from moderation.store.addresses import address_block_key, blocked_until_from_item
from moderation.store.authors import author_item_key, author_record
from moderation.store.guards import (
    IdempotencyRecord,
    idempotency_from_item,
    idempotency_key,
    rate_key,
    rate_log_from_item,
)
from moderation.store.part import StorePart
from moderation.store.posts import post_key, post_settings_from_item
from moderation.store.spam import SpamStateCorrupt, learnt_counts, spam_keys
from moderation.store.spam_marks import SimilarText, form_use_key, form_used, similar_text, text_band_key
from moderation.store.table import batch_get, comment_from_item, comment_key


@dataclass(frozen=True)
class SubmissionKeys:
    """Whose records a submission needs: the post's always, the others when it has them."""

    post_id: str
    idempotency_hash: str | None = None
    client_hash: str | None = None
    author_key: str | None = None
    parent_id: str | None = None
    nudge_log: str | None = None
    address_hash: str | None = None
    """The client's hash, to see whether a moderator blocked its address."""
    form_nonce: str | None = None
    text_bands: tuple[str, ...] = ()
    spam_tokens: tuple[str, ...] = ()


logger = Logger(child=True)


@dataclass(frozen=True)
class SubmissionReads:
    """What storage held for a submission; None where nothing was asked for (or, for the key's
    record and the parent, nothing was found)."""

    post: PostSettings
    idempotency: IdempotencyRecord | None = None
    rate_log: RateLog | None = None
    author: AuthorRecord | None = None
    nudge_log: RateLog | None = None
    parent: StoredComment | None = None
    address_blocked: bool = False
    form_used: bool = False
    similar_texts: tuple[SimilarText, ...] = ()
    spam: Counts | None = None
    """The site's spam counts for the tokens asked for; None when none were, or they are unreadable."""


class Submissions(StorePart):
    def submission_reads(self, wanted: SubmissionKeys, now: int) -> SubmissionReads:
        keys = {"post": post_key(wanted.post_id)}
        if wanted.idempotency_hash:
            keys["idempotency"] = idempotency_key(wanted.post_id, wanted.idempotency_hash)
        if wanted.client_hash:
            keys["rate"] = rate_key(wanted.client_hash)
        if wanted.author_key:
            keys["author"] = author_item_key(wanted.author_key)
        if wanted.parent_id:
            keys["parent"] = comment_key(wanted.parent_id)
        if wanted.nudge_log:
            keys["nudge"] = rate_key(wanted.nudge_log)
        if wanted.address_hash:
            keys["block"] = address_block_key(wanted.address_hash)
        if wanted.form_nonce:
            keys["form"] = form_use_key(wanted.form_nonce)
        for digest in wanted.text_bands:
            keys[f"band:{digest}"] = text_band_key(digest)
        wanted_spam = spam_keys(wanted.spam_tokens) if wanted.spam_tokens else []
        items = batch_get(self._db, [*keys.values(), *wanted_spam], {"ConsistentRead": True})
        by_key = {(str(item["pk"]), str(item["sk"])): item for item in items}
        found: dict[str, dict[str, Any] | None] = {
            name: by_key.get((key["pk"], key["sk"])) for name, key in keys.items()
        }
        parent = found.get("parent")
        bands = (found.get(f"band:{digest}") for digest in wanted.text_bands)
        similar = (similar_text(item, now) for item in bands if item)
        return SubmissionReads(
            post=post_settings_from_item(wanted.post_id, found["post"]),
            idempotency=idempotency_from_item(found.get("idempotency"), now),
            rate_log=rate_log_from_item(found["rate"]) if wanted.client_hash else None,
            author=author_record(wanted.author_key, found["author"]) if wanted.author_key else None,
            parent=comment_from_item(parent) if parent else None,
            nudge_log=rate_log_from_item(found["nudge"]) if wanted.nudge_log else None,
            address_blocked=blocked_until_from_item(found.get("block"), now) is not None,
            form_used=form_used(found.get("form"), now),
            similar_texts=tuple(text for text in similar if text),
            spam=_spam_counts(by_key) if wanted_spam else None,
        )


def _spam_counts(by_key: dict[tuple[str, str], dict[str, Any]]) -> Counts | None:
    try:
        return learnt_counts(by_key)
    except SpamStateCorrupt:
        logger.exception("the spam filter's state is unreadable; holding the comment")
        return None
